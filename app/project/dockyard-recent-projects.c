/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-recent-projects.h"

#define RECENT_KEY "recent-projects"

G_DEFINE_ENUM_TYPE (DockyardRecentBuildState, dockyard_recent_build_state,
                    G_DEFINE_ENUM_VALUE (DOCKYARD_RECENT_BUILD_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (DOCKYARD_RECENT_BUILD_SUCCEEDED, "succeeded"),
                    G_DEFINE_ENUM_VALUE (DOCKYARD_RECENT_BUILD_FAILED, "failed"))

/* DockyardRecentProject ---------------------------------------------------- */

/**
 * DockyardRecentProject:
 *
 * One folder of the recent projects list: what is remembered about it
 * (path, when it was opened, how its last build ended) and what was found
 * when it was last looked at (whether it still exists, has a Dockerfile).
 */
struct _DockyardRecentProject
{
  GObject                   parent_instance;

  GFile                    *file;
  char                     *path;
  char                     *name;
  gint64                    last_opened;
  DockyardRecentBuildState  build_state;
  /* Counts the looks at the folder, so that a slow, older one finishing
   * last does not undo what a newer one found. */
  guint                     generation;
  guint                     checked : 1;
  guint                     has_dockerfile : 1;
  guint                     missing : 1;
};

G_DEFINE_FINAL_TYPE (DockyardRecentProject, dockyard_recent_project, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_FILE,
  ITEM_PROP_PATH,
  ITEM_PROP_NAME,
  ITEM_PROP_LAST_OPENED,
  ITEM_PROP_BUILD_STATE,
  ITEM_PROP_CHECKED,
  ITEM_PROP_HAS_DOCKERFILE,
  ITEM_PROP_MISSING,
  N_ITEM_PROPS
};

static GParamSpec *item_properties[N_ITEM_PROPS];

static void
dockyard_recent_project_finalize (GObject *object)
{
  DockyardRecentProject *self = (DockyardRecentProject *)object;

  g_clear_object (&self->file);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (dockyard_recent_project_parent_class)->finalize (object);
}

static void
dockyard_recent_project_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  DockyardRecentProject *self = DOCKYARD_RECENT_PROJECT (object);

  switch (prop_id)
    {
    case ITEM_PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case ITEM_PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case ITEM_PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case ITEM_PROP_LAST_OPENED:
      g_value_set_int64 (value, self->last_opened);
      break;
    case ITEM_PROP_BUILD_STATE:
      g_value_set_enum (value, self->build_state);
      break;
    case ITEM_PROP_CHECKED:
      g_value_set_boolean (value, self->checked);
      break;
    case ITEM_PROP_HAS_DOCKERFILE:
      g_value_set_boolean (value, self->has_dockerfile);
      break;
    case ITEM_PROP_MISSING:
      g_value_set_boolean (value, self->missing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_recent_project_class_init (DockyardRecentProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_recent_project_finalize;
  object_class->get_property = dockyard_recent_project_get_property;

  item_properties[ITEM_PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_LAST_OPENED] =
    g_param_spec_int64 ("last-opened", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_BUILD_STATE] =
    g_param_spec_enum ("build-state", NULL, NULL,
                       DOCKYARD_TYPE_RECENT_BUILD_STATE, DOCKYARD_RECENT_BUILD_NONE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_CHECKED] =
    g_param_spec_boolean ("checked", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_HAS_DOCKERFILE] =
    g_param_spec_boolean ("has-dockerfile", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_MISSING] =
    g_param_spec_boolean ("missing", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_ITEM_PROPS, item_properties);
}

static void
dockyard_recent_project_init (DockyardRecentProject *self)
{
}

static DockyardRecentProject *
recent_project_new (const char               *path,
                    gint64                    last_opened,
                    DockyardRecentBuildState  build_state)
{
  DockyardRecentProject *self = g_object_new (DOCKYARD_TYPE_RECENT_PROJECT, NULL);

  self->path = g_strdup (path);
  self->file = g_file_new_for_path (path);
  self->name = g_filename_display_basename (path);
  self->last_opened = last_opened;
  self->build_state = build_state;

  return self;
}

static void
recent_project_set_last_opened (DockyardRecentProject *self,
                                gint64                 last_opened)
{
  if (self->last_opened == last_opened)
    return;

  self->last_opened = last_opened;
  g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_LAST_OPENED]);
}

static gboolean
recent_project_set_build_state (DockyardRecentProject    *self,
                                DockyardRecentBuildState  build_state)
{
  if (self->build_state == build_state)
    return FALSE;

  self->build_state = build_state;
  g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_BUILD_STATE]);
  return TRUE;
}

