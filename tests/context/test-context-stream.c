/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The build context read ahead on a thread: the same bytes as the tar
 * stream, errors that are not mistaken for the end, and a thread that
 * stops when the reader goes away. */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib-unix.h>

#include "context-test-utils.h"
#include "dockyard-build-context.h"
#include "dockyard-context-stream.h"
#include "dockyard-test-utils.h"

#define BIG_SIZE (5 * 1024 * 1024 + 17)

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* GLib opens the main context's and its worker's wake-up fds on first
 * use, which would otherwise count as leaks of the first async test. */
static void
open_glib_fds (void)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new ();
  g_autoptr(GAsyncResult) result = NULL;

  g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL,
                              dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
}

/* The producer threads, by the name the stream gives them. */
static guint
count_producers (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  guint n = 0;

  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *comm = NULL;

      /* A thread that has just ended has no comm any more. */
      if (g_file_get_contents (path, &comm, NULL, NULL)
          && g_str_equal (g_strchomp (comm), "context-stream"))
        n++;
    }

  return n;
}

/* Ending is asynchronous to the close, but prompt: milliseconds, with
 * seconds of slack for a loaded machine. */
static void
assert_producers_end (void)
{
  for (guint i = 0; i < 1000 && count_producers () > 0; i++)
    g_usleep (10 * 1000);

  g_assert_cmpuint (count_producers (), ==, 0);
}

/* TRUE when a worker thread of GLib's thread pools runs in this process.
 * Newer GLib (2.90 here) starts the pools' "pool-spawner" thread as soon as
 * a pool exists, whether or not a task ever runs in it: that one does not
 * count. */
static gboolean
has_pool_thread (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;

  while ((tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (path, &comm, NULL, NULL) && g_str_has_prefix (comm, "pool")
          && !g_str_equal (comm, "pool-spawner\n"))
        return TRUE;
    }

  return FALSE;
}

static void
write_big_file (const char *root,
                const char *rel)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autofree guint32 *data = g_new (guint32, BIG_SIZE / 4 + 1);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GError) error = NULL;

  /* Not compressible, not periodic: a block sent twice or skipped shows. */
  for (guint i = 0; i < BIG_SIZE / 4 + 1; i++)
    data[i] = g_rand_int (rand);

  g_file_set_contents (path, (const char *) data, BIG_SIZE, &error);
  g_assert_no_error (error);
}

static char *
make_context (void)
{
  char *root = context_test_make_dir ();

  context_test_write (root, "Dockerfile", "FROM scratch\nCOPY . /\n");
  context_test_write (root, ".dockerignore", "*.tmp\n");
  context_test_write (root, "a.txt", "a\n");
  context_test_write (root, "ignored.tmp", "never sent\n");
  context_test_write (root, "sub dir/nested/b", "b\n");
  context_test_write (root, "sub dir/empty", "");
  context_test_mkdir (root, "empty dir");
  context_test_symlink (root, "link", "a.txt");
  context_test_mkdir (root, "data");
  write_big_file (root, "data/big.bin");
  context_test_write (root, "z-last", "the end\n");

  return root;
}

static GInputStream *
open_tar (const char *root)
{
  g_autoptr(GFile) dir = g_file_new_for_path (root);
  g_autoptr(DockyardBuildContext) context = dockyard_build_context_new (dir, NULL);
  g_autoptr(GError) error = NULL;
  GInputStream *stream;

  stream = dockyard_build_context_open_tar_stream (context, NULL, &error);
  g_assert_no_error (error);

  return stream;
}

static GInputStream *
open_context_stream (const char   *root,
                     GCancellable *cancellable)
{
  g_autoptr(GInputStream) tar = open_tar (root);
  g_autoptr(GError) error = NULL;
  GInputStream *stream;

  stream = dockyard_context_stream_new (tar, cancellable, &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_POLLABLE_INPUT_STREAM (stream));
  g_assert_true (g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (stream)));

  return stream;
}

