/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Saving a Dockerfile when things go wrong: the project folder on a
 * read-only file system, and the app killed with SIGKILL in the middle of a
 * save.  The save under test is the app's own: `dockyard --check --fix DIR`,
 * which writes the fixed Dockerfile (and DIR/Dockerfile.orig) through a
 * temporary file renamed into place, as the Dockerfile page does; and the
 * temporary files such kills leave, which opening the project removes. */
#define _GNU_SOURCE 1
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dockyard-dockerfile.h"
#include "dockyard-test-utils.h"

/* Two findings with fixes: a pip install and an apt-get install without
 * cache mounts. */
#define FIXABLE_STAGE \
  "FROM python:3.11.2 AS stage%u\n" \
  "COPY requirements.txt .\n" \
  "RUN pip install -r requirements.txt\n" \
  "RUN apt-get update && apt-get install -y curl=7.88.1-10\n"

static char *
dockyard_binary (void)
{
  return g_build_filename (g_getenv ("DOCKYARD_BUILD_DIR"), "app", "dockyard", NULL);
}

static char *
make_project (const char *dockerfile)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("dockyard-save-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *reqs = NULL;

  g_assert_no_error (error);
  g_chmod (dir, 0755);
  path = g_build_filename (dir, "Dockerfile", NULL);
  reqs = g_build_filename (dir, "requirements.txt", NULL);
  g_file_set_contents (path, dockerfile, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (reqs, "requests==2.31.0\n", -1, &error);
  g_assert_no_error (error);
  return dir;
}

static void
remove_project (const char *dir)
{
  const char *argv[] = { "rm", "-rf", dir, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, NULL, NULL));
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

/* Sets the modification time of @name in @dir (of a link itself, not of
 * what it points to) @seconds into the past. */
static void
age_file (const char *dir,
          const char *name,
          int         seconds)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct timespec times[2];

  clock_gettime (CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= seconds;
  times[1] = times[0];
  g_assert_cmpint (utimensat (AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW), ==, 0);
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* The names in @dir that Dockyard's temporary files have: ".NAME.dockyard-XXXXXX". */
static GPtrArray *
list_temp_files (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GRegex) pattern = g_regex_new ("^\\..+\\.dockyard-[A-Za-z0-9]{6}$", 0, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_regex_match (pattern, name, 0, NULL))
      g_ptr_array_add (names, g_strdup (name));
  return names;
}

static void
open_project (const char *dir)
{
  g_autoptr(DockyardProject) project = dockyard_test_open_project (dir);

  g_assert_nonnull (project);
}

static gboolean
exists_no_follow (const char *dir,
                  const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct stat st;

  return lstat (path, &st) == 0;
}

/* Runs in the child before exec: a private mount namespace in which the
 * project folder is read-only even for root (EROFS), as on a read-only
 * disk; where namespaces are not allowed, uid 65534, for which the
 * root-owned folder is not writable (EACCES). */
static void
read_only_child_setup (gpointer data)
{
  const char *dir = data;

  if (unshare (CLONE_NEWNS) == 0 &&
      mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
      mount (dir, dir, NULL, MS_BIND, NULL) == 0 &&
      mount (NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) == 0)
    return;

  if (setgid (65534) != 0 || setuid (65534) != 0)
    _exit (111);
}

static void
test_read_only_folder (void)
{
  g_autofree char *original = g_strdup_printf (FIXABLE_STAGE, 1);
  g_autofree char *dir = make_project (original);
  g_autofree char *binary = dockyard_binary ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *after = NULL;
  g_autofree char *backup = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *argv[] = { binary, "--check", "--fix", dir, NULL };
  const char *name;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, read_only_child_setup, dir,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("dockyard --check --fix on a read-only folder: status %d, stderr: %s",
                  status, err);

  /* Exit status 2 ("cannot be written"), and a message naming the file. */
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_nonnull (strstr (err, "Dockerfile"));
  g_assert_true (strstr (err, "Read-only file system") != NULL ||
                 strstr (err, "Permission denied") != NULL);

  /* The original is intact, and nothing else appeared. */
  after = read_file (dir, "Dockerfile");
  g_assert_cmpstr (after, ==, original);
  backup = read_file (dir, "Dockerfile.orig");
  g_assert_null (backup);
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_assert_true (g_str_equal (name, "Dockerfile") || g_str_equal (name, "requirements.txt"));

  remove_project (dir);
}

/* Waits for the @nth file that @pid creates in the watched folder, then
 * kills it after @delay µs.  Returns whether it was killed before it ended. */
static gboolean
kill_at_nth_create (int    inotify_fd,
                    GPid   pid,
                    guint  nth,
                    gint64 delay)
{
  char buffer[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  guint seen = 0;
  int status;

  while (seen < nth)
    {
      struct pollfd pfd = { inotify_fd, POLLIN, 0 };
      ssize_t len;

      if (poll (&pfd, 1, 100) == 0)
        {
          /* Ended before writing that many files (or still linting). */
          if (waitpid (pid, &status, WNOHANG) == pid)
            return FALSE;
          continue;
        }
      len = read (inotify_fd, buffer, sizeof buffer);
      g_assert_cmpint (len, >, 0);
      for (char *p = buffer; p < buffer + len; )
        {
          struct inotify_event *event = (struct inotify_event *) p;

          if ((event->mask & IN_CREATE) != 0)
            seen++;
          p += sizeof (struct inotify_event) + event->len;
        }
    }

  if (delay > 0)
    g_usleep (delay);
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return WIFSIGNALED (status);
}

/* @data names the file that must come out whole: "Dockerfile" (old or new)
 * or "Dockerfile.orig" (absent or the whole original). */
static void
test_killed_during_save (gconstpointer data)
{
  const char *checked = data;
  guint n_torn = 0;
  GString *text = g_string_new (NULL);
  g_autofree char *original = NULL;
  g_autofree char *fixed = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *binary = dockyard_binary ();
  g_autofree char *dockerfile = NULL;
  g_autofree char *backup_path = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { binary, "--check", "--fix", NULL, NULL };
  guint n_old = 0, n_new = 0, n_killed = 0, n_runs = 25;
  int inotify_fd;
  int status;

  /* About 256 KB: big enough for a write that takes a while, small enough
   * that the linting before it stays short under the sanitizers. */
  for (guint i = 0; text->len < 256 * 1024; i++)
    g_string_append_printf (text, FIXABLE_STAGE, i);
  original = g_string_free (text, FALSE);

  /* The new version, from an uninterrupted run. */
  dir = make_project (original);
  argv[3] = dir;
  dockerfile = g_build_filename (dir, "Dockerfile", NULL);
  backup_path = g_build_filename (dir, "Dockerfile.orig", NULL);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  fixed = read_file (dir, "Dockerfile");
  g_assert_nonnull (fixed);
  g_assert_cmpstr (fixed, !=, original);

  /* Each run is killed just after it creates the temporary file of the
   * backup or of the Dockerfile: in the middle of the save. */
  inotify_fd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
  g_assert_cmpint (inotify_fd, >=, 0);
  g_assert_cmpint (inotify_add_watch (inotify_fd, dir, IN_CREATE), >=, 0);

  for (guint run = 0; run < n_runs; run++)
    {
      g_autofree char *now = NULL;
      g_autofree char *backup = NULL;
      g_autoptr(DockyardDockerfile) parsed = NULL;
      char drain[4096];
      GPid pid;
      guint nth = g_test_rand_int_range (1, 3);
      gint64 delay = g_test_rand_int_range (0, 3000);

      g_file_set_contents (dockerfile, original, -1, &error);
      g_assert_no_error (error);
      g_unlink (backup_path);
      while (read (inotify_fd, drain, sizeof drain) > 0)
        ;

      g_spawn_async (NULL, (char **) argv, NULL,
                     G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &pid, &error);
      g_assert_no_error (error);
      if (kill_at_nth_create (inotify_fd, pid, nth, delay))
        n_killed++;
      g_spawn_close_pid (pid);

      /* Either version, whole; never a mix or a truncated file. */
      now = read_file (dir, "Dockerfile");
      g_assert_nonnull (now);
      if (g_str_equal (now, original))
        n_old++;
      else if (g_str_equal (now, fixed))
        n_new++;
      else
        {
          g_test_message ("run %u (killed %" G_GINT64_FORMAT " µs after file %u appeared): the "
                          "Dockerfile is neither version (%zu bytes)", run, delay, nth, strlen (now));
          if (g_str_equal (checked, "Dockerfile"))
            n_torn++;
        }
      parsed = dockyard_dockerfile_new_from_data (now, -1, &error);
      g_assert_no_error (error);
      g_assert_nonnull (parsed);

      /* The backup, when there is one, is the whole original. */
      backup = read_file (dir, "Dockerfile.orig");
      if (backup != NULL && !g_str_equal (backup, original))
        {
          g_test_message ("run %u (killed %" G_GINT64_FORMAT " µs after file %u appeared): "
                          "Dockerfile.orig is not the whole original (%zu of %zu bytes)",
                          run, delay, nth, strlen (backup), strlen (original));
          if (g_str_equal (checked, "Dockerfile.orig"))
            n_torn++;
        }
    }

  close (inotify_fd);
  g_test_message ("%u runs, %u killed mid-save: %u left the old version, %u the new one",
                  n_runs, n_killed, n_old, n_new);

  /* What the kills left: only temporary files with Dockyard's names, which
   * opening the project removes once they are a minute old. */
  {
    g_autoptr(GPtrArray) leftovers = list_temp_files (dir);
    g_autoptr(GPtrArray) after = NULL;
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (listing)) != NULL)
      g_assert_true (g_str_equal (name, "Dockerfile") || g_str_equal (name, "Dockerfile.orig") ||
                     g_str_equal (name, "requirements.txt") ||
                     g_ptr_array_find_with_equal_func (leftovers, name, g_str_equal, NULL));
    g_test_message ("%u temporary files left by the kills", leftovers->len);

    for (guint i = 0; i < leftovers->len; i++)
      age_file (dir, g_ptr_array_index (leftovers, i), 120);
    open_project (dir);
    after = list_temp_files (dir);
    g_assert_cmpuint (after->len, ==, 0);
  }
  /* The kills did land inside saves. */
  g_assert_cmpuint (n_killed, >=, n_runs / 2);
  g_assert_cmpuint (n_torn, ==, 0);
  remove_project (dir);
}

