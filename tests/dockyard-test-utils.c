/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "dockyard-test-utils.h"

static char *test_home;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}

static void
remove_test_home (void)
{
  remove_tree (test_home);
  g_clear_pointer (&test_home, g_free);
}

/* Each test program gets a private home and runtime dir so that nothing
 * (settings, recent files, a rootless engine socket) leaks in from the
 * user's.  XDG_DATA_DIRS stays: GTK needs the system's MIME database and
 * icon themes, which G_TEST_OPTION_ISOLATE_DIRS would hide. */
void
dockyard_test_init (int    *argc,
                    char ***argv)
{
  static const char *vars[][2] = {
    { "HOME", "home" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_STATE_HOME", "state" },
    { "XDG_RUNTIME_DIR", "runtime" },
  };
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "C.UTF-8");

  test_home = g_dir_make_tmp ("dockyard-test-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_test_home);

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (test_home, vars[i][1], NULL);

      g_mkdir_with_parents (dir, 0700);
      g_setenv (vars[i][0], dir, TRUE);
    }

  g_test_init (argc, argv, NULL);
}

gboolean
dockyard_test_in_ci (void)
{
  return g_strcmp0 (g_getenv ("CI"), "true") == 0;
}

/* Outside CI a missing prerequisite (no engine, no corpus) skips the test;
 * in CI it must not go unnoticed, so it fails instead. */
void
dockyard_test_skip_unless_ci (const char *why)
{
  if (dockyard_test_in_ci ())
    g_test_fail_printf ("CI=true but the test cannot run: %s", why);
  else
    g_test_skip (why);
}

/* The socket of the engine that tests/run started (or was given), or NULL. */
const char *
dockyard_test_engine_socket (void)
{
  const char *host = g_getenv ("DOCKER_HOST");

  if (host == NULL || !g_str_has_prefix (host, "unix://"))
    return NULL;

  return host + strlen ("unix://");
}

/* Runs tests/engine/dockyard-test-engine VERB (stop, start, kill, restart)
 * when the suite owns a private engine.  Returns FALSE when the engine belongs
 * to someone else and must not be touched. */
gboolean
dockyard_test_engine_control (const char *verb)
{
  const char *ctl = g_getenv ("DOCKYARD_TEST_ENGINE_CTL");
  g_autoptr(GError) error = NULL;
  const char *argv[] = { ctl, verb, NULL };
  int status = 0;

  if (ctl == NULL || *ctl == '\0')
    return FALSE;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     NULL, NULL, &status, &error))
    g_error ("cannot run %s %s: %s", ctl, verb, error->message);

  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s %s failed: %s", ctl, verb, error->message);

  return TRUE;
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("condition not reached within the timeout");
  return G_SOURCE_REMOVE;
}

void
dockyard_test_run_until (gboolean *done,
                         guint     timeout_seconds)
{
  guint id = g_timeout_add_seconds (timeout_seconds, timeout_cb, NULL);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (id);
}

/* A GAsyncReadyCallback that keeps the result in the GAsyncResult* user_data. */
void
dockyard_test_store_result_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

void
dockyard_test_wait_for_async (GAsyncResult **result)
{
  /* A generous bound so that a hang fails the test instead of the suite. */
  guint id = g_timeout_add_seconds (120, timeout_cb, NULL);

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (id);
}

char *
dockyard_test_artifact_path (const char *name)
{
  const char *dir = g_getenv ("DOCKYARD_TEST_ARTIFACTS");

  if (dir == NULL)
    dir = g_get_tmp_dir ();

  g_mkdir_with_parents (dir, 0755);
  return g_build_filename (dir, name, NULL);
}