/* Reads on the calling thread, in reads of varying sizes. */
static GBytes *
read_sync (GInputStream  *stream,
           GError       **error)
{
  g_autoptr(GByteArray) all = g_byte_array_new ();
  static const gsize sizes[] = { 1, 511, 8192, 100000, 1 << 20 };
  g_autofree guint8 *buffer = g_malloc (1 << 20);

  for (guint i = 0;; i++)
    {
      gssize n = g_input_stream_read (stream, buffer, sizes[i % G_N_ELEMENTS (sizes)],
                                      NULL, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_byte_array_append (all, buffer, n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&all));
}

/* Reads as libsoup reads a request body: g_input_stream_read_async(),
 * 8 KiB at a time, from the main loop. */
static GBytes *
read_async (GInputStream  *stream,
            GError       **error)
{
  g_autoptr(GByteArray) all = g_byte_array_new ();
  guint8 buffer[8192];

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      gssize n;

      g_input_stream_read_async (stream, buffer, sizeof buffer, G_PRIORITY_DEFAULT, NULL,
                                 dockyard_test_store_result_cb, &result);
      dockyard_test_wait_for_async (&result);
      n = g_input_stream_read_finish (stream, result, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_byte_array_append (all, buffer, n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&all));
}

static void
assert_same_as_tar (const char *root,
                    GBytes     *streamed)
{
  g_autoptr(GInputStream) tar = open_tar (root);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = read_sync (tar, &error);
  g_autoptr(GPtrArray) entries = NULL;
  TarEntry *entry;

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (expected), >, BIG_SIZE);
  g_assert_cmpmem (g_bytes_get_data (streamed, NULL), g_bytes_get_size (streamed),
                   g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));

  /* And a tar with everything in it, not two equally broken ones. */
  entries = context_test_read_tar (streamed);
  entry = context_test_find_entry (entries, "data/big.bin");
  g_assert_nonnull (entry);
  g_assert_cmpint (entry->size, ==, BIG_SIZE);
  g_assert_nonnull (context_test_find_entry (entries, "z-last"));
  g_assert_null (context_test_find_entry (entries, "ignored.tmp"));
}

/* Runs in a subprocess so that no earlier test's pool threads are about. */
static void
test_identical_async (void)
{
  g_autofree char *root = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) streamed = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  root = make_context ();
  stream = open_context_stream (root, NULL);
  streamed = read_async (stream, &error);
  g_assert_no_error (error);

  /* The pollable path: reading took no thread from GIO's pool. */
  g_assert_false (has_pool_thread ());

  g_assert_true (g_input_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  assert_same_as_tar (root, streamed);
  assert_producers_end ();
  context_test_remove_tree (root);
}

static void
test_identical_sync (void)
{
  g_autofree char *root = make_context ();
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) streamed = NULL;
  g_autoptr(GError) error = NULL;
  guint fds = count_open_fds ();

  stream = open_context_stream (root, NULL);
  streamed = read_sync (stream, &error);
  g_assert_no_error (error);
  /* The end stays the end. */
  g_assert_cmpint (g_input_stream_skip (stream, 1, NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_clear_object (&stream);

  assert_same_as_tar (root, streamed);
  assert_producers_end ();
  g_assert_cmpuint (count_open_fds (), ==, fds);
  context_test_remove_tree (root);
}

static void
check_unreadable (const char *root)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  /* Not an early end of file: a tar cut short would look valid. */
  stream = open_context_stream (root, NULL);
  bytes = read_async (stream, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "sub dir/secret file"));
  g_assert_null (bytes);
  g_clear_error (&error);

  /* The error again, not the end, if the reader tries once more. */
  g_assert_cmpint (g_input_stream_skip (stream, 1, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_clear_object (&stream);

  stream = open_context_stream (root, NULL);
  bytes = read_sync (stream, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "sub dir/secret file"));
  g_clear_object (&stream);

  assert_producers_end ();
}

static void
test_unreadable (void)
{
  g_autofree char *root = NULL;
  g_autofree char *secret = NULL;

  if (g_test_subprocess ())
    {
      /* Root reads everything: this part runs as nobody. */
      g_assert_no_errno (setgid (65534));
      g_assert_no_errno (setuid (65534));
      /* setuid() makes the process undumpable, which stops LeakSanitizer
       * from inspecting it at exit. */
      g_assert_no_errno (prctl (PR_SET_DUMPABLE, 1, 0, 0, 0));
      check_unreadable (g_getenv ("DOCKYARD_TEST_UNREADABLE_ROOT"));
      return;
    }

  root = make_context ();
  secret = g_build_filename (root, "sub dir/secret file", NULL);
  context_test_write (root, "sub dir/secret file", "secret");
  g_assert_no_errno (g_chmod (secret, 0000));

  if (getuid () == 0)
    {
      g_setenv ("DOCKYARD_TEST_UNREADABLE_ROOT", root, TRUE);
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
    }
  else
    check_unreadable (root);

  context_test_remove_tree (root);
}

/* A context far larger than the socket's buffer, so that the producer is
 * blocked on a full socket when the reader goes away. */
