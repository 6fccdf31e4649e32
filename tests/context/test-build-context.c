/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The build context of a project folder: which files a build sends, and the
 * tar it sends them in. */
#include "config.h"

#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gunixsocketaddress.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context-test-utils.h"
#include "dockyard-build-context.h"
#include "dockyard-cli-context.h"
#include "dockyard-test-utils.h"

typedef struct
{
  char *root;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->root = context_test_make_dir ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  context_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

static void
assert_list (const char  *root,
             const char  *dockerfile_name,
             const char  *expected)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = context_test_list (root, dockerfile_name, &error);
  g_autofree char *joined = NULL;

  g_assert_no_error (error);
  joined = context_test_join ((const char * const *) files);
  g_assert_cmpstr (joined, ==, expected);
}

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  const char *root = fixture->root;

  context_test_write (root, "Dockerfile", "FROM scratch\n");
  context_test_write (root, ".dockerignore",
                      "# build output\n*.log\n!important.log\nbuild\n!build/keep\nsecret/\n"
                      "**/__pycache__\n");
  context_test_write (root, "app.py", "");
  context_test_write (root, "a.txt", "");
  context_test_write (root, "a/x", "");
  context_test_write (root, "debug.log", "");
  context_test_write (root, "important.log", "");
  context_test_write (root, "sub/debug.log", "");
  context_test_write (root, "build/out.o", "");
  context_test_write (root, "build/keep", "");
  context_test_write (root, "secret/key", "");
  context_test_write (root, "pkg/__pycache__/m.pyc", "");
  context_test_mkdir (root, "empty");

  /* Whole paths in byte order: "a.txt" before "a/x". */
  assert_list (root, NULL,
               ".dockerignore | Dockerfile | a.txt | a/x | app.py | build/keep | important.log"
               " | sub/debug.log");
}

/* Dockyard's own backups (NAME.orig, NAME.N.orig beside NAME) are left
 * out with no .dockerignore at all (issue 18, item 8: `COPY . .`); other
 * names ending in .orig are not theirs and go. */
static void
test_backups_left_out (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *root = fixture->root;

  context_test_write (root, "Dockerfile", "FROM scratch\n");
  context_test_write (root, "Dockerfile.orig", "FROM scratch\n");
  context_test_write (root, "Dockerfile.2.orig", "FROM scratch\n");
  context_test_write (root, "Dockerfile.12.orig", "FROM scratch\n");
  context_test_write (root, "reqs/requirements.txt", "");
  context_test_write (root, "reqs/requirements.txt.orig", "");
  context_test_write (root, "notes.orig", "");
  context_test_write (root, "app.1.orig", "");
  context_test_write (root, "app", "");
  context_test_write (root, ".orig", "");
  context_test_mkdir (root, "data");
  context_test_write (root, "data.orig", "");

  assert_list (root, NULL,
               ".orig | Dockerfile | app | app.1.orig | data.orig | notes.orig | reqs/requirements.txt");
}

static void
test_always_sent (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *root = fixture->root;
  g_autofree char *upper = NULL;

  context_test_write (root, "Dockerfile", "FROM scratch\n");
  context_test_write (root, ".dockerignore", "*\n");
  context_test_write (root, "src/main.c", "");
  assert_list (root, NULL, ".dockerignore | Dockerfile");

  /* A Dockerfile in an excluded folder is still sent, alone. */
  context_test_write (root, "ci/Dockerfile.ci", "FROM scratch\n");
  context_test_write (root, "ci/other", "");
  assert_list (root, "ci/Dockerfile.ci", ".dockerignore | ci/Dockerfile.ci");

  /* Like the docker client: "dockerfile" when there is no "Dockerfile". */
  upper = g_build_filename (root, "Dockerfile", NULL);
  g_assert_no_errno (g_unlink (upper));
  context_test_write (root, "dockerfile", "FROM scratch\n");
  assert_list (root, NULL, ".dockerignore | dockerfile");
}

static void
test_dockerfile_ignore_precedence (Fixture       *fixture,
                                   gconstpointer  data)
{
  const char *root = fixture->root;

  context_test_write (root, "Dockerfile", "FROM scratch\n");
  context_test_write (root, ".dockerignore", "a\n");
  context_test_write (root, "a", "");
  context_test_write (root, "b", "");
  context_test_write (root, "c", "");

  assert_list (root, NULL, ".dockerignore | Dockerfile | b | c");

  /* <Dockerfile>.dockerignore beside the Dockerfile replaces .dockerignore;
   * it is sent even when it excludes itself. */
  context_test_write (root, "Dockerfile.dockerignore", "b\n*.dockerignore\n");
  assert_list (root, NULL, ".dockerignore | Dockerfile | Dockerfile.dockerignore | a | c");

  /* For another Dockerfile, the one beside it counts, by its full name. */
  context_test_write (root, "docker/App.Dockerfile", "FROM scratch\n");
  context_test_write (root, "docker/App.Dockerfile.dockerignore", "c\ndocker\n");
  assert_list (root, "docker/App.Dockerfile",
               ".dockerignore | Dockerfile | Dockerfile.dockerignore | a | b"
               " | docker/App.Dockerfile | docker/App.Dockerfile.dockerignore");
}

