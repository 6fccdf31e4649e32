/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The orphan sweep across PID namespaces (issue 16, item 8), against the
 * real engine: a second Dockyard in its own PID namespace (what the
 * Flatpak sandbox gives it), made with `unshare --pid --fork --mount-proc`,
 * must not take this live one's containers for orphans, and this one must
 * tell its containers apart while it runs and after it has gone. */
#include "config.h"

#include <sys/wait.h>
#include <unistd.h>

#include "dockyard-container-spec.h"
#include "dockyard-orphan-sweep.h"
#include "dockyard-test-utils.h"

static char *
helper_path (void)
{
  return g_build_filename (g_getenv ("DOCKYARD_BUILD_DIR"), "tests", "project",
                           "orphan-sweep-helper", NULL);
}

/* Runs the helper in a new PID namespace; returns its stdout, stripped. */
static char *
run_in_pid_namespace (const char *mode)
{
  g_autofree char *helper = helper_path ();
  const char *argv[] = { "unshare", "--pid", "--fork", "--mount-proc", helper, mode, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (err != NULL && *err != '\0')
    g_test_message ("helper: %s", err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_strstrip (out);
}

static guint
sweep (DockyardEngine *engine)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint removed;

  dockyard_orphan_sweep_async (engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  removed = dockyard_orphan_sweep_finish (result, &error);
  g_assert_no_error (error);
  return removed;
}

static char *
create_own (DockyardEngine *engine,
            const char     *project)
{
  static const char * const cmd[] = { "sleep", "600", NULL };
  DockyardContainerSpec spec = {
    .image = g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"),
    .cmd = cmd,
    .working_dir = "/",
    .role = "sweep-test",
    .project_path = project,
    .no_network = TRUE,
    .no_project_mount = TRUE,
  };
  g_autoptr(JsonNode) config = dockyard_container_spec_to_json (&spec);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *id;

  dockyard_engine_create_container_async (engine, NULL, config, NULL,
                                          dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  id = dockyard_engine_create_container_finish (engine, result, &error);
  g_assert_no_error (error);
  return id;
}

static void
remove_container (DockyardEngine *engine,
                  const char     *id)
{
  g_autofree char *path = g_strdup_printf ("/containers/%s?force=1", id);
  g_autoptr(JsonNode) node = dockyard_test_request (engine, "DELETE", path, NULL);
}

static void
test_across_pid_namespaces (void)
{
  g_autoptr(DockyardEngine) engine = dockyard_test_connect_engine ();
  g_autofree char *project = g_dir_make_tmp ("dockyard-sweep-XXXXXX", NULL);
  g_autofree char *mine = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *removed = NULL;
  g_autofree char *helper = helper_path ();
  g_autofree char *unshare = g_find_program_in_path ("unshare");
  const char *hold_argv[] = { "unshare", "--pid", "--fork", "--mount-proc", helper, "create-hold", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) out = NULL;
  g_autofree char *held = NULL;
  GPid pid;
  int stdin_fd, stdout_fd;

  DOCKYARD_TEST_REQUIRE_ENGINE (engine);
  if (unshare == NULL || geteuid () != 0)
    {
      g_test_skip ("needs unshare and root for a PID namespace");
      return;
    }
  g_setenv ("DOCKYARD_SWEEP_TEST_PROJECT", project, TRUE);

  /* This live instance's container: a sweep from another PID namespace,
   * where this pid means nothing, leaves it. */
  mine = create_own (engine, project);
  removed = run_in_pid_namespace ("sweep");
  g_test_message ("the sweep in the other namespace removed %s", removed);
  g_assert_true (dockyard_test_container_exists (engine, mine));

  /* A sandboxed instance that has exited (its pid there was 1 or 2):
   * its container is an orphan here. */
  gone = run_in_pid_namespace ("create");
  g_assert_true (dockyard_test_container_exists (engine, gone));
  g_assert_cmpuint (sweep (engine), ==, 1);
  g_assert_false (dockyard_test_container_exists (engine, gone));
  g_assert_true (dockyard_test_container_exists (engine, mine));

  /* A sandboxed instance that still runs: its container stays until it
   * has gone. */
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) hold_argv, NULL,
                                           G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, &stdin_fd, &stdout_fd, NULL, &error));
  g_assert_no_error (error);
  out = g_io_channel_unix_new (stdout_fd);
  g_io_channel_set_close_on_unref (out, TRUE);
  g_assert_cmpint (g_io_channel_read_line (out, &held, NULL, NULL, &error), ==, G_IO_STATUS_NORMAL);
  g_strstrip (held);
  g_assert_true (dockyard_test_container_exists (engine, held));
  g_assert_cmpuint (sweep (engine), ==, 0);
  g_assert_true (dockyard_test_container_exists (engine, held));

  close (stdin_fd);
  {
    int status;

    g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
    g_spawn_close_pid (pid);
  }
  g_assert_cmpuint (sweep (engine), ==, 1);
  g_assert_false (dockyard_test_container_exists (engine, held));
  g_assert_true (dockyard_test_container_exists (engine, mine));

  remove_container (engine, mine);
  dockyard_test_remove_tree (project);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/orphan-sweep/across-pid-namespaces", test_across_pid_namespaces);

  return g_test_run ();
}
