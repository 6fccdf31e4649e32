/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-deferred-show.h"
#include "dockyard-project-picker.h"

/* Above this many projects the search field is always shown; below it,
 * typing still starts a search. */
#define SEARCH_THRESHOLD 6

/**
 * DockyardProjectPicker:
 *
 * The start screen: the recent projects (with whether each has a
 * Dockerfile and how its last build went), a search among them, Open
 * Folder… and New Project…, and a drop target for a folder.  Whatever way
 * the user picks a folder, the picker emits #DockyardProjectPicker::open-project;
 * opening it is the window's job.
 */
struct _DockyardProjectPicker
{
  AdwBin                  parent_instance;

  /* Template widgets */
  AdwToastOverlay        *toast_overlay;
  GtkStack               *stack;
  GtkLabel               *empty_engine_label;
  GtkLabel               *list_engine_label;
  GtkButton              *list_open_button;
  GtkSearchEntry         *search_entry;
  GtkListBox             *list_box;

  /* Owned */
  DockyardRecentProjects *recent;
  GtkFilterListModel     *filtered;
  GCancellable           *cancellable;
  char                   *engine_status;
  char                  **search_words;

  /* Borrowed: owned by filtered */
  GtkCustomFilter        *filter;
};

G_DEFINE_FINAL_TYPE (DockyardProjectPicker, dockyard_project_picker, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_RECENT_PROJECTS,
  PROP_ENGINE_STATUS,
  N_PROPS
};

enum {
  OPEN_PROJECT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Rows ---------------------------------------------------------------------- */

/* The parts of a row that change with its project; all owned by the row. */
typedef struct
{
  AdwActionRow *row;
  GtkImage     *folder_icon;
  GtkImage     *build_icon;
  GtkLabel     *build_label;
  GtkButton    *remove_button;
} RowParts;

static char *
display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize len = strlen (home);

  /* "~/src/app" is what people recognise and it leaves room for the rest. */
  if (len > 1 && g_str_has_prefix (path, home) && path[len] == G_DIR_SEPARATOR)
    return g_strconcat ("~", path + len, NULL);

  return g_strdup (path);
}

static char *
format_last_opened (gint64 last_opened)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = NULL;
  g_autoptr(GDate) today = NULL;
  g_autoptr(GDate) day = NULL;
  int days;

  if (last_opened <= 0 || (then = g_date_time_new_from_unix_local (last_opened)) == NULL)
    return NULL;

  today = g_date_new_dmy (g_date_time_get_day_of_month (now),
                          g_date_time_get_month (now),
                          g_date_time_get_year (now));
  day = g_date_new_dmy (g_date_time_get_day_of_month (then),
                        g_date_time_get_month (then),
                        g_date_time_get_year (then));
  days = g_date_days_between (day, today);

  if (days <= 0)
    return g_strdup (_("Opened today"));
  if (days == 1)
    return g_strdup (_("Opened yesterday"));
  if (days < 7)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Opened %d day ago",
                                         "Opened %d days ago", days), days);
  if (g_date_time_get_year (then) == g_date_time_get_year (now))
    /* Translators: a date in this year, see the GDateTime format docs */
    return g_date_time_format (then, _("Opened %B %-e"));
  /* Translators: a date in another year, see the GDateTime format docs */
  return g_date_time_format (then, _("Opened %B %-e, %Y"));
}

