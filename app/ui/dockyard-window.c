/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-gpu.h"
#include "dockyard-adaptive.h"
#include "dockyard-container.h"
#include "dockyard-resources.h"
#include "dockyard-window-private.h"

G_DEFINE_FINAL_TYPE (DockyardWindow, dockyard_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DEV_AS_ROOT,
  PROP_USE_GPUS,
  PROP_MONITOR,
  PROP_SETTINGS,
  PROP_RECENT_PROJECTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void apply_use_gpus (DockyardWindow *self);

static void
update_counts (DockyardWindow *self)
{
  g_autofree char *images = NULL;
  g_autofree char *containers = NULL;
  guint n_images = 0;
  guint n_containers = 0;
  guint n_running = 0;

  if (self->images != NULL)
    n_images = g_list_model_get_n_items (G_LIST_MODEL (self->images));

  if (self->containers != NULL)
    {
      n_containers = g_list_model_get_n_items (G_LIST_MODEL (self->containers));
      for (guint i = 0; i < n_containers; i++)
        {
          g_autoptr(DockyardContainer) container =
            g_list_model_get_item (G_LIST_MODEL (self->containers), i);

          if (dockyard_container_get_running (container))
            n_running++;
        }
    }

  images = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image", "%u images", n_images),
                            n_images);
  /* Translators: "%u running" is the count of running containers among all of them */
  containers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u container, %u running",
                                             "%u containers, %u running", n_containers),
                                n_containers, n_running);

  adw_action_row_set_subtitle (self->images_row, images);
  adw_action_row_set_subtitle (self->containers_row, containers);
  /* The project's image may have come or gone. */
  _dockyard_window_show_build_state (self);
}

static void
follow_lists (DockyardWindow     *self,
              DockyardObjectList *images,
              DockyardObjectList *containers)
{
  if (self->images != NULL)
    g_signal_handlers_disconnect_by_data (self->images, self);
  if (self->containers != NULL)
    g_signal_handlers_disconnect_by_data (self->containers, self);

  g_set_object (&self->images, images);
  g_set_object (&self->containers, containers);

  if (images != NULL)
    g_signal_connect_object (images, "items-changed", G_CALLBACK (update_counts), self,
                             G_CONNECT_SWAPPED);
  /* A container that starts or stops changes state, not the list. */
  if (containers != NULL)
    {
      g_signal_connect_object (containers, "items-changed", G_CALLBACK (update_counts), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (containers, "notify::loaded", G_CALLBACK (update_counts), self,
                               G_CONNECT_SWAPPED);
    }

  update_counts (self);
}

/* The bottom switcher stands in for the title's when the window is narrow,
 * and only while a project is open.  Narrow is the narrow layout where
 * there are breakpoints; with libadwaita 1.2, a title that has no room for
 * its switcher. */
static void
update_switcher_bar (DockyardWindow *self)
{
  gboolean project = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "project") == 0;
  gboolean narrow = self->has_breakpoint
                    ? self->narrow
                    : adw_view_switcher_title_get_title_visible (self->switcher_title);

  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title,
                                                     project && !self->narrow);
  adw_view_switcher_bar_set_reveal (self->switcher_bar, project && narrow);
  /* The switcher takes the title's place: the project's name is beside it
   * (in the narrow layout, on the Overview page only).  Not made to follow
   * the switcher's width (that would change the width the switcher decides
   * on, back and forth). */
  gtk_widget_set_visible (GTK_WIDGET (self->project_title_label),
                          project && self->project != NULL && !self->narrow);
}

static void reserve_label_width (GtkButton  *button,
                                 const char *idle_label,
                                 const char *busy_label);

/* The breakpoint of dockyard-adaptive.c: below it the header's buttons show
 * icons only, the view switcher moves to the bottom and the Dockerfile page
 * stacks its form over the preview. */
static void
narrow_changed_cb (gpointer user_data,
                   gboolean narrow)
{
  DockyardWindow *self = DOCKYARD_WINDOW (user_data);

  self->narrow = narrow;
  /* Room for the header's buttons and the window's controls at 360 px: the
   * project's name is on the Overview page, Open Folder in the main menu. */
  gtk_widget_set_visible (GTK_WIDGET (self->switcher_title), !narrow);
  gtk_widget_set_visible (GTK_WIDGET (self->open_button), !narrow);
  /* Icons only: no room kept for "Building…" (wide again, it is). */
  if (narrow)
    {
      gtk_widget_set_size_request (GTK_WIDGET (self->build_button), -1, -1);
      gtk_widget_set_size_request (GTK_WIDGET (self->lab_button), -1, -1);
    }
  else if (gtk_widget_get_mapped (GTK_WIDGET (self->build_button)))
    {
      reserve_label_width (self->build_button, _("_Build"), _("Building…"));
      reserve_label_width (self->lab_button, _("_Lab"), _("Starting…"));
    }
  dockyard_dockerfile_page_set_narrow (self->dockerfile_page, narrow);
  dockyard_lab_page_set_narrow (self->lab_page, narrow);
  update_switcher_bar (self);
  _dockyard_window_actions_update (self);
}

