/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Prints Dockyard's reading of a project's devcontainer.json as JSON, for
 * test-oracle.py to compare with the devcontainer CLI's:
 *
 *   dockyard-devcontainer-read PROJECT-FOLDER [METADATA-FILE]
 *
 * (METADATA-FILE: an image's devcontainer.metadata label to merge), or writes the configuration "Add Dev Container Configuration" would, for
 * test-up.py (USER "-" for the image's user; exit status 3 when there is
 * one already):
 *
 *   dockyard-devcontainer-read --write PROJECT-FOLDER USER host|bridge
 */
#include "config.h"

#include <locale.h>

#include "dockyard-devcontainer.h"
#include "dockyard-devcontainer-writer.h"

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static int
write_config (const char *folder,
              const char *user,
              const char *network)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (folder);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(DockyardProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  dockyard_project_open_async (file, NULL, opened_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  project = dockyard_project_open_finish (result, &error);
  if (project != NULL)
    text = dockyard_devcontainer_generate (project, g_str_equal (user, "-") ? NULL : user,
                                           g_str_equal (network, "host"), &error);
  if (text == NULL || !dockyard_devcontainer_create (project, text, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS) ? 3 : 1;
    }
  g_print ("%s", text);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) folder = NULL;
  g_autoptr(DockyardDevcontainer) config = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  setlocale (LC_ALL, "");
  if (argc == 5 && g_str_equal (argv[1], "--write"))
    return write_config (argv[2], argv[3], argv[4]);
  if (argc != 2 && argc != 3)
    {
      g_printerr ("usage: %s PROJECT-FOLDER [METADATA-FILE]\n", argv[0]);
      return 2;
    }

  folder = g_file_new_for_commandline_arg (argv[1]);
  config = dockyard_devcontainer_load (folder, NULL, &error);
  if (config == NULL)
    {
      g_printerr ("%s\n", error ? error->message : "no devcontainer.json");
      return 1;
    }

  if (argc == 3)
    {
      g_autofree char *label = NULL;
      DockyardDevcontainer *merged;

      if (!g_file_get_contents (argv[2], &label, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      merged = dockyard_devcontainer_copy_with_metadata (config, label);
      dockyard_devcontainer_free (g_steal_pointer (&config));
      config = merged;
    }

  node = dockyard_devcontainer_to_json (config);
  text = json_to_string (node, TRUE);
  g_print ("%s\n", text);
  return 0;
}