static void
update_row (RowParts              *parts,
            DockyardRecentProject *item)
{
  gboolean missing = dockyard_recent_project_get_missing (item);
  DockyardRecentBuildState state = dockyard_recent_project_get_build_state (item);
  g_autofree char *path = display_path (dockyard_recent_project_get_path (item));
  g_autofree char *opened = format_last_opened (dockyard_recent_project_get_last_opened (item));
  g_autofree char *subtitle = NULL;
  const char *found = NULL;

  if (missing)
    found = _("Folder not found");
  else if (dockyard_recent_project_get_checked (item))
    found = dockyard_recent_project_get_has_dockerfile (item)
            ? _("Has a Dockerfile") : _("No Dockerfile yet");

  if (found != NULL && opened != NULL)
    /* Translators: the folder's path, a line break, then e.g.
     * "Has a Dockerfile · Opened yesterday" */
    subtitle = g_strdup_printf (_("%s\n%s · %s"), path, found, opened);
  else if (found != NULL || opened != NULL)
    subtitle = g_strdup_printf ("%s\n%s", path, found != NULL ? found : opened);
  else
    subtitle = g_steal_pointer (&path);
  adw_action_row_set_subtitle (parts->row, subtitle);

  gtk_image_set_from_icon_name (parts->folder_icon,
                                missing ? "dialog-warning-symbolic" : "folder-symbolic");
  if (missing)
    gtk_widget_add_css_class (GTK_WIDGET (parts->folder_icon), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (parts->folder_icon), "warning");

  /* A missing folder cannot be opened: its row only offers removal, which
   * is then worth more than the quiet button the other rows have. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (parts->row), !missing);
  if (missing)
    gtk_widget_remove_css_class (GTK_WIDGET (parts->remove_button), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (parts->remove_button), "dim-label");

  gtk_widget_set_visible (GTK_WIDGET (parts->build_icon),
                          !missing && state != DOCKYARD_RECENT_BUILD_NONE);
  gtk_widget_set_visible (GTK_WIDGET (parts->build_label),
                          !missing && state != DOCKYARD_RECENT_BUILD_NONE);
  gtk_widget_remove_css_class (GTK_WIDGET (parts->build_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (parts->build_icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (parts->build_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (parts->build_label), "error");
  if (state == DOCKYARD_RECENT_BUILD_SUCCEEDED)
    {
      gtk_image_set_from_icon_name (parts->build_icon, "object-select-symbolic");
      gtk_label_set_label (parts->build_label, _("Built"));
      gtk_widget_add_css_class (GTK_WIDGET (parts->build_icon), "success");
      gtk_widget_add_css_class (GTK_WIDGET (parts->build_label), "success");
    }
  else if (state == DOCKYARD_RECENT_BUILD_FAILED)
    {
      gtk_image_set_from_icon_name (parts->build_icon, "dialog-error-symbolic");
      gtk_label_set_label (parts->build_label, _("Build failed"));
      gtk_widget_add_css_class (GTK_WIDGET (parts->build_icon), "error");
      gtk_widget_add_css_class (GTK_WIDGET (parts->build_label), "error");
    }
}

static void
item_notify_cb (DockyardRecentProject *item,
                GParamSpec            *pspec,
                GtkWidget             *row)
{
  RowParts *parts = g_object_get_data (G_OBJECT (row), "dockyard-row-parts");

  if (parts != NULL)
    update_row (parts, item);
}

static GtkWidget *
create_row (gpointer object,
            gpointer user_data)
{
  DockyardRecentProject *item = object;
  const char *name = dockyard_recent_project_get_name (item);
  g_autofree char *remove_label = NULL;
  RowParts *parts = g_new0 (RowParts, 1);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *remove_button;

  parts->row = ADW_ACTION_ROW (row);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  gtk_widget_set_tooltip_text (row, dockyard_recent_project_get_path (item));

  parts->folder_icon = GTK_IMAGE (gtk_image_new ());
  adw_action_row_add_prefix (parts->row, GTK_WIDGET (parts->folder_icon));

  /* The label beside it says the same. */
  parts->build_icon = g_object_new (GTK_TYPE_IMAGE,
                                    "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                    NULL);
  adw_action_row_add_suffix (parts->row, GTK_WIDGET (parts->build_icon));
  parts->build_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (parts->build_label), "caption");
  adw_action_row_add_suffix (parts->row, GTK_WIDGET (parts->build_label));

  /* Removal from the list: a folder is never deleted from here, hence a
   * close icon rather than a bin. */
  remove_button = gtk_button_new_from_icon_name ("window-close-symbolic");
  parts->remove_button = GTK_BUTTON (remove_button);
  gtk_widget_set_valign (remove_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove_button, "flat");
  gtk_widget_add_css_class (remove_button, "circular");
  gtk_widget_set_tooltip_text (remove_button, _("Remove From List"));
  /* Translators: accessible name of the button, %s is a folder name */
  remove_label = g_strdup_printf (_("Remove “%s” From the List"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove_button), "picker.remove");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (remove_button),
                                          g_variant_new_string (dockyard_recent_project_get_path (item)));
  adw_action_row_add_suffix (parts->row, remove_button);

  g_object_set_data_full (G_OBJECT (row), "dockyard-row-parts", parts, g_free);
  /* The item outlives its row when the row is filtered out or the list
   * is rebound: the handler goes with the row. */
  g_signal_connect_object (item, "notify", G_CALLBACK (item_notify_cb), row, 0);
  update_row (parts, item);

  return row;
}

/* Search -------------------------------------------------------------------- */