/* A new project's files (`dockyard --init DIR`): killed right after it
 * creates one of them, each file is absent or whole, never empty or cut. */
static void
test_killed_during_init (void)
{
  g_autofree char *binary = dockyard_binary ();
  g_autofree char *reference = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "Dockerfile", ".dockerignore" };
  char *expected[G_N_ELEMENTS (names)];
  const char *argv[] = { binary, "--init", NULL, "--base", "python:3.11.2", NULL };
  guint n_runs = 40, n_killed = 0, n_torn = 0;
  int status;

  /* What an uninterrupted --init writes. */
  reference = g_dir_make_tmp ("dockyard-init-XXXXXX", &error);
  g_assert_no_error (error);
  argv[2] = reference;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      expected[i] = read_file (reference, names[i]);
      g_assert_nonnull (expected[i]);
      g_assert_cmpuint (strlen (expected[i]), >, 0);
    }

  for (guint run = 0; run < n_runs; run++)
    {
      g_autofree char *project = NULL;
      int inotify_fd;
      GPid pid;

      dir = (g_free (dir), g_dir_make_tmp ("dockyard-init-XXXXXX", &error));
      g_assert_no_error (error);
      project = g_build_filename (dir, "p", NULL);
      g_assert_no_errno (g_mkdir (project, 0755));
      inotify_fd = inotify_init1 (IN_CLOEXEC | IN_NONBLOCK);
      g_assert_cmpint (inotify_add_watch (inotify_fd, project, IN_CREATE), >=, 0);

      argv[2] = project;
      g_spawn_async (NULL, (char **) argv, NULL,
                     G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &pid, &error);
      g_assert_no_error (error);
      if (kill_at_nth_create (inotify_fd, pid, g_test_rand_int_range (1, 3),
                              g_test_rand_int_range (0, 300)))
        n_killed++;
      g_spawn_close_pid (pid);
      close (inotify_fd);

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *now = read_file (project, names[i]);

          if (now != NULL && !g_str_equal (now, expected[i]))
            {
              g_test_message ("run %u: %s is neither absent nor whole (%zu of %zu bytes)",
                              run, names[i], strlen (now), strlen (expected[i]));
              n_torn++;
            }
        }
      remove_project (dir);
    }

  g_test_message ("%u runs, %u killed while creating the files, %u files cut", n_runs, n_killed,
                  n_torn);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_free (expected[i]);
  remove_project (reference);
  g_assert_cmpuint (n_killed, >=, n_runs / 2);
  g_assert_cmpuint (n_torn, ==, 0);
}

