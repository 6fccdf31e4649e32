/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine connection the windows share: its states, the help it gives
 * when there is no engine, and the engine, lists and sweep when there is. */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "dockyard-container-spec.h"
#include "dockyard-engine-monitor.h"
#include "dockyard-orphan-sweep.h"
#include "dockyard-test-utils.h"

static GSettings *
new_settings (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

  return g_settings_new_with_backend (APP_ID, backend);
}

static void
wait_for_state (DockyardEngineMonitor *monitor,
                DockyardEngineState    state)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (dockyard_engine_monitor_get_state (monitor) != state)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* The socket chosen in the preferences is not there: FAILED, with the
 * reason and what to do; changing the preference connects again. */
static void
test_no_engine (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  DockyardEngineMonitor *monitor;
  g_autofree char *title = NULL;
  g_autofree char *help = NULL;
  guint notified = 0;

  g_settings_set_boolean (settings, "engine-automatic", FALSE);
  g_settings_set_string (settings, "engine-socket", "/nonexistent/dockyard-monitor.sock");
  monitor = dockyard_engine_monitor_new (settings);
  g_signal_connect (monitor, "notify::state", G_CALLBACK (count_notify_cb), &notified);

  /* Not connected until asked. */
  g_assert_null (dockyard_engine_monitor_dup_help (monitor, NULL));
  dockyard_engine_monitor_connect (monitor);
  g_assert_cmpint (dockyard_engine_monitor_get_state (monitor), ==, DOCKYARD_ENGINE_STATE_CONNECTING);
  wait_for_state (monitor, DOCKYARD_ENGINE_STATE_FAILED);
  g_assert_cmpuint (notified, >=, 1);

  g_assert_null (dockyard_engine_monitor_get_engine (monitor));
  g_assert_null (dockyard_engine_monitor_get_images (monitor));
  g_assert_null (dockyard_engine_monitor_get_containers (monitor));
  g_assert_nonnull (dockyard_engine_monitor_get_error (monitor));
  help = dockyard_engine_monitor_dup_help (monitor, &title);
  g_assert_nonnull (help);
  g_assert_nonnull (strstr (help, "/nonexistent/dockyard-monitor.sock"));
  g_assert_nonnull (strstr (help, "Preferences"));
  g_assert_cmpstr (title, ==, "No Container Engine Found");

  /* A changed preference reconnects by itself. */
  notified = 0;
  g_settings_set_string (settings, "engine-socket", "/nonexistent/other.sock");
  while (notified == 0)
    g_main_context_iteration (NULL, TRUE);
  wait_for_state (monitor, DOCKYARD_ENGINE_STATE_FAILED);
  g_clear_pointer (&help, g_free);
  help = dockyard_engine_monitor_dup_help (monitor, NULL);
  g_assert_nonnull (strstr (help, "/nonexistent/other.sock"));

  dockyard_engine_monitor_disconnect (monitor);
  g_assert_finalize_object (monitor);
}

static gboolean
hang_up_cb (GSocketService    *service,
            GSocketConnection *connection,
            GObject           *source,
            gpointer           user_data)
{
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

/* A socket that takes connections and closes them at once (another
 * program's, an engine going down): its own title and an explanation,
 * not "No Container Engine Found" over a raw error (issue 18, item 17). */
static void
test_hangs_up (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dockyard-hangup-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "engine.sock", NULL);
  g_autofree char *title = NULL;
  g_autofree char *help = NULL;
  DockyardEngineMonitor *monitor;

  g_assert_no_error (error);
  address = g_unix_socket_address_new (path);
  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (hang_up_cb), NULL);
  g_socket_service_start (service);

  g_settings_set_boolean (settings, "engine-automatic", FALSE);
  g_settings_set_string (settings, "engine-socket", path);
  monitor = dockyard_engine_monitor_new (settings);
  dockyard_engine_monitor_connect (monitor);
  wait_for_state (monitor, DOCKYARD_ENGINE_STATE_FAILED);

  help = dockyard_engine_monitor_dup_help (monitor, &title);
  g_test_message ("%s: %s", title, help);
  g_assert_cmpstr (title, ==, "The Engine Does Not Answer");
  g_assert_nonnull (strstr (help, "closes them"));
  g_assert_nonnull (strstr (help, path));

  dockyard_engine_monitor_disconnect (monitor);
  g_assert_finalize_object (monitor);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_cleanups (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(DockyardEngineMonitor) monitor = dockyard_engine_monitor_new (settings);

  g_assert_cmpuint (dockyard_engine_monitor_get_pending_cleanups (monitor), ==, 0);
  dockyard_engine_monitor_hold_cleanup (monitor);
  dockyard_engine_monitor_hold_cleanup (monitor);
  g_assert_cmpuint (dockyard_engine_monitor_get_pending_cleanups (monitor), ==, 2);
  dockyard_engine_monitor_release_cleanup (monitor);
  dockyard_engine_monitor_release_cleanup (monitor);
  g_assert_cmpuint (dockyard_engine_monitor_get_pending_cleanups (monitor), ==, 0);
}

