/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-project.h"

/**
 * DockyardProject:
 *
 * A project folder: the build context of its image and the folder that the
 * dev and lab containers mount.
 */
struct _DockyardProject
{
  GObject  parent_instance;

  GFile   *directory;
  char    *name;
  guint    has_dockerfile : 1;
};

G_DEFINE_FINAL_TYPE (DockyardProject, dockyard_project, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_NAME,
  PROP_HAS_DOCKERFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dockyard_project_finalize (GObject *object)
{
  DockyardProject *self = (DockyardProject *)object;

  g_clear_object (&self->directory);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (dockyard_project_parent_class)->finalize (object);
}

static void
dockyard_project_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DockyardProject *self = DOCKYARD_PROJECT (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_object (value, self->directory);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_HAS_DOCKERFILE:
      g_value_set_boolean (value, self->has_dockerfile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_project_class_init (DockyardProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_project_finalize;
  object_class->get_property = dockyard_project_get_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_object ("directory", NULL, NULL, G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_HAS_DOCKERFILE] =
    g_param_spec_boolean ("has-dockerfile", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_project_init (DockyardProject *self)
{
}

static void
query_dockerfile_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardProject *self = g_task_get_task_data (task);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  if (info == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_task_return_new_error (task, error->domain, error->code,
                               _("Cannot read the Dockerfile of “%s”: %s"),
                               self->name, error->message);
      return;
    }

  self->has_dockerfile = info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR;
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static void
query_directory_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardProject *self = g_task_get_task_data (task);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dockerfile = NULL;
  GCancellable *cancellable;

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  if (info == NULL)
    {
      g_task_return_new_error (task, error->domain, error->code,
                               _("Cannot open “%s”: %s"), self->name, error->message);
      return;
    }

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                               _("“%s” is not a folder."), self->name);
      return;
    }

  dockerfile = g_file_get_child (self->directory, "Dockerfile");
  cancellable = g_task_get_cancellable (task);
  g_file_query_info_async (dockerfile, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, cancellable,
                           query_dockerfile_cb, g_steal_pointer (&task));
}

/**
 * dockyard_project_open_async:
 * @directory: the project folder
 *
 * Checks that @directory is a folder and looks at what it holds.
 */
void
dockyard_project_open_async (GFile               *directory,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DockyardProject *self;

  g_return_if_fail (G_IS_FILE (directory));

  self = g_object_new (DOCKYARD_TYPE_PROJECT, NULL);
  self->directory = g_object_ref (directory);
  self->name = g_file_get_basename (directory);
  if (self->name == NULL || g_strcmp0 (self->name, "/") == 0)
    {
      g_free (self->name);
      self->name = g_file_get_parse_name (directory);
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_project_open_async);
  g_task_set_task_data (task, self, g_object_unref);

  g_file_query_info_async (directory, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, cancellable,
                           query_directory_cb, g_steal_pointer (&task));
}

/**
 * dockyard_project_open_finish:
 *
 * Returns: (transfer full): the project
 */
DockyardProject *
dockyard_project_open_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * dockyard_project_get_directory:
 *
 * Returns: (transfer none): the project folder
 */
GFile *
dockyard_project_get_directory (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  return self->directory;
}

const char *
dockyard_project_get_name (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  return self->name;
}

/**
 * dockyard_project_dup_path:
 *
 * Returns: (transfer full): the folder as a user would write it
 */
char *
dockyard_project_dup_path (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  return g_file_get_parse_name (self->directory);
}

gboolean
dockyard_project_get_has_dockerfile (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), FALSE);
  return self->has_dockerfile;
}