static void
update_engine (DockyardWindow *self)
{
  DockyardEngineState state = dockyard_engine_monitor_get_state (self->monitor);
  DockyardEngine *engine = dockyard_engine_monitor_get_engine (self->monitor);
  DockyardObjectList *images = dockyard_engine_monitor_get_images (self->monitor);
  g_autofree char *help_title = NULL;
  g_autofree char *help = dockyard_engine_monitor_dup_help (self->monitor, &help_title);
  const char *page;

  /* No engine, a project open: the Dockerfile needs none.  The project
   * stays; only what needs the engine (Build, Terminal, Lab, Pin) is off,
   * and the bar says why. */
  if (state == DOCKYARD_ENGINE_STATE_FAILED && self->project != NULL)
    {
      g_autofree char *bar = NULL;

      /* Translators: %s says why there is no engine, e.g. "No Container Engine Found" */
      bar = g_strdup_printf (_("%s. Build, Terminal, Lab and Pin Requirements need the engine; "
                               "the Dockerfile can be edited and saved."),
                             help_title != NULL ? help_title : _("No container engine"));
      gtk_label_set_label (self->engine_lost_label, bar);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->engine_lost_label), help);
    }
  else
    {
      gtk_label_set_label (self->engine_lost_label,
                           _("The container engine stopped answering. Reconnecting…"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->engine_lost_label), NULL);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->engine_retry_button),
                          state == DOCKYARD_ENGINE_STATE_FAILED);
  gtk_widget_set_visible (GTK_WIDGET (self->engine_lost_spinner),
                          state == DOCKYARD_ENGINE_STATE_UNREACHABLE);
  gtk_revealer_set_reveal_child (self->engine_lost_revealer,
                                 state == DOCKYARD_ENGINE_STATE_UNREACHABLE ||
                                 (state == DOCKYARD_ENGINE_STATE_FAILED && self->project != NULL));
  gtk_spinner_set_spinning (self->engine_lost_spinner,
                            state == DOCKYARD_ENGINE_STATE_UNREACHABLE);
  gtk_spinner_set_spinning (self->connecting_spinner,
                            state == DOCKYARD_ENGINE_STATE_CONNECTING);

  if (engine != NULL)
    {
      g_autofree char *description = dockyard_engine_dup_description (engine);
      /* Translators: which engine and mode, then its socket, e.g.
       * "Podman 4.3.1, rootless · /run/user/1000/podman/podman.sock" */
      g_autofree char *status = g_strdup_printf (_("%s · %s"), description,
                                                 dockyard_engine_get_address (engine));
      g_autofree char *warning = dockyard_engine_dup_security_warning (engine);

      if (warning != NULL)
        {
          char *shown = g_strdup_printf ("%s\n%s", status, warning);

          g_free (status);
          status = shown;
        }
      dockyard_project_picker_set_engine_status (self->project_picker, status);
      adw_action_row_set_subtitle (self->engine_row, status);
    }

  follow_lists (self, images, dockyard_engine_monitor_get_containers (self->monitor));
  dockyard_dockerfile_page_set_images (self->dockerfile_page, G_LIST_MODEL (images));
  dockyard_dockerfile_page_set_engine (self->dockerfile_page, engine);

  if (help != NULL)
    {
      adw_status_page_set_title (self->no_engine_page, help_title);
      gtk_label_set_label (self->no_engine_help, help);
    }

  if (state == DOCKYARD_ENGINE_STATE_CONNECTING)
    page = "connecting";
  else if (state == DOCKYARD_ENGINE_STATE_FAILED && self->project == NULL)
    page = "no-engine";
  else if (self->project != NULL)
    page = "project";
  else
    page = "welcome";

  gtk_stack_set_visible_child_name (self->stack, page);
  update_switcher_bar (self);
  _dockyard_window_actions_update (self);
}

/* The header's Build, Dev and Lab buttons show on the project page only
 * (bound in the template). */
static gboolean
is_project_page (gpointer    this,
                 const char *page)
{
  return g_strcmp0 (page, "project") == 0;
}

static void
dockerfile_row_activated_cb (DockyardWindow *self)
{
  adw_view_stack_set_visible_child_name (self->project_stack, "dockerfile");
}

