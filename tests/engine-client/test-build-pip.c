/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The headline of the generated Dockerfile: after a change to
 * requirements.txt the pip step runs again but reuses, through its
 * RUN --mount=type=cache, what earlier builds downloaded.  pip reads from a
 * package index on loopback (tests/engine/dockyard-test-index) with wheels
 * made here; nothing comes from the network. */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include "build-fixture.h"
#include "dockyard-build.h"
#include "dockyard-engine.h"
#include "dockyard-test-utils.h"

typedef struct
{
  BuildFixture  build;
  char         *index_dir;
  GSubprocess  *server;
  guint         port;
} Fixture;

static char *
index_tool (void)
{
  const char *source = g_getenv ("DOCKYARD_SOURCE_DIR");

  g_assert_nonnull (source);
  return g_build_filename (source, "tests", "engine", "dockyard-test-index", NULL);
}

/* The server must not outlive the test, even one that aborts: the kernel
 * kills it when this process goes. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start_index (Fixture *fixture)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tool = index_tool ();
  g_autofree char *log = g_build_filename (fixture->index_dir, "access.log", NULL);
  g_autofree char *line = NULL;
  int status = 0;
  const char *make[] = {
    "python3", tool, "make", fixture->index_dir,
    "dockyard-alpha==1.0", "dockyard-beta==1.0", "dockyard-beta==1.1", "dockyard-gamma==1.0",
    NULL
  };

  g_spawn_sync (NULL, (char **) make, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fixture->server = g_subprocess_launcher_spawn (launcher, &error, "python3", tool, "serve",
                                                 fixture->index_dir, "--log", log, NULL);
  g_assert_no_error (error);

  /* Its first line is the port it listens on. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  fixture->port = (guint) g_ascii_strtoull (line, NULL, 10);
  g_assert_cmpuint (fixture->port, >, 0);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  build_fixture_init (&fixture->build, dockyard_test_connect_engine (), "dockyard-pip",
                      g_strdup_printf ("dockyard-test-pip-%d:dev", getpid ()));
  fixture->index_dir = g_dir_make_tmp ("dockyard-index-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->server != NULL)
    {
      g_subprocess_force_exit (fixture->server);
      g_subprocess_wait (fixture->server, NULL, NULL);
    }
  g_clear_object (&fixture->server);
  build_fixture_clear (&fixture->build);
  dockyard_test_remove_tree (fixture->index_dir);
  g_free (fixture->index_dir);
}

static DockyardBuild *
run_build (Fixture  *fixture,
           char    **image_id)
{
  g_autoptr(DockyardBuild) build = dockyard_build_new (fixture->build.engine, fixture->build.tag);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* host: the build's pip reaches the index on this machine's loopback. */
  dockyard_build_set_network_mode (build, "host");
  dockyard_build_run_async (build, build_fixture_context_stream (&fixture->build), NULL,
                            dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  *image_id = dockyard_build_run_finish (build, result, &error);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (build)); i++)
    {
      g_autoptr(DockyardBuildStep) step = g_list_model_get_item (G_LIST_MODEL (build), i);

      g_test_message ("%s: state=%d cached=%d\n%s", dockyard_build_step_get_name (step),
                      dockyard_build_step_get_state (step), dockyard_build_step_get_cached (step),
                      dockyard_build_step_get_log (step));
    }
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (*image_id, "sha256:"));

  return g_steal_pointer (&build);
}

static DockyardBuildStep *
find_step (DockyardBuild *build,
           const char    *instruction_prefix)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (build)); i++)
    {
      g_autoptr(DockyardBuildStep) step = g_list_model_get_item (G_LIST_MODEL (build), i);

      if (dockyard_build_step_get_index (step) > 0 &&
          g_str_has_prefix (dockyard_build_step_get_instruction (step), instruction_prefix))
        return step;
    }

  g_assert_not_reached ();
  return NULL;
}

