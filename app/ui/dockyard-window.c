/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-build-view.h"
#include "dockyard-container.h"
#include "dockyard-dev-session.h"
#include "dockyard-dockerfile-page.h"
#include "dockyard-host-path.h"
#include "dockyard-lab-page.h"
#include "dockyard-lab-session.h"
#include "dockyard-project-files.h"
#include "dockyard-project-picker.h"
#include "dockyard-requirements-file.h"
#include "dockyard-resources.h"
#include "dockyard-terminal.h"
#include "dockyard-terminal-page.h"
#include "dockyard-window.h"

struct _DockyardWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkButton            *build_button;
  GtkButton            *dev_button;
  GtkButton            *lab_button;
  AdwButtonContent     *lab_button_content;
  DockyardLabPage      *lab_page;
  DockyardTerminalPage *terminal_page;
  AdwViewStack         *project_stack;
  AdwEntryRow          *project_image_row;
  DockyardBuildView    *build_view;
  DockyardDockerfilePage *dockerfile_page;
  GtkStack             *stack;
  GtkRevealer          *engine_lost_revealer;
  GtkSpinner           *engine_lost_spinner;
  GtkSpinner           *connecting_spinner;
  AdwStatusPage        *no_engine_page;
  GtkLabel             *no_engine_help;
  DockyardProjectPicker *project_picker;
  AdwPreferencesGroup  *project_group;
  AdwActionRow         *project_folder_row;
  AdwActionRow         *project_dockerfile_row;
  GtkImage             *project_dockerfile_icon;
  AdwActionRow         *engine_row;
  AdwActionRow         *images_row;
  AdwActionRow         *containers_row;

  /* Borrowed: followed while the engine is up */
  DockyardObjectList   *images;
  DockyardObjectList   *containers;

  /* Owned; construct-only: the shared engine connection, the app's
   * settings and recent projects.  Kept to the end: GtkWindow lets go of
   * its application before dispose, when the dev container still has to
   * be removed. */
  DockyardEngineMonitor *monitor;
  GSettings            *settings;
  DockyardRecentProjects *recent_projects;

  /* Owned */
  DockyardProject      *project;
  GCancellable         *cancellable;
  DockyardBuild        *build;
  GCancellable         *build_cancellable;
  DockyardLabSession   *lab_session;
  gboolean              open_on_dockerfile;
  /* Re-reading the open project: keep its page, build, dev and lab. */
  gboolean              reopening;
  /* Build started, its context not yet open. */
  gboolean              opening_context;
  /* A terminal has the keyboard focus. */
  gboolean              terminal_focused;
  /* The user chose to close with unsaved Dockerfile changes. */
  gboolean              discard_changes;
};

G_DEFINE_FINAL_TYPE (DockyardWindow, dockyard_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DEV_AS_ROOT,
  PROP_MONITOR,
  PROP_SETTINGS,
  PROP_RECENT_PROJECTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void stop_lab_session (DockyardWindow *self);

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
 * and only while a project is open. */
static void
update_switcher_bar (DockyardWindow *self)
{
  adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                    adw_view_switcher_title_get_title_visible (self->switcher_title) &&
                                    g_strcmp0 (gtk_stack_get_visible_child_name (self->stack),
                                               "project") == 0);
}