static void
test_tar (Fixture       *fixture,
          gconstpointer  data)
{
  const char *root = fixture->root;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *script = g_build_filename (root, "run.sh", NULL);
  g_autofree char *private = g_build_filename (root, "private", NULL);
  g_autofree char *setuid = g_build_filename (root, "setuid", NULL);
  g_autofree char *fifo = g_build_filename (root, "fifo", NULL);
  g_autofree char *socket_path = g_build_filename (root, "sock", NULL);
  g_autofree char *link2 = g_build_filename (root, "z-hardlink", NULL);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  struct timespec times[2] = { { 1600000000, 123456789 }, { 1600000000, 123456789 } };
  TarEntry *entry;
  GString *order = g_string_new (NULL);
  g_autofree char *order_str = NULL;

  context_test_write (root, "Dockerfile", "FROM scratch\n");
  context_test_write (root, "run.sh", "#!/bin/sh\necho hi\n");
  g_assert_no_errno (g_chmod (script, 0755));
  g_assert_no_errno (utimensat (AT_FDCWD, script, times, 0));
  g_assert_no_errno (chown (script, 1234, 5678));
  context_test_write (root, "private", "p");
  g_assert_no_errno (g_chmod (private, 0600));
  context_test_write (root, "setuid", "");
  g_assert_no_errno (g_chmod (setuid, 04755));
  context_test_symlink (root, "link", "run.sh");
  context_test_symlink (root, "dangling", "../nowhere");
  context_test_symlink (root, "dirlink", "dir");
  context_test_write (root, "dir/inner", "inner");
  context_test_mkdir (root, "dir/empty");
  g_assert_no_errno (link (script, link2));
  g_assert_no_errno (mkfifo (fifo, 0644));

  /* A socket cannot go into a tar: Docker leaves it out, so do we. */
  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, 0, &error);
  g_assert_no_error (error);
  address = g_unix_socket_address_new (socket_path);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);

  entries = context_test_tar (root, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < entries->len; i++)
    {
      entry = g_ptr_array_index (entries, i);
      g_string_append_printf (order, "%s%s", i > 0 ? " " : "", entry->path);
      /* Owned by root whoever owns the files, with no names to leak. */
      g_assert_cmpint (entry->uid, ==, 0);
      g_assert_cmpint (entry->gid, ==, 0);
      g_assert_cmpstr (entry->uname ? entry->uname : "", ==, "");
      g_assert_cmpstr (entry->gname ? entry->gname : "", ==, "");
      g_assert_cmpint (entry->mtime_nsec, ==, 0);
    }

  /* Sorted walk, folders before their contents, no socket. */
  order_str = g_string_free (g_steal_pointer (&order), FALSE);
  g_assert_cmpstr (order_str, ==,
                   "Dockerfile dangling dir dir/empty dir/inner dirlink fifo link private run.sh"
                   " setuid z-hardlink");

  entry = context_test_find_entry (entries, "run.sh");
  g_assert_cmpuint (entry->type, ==, AE_IFREG);
  g_assert_cmpuint (entry->mode, ==, 0755);
  g_assert_cmpint (entry->mtime, ==, 1600000000);
  g_assert_cmpint (entry->size, ==, 18);
  g_assert_cmpmem (g_bytes_get_data (entry->data, NULL), g_bytes_get_size (entry->data),
                   "#!/bin/sh\necho hi\n", 18);

  entry = context_test_find_entry (entries, "private");
  g_assert_cmpuint (entry->mode, ==, 0600);
  entry = context_test_find_entry (entries, "setuid");
  g_assert_cmpuint (entry->mode, ==, 04755);

  entry = context_test_find_entry (entries, "link");
  g_assert_cmpuint (entry->type, ==, AE_IFLNK);
  g_assert_cmpstr (entry->symlink, ==, "run.sh");
  entry = context_test_find_entry (entries, "dangling");
  g_assert_cmpstr (entry->symlink, ==, "../nowhere");
  /* Not followed: a link to a folder stays a link. */
  entry = context_test_find_entry (entries, "dirlink");
  g_assert_cmpuint (entry->type, ==, AE_IFLNK);
  g_assert_null (context_test_find_entry (entries, "dirlink/inner"));

  entry = context_test_find_entry (entries, "dir");
  g_assert_cmpuint (entry->type, ==, AE_IFDIR);
  g_assert_cmpuint (entry->mode, ==, 0755);
  entry = context_test_find_entry (entries, "dir/empty");
  g_assert_cmpuint (entry->type, ==, AE_IFDIR);

  /* A second name of the same file is a hard link to the first, as Docker
   * sends it. */
  entry = context_test_find_entry (entries, "z-hardlink");
  g_assert_cmpstr (entry->hardlink, ==, "run.sh");
  g_assert_cmpint (entry->size, ==, 0);

  /* A FIFO is sent as a FIFO (Docker does the same), never opened. */
  entry = context_test_find_entry (entries, "fifo");
  g_assert_cmpuint (entry->type, ==, AE_IFIFO);

  g_unlink (socket_path);
}