/* How often the index served a file, from its access log. */
static guint
downloads (Fixture    *fixture,
           const char *file)
{
  g_autofree char *log = g_build_filename (fixture->index_dir, "access.log", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *request = g_strdup_printf ("GET /packages/%s 200\n", file);
  guint count = 0;

  if (!g_file_get_contents (log, &contents, NULL, NULL))
    return 0;
  for (const char *p = contents; (p = strstr (p, request)) != NULL; p += strlen (request))
    count++;

  return count;
}

static void
test_pip_cache_mount (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(DockyardBuild) first = NULL;
  g_autoptr(DockyardBuild) second = NULL;
  g_autoptr(DockyardBuild) third = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *third_id = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *cached_alpha = NULL;
  const char *python = g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE");
  const char *log;
  DockyardBuildStep *pip;

  if (fixture->build.engine == NULL || python == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine or no Python test image: run the suite with tests/run");
      return;
    }

  start_index (fixture);

  /* As the generator writes it, with the index pip is told to trust.  The
   * cache id is new each run: the engine keeps cache mounts between runs,
   * and the first build must start from an empty one. */
  dockerfile = g_strdup_printf ("FROM %s\n"
                                "WORKDIR /usr/src/app\n"
                                "COPY requirements.txt .\n"
                                "RUN --mount=type=cache,id=dockyard-test-pip-%" G_GINT64_FORMAT ",target=/root/.cache/pip "
                                "pip install --index-url http://127.0.0.1:%u/simple --trusted-host 127.0.0.1 "
                                "-r requirements.txt && ls -R /root/.cache/pip | wc -l\n"
                                "RUN python3 -c 'import dockyard_beta; print(\"beta\", dockyard_beta.VERSION)'\n",
                                python, g_get_real_time (), fixture->port);
  build_fixture_write_file (&fixture->build, "Dockerfile", dockerfile);
  build_fixture_write_file (&fixture->build, "requirements.txt", "dockyard-alpha==1.0\ndockyard-beta==1.0\n");

  first = run_build (fixture, &first_id);
  pip = find_step (first, "RUN --mount=type=cache");
  log = dockyard_build_step_get_log (pip);
  g_assert_false (dockyard_build_step_get_cached (pip));
  g_assert_nonnull (strstr (log, "Successfully installed dockyard-alpha-1.0 dockyard-beta-1.0"));
  g_assert_null (strstr (log, "Using cached"));
  g_assert_nonnull (strstr (dockyard_build_step_get_log (find_step (first, "RUN python3")), "beta 1.0"));
  g_assert_cmpuint (downloads (fixture, "dockyard_alpha-1.0-py3-none-any.whl"), ==, 1);

  /* No change: every step from the engine's cache, pip does not run. */
  second = run_build (fixture, &second_id);
  g_assert_cmpstr (second_id, ==, first_id);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (second)); i++)
    {
      g_autoptr(DockyardBuildStep) step = g_list_model_get_item (G_LIST_MODEL (second), i);

      if (dockyard_build_step_get_index (step) > 1)
        g_assert_true (dockyard_build_step_get_cached (step));
    }
  g_assert_cmpuint (downloads (fixture, "dockyard_alpha-1.0-py3-none-any.whl"), ==, 1);

  /* One requirement bumped, one added: the pip step runs again and takes
   * the unchanged wheel from the cache mount instead of the index. */
  build_fixture_write_file (&fixture->build, "requirements.txt",
              "dockyard-alpha==1.0\ndockyard-beta==1.1\ndockyard-gamma==1.0\n");
  third = run_build (fixture, &third_id);
  g_assert_cmpstr (third_id, !=, first_id);
  pip = find_step (third, "RUN --mount=type=cache");
  log = dockyard_build_step_get_log (pip);
  g_assert_false (dockyard_build_step_get_cached (pip));
  g_assert_cmpint (dockyard_build_step_get_state (pip), ==, DOCKYARD_BUILD_STEP_DONE);
  cached_alpha = g_strdup_printf ("Using cached http://127.0.0.1:%u/packages/"
                                  "dockyard_alpha-1.0-py3-none-any.whl", fixture->port);
  g_assert_nonnull (strstr (log, cached_alpha));
  g_assert_nonnull (strstr (log, "Successfully installed dockyard-alpha-1.0 dockyard-beta-1.1 dockyard-gamma-1.0"));
  g_assert_cmpuint (downloads (fixture, "dockyard_alpha-1.0-py3-none-any.whl"), ==, 1);
  g_assert_cmpuint (downloads (fixture, "dockyard_beta-1.1-py3-none-any.whl"), ==, 1);
  g_assert_cmpuint (downloads (fixture, "dockyard_gamma-1.0-py3-none-any.whl"), ==, 1);
  g_assert_nonnull (strstr (dockyard_build_step_get_log (find_step (third, "RUN python3")), "beta 1.1"));
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add ("/build-pip/cache-mount", Fixture, NULL, fixture_setup, test_pip_cache_mount, fixture_teardown);

  return g_test_run ();
}