/* Image name --------------------------------------------------------------- */

/* The name chosen for this project's image, from the settings; NULL for the
 * default (or a stored name that is not valid any more). */
static char *
dup_stored_image_name (DockyardWindow *self)
{
  g_autoptr(GVariant) names = NULL;
  g_autofree char *path = NULL;
  const char *name;

  path = g_file_get_path (dockyard_project_get_directory (self->project));
  names = g_settings_get_value (self->settings, "project-image-names");
  if (path == NULL || !g_variant_lookup (names, path, "&s", &name) ||
      !dockyard_project_check_image_name (name, NULL))
    return NULL;

  return g_strdup (name);
}

/* @image_name: NULL forgets the project's entry */
static void
store_image_name (DockyardWindow *self,
                  const char     *image_name)
{
  GSettings *settings = self->settings;
  g_autoptr(GVariant) names = g_settings_get_value (settings, "project-image-names");
  g_autofree char *path = g_file_get_path (dockyard_project_get_directory (self->project));
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  const char *value;

  if (path == NULL)
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_iter_init (&iter, names);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (!g_str_equal (key, path))
      g_variant_builder_add (&builder, "{ss}", key, value);
  if (image_name != NULL)
    g_variant_builder_add (&builder, "{ss}", path, image_name);

  g_settings_set_value (settings, "project-image-names", g_variant_builder_end (&builder));
}

static void
show_image_name (DockyardWindow *self)
{
  g_autofree char *image = dockyard_project_dup_image_name (self->project);

  /* Not a change the user made: no apply button for it. */
  adw_entry_row_set_show_apply_button (self->project_image_row, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->project_image_row), image);
  adw_entry_row_set_show_apply_button (self->project_image_row, TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->project_image_row), "error");
}

static void
image_name_changed_cb (DockyardWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->project_image_row), "error");
}

static void
image_name_apply_cb (DockyardWindow *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->project_image_row)));
  g_autofree char *fallback = NULL;
  g_autoptr(GError) error = NULL;

  if (self->project == NULL)
    return;

  g_strstrip (text);
  fallback = dockyard_project_dup_default_image_name (self->project);
  if (*text == '\0')
    {
      g_free (text);
      text = g_strdup (fallback);
    }

  if (!dockyard_project_check_image_name (text, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->project_image_row), "error");
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }

  dockyard_project_set_image_name (self->project, text);
  store_image_name (self, g_str_equal (text, fallback) ? NULL : text);
  show_image_name (self);
}

static void
show_project (DockyardWindow *self)
{
  g_autofree char *path = dockyard_project_dup_path (self->project);
  g_autofree char *stored_image = dup_stored_image_name (self);
  gboolean has_dockerfile = dockyard_project_get_has_dockerfile (self->project);

  /* HIG: the title names the document, here the project. */
  /* Named once in the header: by the label beside the switcher. */
  adw_view_switcher_title_set_title (self->switcher_title, NULL);
  adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
  gtk_window_set_title (GTK_WINDOW (self), dockyard_project_get_name (self->project));
  gtk_label_set_label (self->project_title_label, dockyard_project_get_name (self->project));
  /* Ellipsized, the label would get its minimum, "…": up to 16
   * characters show (more would push the switcher off the header at
   * common widths). */
  gtk_label_set_width_chars (self->project_title_label,
                             MIN (16, (int) g_utf8_strlen (dockyard_project_get_name (self->project), -1)));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->project_title_label), path);
  dockyard_project_set_image_name (self->project, stored_image);
  show_image_name (self);
  adw_preferences_group_set_title (self->project_group, dockyard_project_get_name (self->project));
  adw_action_row_set_subtitle (self->project_folder_row, path);
  adw_action_row_set_subtitle (self->project_dockerfile_row,
                               has_dockerfile
                               ? _("The folder has a Dockerfile")
                               : _("No Dockerfile yet"));
  gtk_image_set_from_icon_name (self->project_dockerfile_icon,
                                has_dockerfile ? "object-select-symbolic" : "dialog-information-symbolic");

  update_engine (self);
  _dockyard_window_load_build_state (self);
}

