/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Builds through the real engine: BuildKit progress, failures, cancel, a
 * daemon that dies mid-build. */
#include "config.h"

#include <signal.h>

#include "build-fixture.h"
#include "dockyard-build.h"
#include "dockyard-build-private.h"
#include "dockyard-engine.h"
#include "dockyard-test-utils.h"

typedef BuildFixture Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  static guint counter;

  build_fixture_init (fixture, dockyard_test_connect_engine (), "dockyard-build",
                      g_strdup_printf ("dockyard-test-build-%d-%u:dev", getpid (), counter++));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  build_fixture_clear (fixture);
}

static DockyardBuild *
new_build (Fixture *fixture)
{
  DockyardBuild *build = dockyard_build_new (fixture->engine, fixture->tag);

  dockyard_build_set_network_mode (build, "none");
  return build;
}

static DockyardBuildStep *
find_step (DockyardBuild *build,
           const char    *instruction_prefix)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (build)); i++)
    {
      g_autoptr(DockyardBuildStep) step = g_list_model_get_item (G_LIST_MODEL (build), i);
      const char *instruction = dockyard_build_step_get_instruction (step);

      if (dockyard_build_step_get_index (step) > 0 &&
          g_str_has_prefix (instruction, instruction_prefix))
        return step;
    }

  return NULL;
}

static void
test_build_and_cache (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(DockyardBuild) first = NULL;
  g_autoptr(DockyardBuild) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;
  g_autofree char *again_id = NULL;
  g_autofree char *dockerfile = NULL;
  DockyardBuildStep *run;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  /* A nonce: the engine's build cache outlives a test run. */
  dockerfile = g_strdup_printf ("FROM %s\n"
                                "COPY greeting /greeting\n"
                                "RUN echo built-by-dockyard %" G_GINT64_FORMAT " && cat /greeting\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"), g_get_real_time ());
  build_fixture_write_file (fixture, "Dockerfile", dockerfile);
  build_fixture_write_file (fixture, "greeting", "hello\n");

  first = new_build (fixture);
  image_id = build_fixture_run (fixture, first, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (image_id, "sha256:"));
  g_assert_cmpint (dockyard_build_get_state (first), ==, DOCKYARD_BUILD_SUCCEEDED);
  g_assert_true (dockyard_build_get_buildkit (first));
  g_assert_cmpfloat (dockyard_build_get_progress (first), ==, 1.0);

  run = find_step (first, "RUN echo built-by-dockyard");
  g_assert_nonnull (run);
  g_assert_cmpuint (dockyard_build_step_get_index (run), ==, 3);
  g_assert_cmpuint (dockyard_build_step_get_total (run), ==, 3);
  g_assert_cmpint (dockyard_build_step_get_state (run), ==, DOCKYARD_BUILD_STEP_DONE);
  g_assert_false (dockyard_build_step_get_cached (run));
  g_assert_nonnull (strstr (dockyard_build_step_get_log (run), "built-by-dockyard"));
  g_assert_nonnull (strstr (dockyard_build_step_get_log (run), "hello"));
  g_assert_cmpint (dockyard_build_step_get_duration (run), >, 0);

  /* Nothing changed: every instruction comes from the cache. */
  second = new_build (fixture);
  again_id = build_fixture_run (fixture, second, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again_id, ==, image_id);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (second)); i++)
    {
      g_autoptr(DockyardBuildStep) step = g_list_model_get_item (G_LIST_MODEL (second), i);

      if (dockyard_build_step_get_index (step) > 1)
        {
          g_test_message ("%s: cached=%d", dockyard_build_step_get_name (step),
                          dockyard_build_step_get_cached (step));
          g_assert_true (dockyard_build_step_get_cached (step));
          g_assert_cmpint (dockyard_build_step_get_state (step), ==, DOCKYARD_BUILD_STEP_CACHED);
        }
    }
}

static void
test_failing_run (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;
  g_autofree char *dockerfile = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  dockerfile = build_fixture_failing_dockerfile (g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"), "");
  build_fixture_write_file (fixture, "Dockerfile", dockerfile);

  build = new_build (fixture);
  image_id = build_fixture_run (fixture, build, &error);
  g_assert_null (image_id);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "exit code: 3"));
  build_fixture_assert_failed_run (build);
}

static void
test_syntax_error (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  build_fixture_write_file (fixture, "Dockerfile", "FROM scratch\nFROBNICATE everything\n");
  build = new_build (fixture);
  image_id = build_fixture_run (fixture, build, &error);
  g_assert_null (image_id);
  g_assert_nonnull (error);
  g_test_message ("engine says: %s", error->message);
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_assert_cmpint (dockyard_build_get_state (build), ==, DOCKYARD_BUILD_FAILED);
}