static void
test_tricky_names (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char *names[] = {
    "with space", "double\"quote", "single'quote", "new\nline", "tab\there",
    "ünïcödé.txt", "日本語/ファイル", "back\\slash", "-dash", "x\xff-latin1",
    "dir with space/file name",
  };
  const char *root = fixture->root;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_auto(GStrv) files = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();

  context_test_write (root, "Dockerfile", "FROM scratch\n");
  context_test_write (root, ".dockerignore", "ignored *\n*.tmp\n");
  context_test_write (root, "ignored one", "");
  context_test_write (root, "x.tmp", "");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    context_test_write (root, names[i], names[i]);

  files = context_test_list (root, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (files), ==, G_N_ELEMENTS (names) + 2);

  entries = context_test_tar (root, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      TarEntry *entry;

      g_assert_true (g_strv_contains ((const char * const *) files, names[i]));
      entry = context_test_find_entry (entries, names[i]);
      g_assert_nonnull (entry);
      g_assert_cmpmem (g_bytes_get_data (entry->data, NULL), g_bytes_get_size (entry->data),
                       names[i], strlen (names[i]));
    }

  g_assert_false (g_strv_contains ((const char * const *) files, "ignored one"));
  g_assert_false (g_strv_contains ((const char * const *) files, "x.tmp"));
}

static void
check_unreadable (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  /* Before an upload starts... */
  files = context_test_list (root, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "sub dir/secret file"));
  g_assert_null (files);
  g_clear_error (&error);

  /* ...and through the stream, should it become unreadable later. */
  entries = context_test_tar (root, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (error->message, "sub dir/secret file"));
  g_assert_null (entries);
}

/* An unreadable file is an error that names it; an unreadable file that
 * .dockerignore excludes is no problem (it is never opened). */
