/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DockyardContainerRun against the real engine: a short-lived container
 * runs to completion and is removed, and a run cancelled at any step
 * (creating, starting, waiting, reading the output) leaves no container
 * behind either. */
#include "config.h"

#include <unistd.h>

#include "dockyard-container-run.h"
#include "dockyard-event-stream.h"
#include "dockyard-test-utils.h"

typedef struct
{
  DockyardEngine *engine;
  char           *folder;
  /* The role label of this test's containers: they are counted by it. */
  char           *role;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->engine = dockyard_test_connect_engine ();
  fixture->folder = dockyard_test_make_shared_dir ("dockyard-run");
  fixture->role = g_strdup_printf ("test-run-%d", (int) getpid ());
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  dockyard_test_remove_tree (fixture->folder);
  g_clear_object (&fixture->engine);
  g_free (fixture->folder);
  g_free (fixture->role);
}

static DockyardContainerRun *
new_run (Fixture    *fixture,
         const char *script)
{
  const char *cmd[] = { "/bin/sh", "-c", script, NULL };
  DockyardContainerSpec spec = {
    .image = g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"),
    .cmd = cmd,
    .working_dir = "/",
    .role = fixture->role,
    .project_path = fixture->folder,
    .no_project_mount = TRUE,
    .no_network = TRUE,
  };

  return dockyard_container_run_new (fixture->engine, &spec);
}

static guint
count_left (Fixture *fixture)
{
  return dockyard_test_count_labelled (fixture->engine, DOCKYARD_LABEL_ROLE, fixture->role);
}

static void
test_run_to_completion (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(DockyardContainerRun) run = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  run = new_run (fixture, "echo to stdout; echo to stderr >&2; exit 3");
  dockyard_container_run_set_read_output (run, TRUE);
  dockyard_container_run_async (run, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_container_run_finish (run, result, &error));
  g_assert_no_error (error);

  /* A non-zero exit is the process's answer, not the run's failure. */
  g_assert_cmpint (dockyard_container_run_get_exit_status (run), ==, 3);
  g_assert_cmpstr (dockyard_container_run_get_stdout (run), ==, "to stdout\n");
  g_assert_cmpstr (dockyard_container_run_get_stderr (run), ==, "to stderr\n");
  g_assert_cmpint (dockyard_container_run_get_step (run), ==, DOCKYARD_CONTAINER_RUN_DONE);
  g_assert_cmpuint (count_left (fixture), ==, 0);
}

static void
test_missing_image (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *cmd[] = { "/bin/true", NULL };
  DockyardContainerSpec spec = {
    .image = "localhost/dockyard-test/no-such-image:1",
    .cmd = cmd,
    .working_dir = "/",
    .role = fixture->role,
    .project_path = fixture->folder,
    .no_project_mount = TRUE,
    .no_network = TRUE,
  };
  g_autoptr(DockyardContainerRun) run = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  run = dockyard_container_run_new (fixture->engine, &spec);
  dockyard_container_run_async (run, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_false (dockyard_container_run_finish (run, result, &error));
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NOT_FOUND);
  g_assert_cmpint (dockyard_container_run_get_exit_status (run), ==, -1);
  g_assert_cmpuint (count_left (fixture), ==, 0);
}

typedef struct
{
  GCancellable             *cancellable;
  DockyardContainerRunStep  at;
  gboolean                  reached;
} CancelAt;

static gboolean
cancel_cb (gpointer data)
{
  CancelAt *cancel = data;

  g_cancellable_cancel (cancel->cancellable);
  return G_SOURCE_REMOVE;
}

/* Cancels the moment the engine says it made the container: its answer to
 * the create, with the id, is then most likely still on its way. */
static void
event_cb (DockyardEventStream *events,
          const char          *type,
          const char          *action,
          const char          *id,
          CancelAt            *cancel)
{
  if (g_strcmp0 (type, "container") == 0 && g_strcmp0 (action, "create") == 0 &&
      !g_cancellable_is_cancelled (cancel->cancellable))
    g_cancellable_cancel (cancel->cancellable);
}

static gboolean
events_connected (gpointer data)
{
  return dockyard_event_stream_get_connected (data);
}

/* Cancels once the run has reached the step and its request is on its way
 * (from the main loop, after the step's call was made). */
static void
step_cb (DockyardContainerRun *run,
         GParamSpec           *pspec,
         CancelAt             *cancel)
{
  if (dockyard_container_run_get_step (run) != cancel->at || cancel->reached)
    return;

  cancel->reached = TRUE;
  if (cancel->at != DOCKYARD_CONTAINER_RUN_CREATING)
    g_idle_add (cancel_cb, cancel);
}

static void
test_cancel_at (Fixture       *fixture,
                gconstpointer  data)
{
  DockyardContainerRunStep at = GPOINTER_TO_INT (data);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(DockyardContainerRun) run = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEventStream) events = NULL;
  CancelAt cancel = { cancellable, at, FALSE };

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  if (at == DOCKYARD_CONTAINER_RUN_CREATING)
    {
      events = dockyard_event_stream_new (fixture->engine);
      g_signal_connect (events, "event", G_CALLBACK (event_cb), &cancel);
      dockyard_event_stream_start (events);
      g_assert_true (dockyard_test_wait_until (events_connected, events, 30));
    }

  /* Waiting is cancelled while the process still runs; reading the output
   * after it exited at once. */
  run = new_run (fixture, at == DOCKYARD_CONTAINER_RUN_READING_OUTPUT ? "echo done"
                                                                     : "echo started; sleep 30");
  dockyard_container_run_set_read_output (run, TRUE);
  g_signal_connect (run, "notify::step", G_CALLBACK (step_cb), &cancel);
  if (at == DOCKYARD_CONTAINER_RUN_READY)
    g_cancellable_cancel (cancellable);

  dockyard_container_run_async (run, cancellable, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_false (dockyard_container_run_finish (run, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (at == DOCKYARD_CONTAINER_RUN_READY || cancel.reached);
  g_assert_cmpint (dockyard_container_run_get_step (run), ==, DOCKYARD_CONTAINER_RUN_DONE);

  /* Whatever step the cancel hit, the container is gone when the run ends. */
  g_assert_cmpuint (count_left (fixture), ==, 0);
  g_test_message ("cancelled at step %d: no container left", at);
  if (events != NULL)
    dockyard_event_stream_stop (events);
}

int
main (int   argc,
      char *argv[])
{
  static const struct {
    const char               *name;
    DockyardContainerRunStep  step;
  } cancels[] = {
    { "/container-run/cancel/before-start", DOCKYARD_CONTAINER_RUN_READY },
    { "/container-run/cancel/creating", DOCKYARD_CONTAINER_RUN_CREATING },
    { "/container-run/cancel/starting", DOCKYARD_CONTAINER_RUN_STARTING },
    { "/container-run/cancel/waiting", DOCKYARD_CONTAINER_RUN_WAITING },
    { "/container-run/cancel/reading-output", DOCKYARD_CONTAINER_RUN_READING_OUTPUT },
  };

  dockyard_test_init (&argc, &argv);

  g_test_add ("/container-run/to-completion", Fixture, NULL,
              fixture_setup, test_run_to_completion, fixture_teardown);
  g_test_add ("/container-run/missing-image", Fixture, NULL,
              fixture_setup, test_missing_image, fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (cancels); i++)
    g_test_add (cancels[i].name, Fixture, GINT_TO_POINTER (cancels[i].step),
                fixture_setup, test_cancel_at, fixture_teardown);

  return g_test_run ();
}
