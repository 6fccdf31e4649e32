/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dockyard-cli.h"
#include "dockyard-dockerfile-generator.h"
#include "dockyard-test-utils.h"

/* The command line functions run in a subprocess (they print to stdout
 * and stderr); the child prints its exit status as a last line, since
 * GLib's trap API only tells passed from failed. */

static char *
make_project (const char *dockerfile,
              const char *requirements)
{
  g_autofree char *dir = g_dir_make_tmp ("dockyard-cli-XXXXXX", NULL);
  g_autofree char *proj = g_build_filename (dir, "proj", NULL);
  g_autofree char *df_path = g_build_filename (proj, "Dockerfile", NULL);

  g_assert_cmpint (g_mkdir (proj, 0755), ==, 0);
  if (dockerfile != NULL)
    g_assert_true (g_file_set_contents (df_path, dockerfile, -1, NULL));
  if (requirements != NULL)
    {
      g_autofree char *req_path = g_build_filename (proj, "requirements.txt", NULL);

      g_assert_true (g_file_set_contents (req_path, requirements, -1, NULL));
    }

  return g_steal_pointer (&dir);
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

/* Runs in the child: the arguments come through the environment. */
static void
child_main (void)
{
  const char *dir = g_getenv ("DOCKYARD_CLI_TEST_DIR");
  const char *mode = g_getenv ("DOCKYARD_CLI_TEST_MODE");
  g_auto(GStrv) args = g_strsplit (g_getenv ("DOCKYARD_CLI_TEST_ARGS"), " ", -1);
  int status;

  g_assert_cmpint (g_chdir (dir), ==, 0);
  if (g_str_equal (mode, "init"))
    status = dockyard_cli_init (args[0], args[1][0] != '\0' ? args[1] : NULL);
  else
    status = dockyard_cli_check ((const char * const *) args, g_str_equal (mode, "fix"),
                                 g_str_equal (mode, "json") ? DOCKYARD_CHECK_FORMAT_JSON
                                 : g_str_equal (mode, "sarif") ? DOCKYARD_CHECK_FORMAT_SARIF
                                 : DOCKYARD_CHECK_FORMAT_TEXT);
  g_print ("exit=%d\n", status);
  fflush (stdout);
  /* _exit: what the child leaks at exit (its own test state) is not
   * the subject here, and LeakSanitizer would turn it into a failure. */
  _exit (0);
}

static void
run_cli (const char *dir,
         const char *mode,
         const char *args)
{
  g_setenv ("DOCKYARD_CLI_TEST_DIR", dir, TRUE);
  g_setenv ("DOCKYARD_CLI_TEST_MODE", mode, TRUE);
  g_setenv ("DOCKYARD_CLI_TEST_ARGS", args, TRUE);
  g_test_trap_subprocess ("/dockerfile/cli/child", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_child (void)
{
  if (g_test_subprocess ())
    child_main ();
}

static void
test_check_warnings (void)
{
  g_autofree char *dir = make_project ("FROM python:3.8\n"
                                       "WORKDIR /usr/src/app\n"
                                       "COPY requirements.txt .\n"
                                       "RUN pip install -r requirements.txt\n",
                                       "numpy\nrequests==2.31.0\n");

  run_cli (dir, "check", "proj");
  g_test_trap_assert_stdout (
    "proj/Dockerfile:1:6: warning: base image tag “3.8” names no exact release; pin a full version (like 3.11.2) or add a digest [base-image-floating]\n"
    "proj/Dockerfile:4:1: warning: pip install without a cache mount on /root/.cache/pip: every rebuild downloads all packages again [pip-cache-mount]\n"
    "proj/requirements.txt:1:1: warning: requirement “numpy” is not pinned to one version; use numpy==VERSION [requirement-unpinned]\n"
    "exit=0\n");
  g_test_trap_assert_stderr ("dockyard: 1 Dockerfile checked: 0 errors, 3 warnings\n");

  /* the Dockerfile itself as the path: the same findings */
  run_cli (dir, "check", "proj/Dockerfile");
  g_test_trap_assert_stdout ("*proj/requirements.txt:1:1: warning:*exit=0\n");
}

/* Issue 16, items 2 and 7: includes that lead outside the project (an
 * absolute path, "..", a link) are not read, and the finding says so; a
 * link to /dev/zero and a FIFO are refused at once instead of read. */
static void
test_check_includes_not_read (void)
{
  g_autofree char *dir = make_project ("FROM python:3.11.2\n"
                                       "COPY requirements.txt .\n"
                                       "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
                                       NULL);
  g_autofree char *secret = g_build_filename (dir, ".pypirc", NULL);
  g_autofree char *outside = g_build_filename (dir, "outside.txt", NULL);
  g_autofree char *requirements = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (g_file_set_contents (secret, "[pypi]\npassword= pypi-SECRET\n", -1, NULL));
  g_assert_true (g_file_set_contents (outside, "password= pypi-SECRET2\n", -1, NULL));
  path = g_build_filename (dir, "proj", "link.txt", NULL);
  g_assert_no_errno (symlink ("../outside.txt", path));
  path = (g_free (path), g_build_filename (dir, "proj", "zero.txt", NULL));
  g_assert_no_errno (symlink ("/dev/zero", path));
  path = (g_free (path), g_build_filename (dir, "proj", "fifo.txt", NULL));
  g_assert_no_errno (mkfifo (path, 0600));
  requirements = g_strdup_printf ("-r %s\n-r ../outside.txt\n-r link.txt\n-r zero.txt\n"
                                  "-r fifo.txt\n-r /dev/zero\nflask\n", secret);
  path = (g_free (path), g_build_filename (dir, "proj", "requirements.txt", NULL));
  g_assert_true (g_file_set_contents (path, requirements, -1, NULL));

  g_setenv ("DOCKYARD_CLI_TEST_DIR", dir, TRUE);
  g_setenv ("DOCKYARD_CLI_TEST_MODE", "check", TRUE);
  g_setenv ("DOCKYARD_CLI_TEST_ARGS", "proj", TRUE);
  g_test_trap_subprocess ("/dockerfile/cli/child", 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  g_test_trap_assert_stdout_unmatched ("*pypi-SECRET*");
  expected = g_strdup_printf ("*proj/requirements.txt:1:1: warning: “%s” was not read, "
                              "so its requirements are not checked: “%s” is outside the project folder [requirements-not-read]\n"
                              "proj/requirements.txt:2:1: warning: “../outside.txt” was not read*outside the project folder*\n"
                              "proj/requirements.txt:3:1: warning: “link.txt” was not read*outside the project folder*\n"
                              "proj/requirements.txt:4:1: warning: “zero.txt” was not read*outside the project folder*\n"
                              "proj/requirements.txt:5:1: warning: “fifo.txt” was not read*is not a regular file*\n"
                              "proj/requirements.txt:6:1: warning: “/dev/zero” was not read*outside the project folder*\n"
                              "proj/requirements.txt:7:1: warning: requirement “flask” is not pinned*\n"
                              "exit=0\n", secret, secret);
  g_test_trap_assert_stdout (expected);

  path = (g_free (path), g_build_filename (dir, "proj", NULL));
  dockyard_test_remove_tree (dir);
}

/* Issue 16, item 7: a Dockerfile that is a link to /dev/zero, a FIFO, or
 * too big is refused at once, with a message that says why. */
static void
test_check_special_files (void)
{
  g_autofree char *dir = make_project (NULL, NULL);
  g_autofree char *path = NULL;
  g_autofree char *big = g_malloc (5 * 1024 * 1024);

  path = g_build_filename (dir, "proj", "Dockerfile", NULL);
  g_assert_no_errno (symlink ("/dev/zero", path));
  path = (g_free (path), g_build_filename (dir, "fifo.Dockerfile", NULL));
  g_assert_no_errno (mkfifo (path, 0600));
  memset (big, '#', 5 * 1024 * 1024);
  path = (g_free (path), g_build_filename (dir, "big.Dockerfile", NULL));
  g_assert_true (g_file_set_contents (path, big, 5 * 1024 * 1024, NULL));

  g_setenv ("DOCKYARD_CLI_TEST_DIR", dir, TRUE);
  g_setenv ("DOCKYARD_CLI_TEST_MODE", "check", TRUE);
  g_setenv ("DOCKYARD_CLI_TEST_ARGS", "proj fifo.Dockerfile big.Dockerfile", TRUE);
  g_test_trap_subprocess ("/dockerfile/cli/child", 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("exit=2\n");
  g_test_trap_assert_stderr ("*cannot read proj/Dockerfile: “*” is not a regular file*"
                             "cannot read fifo.Dockerfile: “*” is not a regular file*"
                             "cannot read big.Dockerfile: “*” is 5.2*MB; files over 4.2*MB are refused*");

  dockyard_test_remove_tree (dir);
}

/* Issue 16, item 6: --fix on a Dockerfile that is a link writes through the
 * link to its target inside the project (the link stays a link, the
 * target's previous text in TARGET.orig); a link out of the project is
 * refused and nothing is written. */
static void
test_fix_symlinked (void)
{
  const char *before = "FROM python:3.11.2\nRUN pip install flask==3.0.2\n";
  const char *fixed = "FROM python:3.11.2\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.2\n";
  g_autofree char *dir = make_project (NULL, NULL);
  g_autofree char *proj = g_build_filename (dir, "proj", NULL);
  g_autofree char *docker = g_build_filename (proj, "docker", NULL);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  struct stat st;

  g_assert_no_errno (g_mkdir (docker, 0755));
  path = g_build_filename (docker, "Dockerfile.real", NULL);
  g_assert_true (g_file_set_contents (path, before, -1, NULL));
  path = (g_free (path), g_build_filename (proj, "Dockerfile", NULL));
  g_assert_no_errno (symlink ("docker/Dockerfile.real", path));

  run_cli (dir, "fix", "proj");
  g_test_trap_assert_stdout ("*fixed: pip install without a cache mount*exit=0\n");
  g_assert_no_errno (lstat (path, &st));
  g_assert_true (S_ISLNK (st.st_mode));
  text = read_file (docker, "Dockerfile.real");
  g_assert_cmpstr (text, ==, fixed);
  g_free (text);
  text = read_file (docker, "Dockerfile.real.orig");
  g_assert_cmpstr (text, ==, before);
  g_assert_false (g_file_test (path = (g_free (path), g_build_filename (proj, "Dockerfile.orig", NULL)),
                               G_FILE_TEST_EXISTS));

  /* A link out of the project: refused. */
  path = (g_free (path), g_build_filename (dir, "outside.Dockerfile", NULL));
  g_assert_true (g_file_set_contents (path, before, -1, NULL));
  path = (g_free (path), g_build_filename (proj, "Dockerfile", NULL));
  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (symlink ("../outside.Dockerfile", path));
  run_cli (dir, "fix", "proj");
  g_test_trap_assert_stdout ("exit=2\n");
  g_test_trap_assert_stderr ("*cannot write proj/Dockerfile:*outside the project folder*");
  g_assert_no_errno (lstat (path, &st));
  g_assert_true (S_ISLNK (st.st_mode));
  g_free (text);
  text = read_file (dir, "outside.Dockerfile");
  g_assert_cmpstr (text, ==, before);
  g_assert_false (g_file_test (path = (g_free (path), g_build_filename (dir, "outside.Dockerfile.orig", NULL)),
                               G_FILE_TEST_EXISTS));

  dockyard_test_remove_tree (dir);
}

static void
test_check_errors_sorted (void)
{
  g_autofree char *dir = make_project ("FROM python:3.11.2\nRUN pip install flask==3.0.2\n", NULL);
  g_autofree char *other = g_build_filename (dir, "b.Dockerfile", NULL);
  g_autofree char *broken = g_build_filename (dir, "a.Dockerfile", NULL);

  g_assert_true (g_file_set_contents (other, "FROM python\nFROM python:latest\n", -1, NULL));
  g_assert_true (g_file_set_contents (broken, "FROM python:3.11.2\nENV X\n", -1, NULL));

  run_cli (dir, "check", "proj b.Dockerfile a.Dockerfile");
  g_test_trap_assert_stdout (
    "a.Dockerfile:2:1: error: line 2: ENV must have two arguments [parse-error]\n"
    "b.Dockerfile:1:6: error: base image “python” has no tag: it silently follows “latest”; pin an exact version [base-image-untagged]\n"
    "b.Dockerfile:2:6: error: base image “python:latest” uses the tag “latest”, which changes without notice; pin an exact version [base-image-latest]\n"
    "proj/Dockerfile:2:1: warning: pip install without a cache mount on /root/.cache/pip: every rebuild downloads all packages again [pip-cache-mount]\n"
    "exit=1\n");
}

static void
test_check_unreadable (void)
{
  g_autofree char *dir = make_project (NULL, NULL);
  g_autofree char *ok = g_build_filename (dir, "ok.Dockerfile", NULL);

  g_assert_true (g_file_set_contents (ok, "FROM python:3.11.2\n", -1, NULL));

  run_cli (dir, "check", "missing/Dockerfile proj ok.Dockerfile");
  g_test_trap_assert_stdout ("exit=2\n");
  g_test_trap_assert_stderr ("*cannot read missing/Dockerfile:*cannot read proj/Dockerfile:*");
}

static void
test_fix (void)
{
  const char *before =
    "# the app\n"
    "FROM python:3.11.2\n"
    "WORKDIR /usr/src/app\n"
    "RUN apt-get update && \\\n"
    "    apt-get install -y --no-install-recommends git=1:2.39.2-1.1\n"
    "COPY requirements.txt .\n"
    "RUN pip install -r requirements.txt\n"
    "CMD [\"bash\"]\n";
  g_autofree char *dir = make_project (before, "flask==3.0.2\n");
  g_autofree char *proj = g_build_filename (dir, "proj", NULL);
  g_autofree char *after = NULL;
  g_autofree char *orig = NULL;
  g_auto(GStrv) old_lines = NULL;

  run_cli (dir, "fix", "proj");
  g_test_trap_assert_stdout (
    "proj/Dockerfile:4:1: fixed: apt-get install without cache mounts on /var/cache/apt and /var/lib/apt: every rebuild downloads all packages again [apt-cache-mount]\n"
    "proj/Dockerfile:7:1: fixed: pip install without a cache mount on /root/.cache/pip: every rebuild downloads all packages again [pip-cache-mount]\n"
    "dockyard: applied 2 fixes; the previous files are kept with the suffix .orig\n"
    "exit=0\n");

  orig = read_file (proj, "Dockerfile.orig");
  g_assert_cmpstr (orig, ==, before);

  after = read_file (proj, "Dockerfile");
  g_assert_cmpstr (after, ==,
                   "# the app\n"
                   "FROM python:3.11.2\n"
                   "WORKDIR /usr/src/app\n"
                   "RUN rm -f /etc/apt/apt.conf.d/docker-clean && echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache\n"
                   "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && \\\n"
                   "    apt-get install -y --no-install-recommends git=1:2.39.2-1.1\n"
                   "COPY requirements.txt .\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n"
                   "CMD [\"bash\"]\n");

  /* After --fix, --check reports nothing; a second --fix changes nothing. */
  run_cli (dir, "check", "proj");
  g_test_trap_assert_stdout ("exit=0\n");
  run_cli (dir, "fix", "proj");
  g_test_trap_assert_stdout ("exit=0\n");
  g_free (orig);
  orig = read_file (proj, "Dockerfile.orig");
  g_assert_cmpstr (orig, ==, before);
}

static void
test_init (void)
{
  g_autofree char *dir = make_project (NULL, NULL);
  g_autofree char *proj = g_build_filename (dir, "new", NULL);
  g_autofree char *dockerfile = NULL;
  g_autofree char *ignore = NULL;
  g_autofree char *reqs = NULL;

  run_cli (dir, "init", "new python:3.11.2");
  g_test_trap_assert_stdout ("Created new/Dockerfile\nCreated new/.dockerignore\nCreated new/requirements.txt\nexit=0\n");

  dockerfile = read_file (proj, "Dockerfile");
  g_assert_cmpstr (dockerfile, ==,
                   "FROM python:3.11.2\n"
                   "WORKDIR /usr/src/app\n"
                   "COPY requirements.txt .\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n");
  ignore = read_file (proj, ".dockerignore");
  g_assert_true (strstr (ignore, ".git\n") != NULL);
  g_assert_true (strstr (ignore, "__pycache__") != NULL);
  g_assert_true (strstr (ignore, "*.pyc") != NULL);
  g_assert_true (strstr (ignore, ".venv\n") != NULL);
  g_assert_true (strstr (ignore, ".ipynb_checkpoints") != NULL);
  reqs = read_file (proj, "requirements.txt");
  g_assert_cmpstr (reqs, ==, "");

  /* the new project checks clean */
  run_cli (dir, "check", "new");
  g_test_trap_assert_stdout ("exit=0\n");

  /* never overwrites */
  {
    g_autofree char *path = g_build_filename (proj, "Dockerfile", NULL);

    g_assert_true (g_file_set_contents (path, "FROM mine\n", -1, NULL));
  }
  run_cli (dir, "init", "new python:3.12.2");
  g_test_trap_assert_stdout ("exit=2\n");
  g_test_trap_assert_stderr ("*new/Dockerfile already exists*");
  g_free (dockerfile);
  dockerfile = read_file (proj, "Dockerfile");
  g_assert_cmpstr (dockerfile, ==, "FROM mine\n");
}

static void
test_init_keeps_existing_files (void)
{
  g_autofree char *dir = make_project (NULL, "numpy==1.26.4\n");
  g_autofree char *proj = g_build_filename (dir, "proj", NULL);
  g_autofree char *reqs = NULL;

  run_cli (dir, "init", "proj python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  g_test_trap_assert_stdout ("Created proj/Dockerfile\nCreated proj/.dockerignore\nKept the existing proj/requirements.txt\nexit=0\n");
  reqs = read_file (proj, "requirements.txt");
  g_assert_cmpstr (reqs, ==, "numpy==1.26.4\n");
}

static void
test_init_refuses (void)
{
  const struct { const char *image; const char *why; } cases[] = {
    { "python", "*no tag*" },
    { "python:latest", "*latest*" },
    { "python:3.8", "*no exact release*" },
    { "node:lts", "*no exact release*" },
    { "Python:3.11.2", "*lower case*" },
    { "", "*needs --base*" },
  };
  g_autofree char *dir = make_project (NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *args = g_strdup_printf ("x %s", cases[i].image);
      g_autofree char *x = g_build_filename (dir, "x", NULL);

      run_cli (dir, "init", args);
      g_test_trap_assert_stdout ("exit=2\n");
      g_test_trap_assert_stderr (cases[i].why);
      /* nothing written */
      g_assert_false (g_file_test (x, G_FILE_TEST_EXISTS));
    }
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/dockerfile/cli/child", test_child);
  g_test_add_func ("/dockerfile/cli/check-warnings", test_check_warnings);
  g_test_add_func ("/dockerfile/cli/check-errors-sorted", test_check_errors_sorted);
  g_test_add_func ("/dockerfile/cli/check-unreadable", test_check_unreadable);
  g_test_add_func ("/dockerfile/cli/check-includes-not-read", test_check_includes_not_read);
  g_test_add_func ("/dockerfile/cli/check-special-files", test_check_special_files);
  g_test_add_func ("/dockerfile/cli/fix", test_fix);
  g_test_add_func ("/dockerfile/cli/fix-symlinked", test_fix_symlinked);
  g_test_add_func ("/dockerfile/cli/init", test_init);
  g_test_add_func ("/dockerfile/cli/init-keeps-existing-files", test_init_keeps_existing_files);
  g_test_add_func ("/dockerfile/cli/init-refuses", test_init_refuses);

  return g_test_run ();
}