/* Sets what a look at the folder found, notifying once for all of it. */
static void
recent_project_set_found (DockyardRecentProject *self,
                          gboolean               missing,
                          gboolean               has_dockerfile)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (self->missing != !!missing)
    {
      self->missing = !!missing;
      g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_MISSING]);
    }
  if (self->has_dockerfile != !!has_dockerfile)
    {
      self->has_dockerfile = !!has_dockerfile;
      g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_HAS_DOCKERFILE]);
    }
  if (!self->checked)
    {
      self->checked = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_CHECKED]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * dockyard_recent_project_get_file:
 *
 * Returns: (transfer none): the project folder
 */
GFile *
dockyard_recent_project_get_file (DockyardRecentProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_RECENT_PROJECT (self), NULL);
  return self->file;
}

/**
 * dockyard_recent_project_get_path:
 *
 * Returns: the folder's absolute path
 */
const char *
dockyard_recent_project_get_path (DockyardRecentProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_RECENT_PROJECT (self), NULL);
  return self->path;
}

/**
 * dockyard_recent_project_get_name:
 *
 * Returns: the folder's name, for display
 */
const char *
dockyard_recent_project_get_name (DockyardRecentProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_RECENT_PROJECT (self), NULL);
  return self->name;
}

/**
 * dockyard_recent_project_get_last_opened:
 *
 * Returns: when the project was last opened, in seconds since 1970 (UTC)
 */
gint64
dockyard_recent_project_get_last_opened (DockyardRecentProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_RECENT_PROJECT (self), 0);
  return self->last_opened;
}

DockyardRecentBuildState
dockyard_recent_project_get_build_state (DockyardRecentProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_RECENT_PROJECT (self), DOCKYARD_RECENT_BUILD_NONE);
  return self->build_state;
}

/**
 * dockyard_recent_project_get_checked:
 *
 * Returns: whether the folder has been looked at, i.e. whether
 *   #DockyardRecentProject:missing and #DockyardRecentProject:has-dockerfile
 *   mean something yet
 */
gboolean
dockyard_recent_project_get_checked (DockyardRecentProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_RECENT_PROJECT (self), FALSE);
  return self->checked;
}

gboolean
dockyard_recent_project_get_has_dockerfile (DockyardRecentProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_RECENT_PROJECT (self), FALSE);
  return self->has_dockerfile;
}

/**
 * dockyard_recent_project_get_missing:
 *
 * Returns: whether the folder was gone (deleted, moved, on an unmounted
 *   disk, or no longer a folder) when it was last looked at
 */
gboolean
dockyard_recent_project_get_missing (DockyardRecentProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_RECENT_PROJECT (self), FALSE);
  return self->missing;
}

/* DockyardRecentProjects --------------------------------------------------- */

/**
 * DockyardRecentProjects:
 *
 * The recently opened project folders, most recent first, as a #GListModel
 * of #DockyardRecentProject.  The list lives in the `recent-projects`
 * settings key: only paths, times and build outcomes are stored there.
 * Whether each folder still exists and has a Dockerfile is looked up
 * asynchronously, so a folder deleted behind the app's back shows as
 * missing instead of failing.
 */
struct _DockyardRecentProjects
{
  GObject       parent_instance;