static void
test_missing_base_image (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;
  gint64 start = g_get_monotonic_time ();

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  /* Neither local nor pullable (no registry is reachable here). */
  build_fixture_write_file (fixture, "Dockerfile", "FROM localhost:1/dockyard/not-here:1.0.0\nRUN true\n");
  build = new_build (fixture);
  image_id = build_fixture_run (fixture, build, &error);
  g_assert_null (image_id);
  g_assert_nonnull (error);
  g_test_message ("engine says: %s", error->message);
  g_assert_nonnull (strstr (error->message, "not-here"));
  /* It fails; it does not hang. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);
}

/* An answer other than 200 (the engine refuses the request before it
 * builds) carries the engine's own message, also while the upload of the
 * context is still going on. */
static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;
  g_autofree char *big = g_strnfill (8 * 1024 * 1024, 'x');

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  build_fixture_write_file (fixture, "Dockerfile", "FROM scratch\n");
  build_fixture_write_file (fixture, "big.bin", big);
  build = dockyard_build_new (fixture->engine, "Not/A:Valid:Tag");
  image_id = build_fixture_run (fixture, build, &error);
  g_assert_null (image_id);
  g_assert_nonnull (error);
  g_assert_true (error->domain == DOCKYARD_ENGINE_ERROR);
  g_test_message ("engine says: %s", error->message);
  /* Docker 20.10: "invalid reference format: repository name must be lowercase" */
  g_assert_nonnull (strstr (error->message, "reference format"));
  g_assert_cmpint (dockyard_build_get_state (build), ==, DOCKYARD_BUILD_FAILED);
}

static gboolean
process_running (const char *needle)
{
  g_autofree char *out = NULL;
  g_autofree char *command = g_strdup_printf ("pgrep -f -- '%s'", needle);
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (command, &out, NULL, &status, NULL));
  return g_spawn_check_wait_status (status, NULL);
}

typedef struct
{
  const char   *process;
  GCancellable *cancellable;
  guint         id;
  const char   *engine_verb;  /* "kill" unless set */
} Trigger;

/* Cancels the build, or kills (or pauses) the engine, once the step's
 * process runs. */