static char *
make_large_context (void)
{
  char *root = context_test_make_dir ();
  g_autofree char *big = g_build_filename (root, "big", NULL);
  int fd;

  context_test_write (root, "Dockerfile", "FROM scratch\n");
  fd = open (big, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_no_errno (ftruncate (fd, 64 * 1024 * 1024));
  close (fd);

  return root;
}

static void
read_a_little (GInputStream *stream)
{
  g_autoptr(GError) error = NULL;
  char buffer[4096];

  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (g_input_stream_read (stream, buffer, sizeof buffer, NULL, &error), >, 0);
  g_assert_no_error (error);

  /* Time for the producer to fill the socket and block. */
  g_usleep (100 * 1000);
  g_assert_cmpuint (count_producers (), ==, 1);
}

static void
test_close_early (void)
{
  g_autofree char *root = make_large_context ();
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint fds;

  open_glib_fds ();
  fds = count_open_fds ();

  /* Closed... */
  stream = open_context_stream (root, NULL);
  read_a_little (stream);
  g_assert_true (g_input_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  assert_producers_end ();
  g_assert_cmpuint (count_open_fds (), ==, fds);
  g_clear_object (&stream);

  /* ...closed asynchronously, as libsoup does... */
  stream = open_context_stream (root, NULL);
  read_a_little (stream);
  g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL,
                              dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (g_input_stream_close_finish (stream, result, &error));
  g_assert_no_error (error);
  assert_producers_end ();
  g_assert_cmpuint (count_open_fds (), ==, fds);
  g_clear_object (&stream);

  /* ...or just dropped. */
  stream = open_context_stream (root, NULL);
  read_a_little (stream);
  g_clear_object (&stream);
  assert_producers_end ();
  g_assert_cmpuint (count_open_fds (), ==, fds);

  context_test_remove_tree (root);
}

/* The caller's cancellable stops the producer, and the reader learns of
 * it as an error once it has read what came before. */
static void
test_cancel (void)
{
  g_autofree char *root = make_large_context ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint fds;

  open_glib_fds ();
  fds = count_open_fds ();

  stream = open_context_stream (root, cancellable);
  read_a_little (stream);
  g_cancellable_cancel (cancellable);
  bytes = read_async (stream, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (bytes);
  assert_producers_end ();
  g_clear_object (&stream);
  g_assert_cmpuint (count_open_fds (), ==, fds);

  /* Cancelled before it starts. */
  stream = open_context_stream (root, cancellable);
  g_clear_error (&error);
  bytes = read_sync (stream, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&stream);
  assert_producers_end ();
  g_assert_cmpuint (count_open_fds (), ==, fds);

  context_test_remove_tree (root);
}

static gpointer
cancel_later_thread (gpointer data)
{
  g_usleep (50 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

/* A source that has nothing to give yet (a slow disk, say): the reader's
 * own cancellable ends its wait, sync or async, and closing the stream
 * stops a producer that is blocked reading the source. */
static void
test_stalled_source (void)
{
  g_autoptr(GInputStream) source = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GThread) thread = NULL;
  g_autoptr(GError) error = NULL;
  guint fds;
  char buffer[64];
  int pipe_fds[2];

  open_glib_fds ();
  fds = count_open_fds ();
  g_unix_open_pipe (pipe_fds, FD_CLOEXEC, &error);
  g_assert_no_error (error);
  source = g_unix_input_stream_new (pipe_fds[0], TRUE);
  g_assert_cmpint (write (pipe_fds[1], "abc", 3), ==, 3);

  stream = dockyard_context_stream_new (source, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&source);

  g_assert_cmpint (g_input_stream_read (stream, buffer, sizeof buffer, NULL, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_false (g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (stream)));
  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream),
                                                             buffer, sizeof buffer, NULL, &error),
                   ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);

  thread = g_thread_new ("cancel-later", cancel_later_thread, cancellable);
  g_assert_cmpint (g_input_stream_read (stream, buffer, sizeof buffer, cancellable, &error),
                   ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_thread_join (g_steal_pointer (&thread));

  g_cancellable_reset (cancellable);
  g_input_stream_read_async (stream, buffer, sizeof buffer, G_PRIORITY_DEFAULT, cancellable,
                             dockyard_test_store_result_cb, &result);
  g_cancellable_cancel (cancellable);
  dockyard_test_wait_for_async (&result);
  g_assert_cmpint (g_input_stream_read_finish (stream, result, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);

  /* Data that comes after all still arrives. */
  g_assert_cmpint (write (pipe_fds[1], "de", 2), ==, 2);
  g_input_stream_read_async (stream, buffer, sizeof buffer, G_PRIORITY_DEFAULT, NULL,
                             dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_cmpint (g_input_stream_read_finish (stream, result, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpmem (buffer, 2, "de", 2);
  g_clear_object (&result);

  g_assert_cmpuint (count_producers (), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&stream));
  assert_producers_end ();
  close (pipe_fds[1]);
  g_assert_cmpuint (count_open_fds (), ==, fds);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/context-stream/identical-async", test_identical_async);
  g_test_add_func ("/context-stream/identical-sync", test_identical_sync);
  g_test_add_func ("/context-stream/unreadable", test_unreadable);
  g_test_add_func ("/context-stream/close-early", test_close_early);
  g_test_add_func ("/context-stream/cancel", test_cancel);
  g_test_add_func ("/context-stream/stalled-source", test_stalled_source);

  return g_test_run ();
}