static void
test_unreadable (void)
{
  g_autofree char *root = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *excluded = NULL;

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

  root = context_test_make_dir ();
  secret = g_build_filename (root, "sub dir/secret file", NULL);
  excluded = g_build_filename (root, "excluded", NULL);
  context_test_write (root, "Dockerfile", "FROM scratch\n");
  context_test_write (root, ".dockerignore", "excluded\n");
  context_test_write (root, "sub dir/secret file", "secret");
  g_assert_no_errno (g_chmod (secret, 0000));
  context_test_write (root, "excluded", "");
  g_assert_no_errno (g_chmod (excluded, 0000));

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

static void
test_invalid_dockerignore (Fixture       *fixture,
                           gconstpointer  data)
{
  const char *root = fixture->root;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  context_test_write (root, "Dockerfile", "FROM scratch\n");
  context_test_write (root, ".dockerignore", "ok\nbad[\n");

  files = context_test_list (root, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "bad["));
  g_clear_error (&error);

  entries = context_test_tar (root, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (entries);
}

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* The reader going away (request cancelled, engine gone) stops the archive
 * and releases the file being sent. */
static void
test_close_early (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *root = fixture->root;
  g_autoptr(GFile) dir = g_file_new_for_path (root);
  g_autoptr(DockyardBuildContext) context = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_build_filename (root, "big", NULL);
  char buffer[4096];
  guint fds;
  int fd;

  context_test_write (root, "Dockerfile", "FROM scratch\n");
  fd = open (big, O_WRONLY | O_CREAT, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_no_errno (ftruncate (fd, 8 * 1024 * 1024));
  close (fd);

  fds = count_open_fds ();
  context = dockyard_build_context_new (dir, NULL);

  stream = dockyard_build_context_open_tar_stream (context, NULL, &error);
  g_assert_no_error (error);
  /* Into the middle of "big": "big" and the folder it is in are open. */
  for (guint i = 0; i < 16; i++)
    g_assert_cmpint (g_input_stream_read (stream, buffer, sizeof buffer, NULL, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (count_open_fds (), ==, fds + 2);
  g_assert_true (g_input_stream_close (stream, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_open_fds (), ==, fds);
  g_clear_object (&stream);

  /* Cancelled: the read fails as cancelled and nothing stays open. */
  stream = dockyard_build_context_open_tar_stream (context, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_input_stream_read (stream, buffer, sizeof buffer, cancellable, &error), >, 0);
  g_cancellable_cancel (cancellable);
  g_assert_cmpint (g_input_stream_read (stream, buffer, sizeof buffer, cancellable, &error),
                   ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&stream);
  g_assert_cmpuint (count_open_fds (), ==, fds);
}

/* The whole tar of a context with a file larger than a chunk, byte-exact. */
static void
test_large_file (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *root = fixture->root;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GString) contents = g_string_new (NULL);
  TarEntry *entry;

  for (guint i = 0; contents->len < 3 * 1024 * 1024 + 17; i++)
    g_string_append_printf (contents, "line %u\n", i);
  context_test_write (root, "Dockerfile", "FROM scratch\n");
  context_test_write (root, "data", contents->str);

  entries = context_test_tar (root, NULL, &error);
  g_assert_no_error (error);
  entry = context_test_find_entry (entries, "data");
  g_assert_cmpint (entry->size, ==, contents->len);
  g_assert_cmpmem (g_bytes_get_data (entry->data, NULL), g_bytes_get_size (entry->data),
                   contents->str, contents->len);
}

/* `dockyard --context-list DIR`: one path per line, sorted. */
static void
test_cli (Fixture       *fixture,
          gconstpointer  data)
{
  const char *root = fixture->root;
  g_autofree char *out_path = g_strconcat (root, ".out", NULL);
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (root, "missing", NULL);
  int saved_stdout;
  int fd;
  int status;

  context_test_write (root, "Dockerfile", "FROM scratch\n");
  context_test_write (root, ".dockerignore", "*.o\n");
  context_test_write (root, "b c", "");
  context_test_write (root, "a/z", "");
  context_test_write (root, "a.o", "");
  context_test_symlink (root, "l", "b c");

  fflush (stdout);
  saved_stdout = dup (STDOUT_FILENO);
  fd = open (out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  dup2 (fd, STDOUT_FILENO);
  close (fd);
  status = dockyard_cli_context_list (root);
  fflush (stdout);
  dup2 (saved_stdout, STDOUT_FILENO);
  close (saved_stdout);

  g_assert_cmpint (status, ==, 0);
  g_file_get_contents (out_path, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (output, ==, ".dockerignore\nDockerfile\na/z\nb c\nl\n");
  g_unlink (out_path);

  if (g_test_subprocess ())
    {
      /* A folder that is not there: exit status 1, and a message. */
      g_assert_cmpint (dockyard_cli_context_list (missing), ==, 1);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*dockyard: Cannot read the folder*missing*");
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add ("/context/list", Fixture, NULL, fixture_setup, test_list, fixture_teardown);
  g_test_add ("/context/backups-left-out", Fixture, NULL,
              fixture_setup, test_backups_left_out, fixture_teardown);
  g_test_add ("/context/always-sent", Fixture, NULL,
              fixture_setup, test_always_sent, fixture_teardown);
  g_test_add ("/context/dockerfile-ignore-precedence", Fixture, NULL,
              fixture_setup, test_dockerfile_ignore_precedence, fixture_teardown);
  g_test_add ("/context/tar", Fixture, NULL, fixture_setup, test_tar, fixture_teardown);
  g_test_add ("/context/tricky-names", Fixture, NULL,
              fixture_setup, test_tricky_names, fixture_teardown);
  g_test_add_func ("/context/unreadable", test_unreadable);
  g_test_add ("/context/invalid-dockerignore", Fixture, NULL,
              fixture_setup, test_invalid_dockerignore, fixture_teardown);
  g_test_add ("/context/close-early", Fixture, NULL,
              fixture_setup, test_close_early, fixture_teardown);
  g_test_add ("/context/large-file", Fixture, NULL,
              fixture_setup, test_large_file, fixture_teardown);
  g_test_add ("/context/cli", Fixture, NULL, fixture_setup, test_cli, fixture_teardown);

  return g_test_run ();
}