static void
update_actions (DockyardWindow *self)
{
  gboolean ready = dockyard_engine_monitor_get_state (self->monitor) == DOCKYARD_ENGINE_STATE_READY;
  gboolean building = self->build != NULL &&
                      (self->opening_context ||
                       dockyard_build_get_state (self->build) == DOCKYARD_BUILD_RUNNING);

  DockyardDevSession *dev_session = dockyard_terminal_page_get_dev_session (self->terminal_page);
  gboolean dev_running = dev_session != NULL &&
                         dockyard_dev_session_get_state (dev_session) == DOCKYARD_DEV_SESSION_RUNNING;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.build",
                                 ready && self->project != NULL && !building);
  /* Plain Ctrl+letter belongs to the shell while a terminal has the focus
   * (Ctrl+B, Ctrl+W, Ctrl+O, Ctrl+Q are readline's and the tty's): the
   * accelerators' actions step aside, so the key reaches the terminal. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.build-key",
                                 ready && self->project != NULL && !building &&
                                 !self->terminal_focused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-folder-key", !self->terminal_focused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-key", !self->terminal_focused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.quit-key", !self->terminal_focused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-build", building);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dev", ready && self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dev-restart",
                                 ready && dev_session != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-terminal", ready && dev_running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dev-as-root", self->project != NULL);

  {
    DockyardLabSessionState lab = self->lab_session != NULL
                                  ? dockyard_lab_session_get_state (self->lab_session)
                                  : DOCKYARD_LAB_SESSION_READY;
    gboolean lab_active = lab == DOCKYARD_LAB_SESSION_STARTING || lab == DOCKYARD_LAB_SESSION_RUNNING;

    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lab",
                                   (ready && self->project != NULL) || lab_active);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop-lab", lab_active);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-lab",
                                   lab == DOCKYARD_LAB_SESSION_RUNNING);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-lab-url",
                                   lab == DOCKYARD_LAB_SESSION_RUNNING);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-jupyterlab",
                                   ready && self->project != NULL && !building);
  }

  /* The header's buttons show what runs. */
  adw_button_content_set_label (ADW_BUTTON_CONTENT (gtk_button_get_child (self->build_button)),
                                building ? _("Building…") : _("_Build"));
  if (dev_running)
    gtk_widget_add_css_class (GTK_WIDGET (self->dev_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->dev_button), "suggested-action");
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

  gtk_revealer_set_reveal_child (self->engine_lost_revealer,
                                 state == DOCKYARD_ENGINE_STATE_UNREACHABLE);
  gtk_spinner_set_spinning (self->engine_lost_spinner,
                            state == DOCKYARD_ENGINE_STATE_UNREACHABLE);
  gtk_spinner_set_spinning (self->connecting_spinner,
                            state == DOCKYARD_ENGINE_STATE_CONNECTING);

  if (engine != NULL)
    {
      /* Translators: engine name, version and socket, e.g.
       * "Docker Engine 20.10.24 · /run/docker.sock" */
      g_autofree char *status = g_strdup_printf (_("%s %s · %s"),
                                                 dockyard_engine_get_name (engine),
                                                 dockyard_engine_get_version (engine),
                                                 dockyard_engine_get_socket_path (engine));

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
  else if (state == DOCKYARD_ENGINE_STATE_FAILED)
    page = "no-engine";
  else if (self->project != NULL)
    page = "project";
  else
    page = "welcome";

  gtk_stack_set_visible_child_name (self->stack, page);
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title,
                                                     g_str_equal (page, "project"));
  update_switcher_bar (self);
  gtk_widget_set_visible (GTK_WIDGET (self->build_button), g_str_equal (page, "project"));
  gtk_widget_set_visible (GTK_WIDGET (self->dev_button), g_str_equal (page, "project"));
  gtk_widget_set_visible (GTK_WIDGET (self->lab_button), g_str_equal (page, "project"));
  update_actions (self);
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

  adw_view_switcher_title_set_subtitle (self->switcher_title,
                                        dockyard_project_get_name (self->project));
  dockyard_project_set_image_name (self->project, stored_image);
  show_image_name (self);
  adw_preferences_group_set_title (self->project_group, dockyard_project_get_name (self->project));
  adw_action_row_set_subtitle (self->project_folder_row, path);
  adw_action_row_set_subtitle (self->project_dockerfile_row,
                               has_dockerfile
                               ? _("The folder has a Dockerfile")
                               : _("No Dockerfile yet"));
  gtk_image_set_from_icon_name (self->project_dockerfile_icon,
                                has_dockerfile ? "emblem-ok-symbolic" : "dialog-information-symbolic");

  update_engine (self);
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
      show_project (self);
      return;
    }

  /* Another project: its build, dev container and lab are not this one's. */
  dockyard_terminal_page_stop (self->terminal_page);
  stop_lab_session (self);
  g_cancellable_cancel (self->build_cancellable);
  g_clear_object (&self->build);
  self->opening_context = FALSE;
  dockyard_build_view_set_build (self->build_view, NULL);
  adw_view_stack_set_visible_child_name (self->project_stack, "overview");

  g_set_object (&self->project, project);
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

