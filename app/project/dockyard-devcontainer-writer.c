/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Add Dev Container Configuration": a minimal .devcontainer/devcontainer.json
 * that opens the project in the Dev Containers tools as Dockyard's dev
 * container is: the project's Dockerfile, the same folder, the same user,
 * the Jupyter port. */
#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dockyard-container-spec.h"
#include "dockyard-devcontainer-writer.h"
#include "dockyard-dockerfile.h"
#include "dockyard-project-files.h"
#include "dockyard-read-file.h"

#define JUPYTER_PORT 8888

/* Where Dockyard mounts the folder: the final stage's WORKDIR, else the
 * default (as dockyard_image_inspect_working_dir() does for an image
 * without one).  A WORKDIR with a variable cannot be told here. */
static char *
dup_working_dir (DockyardDockerfile *dockerfile)
{
  g_autofree char *dir = g_strdup (DOCKYARD_DEFAULT_WORKING_DIR);
  guint n_stages = dockerfile ? dockyard_dockerfile_get_n_stages (dockerfile) : 0;
  const DockyardStage *stage;

  if (n_stages == 0)
    return g_steal_pointer (&dir);

  stage = dockyard_dockerfile_get_stage (dockerfile, n_stages - 1);
  for (guint i = stage->first; i <= stage->last; i++)
    {
      DockyardInstruction *instruction = dockyard_dockerfile_get_instruction (dockerfile, i);
      const char * const *args = dockyard_instruction_get_args (instruction);
      char *next;

      if (g_ascii_strcasecmp (dockyard_instruction_get_keyword (instruction), "WORKDIR") != 0 ||
          args == NULL || args[0] == NULL || strchr (args[0], '$') != NULL)
        continue;
      next = g_path_is_absolute (args[0]) ? g_strdup (args[0])
                                          : g_build_filename (dir, args[0], NULL);
      g_free (dir);
      dir = next;
    }

  if (g_str_equal (dir, "/"))
    return g_strdup (DOCKYARD_DEFAULT_WORKING_DIR);
  return g_steal_pointer (&dir);
}

/**
 * dockyard_devcontainer_generate:
 * @project: a project with a Dockerfile
 * @user: (nullable): the dev container's user, "uid:gid", or %NULL for the
 *   image's
 * @host_network: whether the dev container shares the host's network (an
 *   engine without a bridge)
 *
 * Blocking: reads the Dockerfile.
 *
 * Returns: (transfer full): the text of the configuration
 */
char *
dockyard_devcontainer_generate (DockyardProject  *project,
                                const char       *user,
                                gboolean          host_network,
                                GError          **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(DockyardDockerfile) dockerfile = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autofree char *working_dir = NULL;
  g_autofree char *mount = NULL;
  gsize length;

  g_return_val_if_fail (DOCKYARD_IS_PROJECT (project), NULL);

  if (!dockyard_read_file (dockyard_project_get_directory (project),
                           dockyard_project_get_dockerfile (project),
                           DOCKYARD_MAX_TEXT_FILE_SIZE, &text, &length, error))
    return NULL;
  dockerfile = dockyard_dockerfile_new_from_data (text, length, NULL);
  working_dir = dup_working_dir (dockerfile);
  mount = g_strdup_printf ("source=${localWorkspaceFolder},target=%s,type=bind", working_dir);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, dockyard_project_get_name (project));
  json_builder_set_member_name (builder, "build");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dockerfile");
  json_builder_add_string_value (builder, "../Dockerfile");
  json_builder_set_member_name (builder, "context");
  json_builder_add_string_value (builder, "..");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "workspaceMount");
  json_builder_add_string_value (builder, mount);
  json_builder_set_member_name (builder, "workspaceFolder");
  json_builder_add_string_value (builder, working_dir);
  if (user != NULL)
    {
      json_builder_set_member_name (builder, "containerUser");
      json_builder_add_string_value (builder, user);
      /* A uid is not a user name the tools could change. */
      json_builder_set_member_name (builder, "updateRemoteUserUID");
      json_builder_add_boolean_value (builder, FALSE);
      if (!dockyard_container_user_is_root (user))
        {
          /* As in Dockyard's dev container: the uid has no home. */
          json_builder_set_member_name (builder, "containerEnv");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "HOME");
          json_builder_add_string_value (builder, "/tmp");
          json_builder_end_object (builder);
        }
    }
  json_builder_set_member_name (builder, "forwardPorts");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, JUPYTER_PORT);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "portsAttributes");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, G_STRINGIFY (JUPYTER_PORT));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, "Jupyter");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  if (host_network)
    {
      json_builder_set_member_name (builder, "runArgs");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, "--network=host");
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json = json_generator_to_data (generator, NULL);

  return g_strdup_printf ("// Written by Dockyard: the project opens here as in its dev container.\n"
                          "// Format: https://containers.dev/implementors/json_reference/\n"
                          "%s\n", json);
}

/**
 * dockyard_devcontainer_create:
 * @text: from dockyard_devcontainer_generate(), as previewed
 *
 * Writes `.devcontainer/devcontainer.json`, whole or not at all, unless the
 * project has a Dev Container configuration already: one is never
 * overwritten.  Blocking.
 *
 * Returns: %FALSE with @error set (%G_IO_ERROR_EXISTS when there is one)
 */
gboolean
dockyard_devcontainer_create (DockyardProject  *project,
                              const char       *text,
                              GCancellable     *cancellable,
                              GError          **error)
{
  GFile *directory = dockyard_project_get_directory (project);
  g_autoptr(GFile) existing = dockyard_devcontainer_find (directory);
  g_autoptr(GFile) folder = g_file_get_child (directory, ".devcontainer");
  g_autofree char *path = g_file_get_path (folder);
  gboolean existed = FALSE;

  if (existing == NULL &&
      (path == NULL || (g_mkdir (path, 0777) != 0 && errno != EEXIST)))
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder .devcontainer: %s"), g_strerror (saved));
      return FALSE;
    }

  if (existing == NULL &&
      !dockyard_project_create_file (folder, "devcontainer.json", text, &existed, cancellable, error))
    return FALSE;

  if (existing != NULL || existed)
    {
      g_autofree char *name = existing ? g_file_get_relative_path (directory, existing)
                                       : g_strdup (".devcontainer/devcontainer.json");

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("The project has a Dev Container configuration already (%s): "
                     "Dockyard does not replace it."), name);
      return FALSE;
    }

  return TRUE;
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DockyardProject *project = g_object_get_data (G_OBJECT (task), "project");
  GError *error = NULL;

  if (dockyard_devcontainer_create (project, task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
dockyard_devcontainer_create_async (DockyardProject     *project,
                                    const char          *text,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOCKYARD_IS_PROJECT (project));
  g_return_if_fail (text != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_devcontainer_create_async);
  g_task_set_task_data (task, g_strdup (text), g_free);
  g_object_set_data_full (G_OBJECT (task), "project", g_object_ref (project), g_object_unref);
  g_task_run_in_thread (task, create_thread);
}

gboolean
dockyard_devcontainer_create_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