/* The suite's engine: READY, with the engine, its lists, and the sweep
 * for left-behind containers done (its hold released). */
static void
test_engine (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  DockyardEngineMonitor *monitor;
  const char *socket = dockyard_test_engine_socket ();
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  DOCKYARD_TEST_REQUIRE_ENGINE (socket);

  g_settings_set_boolean (settings, "engine-automatic", FALSE);
  g_settings_set_string (settings, "engine-socket", socket);
  monitor = dockyard_engine_monitor_new (settings);
  dockyard_engine_monitor_connect (monitor);
  wait_for_state (monitor, DOCKYARD_ENGINE_STATE_READY);

  g_assert_nonnull (dockyard_engine_monitor_get_engine (monitor));
  g_assert_cmpstr (dockyard_engine_get_socket_path (dockyard_engine_monitor_get_engine (monitor)), ==,
                   socket);
  g_assert_true (G_IS_LIST_MODEL (dockyard_engine_monitor_get_images (monitor)));
  g_assert_true (G_IS_LIST_MODEL (dockyard_engine_monitor_get_containers (monitor)));
  g_assert_null (dockyard_engine_monitor_get_error (monitor));
  g_assert_null (dockyard_engine_monitor_dup_help (monitor, NULL));

  while (dockyard_engine_monitor_get_pending_cleanups (monitor) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  /* Reconnecting goes through CONNECTING back to READY. */
  dockyard_engine_monitor_connect (monitor);
  g_assert_cmpint (dockyard_engine_monitor_get_state (monitor), ==, DOCKYARD_ENGINE_STATE_CONNECTING);
  g_assert_null (dockyard_engine_monitor_get_engine (monitor));
  wait_for_state (monitor, DOCKYARD_ENGINE_STATE_READY);
  while (dockyard_engine_monitor_get_pending_cleanups (monitor) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  dockyard_engine_monitor_disconnect (monitor);
  for (guint i = 0; i < 1000 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_finalize_object (monitor);
}

/* Runs tests/engine/dockyard-test-context CONFIG NAME HOST. */
static void
write_context (const char *config,
               const char *name,
               const char *host)
{
  g_autofree char *ctl = g_build_filename (g_getenv ("DOCKYARD_SOURCE_DIR"), "tests", "engine",
                                           "dockyard-test-context", NULL);
  const char *argv[] = { ctl, config, name, host, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* A Docker context chosen in preferences (engine-context) names the engine,
 * here the suite's own socket; one that is not there says so by name. */
static void
test_context (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autofree char *config = g_dir_make_tmp ("dockyard-docker-config-XXXXXX", NULL);
  g_autofree char *host = NULL;
  DockyardEngineMonitor *monitor;
  const char *socket = dockyard_test_engine_socket ();
  const GError *error;

  DOCKYARD_TEST_REQUIRE_ENGINE (socket);

  host = g_strconcat ("unix://", socket, NULL);
  write_context (config, "test-engine", host);
  g_setenv ("DOCKER_CONFIG", config, TRUE);

  g_settings_set_boolean (settings, "engine-automatic", FALSE);
  g_settings_set_string (settings, "engine-socket", "/nonexistent/dockyard-monitor.sock");
  g_settings_set_string (settings, "engine-context", "test-engine");
  monitor = dockyard_engine_monitor_new (settings);
  dockyard_engine_monitor_connect (monitor);
  wait_for_state (monitor, DOCKYARD_ENGINE_STATE_READY);
  g_assert_cmpstr (dockyard_engine_get_socket_path (dockyard_engine_monitor_get_engine (monitor)), ==,
                   socket);
  while (dockyard_engine_monitor_get_pending_cleanups (monitor) > 0)
    g_main_context_iteration (NULL, TRUE);

  /* Changing the setting reconnects. */
  g_settings_set_string (settings, "engine-context", "gone");
  wait_for_state (monitor, DOCKYARD_ENGINE_STATE_FAILED);
  error = dockyard_engine_monitor_get_error (monitor);
  g_assert_nonnull (strstr (error->message, "“gone”"));

  dockyard_engine_monitor_disconnect (monitor);
  for (guint i = 0; i < 1000 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_finalize_object (monitor);
  g_unsetenv ("DOCKER_CONFIG");
  dockyard_test_remove_tree (config);
}

/* A container of this (live) Dockyard that a session could not remove while
 * the engine was gone is removed when the engine is back: the sweep runs
 * again when the event stream reconnects, and takes the abandoned one. */
static void
test_sweep_when_engine_back (void)
{
  g_autoptr(GSettings) settings = new_settings ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) config = NULL;
  g_autoptr(DockyardEngine) engine = NULL;
  g_autofree char *owner = dockyard_container_owner_label ();
  g_autofree char *id = NULL;
  g_autofree char *project = NULL;
  DockyardEngineMonitor *monitor;
  const char *socket = dockyard_test_engine_socket ();
  const char *image = g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE");
  gint64 deadline;

  DOCKYARD_TEST_REQUIRE_ENGINE (socket);
  if (g_strcmp0 (g_getenv ("DOCKYARD_TEST_ENGINE_CTL"), "") <= 0)
    {
      dockyard_test_skip_unless_ci ("the engine is not the suite's own: it may not be restarted");
      return;
    }

  g_settings_set_boolean (settings, "engine-automatic", FALSE);
  g_settings_set_string (settings, "engine-socket", socket);
  monitor = dockyard_engine_monitor_new (settings);
  dockyard_engine_monitor_connect (monitor);
  wait_for_state (monitor, DOCKYARD_ENGINE_STATE_READY);

  /* A container this process owns, as a dev session makes it. */
  project = g_strdup_printf ("/nonexistent/dockyard-monitor-%d", (int) getpid ());
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Image");
  json_builder_add_string_value (builder, image);
  json_builder_set_member_name (builder, "Cmd");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "/bin/sleep");
  json_builder_add_string_value (builder, "600");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "Labels");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, DOCKYARD_LABEL_ROLE);
  json_builder_add_string_value (builder, "dev");
  json_builder_set_member_name (builder, DOCKYARD_LABEL_PROJECT);
  json_builder_add_string_value (builder, project);
  json_builder_set_member_name (builder, DOCKYARD_LABEL_OWNER);
  json_builder_add_string_value (builder, owner);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "HostConfig");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "NetworkMode");
  json_builder_add_string_value (builder, "none");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  config = json_builder_get_root (builder);

  engine = dockyard_engine_new (socket);
  dockyard_engine_connect_async (engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_engine_connect_finish (engine, result, &error));
  g_clear_object (&result);
  dockyard_engine_create_container_async (engine, NULL, config, NULL,
                                          dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  id = dockyard_engine_create_container_finish (engine, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* The engine goes away and comes back; the session's Stop failed
   * meanwhile, so the container was abandoned. */
  g_assert_true (dockyard_test_engine_control ("kill"));
  wait_for_state (monitor, DOCKYARD_ENGINE_STATE_UNREACHABLE);
  dockyard_orphan_sweep_abandon (id);
  g_assert_true (dockyard_test_engine_control ("start"));
  wait_for_state (monitor, DOCKYARD_ENGINE_STATE_READY);

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (dockyard_test_container_exists (engine, id))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (100 * 1000);
    }

  dockyard_engine_monitor_disconnect (monitor);
  for (guint i = 0; i < 1000 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_finalize_object (monitor);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/engine-monitor/no-engine", test_no_engine);
  g_test_add_func ("/engine-monitor/hangs-up", test_hangs_up);
  g_test_add_func ("/engine-monitor/cleanups", test_cleanups);
  g_test_add_func ("/engine-monitor/engine", test_engine);
  g_test_add_func ("/engine-monitor/docker-context", test_context);
  g_test_add_func ("/engine-monitor/sweep-when-engine-back", test_sweep_when_engine_back);

  return g_test_run ();
}