static void
open_project_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(DockyardWindow) self = user_data;
  g_autoptr(DockyardProject) project = NULL;
  g_autoptr(GError) error = NULL;

  project = dockyard_project_open_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (project == NULL)
    {
      AdwToast *toast = adw_toast_new (error->message);

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      return;
    }

  if (self->reopening)
    {
      self->reopening = FALSE;
      g_set_object (&self->project, project);
      apply_use_gpus (self);
      _dockyard_window_load_published_ports (self);
      show_project (self);
      return;
    }

  /* Another project: its build, dev container and lab are not this one's. */
  dockyard_terminal_page_stop (self->terminal_page);
  _dockyard_window_stop_lab (self);
  g_cancellable_cancel (self->build_cancellable);
  g_clear_object (&self->build);
  self->opening_context = FALSE;
  dockyard_build_view_set_build (self->build_view, NULL);
  adw_view_stack_set_visible_child_name (self->project_stack, "overview");

  g_set_object (&self->project, project);
  apply_use_gpus (self);
  _dockyard_window_load_published_ports (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_GPUS]);
  dockyard_dockerfile_page_set_project (self->dockerfile_page, project);
  /* A new project, or a folder without a Dockerfile yet: the form first. */
  if ((self->open_on_dockerfile || !dockyard_project_get_has_dockerfile (project)) &&
      adw_view_stack_get_child_by_name (self->project_stack, "dockerfile") != NULL)
    adw_view_stack_set_visible_child_name (self->project_stack, "dockerfile");
  self->open_on_dockerfile = FALSE;
  if (self->recent_projects != NULL)
    dockyard_recent_projects_add (self->recent_projects, dockyard_project_get_directory (project));
  show_project (self);
}

/**
 * dockyard_window_open_project:
 * @directory: a project folder
 *
 * Opens @directory in this window; an error (not a folder, unreadable)
 * is shown in the window.
 */
void
dockyard_window_open_project (DockyardWindow *self,
                              GFile          *directory)
{
  g_return_if_fail (DOCKYARD_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (directory));

  dockyard_project_open_async (directory, self->cancellable, open_project_cb,
                               g_object_ref (self));
}

static void
picker_open_project_cb (DockyardWindow *self,
                        GFile          *directory)
{
  dockyard_window_open_project (self, directory);
}

/* The project has a Dockerfile now (or a changed one): show it so. */
static void
dockerfile_saved_cb (DockyardWindow *self)
{
  if (self->project != NULL)
    {
      self->reopening = TRUE;
      dockyard_window_open_project (self, dockyard_project_get_directory (self->project));
    }
}

/**
 * _dockyard_window_show_built_toast:
 * @text: e.g. "Built myproject:dev"
 *
 * On the Build page only: a "Built" toast does not cover the terminal or
 * the lab (and is not dismissed by hand: libadwaita 1.2 crashes when a
 * toast is dismissed while it appears).
 */
void
_dockyard_window_show_built_toast (DockyardWindow *self,
                                   const char     *text)
{
  dockyard_build_view_add_toast (self->build_view, adw_toast_new (text));
}

/* The header's buttons keep their width when their label says what runs
 * ("Building…", "Starting…"): the buttons beside them do not move. */
static void
reserve_label_width (GtkButton  *button,
                     const char *idle_label,
                     const char *busy_label)
{
  AdwButtonContent *content = ADW_BUTTON_CONTENT (gtk_button_get_child (button));
  g_autofree char *label = g_strdup (adw_button_content_get_label (content));
  int idle = 0;
  int busy = 0;

  gtk_widget_set_size_request (GTK_WIDGET (button), -1, -1);
  adw_button_content_set_label (content, idle_label);
  gtk_widget_measure (GTK_WIDGET (button), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &idle, NULL, NULL);
  adw_button_content_set_label (content, busy_label);
  gtk_widget_measure (GTK_WIDGET (button), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &busy, NULL, NULL);
  adw_button_content_set_label (content, label);
  gtk_widget_set_size_request (GTK_WIDGET (button), MAX (idle, busy), -1);
  /* Icon and label together in the middle of the wider button. */
  gtk_widget_set_halign (GTK_WIDGET (content), GTK_ALIGN_CENTER);
}

static void
header_button_mapped_cb (GtkButton *button,
                         gpointer   user_data)
{
  DockyardWindow *self = user_data;

  g_signal_handlers_disconnect_by_func (button, header_button_mapped_cb, user_data);
  /* Narrow, the buttons show icons only (narrow_changed_cb()). */
  if (self->narrow)
    return;
  if (button == self->build_button)
    reserve_label_width (button, _("_Build"), _("Building…"));
  else
    reserve_label_width (button, _("_Lab"), _("Starting…"));
}

static void
focus_widget_changed_cb (DockyardWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  gboolean in_terminal = focus != NULL &&
                         gtk_widget_get_ancestor (focus, DOCKYARD_TYPE_TERMINAL) != NULL;

  if (in_terminal == self->terminal_focused)
    return;
  self->terminal_focused = in_terminal;
  _dockyard_window_actions_update (self);
}

