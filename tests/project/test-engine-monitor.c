/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine connection the windows share: its states, the help it gives
 * when there is no engine, and the engine, lists and sweep when there is. */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

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

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/engine-monitor/no-engine", test_no_engine);
  g_test_add_func ("/engine-monitor/cleanups", test_cleanups);
  g_test_add_func ("/engine-monitor/engine", test_engine);
  g_test_add_func ("/engine-monitor/docker-context", test_context);

  return g_test_run ();
}