  GSettings    *settings;
  GPtrArray    *items;
  /* The value last written, to tell our own changes from other instances'. */
  GVariant     *written;
  GCancellable *cancellable;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DockyardRecentProjects, dockyard_recent_projects, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return DOCKYARD_TYPE_RECENT_PROJECT;
}

static guint
get_n_items (GListModel *model)
{
  return DOCKYARD_RECENT_PROJECTS (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  DockyardRecentProjects *self = DOCKYARD_RECENT_PROJECTS (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

typedef struct
{
  DockyardRecentProject *item;
  GCancellable          *cancellable;
  guint                  generation;
} RefreshState;

static void
refresh_state_free (RefreshState *state)
{
  g_clear_object (&state->item);
  g_clear_object (&state->cancellable);
  g_free (state);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RefreshState, refresh_state_free)

static void
query_dockerfile_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(RefreshState) state = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      state->generation != state->item->generation)
    return;

  recent_project_set_found (state->item, FALSE,
                            info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR);
}

static void
query_directory_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(RefreshState) state = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dockerfile = NULL;
  GCancellable *cancellable = state->cancellable;

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      state->generation != state->item->generation)
    return;

  /* Gone, unreadable or replaced by a file: nothing Dockyard can open. */
  if (info == NULL || g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
    {
      recent_project_set_found (state->item, TRUE, FALSE);
      return;
    }

  /* The same test as DockyardProject: a regular file named Dockerfile. */
  dockerfile = g_file_get_child (state->item->file, "Dockerfile");
  g_file_query_info_async (dockerfile, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_LOW, cancellable, query_dockerfile_cb,
                           g_steal_pointer (&state));
}

static void
refresh_item (DockyardRecentProjects *self,
              DockyardRecentProject  *item)
{
  RefreshState *state = g_new0 (RefreshState, 1);

  state->item = g_object_ref (item);
  state->cancellable = g_object_ref (self->cancellable);
  state->generation = ++item->generation;
  g_file_query_info_async (item->file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_LOW, self->cancellable, query_directory_cb, state);
}

static int
find_path (DockyardRecentProjects *self,
           const char             *path)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      DockyardRecentProject *item = g_ptr_array_index (self->items, i);

      if (g_str_equal (item->path, path))
        return (int) i;
    }

  return -1;
}

/* The key stores strings, which must be UTF-8: a folder whose path is not
 * (rare: a name from another encoding) is not remembered. */
static char *
dup_storable_path (GFile *directory)
{
  g_autofree char *path = g_file_get_path (directory);

  if (path == NULL || !g_utf8_validate (path, -1, NULL))
    {
      g_debug ("Not remembering %s: no UTF-8 local path",
               path != NULL ? path : g_file_peek_path (directory));
      return NULL;
    }

  return g_steal_pointer (&path);
}

static void
save (DockyardRecentProjects *self)
{
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (DOCKYARD_TYPE_RECENT_BUILD_STATE);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sxs)"));
  for (guint i = 0; i < self->items->len; i++)
    {
      DockyardRecentProject *item = g_ptr_array_index (self->items, i);
      GEnumValue *state = g_enum_get_value (enum_class, item->build_state);

      g_variant_builder_add (&builder, "(sxs)", item->path, item->last_opened,
                             state != NULL ? state->value_nick : "none");
    }

  g_clear_pointer (&self->written, g_variant_unref);
  self->written = g_variant_ref_sink (g_variant_builder_end (&builder));
  g_settings_set_value (self->settings, RECENT_KEY, self->written);
}

static DockyardRecentBuildState
parse_build_state (const char *nick)
{
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (DOCKYARD_TYPE_RECENT_BUILD_STATE);
  GEnumValue *value = g_enum_get_value_by_nick (enum_class, nick);

  return value != NULL ? (DockyardRecentBuildState) value->value : DOCKYARD_RECENT_BUILD_NONE;
}

/* Reads the list from the settings, keeping the objects of folders already
 * listed (and what is known about them) so that views do not flicker. */