/* Dev container ------------------------------------------------------------ */

gboolean
_dockyard_window_get_dev_as_root (DockyardWindow *self)
{
  g_auto(GStrv) roots = NULL;
  g_autofree char *path = NULL;

  if (self->project == NULL)
    return FALSE;

  roots = g_settings_get_strv (self->settings, "dev-root-projects");
  path = g_file_get_path (dockyard_project_get_directory (self->project));
  return path != NULL && g_strv_contains ((const char * const *) roots, path);
}

static void
set_dev_as_root (DockyardWindow *self,
                 gboolean        as_root)
{
  GSettings *settings = self->settings;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) roots = NULL;
  g_auto(GStrv) updated = NULL;
  g_autofree char *path = NULL;

  if (self->project == NULL || _dockyard_window_get_dev_as_root (self) == as_root)
    return;

  path = g_file_get_path (dockyard_project_get_directory (self->project));
  roots = g_settings_get_strv (settings, "dev-root-projects");
  for (guint i = 0; roots[i] != NULL; i++)
    if (g_strcmp0 (roots[i], path) != 0)
      g_strv_builder_add (builder, roots[i]);
  if (as_root && path != NULL)
    g_strv_builder_add (builder, path);
  updated = g_strv_builder_end (builder);

  g_settings_set_strv (settings, "dev-root-projects", (const char * const *) updated);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEV_AS_ROOT]);
}

/* "Use GPUs", per project, as "Run as Root" (dockyard-gpu.c). */
static gboolean
get_use_gpus (DockyardWindow *self)
{
  g_auto(GStrv) projects = NULL;
  g_autofree char *path = NULL;

  if (self->project == NULL)
    return FALSE;

  projects = g_settings_get_strv (self->settings, "gpu-projects");
  path = g_file_get_path (dockyard_project_get_directory (self->project));
  return path != NULL && g_strv_contains ((const char * const *) projects, path);
}

static void
apply_use_gpus (DockyardWindow *self)
{
  if (self->project != NULL)
    dockyard_project_set_gpu_device (self->project,
                                     get_use_gpus (self) ? DOCKYARD_GPU_DEFAULT_DEVICE : NULL);
}

static void
set_use_gpus (DockyardWindow *self,
              gboolean        use_gpus)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) projects = NULL;
  g_auto(GStrv) updated = NULL;
  g_autofree char *path = NULL;

  if (self->project == NULL || get_use_gpus (self) == use_gpus)
    return;

  path = g_file_get_path (dockyard_project_get_directory (self->project));
  projects = g_settings_get_strv (self->settings, "gpu-projects");
  for (guint i = 0; projects[i] != NULL; i++)
    if (g_strcmp0 (projects[i], path) != 0)
      g_strv_builder_add (builder, projects[i]);
  if (use_gpus && path != NULL)
    g_strv_builder_add (builder, path);
  updated = g_strv_builder_end (builder);

  g_settings_set_strv (self->settings, "gpu-projects", (const char * const *) updated);
  apply_use_gpus (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_GPUS]);
}

/* Closing ------------------------------------------------------------------- */