/* Folder chooser ---------------------------------------------------------- */

/* A folder picked for "New Project…" opens on its Dockerfile page. */
static void
open_chosen_folder (DockyardWindow *self,
                    GFile          *folder,
                    gboolean        new_project)
{
  self->open_on_dockerfile = new_project;
  dockyard_window_open_project (self, folder);
}

#if GTK_CHECK_VERSION (4, 10, 0)
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
select_folder_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DockyardWindow) self = user_data;
  g_autoptr(GFile) folder = NULL;
  gboolean new_project = GPOINTER_TO_INT (g_object_get_data (object, "dockyard-new-project"));

  folder = gtk_file_dialog_select_folder_finish (GTK_FILE_DIALOG (object), result, NULL);
  if (folder != NULL)
    open_chosen_folder (self, folder, new_project);
}

static void
choose_folder (DockyardWindow *self,
               gboolean        new_project)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();

  gtk_file_dialog_set_title (dialog, new_project ? _("Choose or Create the Project Folder")
                                                 : _("Open a Project Folder"));
  gtk_file_dialog_set_modal (dialog, TRUE);
  g_object_set_data (G_OBJECT (dialog), "dockyard-new-project", GINT_TO_POINTER (new_project));
  gtk_file_dialog_select_folder (dialog, GTK_WINDOW (self), self->cancellable,
                                 select_folder_cb, g_object_ref (self));
}
G_GNUC_END_IGNORE_DEPRECATIONS
#else
static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     DockyardWindow  *self)
{
  gboolean new_project = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog),
                                                             "dockyard-new-project"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (folder != NULL)
        open_chosen_folder (self, folder, new_project);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose_folder (DockyardWindow *self,
               gboolean        new_project)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (new_project ? _("Choose or Create the Project Folder")
                                                     : _("Open a Project Folder"),
                                         GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "dockyard-new-project", GINT_TO_POINTER (new_project));
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
#endif

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  choose_folder (DOCKYARD_WINDOW (widget), FALSE);
}

static void
new_project_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  choose_folder (DOCKYARD_WINDOW (widget), TRUE);
}

/* Build ------------------------------------------------------------------- */

typedef struct
{
  DockyardWindow *window;
  DockyardBuild  *build;
  char           *message;
} FailureState;

static void
failure_state_free (FailureState *state)
{
  g_clear_object (&state->window);
  g_clear_object (&state->build);
  g_free (state->message);
  g_free (state);
}

static char *
failure_title (DockyardBuildStep *step,
               guint              line)
{
  const char *instruction = dockyard_build_step_get_instruction (step);

  if (line > 0)
    /* Translators: %u is a line number, %s the failed instruction, e.g. "RUN make" */
    return g_strdup_printf (_("Line %u of the Dockerfile failed: %s"), line, instruction);

  /* Translators: %s is the failed build step, e.g. "RUN make" */
  return g_strdup_printf (_("Step failed: %s"), instruction);
}

static void
find_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  FailureState *state = user_data;
  DockyardWindow *self = state->window;
  DockyardBuildStep *step = dockyard_build_get_failed_step (state->build);
  g_autofree char *title = NULL;
  guint line;

  line = dockyard_project_find_step_line_finish (DOCKYARD_PROJECT (object), result, NULL);

  /* Only if the window still shows that build. */
  if (self->build == state->build && step != NULL)
    {
      title = failure_title (step, line);
      dockyard_build_view_show_error (self->build_view, title, state->message, line);
    }

  failure_state_free (state);
}

