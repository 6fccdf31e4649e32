/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Project folders that would trip a naive walk, through the app's own
 * `dockyard --context-list DIR` (the walk every build does): 100,000 files,
 * symbolic link loops, and a folder swapped for a link while the build
 * context is being read.  FIFOs, sockets and names with newlines are
 * covered by tests/context (/context/tar, /context/tricky-names). */
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dockyard-build-context.h"
#include "dockyard-test-utils.h"

#define N_FILES 100000
#define N_DIRS 100

/* In /dev/shm when there is one: creating 100,000 files on a busy ext4 can
 * take over a minute, which measures the disk, not Dockyard. */
static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = NULL;

  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && access ("/dev/shm", W_OK) == 0)
    dir = g_mkdtemp (g_strdup ("/dev/shm/dockyard-hostile-XXXXXX"));
  if (dir == NULL)
    dir = g_dir_make_tmp ("dockyard-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_nonnull (dir);
  return dir;
}

static void
remove_dir (const char *dir)
{
  const char *argv[] = { "rm", "-rf", dir, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, NULL, NULL));
}

/* Runs dockyard --context-list DIR; returns its output, the status in @status. */
static char *
context_list (const char *dir,
              int        *status,
              double     *seconds)
{
  g_autofree char *binary = g_build_filename (g_getenv ("DOCKYARD_BUILD_DIR"), "app", "dockyard",
                                              NULL);
  const char *argv[] = { binary, "--context-list", dir, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  gint64 start = g_get_monotonic_time ();

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, status,
                &error);
  g_assert_no_error (error);
  *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (err != NULL && *err != '\0')
    g_test_message ("stderr: %s", err);
  return out;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      n++;
  return n;
}

static void
test_many_files (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *out = NULL;
  g_autofree char *dockerfile = g_build_filename (dir, "Dockerfile", NULL);
  gint64 start = g_get_monotonic_time ();
  double seconds;
  int status;

  g_assert_true (g_file_set_contents (dockerfile, "FROM scratch\n", -1, NULL));
  for (guint d = 0; d < N_DIRS; d++)
    {
      g_autofree char *sub = g_strdup_printf ("%s/d%03u", dir, d);

      g_assert_no_errno (g_mkdir (sub, 0755));
      for (guint f = 0; f < N_FILES / N_DIRS; f++)
        {
          g_autofree char *path = g_strdup_printf ("%s/f%04u.py", sub, f);
          int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

          g_assert_cmpint (fd, >=, 0);
          close (fd);
        }
    }
  g_test_message ("made %u files in %.1f s", N_FILES,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  out = context_list (dir, &status, &seconds);
  g_test_message ("--context-list of %u files: %.1f s", N_FILES + 1, seconds);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpuint (count_lines (out), ==, N_FILES + 1);
  g_assert_true (g_str_has_prefix (out, "Dockerfile\nd000/f0000.py\n"));
  g_assert_true (g_str_has_suffix (out, "d099/f0999.py\n"));
  /* Bounded: seconds, not minutes, even under the sanitizers. */
  g_assert_cmpfloat (seconds, <, 120.0);

  remove_dir (dir);
}

static void
test_symlink_loops (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *out = NULL;
  g_autofree char *path = NULL;
  double seconds;
  int status;

  path = g_build_filename (dir, "Dockerfile", NULL);
  g_assert_true (g_file_set_contents (path, "FROM scratch\n", -1, NULL));
  path = (g_free (path), g_build_filename (dir, "sub", NULL));
  g_assert_no_errno (g_mkdir (path, 0755));
  /* A link to its own folder, to the project's root, and a two-link cycle. */
  path = (g_free (path), g_build_filename (dir, "sub", "self", NULL));
  g_assert_no_errno (symlink (".", path));
  path = (g_free (path), g_build_filename (dir, "sub", "up", NULL));
  g_assert_no_errno (symlink ("..", path));
  path = (g_free (path), g_build_filename (dir, "ping", NULL));
  g_assert_no_errno (symlink ("pong", path));
  path = (g_free (path), g_build_filename (dir, "pong", NULL));
  g_assert_no_errno (symlink ("ping", path));
  path = (g_free (path), g_build_filename (dir, "root", NULL));
  g_assert_no_errno (symlink (dir, path));

  out = context_list (dir, &status, &seconds);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  /* Links are sent as links (as docker build does), never followed. */
  g_assert_cmpstr (out, ==, "Dockerfile\nping\npong\nroot\nsub/self\nsub/up\n");
  g_assert_cmpfloat (seconds, <, 30.0);

  remove_dir (dir);
}

/* Issue 16, item 7: a .dockerignore that is a link to /dev/zero (git
 * stores such links) or a FIFO fails the walk at once with a clear error. */
static void
test_special_ignore_files (void)
{
  const char *kinds[] = { "zero", "fifo" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *dir = make_dir ();
      g_autofree char *path = g_build_filename (dir, "Dockerfile", NULL);
      g_autofree char *out = NULL;
      double seconds;
      int status;

      g_assert_true (g_file_set_contents (path, "FROM scratch\n", -1, NULL));
      path = (g_free (path), g_build_filename (dir, i == 0 ? ".dockerignore" : "Dockerfile.dockerignore",
                                               NULL));
      if (i == 0)
        g_assert_no_errno (symlink ("/dev/zero", path));
      else
        g_assert_no_errno (mkfifo (path, 0600));

      out = context_list (dir, &status, &seconds);
      g_test_message ("%s: %.2f s", kinds[i], seconds);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), !=, 0);
      g_assert_cmpstr (out, ==, "");
      g_assert_cmpfloat (seconds, <, 10.0);

      remove_dir (dir);
    }
}

