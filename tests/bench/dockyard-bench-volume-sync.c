/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One sync of a folder with its volume on the engine at $DOCKER_HOST (a
 * tcp:// one with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, an ssh:// one, or
 * a unix socket), as Dev does it for an engine on another computer; prints
 * the wall time and what moved:
 *
 *   dockyard-bench-volume-sync DIR IMAGE
 *
 * The manifest goes to $XDG_STATE_HOME, so a second run over the same DIR
 * sends only what changed.  tests/bench/bench-volume-sync runs it against
 * `docker cp`.  Not part of the test suite.
 */
#include "config.h"

#include <stdio.h>

#include "dockyard-engine.h"
#include "dockyard-volume-sync.h"

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DockyardEngine) engine = NULL;
  g_autoptr(DockyardVolumeSync) sync = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;
  const char *host = g_getenv ("DOCKER_HOST");
  gint64 start;

  if (argc != 3 || host == NULL)
    {
      g_printerr ("usage: DOCKER_HOST=… %s DIR IMAGE\n", argv[0]);
      return 2;
    }

  engine = dockyard_engine_new_for_address (host, &error);
  if (engine == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  dockyard_engine_connect_async (engine, NULL, store_cb, &result);
  wait_for (&result);
  if (!dockyard_engine_connect_finish (engine, result, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_clear_object (&result);

  directory = g_file_new_for_commandline_arg (argv[1]);
  sync = dockyard_volume_sync_new (engine, directory);
  dockyard_volume_sync_set_image (sync, argv[2]);

  start = g_get_monotonic_time ();
  dockyard_volume_sync_run_async (sync, NULL, store_cb, &result);
  wait_for (&result);
  if (!dockyard_volume_sync_run_finish (sync, result, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  printf ("%.3f %u %u %s\n", (g_get_monotonic_time () - start) / 1e6,
          dockyard_volume_sync_get_pushed (sync), dockyard_volume_sync_get_pulled (sync),
          dockyard_volume_sync_get_volume_name (sync));
  return 0;
}
