/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Prints Dockyard's reading of a project's devcontainer.json as JSON, for
 * test-oracle.py to compare with the devcontainer CLI's:
 *
 *   dockyard-devcontainer-read PROJECT-FOLDER
 */
#include "config.h"

#include <locale.h>

#include "dockyard-devcontainer.h"

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
  if (argc != 2)
    {
      g_printerr ("usage: %s PROJECT-FOLDER\n", argv[0]);
      return 2;
    }

  folder = g_file_new_for_commandline_arg (argv[1]);
  config = dockyard_devcontainer_load (folder, NULL, &error);
  if (config == NULL)
    {
      g_printerr ("%s\n", error ? error->message : "no devcontainer.json");
      return 1;
    }

  node = dockyard_devcontainer_to_json (config);
  text = json_to_string (node, TRUE);
  g_print ("%s\n", text);
  return 0;
}