static gboolean
filter_func (gpointer object,
             gpointer user_data)
{
  DockyardProjectPicker *self = user_data;
  DockyardRecentProject *item = object;
  g_autofree char *haystack = NULL;
  g_autofree char *folded = NULL;

  if (self->search_words == NULL || self->search_words[0] == NULL)
    return TRUE;

  haystack = g_strconcat (dockyard_recent_project_get_name (item), "\n",
                          dockyard_recent_project_get_path (item), NULL);
  folded = g_utf8_casefold (haystack, -1);

  /* Every word typed must appear, in any order: "api demo" finds
   * ~/work/demo/api. */
  for (guint i = 0; self->search_words[i] != NULL; i++)
    if (strstr (folded, self->search_words[i]) == NULL)
      return FALSE;

  return TRUE;
}

static void
update_search_visible (DockyardProjectPicker *self)
{
  guint n_items = self->recent != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->recent)) : 0;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  gtk_widget_set_visible (GTK_WIDGET (self->search_entry),
                          n_items > SEARCH_THRESHOLD || (text != NULL && text[0] != '\0'));
}

static void
search_changed_cb (DockyardProjectPicker *self,
                   GtkSearchEntry        *entry)
{
  g_autofree char *folded = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (entry)), -1);
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (folded), " \t", -1);
  GStrvBuilder *builder = g_strv_builder_new ();

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_strv_builder_add (builder, words[i]);

  g_strfreev (self->search_words);
  self->search_words = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_search_visible (self);
}

static void
search_started_cb (DockyardProjectPicker *self,
                   GtkSearchEntry        *entry)
{
  /* Typing anywhere on the picker searches: show the field and move the
   * keyboard there, after what was typed. */
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (entry));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (entry), TRUE);
  if (focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (entry)))
    {
      gtk_widget_grab_focus (GTK_WIDGET (entry));
      gtk_editable_set_position (GTK_EDITABLE (entry), -1);
    }
}

static GtkListBoxRow *
first_activatable_row (DockyardProjectPicker *self)
{
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list_box, i)) != NULL; i++)
    if (gtk_list_box_row_get_activatable (row))
      return row;

  return NULL;
}

static void
search_activate_cb (DockyardProjectPicker *self,
                    GtkSearchEntry        *entry)
{
  GtkListBoxRow *row = first_activatable_row (self);

  /* Enter in the search field opens the best (first) match. */
  if (row != NULL)
    g_signal_emit_by_name (self->list_box, "row-activated", row);
}

static void
stop_search_cb (DockyardProjectPicker *self,
                GtkSearchEntry        *entry)
{
  GtkListBoxRow *row;

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  row = gtk_list_box_get_row_at_index (self->list_box, 0);
  if (row != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

static gboolean
search_key_pressed_cb (DockyardProjectPicker *self,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       GtkEventControllerKey *controller)
{
  GtkListBoxRow *row;

  /* Down from the search field goes to the results. */
  if ((keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down) &&
      (row = gtk_list_box_get_row_at_index (self->list_box, 0)) != NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (row));
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

static void
focus_search (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DockyardProjectPicker *self = DOCKYARD_PROJECT_PICKER (widget);

  if (self->recent == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->recent)) == 0)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->search_entry), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Opening and removing -------------------------------------------------------- */

static void
row_activated_cb (DockyardProjectPicker *self,
                  GtkListBoxRow         *row,
                  GtkListBox            *list_box)
{
  g_autoptr(DockyardRecentProject) item = NULL;
  int index = gtk_list_box_row_get_index (row);

  if (index < 0 || !gtk_list_box_row_get_activatable (row))
    return;

  item = g_list_model_get_item (G_LIST_MODEL (self->filtered), index);
  if (item == NULL || dockyard_recent_project_get_missing (item))
    return;

  g_signal_emit (self, signals[OPEN_PROJECT], 0, dockyard_recent_project_get_file (item));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DockyardProjectPicker *self = DOCKYARD_PROJECT_PICKER (widget);
  g_autoptr(GFile) directory = g_file_new_for_path (g_variant_get_string (parameter, NULL));
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *focused_row = NULL;
  int index = -1;
  GtkListBoxRow *next;

  if (self->recent == NULL)
    return;

  /* Where the keyboard was, to keep it in the list after the row goes. */
  if (focus != NULL)
    focused_row = gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW);
  if (focused_row != NULL && gtk_widget_is_ancestor (focused_row, GTK_WIDGET (self->list_box)))
    index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (focused_row));

  if (!dockyard_recent_projects_remove (self->recent, directory))
    return;

  if (index < 0)
    return;
  next = gtk_list_box_get_row_at_index (self->list_box, index);
  if (next == NULL && index > 0)
    next = gtk_list_box_get_row_at_index (self->list_box, index - 1);
  if (next != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (next));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->list_open_button));
}

/* Drag and drop ---------------------------------------------------------------- */