static void
unsaved_response_cb (GtkWidget      *alert,
                     const char     *response,
                     DockyardWindow *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    {
      self->discard_changes = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (g_strcmp0 (response, "save") == 0)
    {
      adw_view_stack_set_visible_child_name (self->project_stack, "dockerfile");
      gtk_widget_activate_action (GTK_WIDGET (self->dockerfile_page), "dockerfile.save", NULL);
    }
}

/* Unsaved Dockerfile changes are not lost without the user's say. */
static gboolean
lab_is_active (DockyardWindow *self)
{
  DockyardLabSessionState state;

  if (self->lab_session == NULL)
    return FALSE;
  state = dockyard_lab_session_get_state (self->lab_session);
  return state == DOCKYARD_LAB_SESSION_STARTING || state == DOCKYARD_LAB_SESSION_RUNNING;
}

static void
stop_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  DockyardWindow   *self)
{
  if (g_strcmp0 (response, "close") == 0)
    {
      self->stop_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

/* What closing stops, named, when a shell runs a program or Jupyter runs:
 * asked as GNOME Console and Ptyxis ask. */
static void
close_busy_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DockyardWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *running = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  DockyardDevSession *dev = dockyard_terminal_page_get_dev_session (self->terminal_page);
  gboolean lab = lab_is_active (self);
  AdwMessageDialog *dialog;
  guint n_shells = 0;

  self->close_check_pending = FALSE;
  running = dockyard_terminal_page_find_busy_finish (DOCKYARD_TERMINAL_PAGE (object), result,
                                                     &n_shells, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("Cannot tell what runs in the shells: %s", error->message);

  if (running == NULL && !lab)
    {
      self->stop_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  if (running != NULL)
    /* Translators: %s names what still runs, e.g. "sleep (Shell 1)" */
    g_string_append_printf (body, _("Still running: %s."), running);
  if (dev != NULL && n_shells > 0)
    {
      if (body->len > 0)
        g_string_append_c (body, ' ');
      g_string_append_printf (body,
                              /* Translators: %u counts the terminal's shells */
                              g_dngettext (GETTEXT_PACKAGE,
                                           "The terminal’s container is removed with its %u shell.",
                                           "The terminal’s container is removed with its %u shells.",
                                           n_shells),
                              n_shells);
    }
  if (lab)
    {
      if (body->len > 0)
        g_string_append_c (body, ' ');
      g_string_append (body, _("Jupyter stops: notebooks not saved in Jupyter are lost."));
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Close Window?"),
                                                       body->str));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "close", _("C_lose"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "close", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (stop_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
dockyard_window_close_request (GtkWindow *window)
{
  DockyardWindow *self = DOCKYARD_WINDOW (window);
  GtkWidget *alert;

  if (self->discard_changes || !dockyard_dockerfile_page_get_dirty (self->dockerfile_page))
    {
      DockyardDevSession *dev = dockyard_terminal_page_get_dev_session (self->terminal_page);
      gboolean dev_running = dev != NULL &&
                             dockyard_dev_session_get_state (dev) == DOCKYARD_DEV_SESSION_RUNNING;

      if (self->stop_confirmed || (!dev_running && !lab_is_active (self)))
        return GTK_WINDOW_CLASS (dockyard_window_parent_class)->close_request (window);

      if (!self->close_check_pending)
        {
          self->close_check_pending = TRUE;
          dockyard_terminal_page_find_busy_async (self->terminal_page, self->cancellable,
                                                  close_busy_cb, g_object_ref (self));
        }
      return TRUE;
    }

  alert = dockyard_alert_new (_("Save Changes to the Dockerfile?"),
                              _("The form has changes that are not saved "
                                "yet. If you close the window, they are lost."));
  dockyard_alert_add_response (alert, "cancel", _("_Cancel"), ADW_RESPONSE_DEFAULT);
  dockyard_alert_add_response (alert, "discard", _("_Discard"), ADW_RESPONSE_DESTRUCTIVE);
  dockyard_alert_add_response (alert, "save", _("_Save"), ADW_RESPONSE_SUGGESTED);
  dockyard_alert_set_default_response (alert, "save");
  dockyard_alert_set_close_response (alert, "cancel");
  g_signal_connect_object (alert, "response", G_CALLBACK (unsaved_response_cb), self, 0);
  dockyard_alert_present (alert, GTK_WIDGET (window));

  return TRUE;
}

/* GObject ----------------------------------------------------------------- */

static void
dockyard_window_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DockyardWindow *self = DOCKYARD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DEV_AS_ROOT:
      g_value_set_boolean (value, _dockyard_window_get_dev_as_root (self));
      break;
    case PROP_USE_GPUS:
      g_value_set_boolean (value, get_use_gpus (self));
      break;
    case PROP_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_RECENT_PROJECTS:
      g_value_set_object (value, self->recent_projects);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_window_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DockyardWindow *self = DOCKYARD_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DEV_AS_ROOT:
      set_dev_as_root (self, g_value_get_boolean (value));
      break;
    case PROP_USE_GPUS:
      set_use_gpus (self, g_value_get_boolean (value));
      break;
    case PROP_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_RECENT_PROJECTS:
      self->recent_projects = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* "Build the Project's Image" becomes "Build the Project's Image (Ctrl+B)",
 * with the shortcut the app has for the button's action, written the way
 * the user's language writes keys (GTK translates "Ctrl"). */
static void
add_shortcut_to_tooltip (GtkApplication *application,
                         GtkWidget      *button,
                         const char     *action)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (application, action);
  g_autofree char *label = NULL;
  g_autofree char *tooltip = NULL;
  GdkModifierType mods;
  guint key;

  if (accels[0] == NULL || !gtk_accelerator_parse (accels[0], &key, &mods))
    return;

  label = gtk_accelerator_get_label (key, mods);
  /* Translators: a tooltip and its keyboard shortcut, e.g. "Build the Project’s Image (Ctrl+B)" */
  tooltip = g_strdup_printf (_("%s (%s)"), gtk_widget_get_tooltip_text (button), label);
  gtk_widget_set_tooltip_text (button, tooltip);
}

static void
dockyard_window_constructed (GObject *object)
{
  DockyardWindow *self = (DockyardWindow *)object;
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  G_OBJECT_CLASS (dockyard_window_parent_class)->constructed (object);

  g_assert (DOCKYARD_IS_ENGINE_MONITOR (self->monitor));
  g_assert (G_IS_SETTINGS (self->settings));

  if (application != NULL)
    {
      add_shortcut_to_tooltip (application, GTK_WIDGET (self->build_button), "win.build-key");
      add_shortcut_to_tooltip (application, GTK_WIDGET (self->dev_button), "win.dev");
      add_shortcut_to_tooltip (application, GTK_WIDGET (self->lab_button), "win.lab");
      add_shortcut_to_tooltip (application,
                               dockyard_terminal_page_get_new_terminal_button (self->terminal_page),
                               "win.new-terminal");
    }
  dockyard_terminal_page_set_monitor (self->terminal_page, self->monitor);
  g_signal_connect_object (self->terminal_page, "changed",
                           G_CALLBACK (_dockyard_window_actions_update), self, G_CONNECT_SWAPPED);
  if (self->recent_projects != NULL)
    dockyard_project_picker_set_recent_projects (self->project_picker, self->recent_projects);

  /* The window follows the shared engine for as long as it lives. */
  g_signal_connect_object (self->monitor, "notify::state",
                           G_CALLBACK (update_engine), self, G_CONNECT_SWAPPED);
  update_engine (self);
}

static void
dockyard_window_dispose (GObject *object)
{
  DockyardWindow *self = (DockyardWindow *)object;

  dockyard_terminal_page_stop (self->terminal_page);
  _dockyard_window_stop_lab (self);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->build_cancellable);
  if (self->build_state_cancellable != NULL)
    g_cancellable_cancel (self->build_state_cancellable);
  follow_lists (self, NULL, NULL);

  /* libadwaita 1.2's switchers misbehave when their stack goes first. */
  adw_view_switcher_title_set_stack (self->switcher_title, NULL);
  adw_view_switcher_bar_set_stack (self->switcher_bar, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), DOCKYARD_TYPE_WINDOW);

  g_clear_object (&self->project);
  g_clear_object (&self->build);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->build_cancellable);
  g_clear_object (&self->build_state_cancellable);
  g_clear_object (&self->last_build);

  G_OBJECT_CLASS (dockyard_window_parent_class)->dispose (object);
}

static void
dockyard_window_finalize (GObject *object)
{
  DockyardWindow *self = (DockyardWindow *)object;

  g_clear_object (&self->monitor);
  g_clear_object (&self->settings);
  g_clear_object (&self->recent_projects);

  G_OBJECT_CLASS (dockyard_window_parent_class)->finalize (object);
}

static void
dockyard_window_class_init (DockyardWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = dockyard_window_constructed;
  object_class->dispose = dockyard_window_dispose;
  object_class->finalize = dockyard_window_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = dockyard_window_close_request;
  object_class->get_property = dockyard_window_get_property;
  object_class->set_property = dockyard_window_set_property;

  properties[PROP_DEV_AS_ROOT] =
    g_param_spec_boolean ("dev-as-root", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_USE_GPUS] =
    g_param_spec_boolean ("use-gpus", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MONITOR] =
    g_param_spec_object ("monitor", NULL, NULL, DOCKYARD_TYPE_ENGINE_MONITOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RECENT_PROJECTS] =
    g_param_spec_object ("recent-projects", NULL, NULL, DOCKYARD_TYPE_RECENT_PROJECTS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The app registers the resources; a window made without one (a test's)
   * does it itself. */
  if (!g_resources_get_info (RESOURCE_PREFIX "/ui/dockyard-window.ui",
                             G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL))
    dockyard_register_resource ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/dockyard-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_title_label);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, build_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, dev_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, lab_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, lab_button_content);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, lab_page);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, terminal_page);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_stack);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_image_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, build_view);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, engine_lost_revealer);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, engine_lost_spinner);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, engine_lost_label);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, engine_retry_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, connecting_spinner);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, no_engine_page);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, no_engine_help);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_picker);
  gtk_widget_class_bind_template_callback (widget_class, picker_open_project_cb);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, dockerfile_page);
  gtk_widget_class_bind_template_callback (widget_class, dockerfile_saved_cb);
  gtk_widget_class_bind_template_callback (widget_class, image_name_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, dockerfile_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, is_project_page);
  gtk_widget_class_bind_template_callback (widget_class, image_name_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_group);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_folder_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_dockerfile_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_dockerfile_icon);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, engine_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, images_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, containers_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, last_build_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, last_build_icon);

  _dockyard_window_class_add_actions (widget_class);
  _dockyard_window_class_add_ports (widget_class);
}