static gboolean
has_bytes (GByteArray *data,
           const char *needle)
{
  gsize len = strlen (needle);

  for (gsize i = 0; i + len <= data->len; i++)
    if (memcmp (data->data + i, needle, len) == 0)
      return TRUE;
  return FALSE;
}

/* Issue 16, item 1: code in the dev container (which has the project
 * mounted read-write) or anyone else swaps a folder for a link to a folder
 * outside the project while the upload is read.  Whatever the walk has
 * already seen, nothing from outside may get into the tar. */
static void
test_swap_folder_for_link (void)
{
  g_autofree char *parent = make_dir ();
  g_autofree char *project = g_build_filename (parent, "proj", NULL);
  g_autofree char *outside = g_build_filename (parent, "outside", NULL);
  g_autofree char *stash = g_build_filename (parent, "stash", NULL);
  g_autofree char *sub = g_build_filename (project, "sub", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(DockyardBuildContext) context = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  gboolean swapped = FALSE;
  guint8 buffer[512];
  gssize n;

  g_assert_no_errno (g_mkdir (project, 0755));
  g_assert_no_errno (g_mkdir (sub, 0755));
  g_assert_no_errno (g_mkdir (outside, 0755));
  path = g_build_filename (project, "Dockerfile", NULL);
  g_assert_true (g_file_set_contents (path, "FROM scratch\n", -1, NULL));
  path = (g_free (path), g_build_filename (sub, "secret", NULL));
  g_assert_true (g_file_set_contents (path, "inside-the-project\n", -1, NULL));
  path = (g_free (path), g_build_filename (outside, "secret", NULL));
  g_assert_true (g_file_set_contents (path, "OUTSIDE-SECRET\n", -1, NULL));

  dir = g_file_new_for_path (project);
  context = dockyard_build_context_new (dir, NULL);
  stream = dockyard_build_context_open_tar_stream (context, NULL, &error);
  g_assert_no_error (error);

  /* Swap as soon as the folder's own entry is out: the walk has listed it
   * and is about to read what is in it. */
  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, &error)) > 0)
    {
      g_byte_array_append (tar, buffer, n);
      if (!swapped && has_bytes (tar, "sub/"))
        {
          g_assert_no_errno (g_rename (sub, stash));
          g_assert_no_errno (symlink (outside, sub));
          swapped = TRUE;
        }
    }
  g_assert_no_error (error);
  g_assert_true (swapped);
  g_assert_false (has_bytes (tar, "OUTSIDE-SECRET"));

  remove_dir (parent);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/hostile-context/100000-files", test_many_files);
  g_test_add_func ("/hostile-context/symlink-loops", test_symlink_loops);
  g_test_add_func ("/hostile-context/swap-folder-for-link", test_swap_folder_for_link);
  g_test_add_func ("/hostile-context/special-ignore-files", test_special_ignore_files);

  return g_test_run ();
}
