/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `dockyard --build DIR`: the GUI's build, headless. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dockyard-cli-build.h"
#include "dockyard-project.h"

typedef struct
{
  GMainLoop       *loop;
  DockyardEngine  *engine;
  DockyardProject *project;
  DockyardBuild   *build;
  GError          *error;
  GFile           *directory;
  guint            line;
  int              status;
} CliBuild;

/* What a step's line last said, so that each state is printed once. */
#define PRINTED_KEY "dockyard-cli-printed-state"
#define PENDING_KEY "dockyard-cli-pending"

static void
print_step (DockyardBuildStep *step)
{
  DockyardBuildStepState state = dockyard_build_step_get_state (step);
  int printed = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (step), PRINTED_KEY)) - 1;
  double seconds = dockyard_build_step_get_duration (step) / (double) G_USEC_PER_SEC;

  if (dockyard_build_step_get_index (step) == 0 || (int) state == printed)
    return;

  switch (state)
    {
    case DOCKYARD_BUILD_STEP_RUNNING:
      g_print ("%s\n", dockyard_build_step_get_name (step));
      break;
    case DOCKYARD_BUILD_STEP_CACHED:
      /* Translators: a build step that came from the cache */
      g_print (_("%s (cached)\n"), dockyard_build_step_get_name (step));
      break;
    case DOCKYARD_BUILD_STEP_DONE:
      /* Translators: a finished build step and how long it took */
      g_print (_("%s done in %.1f s\n"), dockyard_build_step_get_name (step), seconds);
      break;
    case DOCKYARD_BUILD_STEP_FAILED:
      /* Translators: a failed build step */
      g_print (_("%s failed\n"), dockyard_build_step_get_name (step));
      break;
    case DOCKYARD_BUILD_STEP_WAITING:
    default:
      return;
    }

  g_object_set_data (G_OBJECT (step), PRINTED_KEY, GINT_TO_POINTER (state + 1));
  fflush (stdout);
}

static gboolean
print_settled_cb (gpointer data)
{
  DockyardBuildStep *step = data;

  g_object_set_data (G_OBJECT (step), PENDING_KEY, NULL);
  print_step (step);
  return G_SOURCE_REMOVE;
}

/* BuildKit reports a step's end and then, in a later message, that it was
 * cached or failed: print the end once the reports have settled. */
static void
step_state_cb (DockyardBuildStep *step)
{
  if (dockyard_build_step_get_state (step) == DOCKYARD_BUILD_STEP_RUNNING)
    {
      print_step (step);
      return;
    }

  if (g_object_get_data (G_OBJECT (step), PENDING_KEY) == NULL)
    g_object_set_data_full (G_OBJECT (step), PENDING_KEY,
                            GUINT_TO_POINTER (g_timeout_add_full (G_PRIORITY_DEFAULT, 200,
                                                                  print_settled_cb,
                                                                  g_object_ref (step),
                                                                  g_object_unref)),
                            NULL);
}

static void
flush_steps (CliBuild *cli)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cli->build)); i++)
    {
      g_autoptr(DockyardBuildStep) step = g_list_model_get_item (G_LIST_MODEL (cli->build), i);
      guint pending = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (step), PENDING_KEY));

      if (pending != 0)
        {
          g_source_remove (pending);
          g_object_set_data (G_OBJECT (step), PENDING_KEY, NULL);
        }
      print_step (step);
    }
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  CliBuild   *cli)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(DockyardBuildStep) step = g_list_model_get_item (model, i);

      g_signal_connect (step, "notify::state", G_CALLBACK (step_state_cb), NULL);
      step_state_cb (step);
    }
}

static void
find_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CliBuild *cli = user_data;

  cli->line = dockyard_project_find_step_line_finish (cli->project, result, NULL);
  g_main_loop_quit (cli->loop);
}

static void
build_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  CliBuild *cli = user_data;
  g_autofree char *image_id = NULL;
  DockyardBuildStep *step;

  image_id = dockyard_build_run_finish (cli->build, result, &cli->error);
  flush_steps (cli);
  if (image_id != NULL)
    {
      /* Translators: the image name and its id */
      g_print (_("Built %s (%s)\n"), dockyard_build_get_tag (cli->build), image_id);
      cli->status = 0;
      g_main_loop_quit (cli->loop);
      return;
    }

  cli->status = 1;
  step = dockyard_build_get_failed_step (cli->build);
  if (step == NULL)
    {
      g_main_loop_quit (cli->loop);
      return;
    }

  dockyard_project_find_step_line_async (cli->project, step, NULL, find_line_cb, cli);
}

