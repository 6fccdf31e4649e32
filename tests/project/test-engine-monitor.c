/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine connection the windows share: its states, the help it gives
 * when there is no engine, and the engine, lists and sweep when there is. */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "dockyard-engine-monitor.h"
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

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/engine-monitor/no-engine", test_no_engine);
  g_test_add_func ("/engine-monitor/hangs-up", test_hangs_up);
  g_test_add_func ("/engine-monitor/cleanups", test_cleanups);
  g_test_add_func ("/engine-monitor/engine", test_engine);

  return g_test_run ();
}
