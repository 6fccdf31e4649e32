/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Dockerfile line of a failing build step (issue 18, item 1):
 * `dockyard --build` against the real test engines (BuildKit on Docker,
 * buildah's classic steps on Podman) with every instruction kind before the
 * failing one, multi-stage builds and here-documents; and the mapping itself
 * fed with each builder's step lines, Docker's classic builder included. */
#include "config.h"

#include <string.h>

#include "dockyard-build.h"
#include "dockyard-build-private.h"
#include "dockyard-dockerfile.h"
#include "dockyard-engine.h"
#include "dockyard-step-source.h"
#include "dockyard-test-utils.h"
#include "dockyard-text.h"

typedef struct
{
  const char *name;
  const char *dockerfile;  /* @BASE@ is the busybox test image */
  guint       line;        /* where the failing instruction starts */
  gboolean    heredoc;     /* needs an engine whose parser has here-documents */
} Case;

static const Case cases[] = {
  { "issue",
    "FROM @BASE@\n"
    "ENV A=1\n"
    "LABEL purpose=test\n"
    "RUN echo ok\n"
    "RUN exit 3\n",
    5, FALSE },
  { "every-kind",
    "# a comment\n"
    "ARG BASE=@BASE@\n"
    "FROM ${BASE} AS first\n"
    "ENV A=1\n"
    "LABEL x=y\n"
    "MAINTAINER someone\n"
    "EXPOSE 80\n"
    "VOLUME /v\n"
    "USER root\n"
    "WORKDIR /w\n"
    "ARG Q=2\n"
    "SHELL [\"/bin/sh\", \"-c\"]\n"
    "STOPSIGNAL SIGTERM\n"
    "HEALTHCHECK CMD true\n"
    "ONBUILD RUN echo later\n"
    "CMD [\"sh\"]\n"
    "ENTRYPOINT []\n"
    "COPY Dockerfile /x\n"
    "ADD Dockerfile /y\n"
    "RUN echo $A\n"
    "RUN echo \\\n"
    "# a comment inside\n"
    "  continued\n"
    "\n"
    "RUN exit 3\n",
    25, FALSE },
  { "same-text-twice",
    "FROM @BASE@\n"
    "ENV A=1\n"
    "RUN test -e /marker && exit 3; true\n"
    "LABEL x=y\n"
    "RUN touch /marker\n"
    "RUN test -e /marker && exit 3; true\n",
    6, FALSE },
  { "named-stages",
    "FROM @BASE@ AS base\n"
    "ENV A=1\n"
    "RUN echo base\n"
    "FROM base AS middle\n"
    "LABEL x=y\n"
    "ENV B=2\n"
    "COPY Dockerfile /d\n"
    "RUN exit 3\n"
    "FROM @BASE@\n"
    "COPY --from=middle /d /d\n",
    8, FALSE },
  { "unnamed-stages",
    "FROM @BASE@\n"
    "RUN echo one > /one\n"
    "FROM @BASE@\n"
    "ENV A=1\n"
    "USER root\n"
    "RUN echo two\n"
    "COPY --from=0 /one /one\n"
    "RUN exit 3\n",
    8, FALSE },
  { "heredocs",
    "FROM @BASE@\n"
    "ENV A=1\n"
    "RUN <<EOT\n"
    "echo in a here-document\n"
    "EOT\n"
    "LABEL x=y\n"
    "RUN <<EOT\n"
    "echo failing\n"
    "exit 3\n"
    "EOT\n",
    7, TRUE },
};

static char *
expand (const char *text,
        const char *base)
{
  g_auto(GStrv) parts = g_strsplit (text, "@BASE@", -1);

  return g_strjoinv (base, parts);
}

/* Docker 23 and later parse here-documents without a syntax directive
 * (which would need a registry); Docker 20.10 and Podman 4.3 do not. */
static gboolean
parses_heredocs (const char *socket)
{
  g_autoptr(DockyardEngine) engine = dockyard_test_connect_engine_at (socket);
  const char *version;

  if (engine == NULL || dockyard_engine_get_is_podman (engine))
    return FALSE;
  version = dockyard_engine_get_version (engine);
  return version != NULL && g_ascii_strtoull (version, NULL, 10) >= 23;
}

static void
check_engine (const char *host,
              const char *base)
{
  g_autofree char *binary = g_build_filename (g_getenv ("DOCKYARD_BUILD_DIR"), "app",
                                              "dockyard", NULL);
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "DOCKER_HOST", host, TRUE);
  gboolean heredocs = parses_heredocs (host + strlen ("unix://"));
  guint checked = 0;

  env = g_environ_unsetenv (env, "G_MESSAGES_DEBUG");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autofree char *parent = NULL;
      g_autofree char *folder = NULL;
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *expected = NULL;
      g_autoptr(GError) error = NULL;
      const char *argv[] = { binary, "--build", NULL, NULL };
      int status;

      if (c->heredoc && !heredocs)
        {
          g_test_message ("%s: skipped, this engine has no here-documents", c->name);
          continue;
        }

      parent = dockyard_test_make_shared_dir ("dockyard-step-line");
      folder = g_build_filename (parent, c->name, NULL);
      g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
      path = g_build_filename (folder, "Dockerfile", NULL);
      text = expand (c->dockerfile, base);
      g_assert_true (g_file_set_contents (path, text, -1, NULL));

      argv[2] = folder;
      g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                    &error);
      g_assert_no_error (error);
      g_test_message ("%s on %s:\n%s%s", c->name, host, out, err);
      g_assert_false (g_spawn_check_wait_status (status, NULL));

      /* "Dockerfile:5: RUN exit 3 failed", the line of the failing
       * instruction whatever comes before it. */
      expected = g_strdup_printf ("Dockerfile:%u: ", c->line);
      if (strstr (err, expected) == NULL)
        g_error ("%s on %s: expected \"%s\" in:\n%s", c->name, host, expected, err);
      g_assert_nonnull (strstr (err, " failed\n"));

      dockyard_test_remove_tree (parent);
      checked++;
    }

  g_assert_cmpuint (checked, >=, G_N_ELEMENTS (cases) - 1);
}