static void
dropped_info_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DockyardProjectPicker) self = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GFile *file = G_FILE (object);
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  info = g_file_query_info_finish (file, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_signal_emit (self, signals[OPEN_PROJECT], 0, file);
      return;
    }

  /* The name the user dragged, not a long path to it. */
  if (g_file_peek_path (file) != NULL)
    name = g_filename_display_basename (g_file_peek_path (file));
  else
    name = g_file_get_parse_name (file);
  if (info == NULL)
    /* Translators: %s is a file name, then the system's message */
    message = g_strdup_printf (_("Cannot open “%s”: %s"), name, error->message);
  else
    /* Translators: %s is a file name */
    message = g_strdup_printf (_("“%s” is not a folder. Drop a project folder to open it."), name);
  dockyard_project_picker_show_error (self, message);
}

static gboolean
drop_cb (GtkDropTarget         *target,
         const GValue          *value,
         double                 x,
         double                 y,
         DockyardProjectPicker *self)
{
  GFile *file = NULL;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));

      /* One project at a time: the first of several dropped. */
      file = files != NULL ? files->data : NULL;
      g_slist_free (files);
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);

  if (file == NULL)
    return FALSE;

  /* Whether it is a folder is an I/O question: asked without blocking. */
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, self->cancellable, dropped_info_cb,
                           g_object_ref (self));
  return TRUE;
}

/* Widget -------------------------------------------------------------------- */

static void
update_page (DockyardProjectPicker *self)
{
  guint n_items = self->recent != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->recent)) : 0;

  gtk_stack_set_visible_child_name (self->stack, n_items > 0 ? "list" : "empty");
  update_search_visible (self);
}

static void
recent_items_changed_cb (DockyardProjectPicker *self,
                         guint                  position,
                         guint                  removed,
                         guint                  added,
                         GListModel            *recent)
{
  update_page (self);
}

static void
dockyard_project_picker_map (GtkWidget *widget)
{
  DockyardProjectPicker *self = DOCKYARD_PROJECT_PICKER (widget);

  GTK_WIDGET_CLASS (dockyard_project_picker_parent_class)->map (widget);

  /* Folders come and go while the app shows a project: look again. */
  if (self->recent != NULL)
    dockyard_recent_projects_refresh (self->recent);
}

static void
dockyard_project_picker_dispose (GObject *object)
{
  DockyardProjectPicker *self = (DockyardProjectPicker *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  if (self->recent != NULL)
    g_signal_handlers_disconnect_by_data (self->recent, self);
  g_clear_object (&self->recent);
  g_clear_object (&self->filtered);
  self->filter = NULL;

  /* No gtk_widget_dispose_template(): the template's root is AdwBin's child,
   * which AdwBin unparents itself. */

  G_OBJECT_CLASS (dockyard_project_picker_parent_class)->dispose (object);
}

static void
dockyard_project_picker_finalize (GObject *object)
{
  DockyardProjectPicker *self = (DockyardProjectPicker *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->engine_status, g_free);
  g_clear_pointer (&self->search_words, g_strfreev);

  G_OBJECT_CLASS (dockyard_project_picker_parent_class)->finalize (object);
}

static void
dockyard_project_picker_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  DockyardProjectPicker *self = DOCKYARD_PROJECT_PICKER (object);

  switch (prop_id)
    {
    case PROP_RECENT_PROJECTS:
      g_value_set_object (value, self->recent);
      break;
    case PROP_ENGINE_STATUS:
      g_value_set_string (value, self->engine_status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_project_picker_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  DockyardProjectPicker *self = DOCKYARD_PROJECT_PICKER (object);

  switch (prop_id)
    {
    case PROP_RECENT_PROJECTS:
      dockyard_project_picker_set_recent_projects (self, g_value_get_object (value));
      break;
    case PROP_ENGINE_STATUS:
      dockyard_project_picker_set_engine_status (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_project_picker_class_init (DockyardProjectPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dockyard_project_picker_dispose;
  object_class->finalize = dockyard_project_picker_finalize;
  object_class->get_property = dockyard_project_picker_get_property;
  object_class->set_property = dockyard_project_picker_set_property;
  widget_class->map = dockyard_project_picker_map;

  properties[PROP_RECENT_PROJECTS] =
    g_param_spec_object ("recent-projects", NULL, NULL, DOCKYARD_TYPE_RECENT_PROJECTS,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ENGINE_STATUS] =
    g_param_spec_string ("engine-status", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DockyardProjectPicker::open-project:
   * @directory: the folder the user chose
   *
   * The user chose a project folder: a recent one, or one dropped on the
   * picker (known to be a folder).
   */
  signals[OPEN_PROJECT] =
    g_signal_new ("open-project", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/dockyard-project-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, DockyardProjectPicker, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DockyardProjectPicker, stack);
  gtk_widget_class_bind_template_child (widget_class, DockyardProjectPicker, empty_engine_label);
  gtk_widget_class_bind_template_child (widget_class, DockyardProjectPicker, list_engine_label);
  gtk_widget_class_bind_template_child (widget_class, DockyardProjectPicker, list_open_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardProjectPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, DockyardProjectPicker, list_box);
  gtk_widget_class_bind_template_callback (widget_class, search_started_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "picker.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "picker.search", NULL, focus_search);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "picker.search", NULL);
}

static void
dockyard_project_picker_init (DockyardProjectPicker *self)
{
  GType drop_types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };
  GtkDropTarget *drop_target;
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Nothing to lay out while the window starts on a project. */
  dockyard_defer_show_until_mapped (GTK_WIDGET (self), GTK_WIDGET (self->toast_overlay));

  self->cancellable = g_cancellable_new ();
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->filtered), create_row, self, NULL);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
  keys = gtk_event_controller_key_new ();
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);

  drop_target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop_target, drop_types, G_N_ELEMENTS (drop_types));
  g_signal_connect (drop_target, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));

  update_page (self);
}

GtkWidget *
dockyard_project_picker_new (void)
{
  return g_object_new (DOCKYARD_TYPE_PROJECT_PICKER, NULL);
}

/**
 * dockyard_project_picker_get_recent_projects:
 *
 * Returns: (transfer none) (nullable): the recent projects shown
 */
DockyardRecentProjects *
dockyard_project_picker_get_recent_projects (DockyardProjectPicker *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT_PICKER (self), NULL);
  return self->recent;
}