static gboolean
trigger_cb (gpointer data)
{
  Trigger *trigger = data;

  if (!process_running (trigger->process))
    return G_SOURCE_CONTINUE;

  if (trigger->cancellable != NULL)
    g_cancellable_cancel (trigger->cancellable);
  else
    g_assert_true (dockyard_test_engine_control (trigger->engine_verb ? trigger->engine_verb : "kill"));

  trigger->id = 0;
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;
  g_autofree char *dockerfile = NULL;
  gint64 deadline;
  Trigger trigger = { "sleep 4242", cancellable, 0 };

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  dockerfile = g_strdup_printf ("FROM %s\nRUN sleep 4242\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  build_fixture_write_file (fixture, "Dockerfile", dockerfile);

  build = new_build (fixture);
  trigger.id = g_timeout_add (100, trigger_cb, &trigger);
  dockyard_build_run_async (build, build_fixture_context_stream (fixture), cancellable,
                            dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  image_id = dockyard_build_run_finish (build, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (dockyard_build_get_state (build), ==, DOCKYARD_BUILD_CANCELLED);
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  g_clear_handle_id (&trigger.id, g_source_remove);

  /* The engine stops the build: the step's process goes away. */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (process_running ("sleep 4242"))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (100 * 1000);
    }
}

static void
test_engine_dies (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(DockyardBuild) after = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *echo = NULL;
  Trigger trigger = { "sleep 4343", NULL, 0 };

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  if (g_getenv ("DOCKYARD_TEST_ENGINE_CTL") == NULL || *g_getenv ("DOCKYARD_TEST_ENGINE_CTL") == '\0')
    {
      dockyard_test_skip_unless_ci ("the engine is not the suite's own: it may not be killed");
      return;
    }

  dockerfile = g_strdup_printf ("FROM %s\nRUN sleep 4343\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  build_fixture_write_file (fixture, "Dockerfile", dockerfile);

  build = new_build (fixture);
  trigger.id = g_timeout_add (100, trigger_cb, &trigger);
  dockyard_build_run_async (build, build_fixture_context_stream (fixture), NULL,
                            dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  image_id = dockyard_build_run_finish (build, result, &error);
  g_assert_null (image_id);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED);
  g_assert_cmpint (dockyard_build_get_state (build), ==, DOCKYARD_BUILD_FAILED);
  g_assert_cmpuint (trigger.id, ==, 0);
  g_clear_error (&error);

  /* Once the engine is back, the next build works. */
  g_assert_true (dockyard_test_engine_control ("start"));
  echo = g_strdup_printf ("FROM %s\nRUN echo back\n", g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  build_fixture_write_file (fixture, "Dockerfile", echo);
  after = new_build (fixture);
  g_free (image_id);
  image_id = build_fixture_run (fixture, after, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image_id);
}

/* Issue 16, item 12: the engine stops answering mid-build without going
 * away (dockerd under SIGSTOP: its socket still takes connections, nothing
 * comes back).  The build, checked after 2 quiet seconds here (30 s by
 * default), pings the engine, gets no answer within the ping's 10 s, and
 * fails instead of waiting for ever.  Before the engine is paused, the same
 * quiet step is pinged and goes on, as a quiet step must. */
static void
test_engine_stops (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;
  g_autofree char *dockerfile = NULL;
  Trigger trigger = { "^sleep 4545", NULL, 0, "pause" };
  gint64 paused_at = 0;
  double seconds;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  if (g_getenv ("DOCKYARD_TEST_ENGINE_CTL") == NULL || *g_getenv ("DOCKYARD_TEST_ENGINE_CTL") == '\0')
    {
      dockyard_test_skip_unless_ci ("the engine is not the suite's own: it may not be paused");
      return;
    }

  /* The step prints nothing for 6 s before the engine is paused: with a
   * check every 2 s, the live engine is pinged (and answers) meanwhile. */
  dockerfile = g_strdup_printf ("FROM %s\nRUN sleep 6 && sleep 4545\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  build_fixture_write_file (fixture, "Dockerfile", dockerfile);

  build = new_build (fixture);
  dockyard_build_set_stall_check (build, 2);
  trigger.id = g_timeout_add (100, trigger_cb, &trigger);
  dockyard_build_run_async (build, build_fixture_context_stream (fixture), NULL,
                            dockyard_test_store_result_cb, &result);
  while (result == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      if (trigger.id == 0 && paused_at == 0)
        paused_at = g_get_monotonic_time ();
    }
  seconds = (g_get_monotonic_time () - paused_at) / (double) G_USEC_PER_SEC;
  image_id = dockyard_build_run_finish (build, result, &error);
  g_assert_true (dockyard_test_engine_control ("resume"));

  g_test_message ("the build ended %.1f s after the engine was paused: %s", seconds,
                  error ? error->message : "built");
  g_assert_cmpuint (trigger.id, ==, 0);
  g_assert_null (image_id);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TIMED_OUT);
  g_assert_true (g_str_has_prefix (error->message,
                                   "The engine stopped answering during the build: nothing came "
                                   "for 2 seconds, and it did not answer when checked: "));
  g_assert_cmpint (dockyard_build_get_state (build), ==, DOCKYARD_BUILD_FAILED);
  /* Quiet for 2 s, then the ping's 10 s; slack for a loaded machine. */
  g_assert_cmpfloat (seconds, >=, 9.0);
  g_assert_cmpfloat (seconds, <, 30.0);

  /* Resumed, the engine sees the client gone and stops the step. */
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (process_running ("sleep 4545"))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_usleep (100 * 1000);
      }
  }
}

/* Classic builders (Podman's API, Docker without BuildKit) print steps. */
static void
test_classic_stream (void)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new ("/nonexistent");
  g_autoptr(DockyardBuild) build = dockyard_build_new (engine, "x:dev");
  const char *lines[] = {
    "{\"stream\":\"STEP 1/3: FROM localhost/base:1.0\\n\"}",
    "{\"stream\":\"STEP 2/3: RUN echo hi\\n\"}",
    "{\"stream\":\"--\\u003e Using cache 1234\\n\"}",
    "{\"stream\":\"Step 3/3 : RUN make\\n\"}",
    "{\"stream\":\"make: *** no target\\n\"}",
    "{\"error\":\"exit status 2\",\"errorDetail\":{\"message\":\"building at STEP \\\"RUN make\\\": exit status 2\"}}",
  };
  DockyardBuildStep *failed;

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    _dockyard_build_feed_line (build, lines[i], strlen (lines[i]));
  _dockyard_build_end (build);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (build)), ==, 3);
  g_assert_false (dockyard_build_get_buildkit (build));
  failed = dockyard_build_get_failed_step (build);
  g_assert_nonnull (failed);
  g_assert_cmpuint (dockyard_build_step_get_index (failed), ==, 3);
  g_assert_cmpstr (dockyard_build_step_get_instruction (failed), ==, "RUN make");
  g_assert_cmpstr (dockyard_build_get_error_message (build), ==,
                   "building at STEP \"RUN make\": exit status 2");
  {
    g_autoptr(DockyardBuildStep) cached = g_list_model_get_item (G_LIST_MODEL (build), 1);
    g_assert_true (dockyard_build_step_get_cached (cached));
  }
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/build/classic-stream", test_classic_stream);
  g_test_add ("/build/build-and-cache", Fixture, NULL, fixture_setup, test_build_and_cache, fixture_teardown);
  g_test_add ("/build/failing-run", Fixture, NULL, fixture_setup, test_failing_run, fixture_teardown);
  g_test_add ("/build/syntax-error", Fixture, NULL, fixture_setup, test_syntax_error, fixture_teardown);
  g_test_add ("/build/missing-base-image", Fixture, NULL, fixture_setup, test_missing_base_image, fixture_teardown);
  g_test_add ("/build/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/build/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/build/engine-dies", Fixture, NULL, fixture_setup, test_engine_dies, fixture_teardown);
  g_test_add ("/build/engine-stops", Fixture, NULL, fixture_setup, test_engine_stops, fixture_teardown);

  return g_test_run ();
}