static void
test_cli_docker (void)
{
  const char *socket = dockyard_test_engine_socket ();
  g_autofree char *host = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (socket);

  host = g_strconcat ("unix://", socket, NULL);
  check_engine (host, g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
}

static void
test_cli_podman (void)
{
  const char *host = g_getenv ("DOCKYARD_TEST_PODMAN_HOST");
  const char *base = g_getenv ("DOCKYARD_TEST_PODMAN_BUSYBOX_IMAGE");

  if (host == NULL || !g_str_has_prefix (host, "unix://") || base == NULL)
    {
      dockyard_test_skip_unless_ci ("no Podman service: run the suite with tests/run "
                                    "(needs root and podman)");
      return;
    }

  check_engine (host, base);
}

/* A project with no .dockerignore, Dockyard's backups beside the Dockerfile
 * and the requirements file, built with `COPY . .` through
 * `dockyard --build` on @host: the image has the project's files and a
 * file of the user's ending in .orig, but no backup (issue 18, item 8). */
static void
check_backups_left_out (const char *host,
                        const char *base)
{
  g_autofree char *binary = g_build_filename (g_getenv ("DOCKYARD_BUILD_DIR"), "app",
                                              "dockyard", NULL);
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "DOCKER_HOST", host, TRUE);
  g_autofree char *parent = dockyard_test_make_shared_dir ("dockyard-backups");
  g_autofree char *folder = g_build_filename (parent, "backups", NULL);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *tag = NULL;
  g_autofree char *command = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { binary, "--build", folder, NULL };
  const char *files[] = { "requirements.txt", "requirements.txt.orig", "notes.orig",
                          "Dockerfile.orig", "Dockerfile.2.orig" };
  const char *built;
  int status;

  env = g_environ_unsetenv (env, "G_MESSAGES_DEBUG");
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (folder, files[i], NULL);

      g_assert_true (g_file_set_contents (path, "kept\n", -1, NULL));
    }
  text = g_strdup_printf ("FROM %s\n"
                          "WORKDIR /ctx\n"
                          "COPY . .\n"
                          "RUN ls -a && test -e requirements.txt && test -e notes.orig"
                          " && test ! -e Dockerfile.orig && test ! -e Dockerfile.2.orig"
                          " && test ! -e requirements.txt.orig\n",
                          base);
  {
    g_autofree char *path = g_build_filename (folder, "Dockerfile", NULL);

    g_assert_true (g_file_set_contents (path, text, -1, NULL));
  }

  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_test_message ("backups on %s:\n%s%s", host, out, err);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  /* "Built TAG (ID)": the image goes again. */
  built = strstr (out, "Built ");
  g_assert_nonnull (built);
  tag = g_strndup (built + strlen ("Built "), strcspn (built + strlen ("Built "), " "));
  command = g_strdup_printf ("curl -s -o /dev/null -X DELETE --unix-socket %s "
                             "http://d/images/%s?force=1",
                             host + strlen ("unix://"), tag);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));

  dockyard_test_remove_tree (parent);
}