static void
load (DockyardRecentProjects *self)
{
  g_autoptr(GVariant) value = g_settings_get_value (self->settings, RECENT_KEY);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();
  g_autoptr(GPtrArray) old = NULL;
  GVariantIter iter;
  const char *path;
  const char *state;
  gint64 last_opened;

  g_variant_iter_init (&iter, value);
  while (items->len < DOCKYARD_RECENT_PROJECTS_MAX &&
         g_variant_iter_next (&iter, "(&sx&s)", &path, &last_opened, &state))
    {
      DockyardRecentProject *item = NULL;
      gboolean duplicate = FALSE;
      int index;

      /* The key can be edited by hand: keep only what makes sense. */
      if (!g_path_is_absolute (path))
        continue;
      for (guint i = 0; i < items->len && !duplicate; i++)
        duplicate = g_str_equal (((DockyardRecentProject *) g_ptr_array_index (items, i))->path,
                                 path);
      if (duplicate)
        continue;

      index = find_path (self, path);
      if (index >= 0)
        {
          item = g_object_ref (g_ptr_array_index (self->items, index));
          recent_project_set_last_opened (item, MAX (last_opened, 0));
          recent_project_set_build_state (item, parse_build_state (state));
        }
      else
        {
          item = recent_project_new (path, MAX (last_opened, 0), parse_build_state (state));
          g_ptr_array_add (fresh, item);
        }
      g_ptr_array_add (items, item);
    }

  old = g_steal_pointer (&self->items);
  self->items = g_steal_pointer (&items);
  if (old->len > 0 || self->items->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old->len, self->items->len);

  for (guint i = 0; i < fresh->len; i++)
    refresh_item (self, g_ptr_array_index (fresh, i));
}

static void
settings_changed_cb (DockyardRecentProjects *self,
                     const char             *key,
                     GSettings              *settings)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, RECENT_KEY);

  /* Our own write coming back: the list already shows it. */
  if (self->written != NULL && g_variant_equal (value, self->written))
    return;

  load (self);
}

static void
dockyard_recent_projects_constructed (GObject *object)
{
  DockyardRecentProjects *self = (DockyardRecentProjects *)object;

  G_OBJECT_CLASS (dockyard_recent_projects_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));

  g_signal_connect_object (self->settings, "changed::" RECENT_KEY,
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  load (self);
}

static void
dockyard_recent_projects_dispose (GObject *object)
{
  DockyardRecentProjects *self = (DockyardRecentProjects *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dockyard_recent_projects_parent_class)->dispose (object);
}

static void
dockyard_recent_projects_finalize (GObject *object)
{
  DockyardRecentProjects *self = (DockyardRecentProjects *)object;

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->written, g_variant_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (dockyard_recent_projects_parent_class)->finalize (object);
}