static void
show_build_failure (DockyardWindow *self,
                    DockyardBuild  *build,
                    const GError   *error)
{
  DockyardBuildStep *step = dockyard_build_get_failed_step (build);
  FailureState *state;
  g_autofree char *title = NULL;
  g_autofree char *tail = NULL;
  GString *message = g_string_new (error->message);

  if (step == NULL)
    {
      dockyard_build_view_show_error (self->build_view, _("The Build Failed"), message->str, 0);
      g_string_free (message, TRUE);
      return;
    }

  /* The last words of the step usually say what went wrong. */
  tail = dockyard_build_step_dup_log_tail (step, 10);
  if (*tail != '\0')
    g_string_append_printf (message, "\n\n%s", tail);

  title = failure_title (step, 0);
  dockyard_build_view_show_error (self->build_view, title, message->str, 0);

  state = g_new0 (FailureState, 1);
  state->window = g_object_ref (self);
  state->build = g_object_ref (build);
  state->message = g_string_free (message, FALSE);
  dockyard_project_find_step_line_async (self->project, step, self->cancellable,
                                         find_line_cb, state);
}

static void
build_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DockyardWindow) self = user_data;
  DockyardBuild *build = DOCKYARD_BUILD (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;

  image_id = dockyard_build_run_finish (build, result, &error);

  if (build != self->build)
    return;

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->project != NULL &&
      self->recent_projects != NULL)
    dockyard_recent_projects_set_build_state (self->recent_projects,
                                              dockyard_project_get_directory (self->project),
                                              image_id != NULL ? DOCKYARD_RECENT_BUILD_SUCCEEDED
                                                               : DOCKYARD_RECENT_BUILD_FAILED);

  if (image_id != NULL)
    {
      /* Translators: %s is the image name, e.g. "myproject:dev" */
      g_autofree char *text = g_strdup_printf (_("Built %s"), dockyard_build_get_tag (build));

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_build_failure (self, build, error);

  update_actions (self);
}

typedef struct
{
  DockyardWindow *window;
  DockyardBuild  *build;
} OpenContextState;

static void
context_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  OpenContextState *state = user_data;
  g_autoptr(DockyardWindow) self = state->window;
  g_autoptr(DockyardBuild) build = state->build;
  g_autoptr(GInputStream) context = NULL;
  g_autoptr(GError) error = NULL;

  g_free (state);
  context = dockyard_project_open_context_finish (DOCKYARD_PROJECT (object), result, NULL, &error);

  /* Another build (or project) since: this one is forgotten. */
  if (build != self->build)
    return;

  self->opening_context = FALSE;
  if (context == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dockyard_build_view_show_error (self->build_view, _("Cannot Send the Build Context"),
                                        error->message, 0);
      update_actions (self);
      return;
    }

  dockyard_build_run_async (self->build, context, self->build_cancellable, build_cb,
                            g_object_ref (self));
  update_actions (self);
}

static void
build_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DockyardWindow *self = DOCKYARD_WINDOW (widget);
  DockyardEngine *engine = dockyard_engine_monitor_get_engine (self->monitor);
  OpenContextState *state;

  if (self->project == NULL || engine == NULL)
    return;

  g_clear_object (&self->build_cancellable);
  self->build_cancellable = g_cancellable_new ();
  g_set_object (&self->build, NULL);
  self->build = dockyard_project_new_build (self->project, engine);
  g_signal_connect_object (self->build, "notify::state", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);

  dockyard_build_view_set_build (self->build_view, self->build);
  adw_view_stack_set_visible_child_name (self->project_stack, "build");

  state = g_new0 (OpenContextState, 1);
  state->window = g_object_ref (self);
  state->build = g_object_ref (self->build);
  self->opening_context = TRUE;
  dockyard_project_open_context_async (self->project, engine, self->build_cancellable,
                                       context_opened_cb, state);
  update_actions (self);
}

/* From the failed build's error: the line in the Dockerfile page. */
static void
show_dockerfile_line_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  DockyardWindow *self = DOCKYARD_WINDOW (widget);
  guint line = g_variant_get_uint32 (parameter);

  if (self->project == NULL || line == 0)
    return;

  adw_view_stack_set_visible_child_name (self->project_stack, "dockerfile");
  dockyard_dockerfile_page_show_line (self->dockerfile_page, line);
}