/* Temporary files a killed save left (".NAME.dockyard-XXXXXX", a minute
 * old) are removed when the project is opened; nothing else is: not a
 * fresh one (a save in progress), not a user's file that merely looks
 * alike, not a link or a folder with such a name, not one in a subfolder. */
static void
test_stale_temp_files (void)
{
  g_autofree char *dir = make_project ("FROM python:3.11.2\n");
  g_autofree char *outside = NULL;
  g_autofree char *target = NULL;
  g_autofree char *link_path = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *contents = NULL;
  const char *stale[] = {
    ".Dockerfile.dockyard-a1B2c3",
    ".Dockerfile.orig.dockyard-Zz9Yy8",
    ".requirements.txt.dockyard-000000",
    ".requirements.txt.orig.dockyard-q7W8e9",
  };
  const char *kept[] = {
    ".Dockerfile.dockyard-notes",         /* five characters */
    ".Dockerfile.dockyard-a1B2c3d",       /* seven */
    ".Dockerfile.dockyard-a1B2_3",        /* not a letter or digit */
    ".Dockerfile.dockyard-a1B2c3.bak",
    "Dockerfile.dockyard-a1B2c3",         /* not hidden */
    ".dockyard-a1B2c3",                   /* no file name */
    "..dockyard-a1B2c3",                  /* an empty one */
    ".Dockerfile.Dockyard-a1B2c3",        /* another case */
    "Dockerfile.a1B2c3",                  /* GLib's own temporary names */
    ".goutputstream-a1B2c3",              /* GIO's */
  };

  for (guint i = 0; i < G_N_ELEMENTS (stale); i++)
    {
      write_file (dir, stale[i], "half a save");
      age_file (dir, stale[i], 120);
    }
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      write_file (dir, kept[i], "the user's");
      age_file (dir, kept[i], 120);
    }

  /* A save in progress. */
  write_file (dir, ".Dockerfile.dockyard-NoW123", "being written");

  /* A link named like a temporary file, to an old file outside: neither
   * is touched. */
  outside = g_dir_make_tmp ("dockyard-outside-XXXXXX", NULL);
  g_assert_nonnull (outside);
  write_file (outside, "precious", "keep me");
  age_file (outside, "precious", 120);
  target = g_build_filename (outside, "precious", NULL);
  link_path = g_build_filename (dir, ".Dockerfile.dockyard-LiNk01", NULL);
  g_assert_cmpint (symlink (target, link_path), ==, 0);
  age_file (dir, ".Dockerfile.dockyard-LiNk01", 120);

  /* A folder with such a name, and a stale-looking file in a subfolder. */
  sub = g_build_filename (dir, ".x.dockyard-DiR001", NULL);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  age_file (dir, ".x.dockyard-DiR001", 120);
  g_free (sub);
  sub = g_build_filename (dir, "src", NULL);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  write_file (sub, ".Dockerfile.dockyard-a1B2c3", "not ours to judge");
  age_file (sub, ".Dockerfile.dockyard-a1B2c3", 120);

  open_project (dir);

  for (guint i = 0; i < G_N_ELEMENTS (stale); i++)
    {
      g_test_message ("stale %s: %s", stale[i], exists_no_follow (dir, stale[i]) ? "kept" : "removed");
      g_assert_false (exists_no_follow (dir, stale[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_autofree char *path = g_build_filename (dir, kept[i], NULL);
      g_autofree char *text = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_assert_cmpstr (text, ==, "the user's");
    }
  g_assert_true (exists_no_follow (dir, ".Dockerfile.dockyard-NoW123"));
  g_assert_true (exists_no_follow (dir, ".Dockerfile.dockyard-LiNk01"));
  g_assert_true (g_file_test (link_path, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");
  g_assert_true (exists_no_follow (dir, ".x.dockyard-DiR001"));
  g_assert_true (exists_no_follow (sub, ".Dockerfile.dockyard-a1B2c3"));
  g_assert_true (exists_no_follow (dir, "Dockerfile"));

  remove_project (outside);
  remove_project (dir);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/save-faults/read-only-folder", test_read_only_folder);
  g_test_add_data_func ("/save-faults/killed-during-save/dockerfile", "Dockerfile",
                        test_killed_during_save);
  g_test_add_data_func ("/save-faults/killed-during-save/backup", "Dockerfile.orig",
                        test_killed_during_save);
  g_test_add_func ("/save-faults/killed-during-init", test_killed_during_init);
  g_test_add_func ("/save-faults/stale-temp-files", test_stale_temp_files);

  return g_test_run ();
}