static void
dockyard_recent_projects_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  DockyardRecentProjects *self = DOCKYARD_RECENT_PROJECTS (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_recent_projects_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  DockyardRecentProjects *self = DOCKYARD_RECENT_PROJECTS (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_recent_projects_class_init (DockyardRecentProjectsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = dockyard_recent_projects_constructed;
  object_class->dispose = dockyard_recent_projects_dispose;
  object_class->finalize = dockyard_recent_projects_finalize;
  object_class->get_property = dockyard_recent_projects_get_property;
  object_class->set_property = dockyard_recent_projects_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_recent_projects_init (DockyardRecentProjects *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

/**
 * dockyard_recent_projects_new:
 * @settings: the app's settings (schema with a `recent-projects` key)
 *
 * Returns: (transfer full): the recent projects kept in @settings
 */
DockyardRecentProjects *
dockyard_recent_projects_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (DOCKYARD_TYPE_RECENT_PROJECTS, "settings", settings, NULL);
}

/**
 * dockyard_recent_projects_add:
 * @directory: a project folder that was just opened
 *
 * Puts @directory at the top of the list with the current time, keeping its
 * last build state if it was listed already; the oldest entry drops off
 * when the list is full.  A folder without a UTF-8 local path is ignored.
 */
void
dockyard_recent_projects_add (DockyardRecentProjects *self,
                              GFile                  *directory)
{
  g_autofree char *path = NULL;
  DockyardRecentProject *item;
  int index;

  g_return_if_fail (DOCKYARD_IS_RECENT_PROJECTS (self));
  g_return_if_fail (G_IS_FILE (directory));

  if ((path = dup_storable_path (directory)) == NULL)
    return;

  index = find_path (self, path);
  if (index >= 0)
    {
      item = g_ptr_array_steal_index (self->items, index);
      g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
    }
  else
    item = recent_project_new (path, 0, DOCKYARD_RECENT_BUILD_NONE);

  recent_project_set_last_opened (item, g_get_real_time () / G_USEC_PER_SEC);
  g_ptr_array_insert (self->items, 0, item);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, 1);

  if (self->items->len > DOCKYARD_RECENT_PROJECTS_MAX)
    {
      guint removed = self->items->len - DOCKYARD_RECENT_PROJECTS_MAX;

      g_ptr_array_remove_range (self->items, DOCKYARD_RECENT_PROJECTS_MAX, removed);
      g_list_model_items_changed (G_LIST_MODEL (self), DOCKYARD_RECENT_PROJECTS_MAX, removed, 0);
    }

  save (self);
  refresh_item (self, item);
}

/**
 * dockyard_recent_projects_remove:
 * @directory: a folder of the list
 *
 * Returns: whether @directory was listed (and is no longer)
 */
gboolean
dockyard_recent_projects_remove (DockyardRecentProjects *self,
                                 GFile                  *directory)
{
  g_autofree char *path = NULL;
  int index;

  g_return_val_if_fail (DOCKYARD_IS_RECENT_PROJECTS (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (directory), FALSE);

  path = g_file_get_path (directory);
  if (path == NULL || (index = find_path (self, path)) < 0)
    return FALSE;

  g_ptr_array_remove_index (self->items, index);
  g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
  save (self);

  return TRUE;
}

/**
 * dockyard_recent_projects_set_build_state:
 * @directory: a project folder
 * @state: how its build just ended
 *
 * Remembers how the last build of @directory ended.  Nothing happens for
 * a folder that is not listed.
 */
void
dockyard_recent_projects_set_build_state (DockyardRecentProjects   *self,
                                          GFile                    *directory,
                                          DockyardRecentBuildState  state)
{
  g_autofree char *path = NULL;
  int index;

  g_return_if_fail (DOCKYARD_IS_RECENT_PROJECTS (self));
  g_return_if_fail (G_IS_FILE (directory));
  g_return_if_fail (state <= DOCKYARD_RECENT_BUILD_FAILED);

  path = g_file_get_path (directory);
  if (path == NULL || (index = find_path (self, path)) < 0)
    return;

  if (recent_project_set_build_state (g_ptr_array_index (self->items, index), state))
    save (self);
}

/**
 * dockyard_recent_projects_lookup:
 * @directory: a folder
 *
 * Returns: (transfer none) (nullable): the entry of @directory, if listed
 */
DockyardRecentProject *
dockyard_recent_projects_lookup (DockyardRecentProjects *self,
                                 GFile                  *directory)
{
  g_autofree char *path = NULL;
  int index;

  g_return_val_if_fail (DOCKYARD_IS_RECENT_PROJECTS (self), NULL);
  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  path = g_file_get_path (directory);
  if (path == NULL || (index = find_path (self, path)) < 0)
    return NULL;

  return g_ptr_array_index (self->items, index);
}

/**
 * dockyard_recent_projects_refresh:
 *
 * Looks again, asynchronously, whether each folder still exists and has a
 * Dockerfile; entries update (and notify) as the answers come in.
 */
void
dockyard_recent_projects_refresh (DockyardRecentProjects *self)
{
  g_return_if_fail (DOCKYARD_IS_RECENT_PROJECTS (self));

  for (guint i = 0; i < self->items->len; i++)
    refresh_item (self, g_ptr_array_index (self->items, i));
}
