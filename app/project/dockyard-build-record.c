/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "dockyard-build-record.h"
#include "dockyard-project-files.h"

/**
 * DockyardBuildRecord:
 *
 * How the last build of a project went (when, how long, its result and
 * image), kept in the user's state folder
 * (`$XDG_STATE_HOME/dockyard/builds/`), never in the project folder, so that
 * a reopened project shows it and no build picks it up.  One small JSON
 * file per project, named after a hash of the project's path.
 */
struct _DockyardBuildRecord
{
  GObject   parent_instance;

  char     *tag;
  char     *image_id;
  char     *failed_step;
  gint64    started;
  gint64    finished;
  gboolean  succeeded;
};

G_DEFINE_FINAL_TYPE (DockyardBuildRecord, dockyard_build_record, G_TYPE_OBJECT)

/* A record larger than this is not ours. */
#define MAX_RECORD_SIZE (64 * 1024)

static void
dockyard_build_record_finalize (GObject *object)
{
  DockyardBuildRecord *self = (DockyardBuildRecord *)object;

  g_clear_pointer (&self->tag, g_free);
  g_clear_pointer (&self->image_id, g_free);
  g_clear_pointer (&self->failed_step, g_free);

  G_OBJECT_CLASS (dockyard_build_record_parent_class)->finalize (object);
}

static void
dockyard_build_record_class_init (DockyardBuildRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_build_record_finalize;
}

static void
dockyard_build_record_init (DockyardBuildRecord *self)
{
}

/**
 * dockyard_build_record_new:
 * @tag: the image name the build tagged, e.g. "myproject:dev"
 * @started: when it started, in microseconds since the epoch
 * @finished: when it ended, likewise
 * @succeeded: whether it made an image
 * @image_id: (nullable): the image it made
 * @failed_step: (nullable): the instruction that failed, e.g. "RUN make"
 *
 * Returns: (transfer full): a new record
 */
DockyardBuildRecord *
dockyard_build_record_new (const char *tag,
                           gint64      started,
                           gint64      finished,
                           gboolean    succeeded,
                           const char *image_id,
                           const char *failed_step)
{
  DockyardBuildRecord *self;

  g_return_val_if_fail (tag != NULL, NULL);

  self = g_object_new (DOCKYARD_TYPE_BUILD_RECORD, NULL);
  self->tag = g_strdup (tag);
  self->started = started;
  self->finished = MAX (finished, started);
  self->succeeded = succeeded;
  self->image_id = g_strdup (image_id);
  self->failed_step = g_strdup (failed_step);
  return self;
}

const char *
dockyard_build_record_get_tag (DockyardBuildRecord *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_RECORD (self), NULL);
  return self->tag;
}

gint64
dockyard_build_record_get_started (DockyardBuildRecord *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_RECORD (self), 0);
  return self->started;
}

gint64
dockyard_build_record_get_finished (DockyardBuildRecord *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_RECORD (self), 0);
  return self->finished;
}

gboolean
dockyard_build_record_get_succeeded (DockyardBuildRecord *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_RECORD (self), FALSE);
  return self->succeeded;
}

/**
 * dockyard_build_record_get_image_id:
 *
 * Returns: (nullable): the image the build made
 */
const char *
dockyard_build_record_get_image_id (DockyardBuildRecord *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_RECORD (self), NULL);
  return self->image_id;
}

/**
 * dockyard_build_record_get_failed_step:
 *
 * Returns: (nullable): the instruction that failed
 */
const char *
dockyard_build_record_get_failed_step (DockyardBuildRecord *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_RECORD (self), NULL);
  return self->failed_step;
}

/**
 * dockyard_build_record_dup_path:
 * @project_dir: a project folder
 *
 * Returns: (transfer full) (nullable): where the record of @project_dir's
 *   last build is kept, %NULL for a folder that is not local
 */
char *
dockyard_build_record_dup_path (GFile *project_dir)
{
  g_autofree char *path = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (G_IS_FILE (project_dir), NULL);

  path = g_file_get_path (project_dir);
  if (path == NULL)
    return NULL;

  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, path, -1);
  name = g_strdup_printf ("%.32s.json", hash);
  return g_build_filename (g_get_user_state_dir (), "dockyard", "builds", name, NULL);
}

