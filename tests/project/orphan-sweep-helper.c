/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A second Dockyard for test-orphan-sweep, run in its own PID namespace:
 *   orphan-sweep-helper sweep        runs the orphan sweep, prints the count
 *   orphan-sweep-helper create       makes a container it owns, prints its
 *                                    id and exits
 *   orphan-sweep-helper create-hold  the same, then stays alive until its
 *                                    stdin closes */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "dockyard-container-spec.h"
#include "dockyard-orphan-sweep.h"
#include "dockyard-test-utils.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DockyardEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    return 2;

  engine = dockyard_test_connect_engine ();
  if (engine == NULL)
    return 3;

  if (g_str_equal (argv[1], "sweep"))
    {
      guint removed;

      dockyard_orphan_sweep_async (engine, NULL, dockyard_test_store_result_cb, &result);
      dockyard_test_wait_for_async (&result);
      removed = dockyard_orphan_sweep_finish (result, &error);
      if (error != NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      printf ("%u\n", removed);
      return 0;
    }
  else
    {
      static const char * const cmd[] = { "sleep", "600", NULL };
      DockyardContainerSpec spec = {
        .image = g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"),
        .cmd = cmd,
        .working_dir = "/",
        .role = "sweep-test",
        .project_path = g_getenv ("DOCKYARD_SWEEP_TEST_PROJECT"),
        .no_network = TRUE,
        .no_project_mount = TRUE,
      };
      g_autoptr(JsonNode) config = dockyard_container_spec_to_json (&spec);
      g_autofree char *id = NULL;
      char buffer[64];

      dockyard_engine_create_container_async (engine, NULL, config, NULL,
                                              dockyard_test_store_result_cb, &result);
      dockyard_test_wait_for_async (&result);
      id = dockyard_engine_create_container_finish (engine, result, &error);
      if (id == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      printf ("%s\n", id);
      fflush (stdout);

      if (g_str_equal (argv[1], "create-hold"))
        while (read (STDIN_FILENO, buffer, sizeof buffer) > 0)
          ;
      return 0;
    }
}
