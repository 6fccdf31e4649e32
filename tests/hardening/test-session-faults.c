/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A dev session when its container or the engine dies under it, against
 * the real engine: the session ends with a state the UI can show, and no
 * container is left behind. */
#include "config.h"

#include "dockyard-dev-session.h"
#include "dockyard-orphan-sweep.h"
#include "dockyard-test-utils.h"

typedef struct
{
  DockyardEngine     *engine;
  char               *parent;
  char               *folder;
  DockyardProject    *project;
  DockyardDevSession *session;
  DockyardTtyStream  *stream;
  GString            *output;
  gboolean            closed;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->output = g_string_new (NULL);
  fixture->engine = dockyard_test_connect_engine ();
  if (fixture->engine == NULL)
    return;

  fixture->parent = dockyard_test_make_shared_dir ("dockyard-hardening");
  fixture->folder = g_build_filename (fixture->parent, "project", NULL);
  g_assert_no_errno (g_mkdir (fixture->folder, 0777));
  g_chmod (fixture->folder, 0777);
  fixture->project = dockyard_test_open_project (fixture->folder);
}

static void
new_session (Fixture *fixture)
{
  g_clear_object (&fixture->session);
  fixture->session = dockyard_dev_session_new (fixture->project, fixture->engine);
  dockyard_dev_session_set_image (fixture->session, g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  dockyard_dev_session_set_user (fixture->session, "1000:1000");
}

static void
start (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (fixture->stream != NULL)
    dockyard_test_uncollect_tty (fixture->stream, fixture->output, &fixture->closed);
  g_clear_object (&fixture->stream);
  fixture->closed = FALSE;
  g_string_truncate (fixture->output, 0);

  dockyard_dev_session_start_async (fixture->session, 24, 80, NULL,
                                    dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  fixture->stream = dockyard_dev_session_start_finish (fixture->session, result, &error);
  g_assert_no_error (error);
  dockyard_test_collect_tty (fixture->stream, fixture->output, &fixture->closed);
}

static gboolean
output_has_marker (gpointer data)
{
  return strstr (((Fixture *) data)->output->str, "marker-42") != NULL;
}

/* Proves the shell answers: the marker only appears when it is computed. */
static void
check_shell_answers (Fixture *fixture)
{
  const char *command = "echo marker-$((40+2))\n";

  dockyard_tty_stream_write (fixture->stream, command, strlen (command));
  if (!dockyard_test_wait_until (output_has_marker, fixture, 30))
    g_error ("the shell did not answer; the terminal shows:\n%s", fixture->output->str);
}

static gboolean
session_ended (gpointer data)
{
  Fixture *fixture = data;
  DockyardDevSessionState state = dockyard_dev_session_get_state (fixture->session);

  return fixture->closed &&
         (state == DOCKYARD_DEV_SESSION_EXITED || state == DOCKYARD_DEV_SESSION_FAILED);
}

static void
stop_session (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dockyard_dev_session_stop_async (fixture->session, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  dockyard_dev_session_stop_finish (fixture->session, result, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->stream != NULL)
    dockyard_test_uncollect_tty (fixture->stream, fixture->output, &fixture->closed);
  g_clear_object (&fixture->stream);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->project);
  g_clear_object (&fixture->engine);
  if (fixture->parent != NULL)
    dockyard_test_remove_tree (fixture->parent);
  g_string_free (fixture->output, TRUE);
  g_free (fixture->folder);
  g_free (fixture->parent);
}

static void
test_container_sigkill (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *kill_path = NULL;
  g_autofree char *id = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  new_session (fixture);
  start (fixture);
  check_shell_answers (fixture);
  id = g_strdup (dockyard_dev_session_get_container_id (fixture->session));
  g_assert_nonnull (id);

  /* What `docker kill -s KILL` (or the OOM killer) does. */
  kill_path = g_strdup_printf ("/containers/%s/kill?signal=KILL", id);
  node = dockyard_test_request (fixture->engine, "POST", kill_path, &error);
  g_assert_no_error (error);

  if (!dockyard_test_wait_until (session_ended, fixture, 30))
    g_error ("the session did not end after SIGKILL: state %d, stream closed %d",
             dockyard_dev_session_get_state (fixture->session), fixture->closed);
  g_test_message ("after SIGKILL: state %d, exit code %d",
                  dockyard_dev_session_get_state (fixture->session),
                  dockyard_dev_session_get_exit_code (fixture->session));
  /* The status a shell killed by signal 9 has: 128 + 9. */
  g_assert_cmpint (dockyard_dev_session_get_state (fixture->session), ==,
                   DOCKYARD_DEV_SESSION_EXITED);
  g_assert_cmpint (dockyard_dev_session_get_exit_code (fixture->session), ==, 137);

  stop_session (fixture);
  g_assert_cmpuint (dockyard_test_count_containers (fixture->engine, fixture->folder), ==, 0);
}

static void
test_engine_dies (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean stopped;
  guint removed;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  if (g_getenv ("DOCKYARD_TEST_ENGINE_CTL") == NULL || *g_getenv ("DOCKYARD_TEST_ENGINE_CTL") == '\0')
    {
      dockyard_test_skip_unless_ci ("the engine is not the suite's own: it may not be killed");
      return;
    }

  new_session (fixture);
  start (fixture);
  check_shell_answers (fixture);

  g_assert_true (dockyard_test_engine_control ("kill"));
  if (!dockyard_test_wait_until (session_ended, fixture, 30))
    g_error ("the session did not notice the engine died: state %d, stream closed %d",
             dockyard_dev_session_get_state (fixture->session), fixture->closed);
  g_test_message ("after the engine died: state %d, exit code %d",
                  dockyard_dev_session_get_state (fixture->session),
                  dockyard_dev_session_get_exit_code (fixture->session));

  /* Stop (the UI's button) still completes while the engine is down: done,
   * or an error that says the engine is gone; never a hang. */
  dockyard_dev_session_stop_async (fixture->session, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  stopped = dockyard_dev_session_stop_finish (fixture->session, result, &error);
  g_clear_object (&result);

  /* Back first, so that a failure below does not leave the engine down. */
  g_assert_true (dockyard_test_engine_control ("start"));

  if (!stopped)
    {
      g_test_message ("stop while the engine is down: %s", error->message);
      g_assert_true (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NO_ENGINE) ||
                     g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED));
    }
  g_clear_error (&error);

  /* Back again: what the app does on connecting (remove what an earlier run
   * left), then a new session works and leaves nothing behind either. */
  g_clear_object (&fixture->engine);
  fixture->engine = dockyard_test_connect_engine ();
  dockyard_orphan_sweep_async (fixture->engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  removed = dockyard_orphan_sweep_finish (result, &error);
  g_assert_no_error (error);
  g_test_message ("containers removed after the restart: %u", removed);
  g_assert_cmpuint (dockyard_test_count_containers (fixture->engine, fixture->folder), ==, 0);

  new_session (fixture);
  start (fixture);
  check_shell_answers (fixture);
  stop_session (fixture);
  g_assert_cmpuint (dockyard_test_count_containers (fixture->engine, fixture->folder), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add ("/session-faults/dev/container-sigkill", Fixture, NULL,
              fixture_setup, test_container_sigkill, fixture_teardown);
  g_test_add ("/session-faults/dev/engine-dies", Fixture, NULL,
              fixture_setup, test_engine_dies, fixture_teardown);

  return g_test_run ();
}