/* The actions of the plain Ctrl+letter accelerators: see update_actions(). */
static void
shortcut_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  if (g_str_equal (action_name, "win.build-key"))
    gtk_widget_activate_action (widget, "win.build", NULL);
  else if (g_str_equal (action_name, "win.open-folder-key"))
    gtk_widget_activate_action (widget, "win.open-folder", NULL);
  else if (g_str_equal (action_name, "win.close-key"))
    gtk_window_close (GTK_WINDOW (widget));
  else if (g_str_equal (action_name, "win.quit-key"))
    gtk_widget_activate_action (widget, "app.quit", NULL);
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
  update_actions (self);
}

static void
cancel_build_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_cancellable_cancel (DOCKYARD_WINDOW (widget)->build_cancellable);
}

/* Dev container ------------------------------------------------------------ */

static gboolean
get_dev_as_root (DockyardWindow *self)
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

  if (self->project == NULL || get_dev_as_root (self) == as_root)
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

static void
start_dev_session (DockyardWindow *self)
{
  DockyardEngine *engine = dockyard_engine_monitor_get_engine (self->monitor);
  g_autofree char *shell = g_settings_get_string (self->settings, "dev-shell");
  g_autoptr(DockyardDevSession) session = NULL;

  if (engine == NULL || self->project == NULL)
    return;

  dockyard_terminal_page_stop (self->terminal_page);

  session = dockyard_dev_session_new (self->project, engine);
  dockyard_dev_session_set_shell (session, shell);
  if (get_dev_as_root (self) || !g_settings_get_boolean (self->settings, "dev-as-host-user"))
    dockyard_dev_session_set_user (session, NULL);

  dockyard_terminal_page_start (self->terminal_page, session);
  adw_view_stack_set_visible_child_name (self->project_stack, "terminal");
}

static void
dev_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  DockyardWindow *self = DOCKYARD_WINDOW (widget);

  /* One dev container per window: Dev shows it when it is there. */
  if (dockyard_terminal_page_show_dev (self->terminal_page))
    {
      adw_view_stack_set_visible_child_name (self->project_stack, "terminal");
      return;
    }

  start_dev_session (self);
}

static void
dev_restart_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  start_dev_session (DOCKYARD_WINDOW (widget));
}

static void
new_terminal_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DockyardWindow *self = DOCKYARD_WINDOW (widget);

  if (dockyard_terminal_page_open_shell (self->terminal_page))
    adw_view_stack_set_visible_child_name (self->project_stack, "terminal");
}

/* Lab --------------------------------------------------------------------- */

static void
open_uri (DockyardWindow *self,
          const char     *uri)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (uri);

  gtk_uri_launcher_launch (launcher, GTK_WINDOW (self), NULL, NULL, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_show_uri_full (GTK_WINDOW (self), uri, GDK_CURRENT_TIME, NULL, NULL, NULL);
#endif
}

static gboolean
engine_has_bridge (DockyardWindow *self)
{
  DockyardEngine *engine = dockyard_engine_monitor_get_engine (self->monitor);

  return engine != NULL && dockyard_engine_get_has_bridge (engine);
}

/* The header's Lab button shows what the lab does; the page shows the rest. */
static void
update_lab (DockyardWindow *self)
{
  DockyardLabSessionState state = self->lab_session != NULL
                                  ? dockyard_lab_session_get_state (self->lab_session)
                                  : DOCKYARD_LAB_SESSION_READY;

  if (state == DOCKYARD_LAB_SESSION_RUNNING)
    gtk_widget_add_css_class (GTK_WIDGET (self->lab_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->lab_button), "suggested-action");
  adw_button_content_set_label (self->lab_button_content,
                                self->lab_session != NULL &&
                                (state == DOCKYARD_LAB_SESSION_READY ||
                                 state == DOCKYARD_LAB_SESSION_STARTING)
                                ? _("Starting…") : _("_Lab"));
  dockyard_lab_page_update (self->lab_page);
  update_actions (self);
}