static char *
to_json (DockyardBuildRecord *self,
         const char          *project_path,
         gsize               *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "project");
  json_builder_add_string_value (builder, project_path);
  json_builder_set_member_name (builder, "tag");
  json_builder_add_string_value (builder, self->tag);
  json_builder_set_member_name (builder, "started");
  json_builder_add_int_value (builder, self->started);
  json_builder_set_member_name (builder, "finished");
  json_builder_add_int_value (builder, self->finished);
  json_builder_set_member_name (builder, "succeeded");
  json_builder_add_boolean_value (builder, self->succeeded);
  if (self->image_id != NULL)
    {
      json_builder_set_member_name (builder, "image-id");
      json_builder_add_string_value (builder, self->image_id);
    }
  if (self->failed_step != NULL)
    {
      json_builder_set_member_name (builder, "failed-step");
      json_builder_add_string_value (builder, self->failed_step);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, length);
}

typedef struct
{
  DockyardBuildRecord *record;
  GFile               *project_dir;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->record);
  g_clear_object (&data->project_dir);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autofree char *path = dockyard_build_record_dup_path (data->project_dir);
  g_autofree char *project_path = g_file_get_path (data->project_dir);
  g_autofree char *dir = NULL;
  g_autofree char *json = NULL;
  GError *error = NULL;
  gsize length;

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The project folder is not a local folder."));
      return;
    }

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (dir);

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot create “%s”: %s"), display, g_strerror (saved_errno));
      return;
    }

  json = to_json (data->record, project_path, &length);
  if (!dockyard_project_replace_file (path, json, length, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * dockyard_build_record_save_async:
 * @project_dir: the project folder the build was of
 *
 * Keeps @self as the last build of @project_dir, replacing the one before.
 */
void
dockyard_build_record_save_async (DockyardBuildRecord *self,
                                  GFile               *project_dir,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_return_if_fail (DOCKYARD_IS_BUILD_RECORD (self));
  g_return_if_fail (G_IS_FILE (project_dir));

  data = g_new0 (SaveData, 1);
  data->record = g_object_ref (self);
  data->project_dir = g_object_ref (project_dir);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_build_record_save_async);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
dockyard_build_record_save_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
member_int (JsonObject *object,
            const char *name,
            gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *project_dir = task_data;
  g_autofree char *path = dockyard_build_record_dup_path (project_dir);
  g_autofree char *project_path = g_file_get_path (project_dir);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *tag;
  gint64 started, finished;
  JsonNode *succeeded;
  GStatBuf st;
  gsize length;

  /* No record yet: no error, just none. */
  if (path == NULL || g_lstat (path, &st) != 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  if (!S_ISREG (st.st_mode) || st.st_size > MAX_RECORD_SIZE ||
      !g_file_get_contents (path, &contents, &length, &error) ||
      !json_parser_load_from_data (parser, contents, length, &error) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_debug ("Ignoring the build record %s: %s", path,
               error != NULL ? error->message : "not a record");
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  tag = member_string (object, "tag");
  succeeded = json_object_get_member (object, "succeeded");
  /* A record of another folder with the same hash prefix is not this one's. */
  if (g_strcmp0 (member_string (object, "project"), project_path) != 0 || tag == NULL ||
      !member_int (object, "started", &started) || !member_int (object, "finished", &finished) ||
      succeeded == NULL || !JSON_NODE_HOLDS_VALUE (succeeded) ||
      json_node_get_value_type (succeeded) != G_TYPE_BOOLEAN)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  g_task_return_pointer (task,
                         dockyard_build_record_new (tag, started, finished,
                                                    json_node_get_boolean (succeeded),
                                                    member_string (object, "image-id"),
                                                    member_string (object, "failed-step")),
                         g_object_unref);
}

/**
 * dockyard_build_record_load_async:
 * @project_dir: a project folder
 *
 * Reads the record of @project_dir's last build.
 */
void
dockyard_build_record_load_async (GFile               *project_dir,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (project_dir));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_build_record_load_async);
  g_task_set_task_data (task, g_object_ref (project_dir), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

/**
 * dockyard_build_record_load_finish:
 *
 * Returns: (transfer full) (nullable): the record, %NULL when there is none
 *   (or it cannot be read: a missing record is no error to the user)
 */
DockyardBuildRecord *
dockyard_build_record_load_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