static void
test_backups_docker (void)
{
  const char *socket = dockyard_test_engine_socket ();
  g_autofree char *host = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (socket);

  host = g_strconcat ("unix://", socket, NULL);
  check_backups_left_out (host, g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
}

static void
test_backups_podman (void)
{
  const char *host = g_getenv ("DOCKYARD_TEST_PODMAN_HOST");
  const char *base = g_getenv ("DOCKYARD_TEST_PODMAN_BUSYBOX_IMAGE");

  if (host == NULL || !g_str_has_prefix (host, "unix://") || base == NULL)
    {
      dockyard_test_skip_unless_ci ("no Podman service: run the suite with tests/run "
                                    "(needs root and podman)");
      return;
    }

  check_backups_left_out (host, base);
}

/* The builders' own step lines, fed as they arrive, mapped on the Dockerfile
 * they came from: Docker's classic "Step N/M :" counts the whole file. */
static guint
line_of_failed_step (const char  *dockerfile_text,
                     const char **lines)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new ("/nonexistent");
  g_autoptr(DockyardBuild) build = dockyard_build_new (engine, "x:dev");
  g_autoptr(DockyardDockerfile) dockerfile = NULL;
  g_autoptr(GError) error = NULL;
  DockyardBuildStep *failed;
  guint position;

  for (guint i = 0; lines[i] != NULL; i++)
    _dockyard_build_feed_line (build, lines[i], strlen (lines[i]));
  _dockyard_build_end (build);

  dockerfile = dockyard_dockerfile_new_from_data (dockerfile_text, -1, &error);
  g_assert_no_error (error);
  failed = dockyard_build_get_failed_step (build);
  g_assert_nonnull (failed);
  if (!dockyard_step_source_find (dockerfile, failed, &position))
    return 0;
  return dockyard_instruction_get_range (dockyard_dockerfile_get_instruction (dockerfile,
                                                                              position))->start.line;
}

static void
test_classic_lines (void)
{
  const char *text =
    "ARG BASE=busybox\n"
    "FROM $BASE AS base\n"
    "ENV A=1\n"
    "RUN true\n"
    "FROM base\n"
    "LABEL x=y\n"
    "RUN exit 3\n";
  const char *docker[] = {
    "{\"stream\":\"Step 1/7 : ARG BASE=busybox\\n\"}",
    "{\"stream\":\"Step 2/7 : FROM $BASE AS base\\n\"}",
    "{\"stream\":\"Step 3/7 : ENV A=1\\n\"}",
    "{\"stream\":\"Step 4/7 : RUN true\\n\"}",
    "{\"stream\":\"Step 5/7 : FROM base\\n\"}",
    "{\"stream\":\"Step 6/7 : LABEL x=y\\n\"}",
    "{\"stream\":\"Step 7/7 : RUN exit 3\\n\"}",
    "{\"error\":\"The command '/bin/sh -c exit 3' returned a non-zero code: 3\"}",
    NULL,
  };
  /* As Podman 4.3 printed it (captured), stage names from "AS". */
  const char *buildah[] = {
    "{\"stream\":\"[1/2] STEP 1/3: FROM busybox AS base\\n\"}",
    "{\"stream\":\"[1/2] STEP 2/3: ENV A=1\\n\"}",
    "{\"stream\":\"[1/2] STEP 3/3: RUN true\\n\"}",
    "{\"stream\":\"[2/2] STEP 1/3: FROM 7b6eb8c52ef918d9e1adb351d6913ad4f216715ec3f5694eb000cfec2d3b5dc8\\n\"}",
    "{\"stream\":\"[2/2] STEP 2/3: LABEL x=y\\n\"}",
    "{\"stream\":\"[2/2] STEP 3/3: RUN exit 3\\n\"}",
    "{\"error\":\"building at STEP \\\"RUN exit 3\\\": exit status 3\\n\"}",
    NULL,
  };
  const char *buildah_early[] = {
    "{\"stream\":\"[1/2] STEP 1/3: FROM busybox AS base\\n\"}",
    "{\"stream\":\"[1/2] STEP 2/3: ENV A=1\\n\"}",
    "{\"stream\":\"[1/2] STEP 3/3: RUN true\\n\"}",
    "{\"error\":\"building at STEP \\\"RUN true\\\": exit status 1\\n\"}",
    NULL,
  };

  g_assert_cmpuint (line_of_failed_step (text, docker), ==, 7);
  g_assert_cmpuint (line_of_failed_step (text, buildah), ==, 7);
  g_assert_cmpuint (line_of_failed_step (text, buildah_early), ==, 4);
}