static void
lab_stopped_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DockyardEngineMonitor) monitor = user_data;
  g_autoptr(GError) error = NULL;

  if (!dockyard_lab_session_stop_finish (DOCKYARD_LAB_SESSION (object), result, &error))
    g_warning ("Cannot remove the lab container: %s", error->message);

  dockyard_engine_monitor_release_cleanup (monitor);
}

/* Stops the lab and removes its container; the app waits for it on quit. */
static void
end_lab_session (DockyardWindow *self)
{
  if (self->lab_session == NULL)
    return;

  dockyard_engine_monitor_hold_cleanup (self->monitor);
  dockyard_lab_session_stop_async (self->lab_session, lab_stopped_cb,
                                   g_object_ref (self->monitor));
}

static void
stop_lab_session (DockyardWindow *self)
{
  if (self->lab_session == NULL)
    return;

  end_lab_session (self);
  g_signal_handlers_disconnect_by_data (self->lab_session, self);
  g_clear_object (&self->lab_session);
  dockyard_lab_page_set_session (self->lab_page, NULL, FALSE);
  update_lab (self);
}

static void
lab_started_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DockyardWindow) self = user_data;
  DockyardLabSession *lab = DOCKYARD_LAB_SESSION (object);
  g_autoptr(GError) error = NULL;

  if (!dockyard_lab_session_start_finish (lab, result, &error) || lab != self->lab_session)
    return;

  open_uri (self, dockyard_lab_session_get_url (lab));
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (_("Jupyter is running and opens in your browser")));
}

static void
lab_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  DockyardWindow *self = DOCKYARD_WINDOW (widget);
  DockyardEngine *engine = dockyard_engine_monitor_get_engine (self->monitor);
  GSettings *settings = self->settings;

  adw_view_stack_set_visible_child_name (self->project_stack, "lab");

  /* One lab per project: Lab again opens the running one. */
  if (self->lab_session != NULL)
    {
      DockyardLabSessionState state = dockyard_lab_session_get_state (self->lab_session);

      if (state == DOCKYARD_LAB_SESSION_RUNNING)
        {
          open_uri (self, dockyard_lab_session_get_url (self->lab_session));
          return;
        }
      if (state == DOCKYARD_LAB_SESSION_STARTING)
        return;
    }

  if (engine == NULL || self->project == NULL)
    return;

  stop_lab_session (self);
  self->lab_session = dockyard_lab_session_new (self->project, engine);
  if (get_dev_as_root (self) || !g_settings_get_boolean (settings, "dev-as-host-user"))
    dockyard_lab_session_set_user (self->lab_session, NULL);
  {
    g_autofree char *network = g_settings_get_string (settings, "lab-network");

    dockyard_lab_session_set_network (self->lab_session, dockyard_lab_network_from_nick (network));
  }
  g_signal_connect_object (self->lab_session, "notify::state", G_CALLBACK (update_lab), self,
                           G_CONNECT_SWAPPED);
  dockyard_lab_page_set_session (self->lab_page, self->lab_session, engine_has_bridge (self));
  dockyard_lab_session_start_async (self->lab_session, NULL, lab_started_cb, g_object_ref (self));
  update_lab (self);
}

static void
stop_lab_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DockyardWindow *self = DOCKYARD_WINDOW (widget);

  /* Keep the session (and its output) on show, stopped. */
  end_lab_session (self);
  update_lab (self);
}

static void
open_lab_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DockyardWindow *self = DOCKYARD_WINDOW (widget);

  if (self->lab_session != NULL && dockyard_lab_session_get_url (self->lab_session) != NULL)
    open_uri (self, dockyard_lab_session_get_url (self->lab_session));
}

static void
copy_lab_url_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DockyardWindow *self = DOCKYARD_WINDOW (widget);

  if (self->lab_session == NULL || dockyard_lab_session_get_url (self->lab_session) == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                          dockyard_lab_session_get_url (self->lab_session));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Address copied")));
}