static void
dockyard_window_init (DockyardWindow *self)
{
  g_type_ensure (DOCKYARD_TYPE_BUILD_VIEW);
  g_type_ensure (DOCKYARD_TYPE_PROJECT_PICKER);
  g_type_ensure (DOCKYARD_TYPE_DOCKERFILE_PAGE);
  g_type_ensure (DOCKYARD_TYPE_TERMINAL);
  g_type_ensure (DOCKYARD_TYPE_LAB_PAGE);
  g_type_ensure (DOCKYARD_TYPE_TERMINAL_PAGE);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->switcher_title, "notify::title-visible",
                           G_CALLBACK (update_switcher_bar), self, G_CONNECT_SWAPPED);
  self->has_breakpoint =
    dockyard_adaptive_add_narrow_breakpoint (ADW_APPLICATION_WINDOW (self),
                                             G_CALLBACK (narrow_changed_cb), self);
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (focus_widget_changed_cb), NULL);
  g_signal_connect (self->build_button, "map", G_CALLBACK (header_button_mapped_cb), self);
  g_signal_connect (self->lab_button, "map", G_CALLBACK (header_button_mapped_cb), self);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

/**
 * dockyard_window_new:
 * @application: (nullable): the app the window belongs to
 * @monitor: the engine connection the window follows
 * @settings: the app's settings
 * @recent_projects: (nullable): the list the window adds opened projects to
 *
 * Returns: (transfer none): a new window (owned by @application's list
 *   of windows, or floating in GTK's list of toplevels)
 */