/**
 * dockyard_project_picker_set_recent_projects:
 * @recent: (nullable): the recent projects to show and edit
 *
 * The picker removes entries from @recent when the user asks; adding
 * entries is up to whoever opens projects.
 */
void
dockyard_project_picker_set_recent_projects (DockyardProjectPicker  *self,
                                             DockyardRecentProjects *recent)
{
  g_return_if_fail (DOCKYARD_IS_PROJECT_PICKER (self));
  g_return_if_fail (!recent || DOCKYARD_IS_RECENT_PROJECTS (recent));

  if (self->recent == recent)
    return;

  if (self->recent != NULL)
    g_signal_handlers_disconnect_by_data (self->recent, self);
  g_set_object (&self->recent, recent);
  if (recent != NULL)
    {
      g_signal_connect_object (recent, "items-changed", G_CALLBACK (recent_items_changed_cb), self,
                               G_CONNECT_SWAPPED);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        dockyard_recent_projects_refresh (recent);
    }
  gtk_filter_list_model_set_model (self->filtered, G_LIST_MODEL (recent));
  update_page (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECENT_PROJECTS]);
}

const char *
dockyard_project_picker_get_engine_status (DockyardProjectPicker *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT_PICKER (self), NULL);
  return self->engine_status;
}

/**
 * dockyard_project_picker_set_engine_status:
 * @status: (nullable): a line about the container engine, e.g.
 *   "Docker Engine 20.10.24 · /run/docker.sock"
 */
void
dockyard_project_picker_set_engine_status (DockyardProjectPicker *self,
                                           const char            *status)
{
  gboolean visible;

  g_return_if_fail (DOCKYARD_IS_PROJECT_PICKER (self));

  if (g_strcmp0 (self->engine_status, status) == 0)
    return;

  g_free (self->engine_status);
  self->engine_status = g_strdup (status);

  visible = status != NULL && status[0] != '\0';
  gtk_label_set_label (self->empty_engine_label, status);
  gtk_label_set_label (self->list_engine_label, status);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_engine_label), visible);
  gtk_widget_set_visible (GTK_WIDGET (self->list_engine_label), visible);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENGINE_STATUS]);
}

/**
 * dockyard_project_picker_show_error:
 * @message: what went wrong, in a sentence (plain text)
 *
 * Shows @message in a toast over the picker.
 */
void
dockyard_project_picker_show_error (DockyardProjectPicker *self,
                                    const char            *message)
{
  g_autofree char *escaped = NULL;

  g_return_if_fail (DOCKYARD_IS_PROJECT_PICKER (self));
  g_return_if_fail (message != NULL);

  /* Toast titles are markup in libadwaita 1.2: a file named "R&D" must
   * not break it. */
  escaped = g_markup_escape_text (message, -1);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (escaped));
}