static void
requirements_written_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(DockyardWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!dockyard_requirements_file_add_finish (result, &error))
    {
      AdwToast *toast = adw_toast_new (error->message);

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      return;
    }

  /* The lab needs an image with it: build, then Start Again. */
  /* Translators: %s is a pinned requirement, e.g. "jupyterlab==4.2.5" */
  text = g_strdup_printf (_("Added %s to requirements.txt"), DOCKYARD_PINNED_JUPYTERLAB);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
  gtk_widget_activate_action (GTK_WIDGET (self), "win.build", NULL);
}

static void
add_jupyterlab_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DockyardWindow *self = DOCKYARD_WINDOW (widget);

  if (self->project == NULL)
    return;

  dockyard_requirements_file_add_async (dockyard_project_get_directory (self->project),
                                        DOCKYARD_PINNED_JUPYTERLAB, self->cancellable,
                                        requirements_written_cb, g_object_ref (self));
}

/* Closing ------------------------------------------------------------------- */

static void
unsaved_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     DockyardWindow   *self)
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
dockyard_window_close_request (GtkWindow *window)
{
  DockyardWindow *self = DOCKYARD_WINDOW (window);
  AdwMessageDialog *dialog;

  if (self->discard_changes || !dockyard_dockerfile_page_get_dirty (self->dockerfile_page))
    return GTK_WINDOW_CLASS (dockyard_window_parent_class)->close_request (window);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Save Changes to the Dockerfile?"),
                                                       _("The form has changes that are not saved "
                                                         "yet. If you close the window, they are lost.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (unsaved_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));

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
      g_value_set_boolean (value, get_dev_as_root (self));
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
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
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
  stop_lab_session (self);
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->build_cancellable);
  follow_lists (self, NULL, NULL);

  /* libadwaita 1.2's switchers misbehave when their stack goes first. */
  adw_view_switcher_title_set_stack (self->switcher_title, NULL);
  adw_view_switcher_bar_set_stack (self->switcher_bar, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), DOCKYARD_TYPE_WINDOW);

  g_clear_object (&self->project);
  g_clear_object (&self->build);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->build_cancellable);

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
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, connecting_spinner);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, no_engine_page);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, no_engine_help);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_picker);
  gtk_widget_class_bind_template_callback (widget_class, picker_open_project_cb);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, dockerfile_page);
  gtk_widget_class_bind_template_callback (widget_class, dockerfile_saved_cb);
  gtk_widget_class_bind_template_callback (widget_class, image_name_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, dockerfile_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, image_name_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_group);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_folder_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_dockerfile_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_dockerfile_icon);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, engine_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, images_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, containers_row);

  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.new-project", NULL, new_project_action);
  gtk_widget_class_install_action (widget_class, "win.build", NULL, build_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-build", NULL, cancel_build_action);
  gtk_widget_class_install_action (widget_class, "win.build-key", NULL, shortcut_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder-key", NULL, shortcut_action);
  gtk_widget_class_install_action (widget_class, "win.close-key", NULL, shortcut_action);
  gtk_widget_class_install_action (widget_class, "win.quit-key", NULL, shortcut_action);
  gtk_widget_class_install_action (widget_class, "win.show-dockerfile-line", "u",
                                   show_dockerfile_line_action);
  gtk_widget_class_install_action (widget_class, "win.dev", NULL, dev_action);
  gtk_widget_class_install_action (widget_class, "win.dev-restart", NULL, dev_restart_action);
  gtk_widget_class_install_action (widget_class, "win.new-terminal", NULL, new_terminal_action);
  gtk_widget_class_install_property_action (widget_class, "win.dev-as-root", "dev-as-root");
  gtk_widget_class_install_action (widget_class, "win.lab", NULL, lab_action);
  gtk_widget_class_install_action (widget_class, "win.stop-lab", NULL, stop_lab_action);
  gtk_widget_class_install_action (widget_class, "win.open-lab", NULL, open_lab_action);
  gtk_widget_class_install_action (widget_class, "win.copy-lab-url", NULL, copy_lab_url_action);
  gtk_widget_class_install_action (widget_class, "win.add-jupyterlab", NULL, add_jupyterlab_action);
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
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (focus_widget_changed_cb), NULL);

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
