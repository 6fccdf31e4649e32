/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "dockyard-build-context.h"
#include "dockyard-cli-context.h"

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * dockyard_cli_context_list:
 * @dir: the context folder, as given on the command line
 *
 * `dockyard --context-list DIR`: prints the regular files and symbolic
 * links that a build of @dir would send, one per line, sorted in byte order,
 * relative to @dir.  Names are printed as they are (a name holding a newline
 * spans two lines), so that the output can be compared with a listing of
 * what `docker build` sends.
 *
 * Returns: the exit status: 0, or 1 with a message on stderr
 */
int
dockyard_cli_context_list (const char *dir)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GFile) directory = NULL;
  g_autoptr(DockyardBuildContext) build_context = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;

  g_return_val_if_fail (dir != NULL, 1);

  directory = g_file_new_for_commandline_arg (dir);
  build_context = dockyard_build_context_new (directory, NULL);

  /* The walk runs in a worker thread either way; a private main context
   * keeps this usable before (or without) the application's main loop. */
  g_main_context_push_thread_default (context);
  dockyard_build_context_list_async (build_context, NULL, list_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  files = dockyard_build_context_list_finish (build_context, result, &error);
  if (files == NULL)
    {
      g_printerr ("dockyard: %s\n", error->message);
      return 1;
    }

  for (guint i = 0; files[i] != NULL; i++)
    {
      fputs (files[i], stdout);
      fputc ('\n', stdout);
    }

  if (fflush (stdout) != 0)
    {
      g_printerr ("dockyard: %s\n", _("Cannot write the list"));
      return 1;
    }

  return 0;
}