static void
context_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  CliBuild *cli = user_data;
  g_autoptr(GInputStream) context = NULL;
  g_auto(GStrv) sources = NULL;

  context = dockyard_project_open_context_finish (cli->project, result, &sources, &cli->error);
  if (context == NULL)
    {
      cli->status = 1;
      g_main_loop_quit (cli->loop);
      return;
    }

  /* Translators: image name, engine name and version, engine socket */
  g_print (_("Building %s with %s %s at %s\n"), dockyard_build_get_tag (cli->build),
           dockyard_engine_get_name (cli->engine), dockyard_engine_get_version (cli->engine),
           dockyard_engine_get_address (cli->engine));
  if (sources != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", sources);

      /* Translators: %s is a list of paths in the project folder, e.g. "requirements.txt, src" */
      g_print (_("Sending only what the Dockerfile uses: %s\n"),
               *list != '\0' ? list : _("the Dockerfile"));
    }
  dockyard_build_run_async (cli->build, context, NULL, build_cb, cli);
}

static void
start_build (CliBuild *cli)
{
  if (!dockyard_project_get_has_dockerfile (cli->project))
    {
      g_autofree char *path = dockyard_project_dup_path (cli->project);

      cli->error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                _("%s has no Dockerfile."), path);
      cli->status = 2;
      g_main_loop_quit (cli->loop);
      return;
    }

  cli->build = dockyard_project_new_build (cli->project, cli->engine);
  g_signal_connect (cli->build, "items-changed", G_CALLBACK (items_changed_cb), cli);
  dockyard_project_open_context_async (cli->project, cli->engine, NULL, context_opened_cb, cli);
}

static void
project_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  CliBuild *cli = user_data;

  cli->project = dockyard_project_open_finish (result, &cli->error);
  if (cli->project == NULL)
    {
      cli->status = 2;
      g_main_loop_quit (cli->loop);
      return;
    }

  start_build (cli);
}

static void
discover_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  CliBuild *cli = user_data;

  cli->engine = dockyard_engine_discover_finish (result, &cli->error);
  if (cli->engine == NULL)
    {
      cli->status = 1;
      g_main_loop_quit (cli->loop);
      return;
    }

  dockyard_project_open_async (cli->directory, NULL, project_cb, cli);
}

/**
 * dockyard_cli_build:
 * @dir: the project folder
 *
 * Builds the project's image like the Build button, printing the steps.
 *
 * Returns: the exit status: 0 built, 1 the build or the engine failed,
 *   2 the folder cannot be used
 */
int
dockyard_cli_build (const char *dir)
{
  CliBuild cli = { 0 };
  g_autoptr(GFile) directory = g_file_new_for_commandline_arg (dir);

  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.directory = directory;
  cli.status = 1;

  dockyard_engine_discover_async (NULL, NULL, discover_cb, &cli);
  g_main_loop_run (cli.loop);

  if (cli.error != NULL)
    {
      g_printerr ("%s\n", cli.error->message);
    }

  if (cli.build != NULL && dockyard_build_get_state (cli.build) == DOCKYARD_BUILD_FAILED)
    {
      DockyardBuildStep *step = dockyard_build_get_failed_step (cli.build);

      if (step != NULL)
        {
          g_autofree char *tail = dockyard_build_step_dup_log_summary (step, 10);

          if (cli.line > 0)
            /* Translators: Dockerfile line and the failed instruction, compiler style */
            g_printerr (_("Dockerfile:%u: %s failed\n"), cli.line,
                        dockyard_build_step_get_instruction (step));
          if (*tail != '\0')
            g_printerr ("%s\n", tail);
        }
    }

  g_clear_error (&cli.error);
  g_clear_object (&cli.build);
  g_clear_object (&cli.project);
  g_clear_object (&cli.engine);
  g_main_loop_unref (cli.loop);

  return cli.status;
}