DockyardWindow *
dockyard_window_new (GtkApplication         *application,
                     DockyardEngineMonitor  *monitor,
                     GSettings              *settings,
                     DockyardRecentProjects *recent_projects)
{
  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (DOCKYARD_IS_ENGINE_MONITOR (monitor), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (DOCKYARD_TYPE_WINDOW,
                       "application", application,
                       "monitor", monitor,
                       "settings", settings,
                       "recent-projects", recent_projects,
                       NULL);
}

/**
 * dockyard_window_close_without_asking:
 *
 * Closes the window as its close button does, except that a running
 * terminal or lab is stopped without the "Close Window?" question (the
 * app quits).  Unsaved Dockerfile changes are still asked about.
 */
void
dockyard_window_close_without_asking (DockyardWindow *self)
{
  g_return_if_fail (DOCKYARD_IS_WINDOW (self));

  self->stop_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/**
 * dockyard_window_get_project:
 *
 * Returns: (transfer none) (nullable): the open project
 */
DockyardProject *
dockyard_window_get_project (DockyardWindow *self)
{
  g_return_val_if_fail (DOCKYARD_IS_WINDOW (self), NULL);
  return self->project;
}

/**
 * dockyard_window_get_page:
 *
 * Returns: the name of the visible page: "connecting", "no-engine",
 *   "welcome" or "project"
 */
/**
 * dockyard_window_get_build:
 *
 * Returns: (transfer none) (nullable): the latest build of the project
 */
DockyardBuild *
dockyard_window_get_build (DockyardWindow *self)
{
  g_return_val_if_fail (DOCKYARD_IS_WINDOW (self), NULL);
  return self->build;
}

/**
 * dockyard_window_get_dev_session:
 *
 * Returns: (transfer none) (nullable): the dev container of this window
 */
DockyardDevSession *
dockyard_window_get_dev_session (DockyardWindow *self)
{
  g_return_val_if_fail (DOCKYARD_IS_WINDOW (self), NULL);
  return dockyard_terminal_page_get_dev_session (self->terminal_page);
}

/**
 * dockyard_window_get_terminal:
 * @index: the tab
 *
 * Returns: (transfer none) (nullable): the terminal of tab @index
 */
DockyardTerminal *
dockyard_window_get_terminal (DockyardWindow *self,
                              guint           index)
{
  g_return_val_if_fail (DOCKYARD_IS_WINDOW (self), NULL);

  return dockyard_terminal_page_get_terminal (self->terminal_page, index);
}

/**
 * dockyard_window_get_lab_session:
 *
 * Returns: (transfer none) (nullable): the project's lab
 */
DockyardLabSession *
dockyard_window_get_lab_session (DockyardWindow *self)
{
  g_return_val_if_fail (DOCKYARD_IS_WINDOW (self), NULL);
  return self->lab_session;
}

const char *
dockyard_window_get_page (DockyardWindow *self)
{
  g_return_val_if_fail (DOCKYARD_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}