/* Error summaries start with the error's own headline (issue 18, item 5). */
static void
test_error_summary (void)
{
  const char *pip =
    "Defaulting to user installation\n"
    "\033[1;31merror\033[0m: externally-managed-environment\n"
    "\n"
    "x This environment is externally managed\n"
    "> To install Python packages system-wide, try apt install\n"
    "    python3-xyz, where xyz is the package you are trying to\n"
    "    install.\n"
    "    make sure you have python3-full installed.\n"
    "\n"
    "note: If you believe this is a mistake, ...\n"
    "hint: See PEP 668 for the detailed specification.\n";
  g_autofree char *summary = dockyard_text_dup_summary (pip, strlen (pip), 4);
  g_autofree char *near = NULL;
  g_autofree char *none = NULL;
  g_autofree char *next = NULL;
  const char *near_text = "compiling\nERROR: No matching distribution found for foo\nexit 1\n";
  const char *next_text = "first\nerror: one\nsecond\nthird\n";

  g_assert_cmpstr (summary, ==,
                   "\033[1;31merror\033[0m: externally-managed-environment\n"
                   "…\n"
                   "    make sure you have python3-full installed.\n"
                   "\n"
                   "note: If you believe this is a mistake, ...\n"
                   "hint: See PEP 668 for the detailed specification.");

  /* A headline among the last lines: the summary starts there. */
  near = dockyard_text_dup_summary (near_text, strlen (near_text), 10);
  g_assert_cmpstr (near, ==, "ERROR: No matching distribution found for foo\nexit 1");

  /* Right before the tail: no gap to mark. */
  next = dockyard_text_dup_summary (next_text, strlen (next_text), 2);
  g_assert_cmpstr (next, ==, "error: one\nsecond\nthird");

  /* No headline: the tail, as before. */
  none = dockyard_text_dup_summary ("a\nb\nc\n", 6, 2);
  g_assert_cmpstr (none, ==, "b\nc");
}

/* pip against an externally managed Python, built for real: the headline
 * comes before the tail that starts mid-sentence. */
static void
test_cli_pip_headline (void)
{
  const char *socket = dockyard_test_engine_socket ();
  const char *python = g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE");
  g_autofree char *binary = g_build_filename (g_getenv ("DOCKYARD_BUILD_DIR"), "app",
                                              "dockyard", NULL);
  g_autofree char *parent = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_auto(GStrv) env = NULL;
  const char *argv[] = { binary, "--build", NULL, NULL };
  const char *headline;
  int status;

  DOCKYARD_TEST_REQUIRE_ENGINE (socket);
  if (python == NULL)
    {
      dockyard_test_skip_unless_ci ("no Python test image: run the suite with tests/run");
      return;
    }

  parent = dockyard_test_make_shared_dir ("dockyard-pip-headline");
  path = g_build_filename (parent, "Dockerfile", NULL);
  /* Debian's own marker, as python3 in bookworm ships it (the test image
   * has it removed). */
  text = g_strdup_printf ("FROM %s\n"
                          "RUN printf '[externally-managed]\\nError=To install Python packages "
                          "system-wide, try apt install\\n python3-xyz, where xyz is the package "
                          "you are trying to\\n install.\\n \\n If you wish to install a "
                          "non-Debian-packaged Python package,\\n create a virtual environment "
                          "using python3 -m venv path/to/venv.\\n Then use path/to/venv/bin/python "
                          "and path/to/venv/bin/pip. Make\\n sure you have python3-full "
                          "installed.\\n' > \"$(python3 -c 'import sysconfig; "
                          "print(sysconfig.get_path(\"stdlib\"))')/EXTERNALLY-MANAGED\"\n"
                          "RUN pip install --no-index somepackage\n",
                          python);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));

  host = g_strconcat ("unix://", socket, NULL);
  env = g_environ_setenv (g_get_environ (), "DOCKER_HOST", host, TRUE);
  env = g_environ_unsetenv (env, "G_MESSAGES_DEBUG");

  argv[2] = parent;
  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_false (g_spawn_check_wait_status (status, NULL));

  g_assert_nonnull (strstr (err, "Dockerfile:3: RUN pip install --no-index somepackage failed\n"
                                 "error: externally-managed-environment\n…\n"));
  headline = strstr (err, "error: externally-managed-environment");
  g_assert_nonnull (strstr (headline, "hint: See PEP 668"));

  dockyard_test_remove_tree (parent);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/step-line/classic-lines", test_classic_lines);
  g_test_add_func ("/step-line/error-summary", test_error_summary);
  g_test_add_func ("/step-line/cli/docker", test_cli_docker);
  g_test_add_func ("/step-line/cli/pip-headline", test_cli_pip_headline);
  g_test_add_func ("/step-line/cli/podman", test_cli_podman);
  g_test_add_func ("/step-line/cli/backups-left-out/docker", test_backups_docker);
  g_test_add_func ("/step-line/cli/backups-left-out/podman", test_backups_podman);

  return g_test_run ();
}
