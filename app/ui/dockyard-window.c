/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-build-view.h"
#include "dockyard-container.h"
#include "dockyard-window.h"

struct _DockyardWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkButton            *build_button;
  AdwViewStack         *project_stack;
  AdwActionRow         *project_image_row;
  DockyardBuildView    *build_view;
  GtkStack             *stack;
  GtkRevealer          *engine_lost_revealer;
  GtkSpinner           *engine_lost_spinner;
  GtkSpinner           *connecting_spinner;
  AdwStatusPage        *no_engine_page;
  GtkLabel             *no_engine_help;
  GtkLabel             *welcome_engine_label;
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

  /* Owned */
  DockyardProject      *project;
  GCancellable         *cancellable;
  DockyardBuild        *build;
  GCancellable         *build_cancellable;
};

G_DEFINE_FINAL_TYPE (DockyardWindow, dockyard_window, ADW_TYPE_APPLICATION_WINDOW)

static DockyardApplication *
get_application (DockyardWindow *self)
{
  return DOCKYARD_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

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

static void
update_actions (DockyardWindow *self)
{
  DockyardApplication *app = get_application (self);
  gboolean ready = dockyard_application_get_engine_state (app) == DOCKYARD_ENGINE_STATE_READY;
  gboolean building = self->build != NULL &&
                      dockyard_build_get_state (self->build) == DOCKYARD_BUILD_RUNNING;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.build",
                                 ready && self->project != NULL && !building);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-build", building);
}

static void
update_engine (DockyardWindow *self)
{
  DockyardApplication *app = get_application (self);
  DockyardEngineState state = dockyard_application_get_engine_state (app);
  DockyardEngine *engine = dockyard_application_get_engine (app);
  const GError *error = dockyard_application_get_engine_error (app);
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

      gtk_label_set_label (self->welcome_engine_label, status);
      adw_action_row_set_subtitle (self->engine_row, status);
    }

  follow_lists (self,
                dockyard_application_get_images (app),
                dockyard_application_get_containers (app));

  if (state == DOCKYARD_ENGINE_STATE_FAILED && error != NULL)
    {
      g_autofree char *help = NULL;

      if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_PERMISSION_DENIED))
        {
          adw_status_page_set_title (self->no_engine_page, _("No Access to the Container Engine"));
          help = g_strdup (error->message);
        }
      else if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TOO_OLD))
        {
          adw_status_page_set_title (self->no_engine_page, _("Container Engine Too Old"));
          help = g_strdup (error->message);
        }
      else if (g_getenv ("DOCKER_HOST") != NULL &&
               g_settings_get_boolean (dockyard_application_get_settings (app), "engine-automatic"))
        {
          adw_status_page_set_title (self->no_engine_page, _("No Container Engine Found"));
          /* Translators: %s is the value of the DOCKER_HOST environment variable */
          help = g_strdup_printf (_("%s\n\nThe DOCKER_HOST environment variable chooses this "
                                    "engine (DOCKER_HOST=%s). Start that engine, or unset "
                                    "DOCKER_HOST to let Dockyard find one."),
                                  error->message, g_getenv ("DOCKER_HOST"));
        }
      else
        {
          adw_status_page_set_title (self->no_engine_page, _("No Container Engine Found"));
          help = g_strdup_printf ("%s\n\n%s", error->message,
                                  _("Install and start Docker (for example “sudo apt install "
                                    "docker.io”), rootless Docker or Podman’s API service "
                                    "(“systemctl --user start podman.socket”), or choose the "
                                    "engine’s socket in Preferences."));
        }
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
  gtk_widget_set_visible (GTK_WIDGET (self->build_button), g_str_equal (page, "project"));
  update_actions (self);
}

static void
show_project (DockyardWindow *self)
{
  g_autofree char *path = dockyard_project_dup_path (self->project);
  g_autofree char *image = dockyard_project_dup_image_name (self->project);
  gboolean has_dockerfile = dockyard_project_get_has_dockerfile (self->project);

  adw_view_switcher_title_set_subtitle (self->switcher_title,
                                        dockyard_project_get_name (self->project));
  adw_action_row_set_subtitle (self->project_image_row, image);
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

  /* Another project: its build is not this one's. */
  g_cancellable_cancel (self->build_cancellable);
  g_clear_object (&self->build);
  dockyard_build_view_set_build (self->build_view, NULL);
  adw_view_stack_set_visible_child_name (self->project_stack, "overview");

  g_set_object (&self->project, project);
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

/* Folder chooser ---------------------------------------------------------- */

#if GTK_CHECK_VERSION (4, 10, 0)
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
select_folder_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DockyardWindow) self = user_data;
  g_autoptr(GFile) folder = NULL;

  folder = gtk_file_dialog_select_folder_finish (GTK_FILE_DIALOG (object), result, NULL);
  if (folder != NULL)
    dockyard_window_open_project (self, folder);
}

static void
choose_folder (DockyardWindow *self)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();

  gtk_file_dialog_set_title (dialog, _("Open a Project Folder"));
  gtk_file_dialog_set_modal (dialog, TRUE);
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
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (folder != NULL)
        dockyard_window_open_project (self, folder);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose_folder (DockyardWindow *self)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Open a Project Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
#endif

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  choose_folder (DOCKYARD_WINDOW (widget));
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
      dockyard_build_view_show_error (self->build_view, title, state->message);
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
      dockyard_build_view_show_error (self->build_view, _("The Build Failed"), message->str);
      g_string_free (message, TRUE);
      return;
    }

  /* The last words of the step usually say what went wrong. */
  tail = dockyard_build_step_dup_log_tail (step, 10);
  if (*tail != '\0')
    g_string_append_printf (message, "\n\n%s", tail);

  title = failure_title (step, 0);
  dockyard_build_view_show_error (self->build_view, title, message->str);

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

static void
build_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  DockyardWindow *self = DOCKYARD_WINDOW (widget);
  DockyardEngine *engine = dockyard_application_get_engine (get_application (self));
  g_autoptr(GInputStream) context = NULL;
  g_autoptr(GError) error = NULL;

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

  context = dockyard_project_open_context (self->project, self->build_cancellable, &error);
  if (context == NULL)
    {
      dockyard_build_view_show_error (self->build_view, _("Cannot Send the Build Context"),
                                      error->message);
      update_actions (self);
      return;
    }

  dockyard_build_run_async (self->build, context, self->build_cancellable, build_cb,
                            g_object_ref (self));
  update_actions (self);
}

static void
cancel_build_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_cancellable_cancel (DOCKYARD_WINDOW (widget)->build_cancellable);
}

/* GObject ----------------------------------------------------------------- */

static void
dockyard_window_dispose (GObject *object)
{
  DockyardWindow *self = (DockyardWindow *)object;

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
dockyard_window_class_init (DockyardWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dockyard_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/dockyard-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, build_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_stack);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_image_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, build_view);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, engine_lost_revealer);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, engine_lost_spinner);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, connecting_spinner);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, no_engine_page);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, no_engine_help);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, welcome_engine_label);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_group);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_folder_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_dockerfile_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, project_dockerfile_icon);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, engine_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, images_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, containers_row);

  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.build", NULL, build_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-build", NULL, cancel_build_action);
}

static void
dockyard_window_init (DockyardWindow *self)
{
  g_type_ensure (DOCKYARD_TYPE_BUILD_VIEW);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
}

/**
 * dockyard_window_new:
 *
 * Returns: (transfer none): a new window of @application
 */
DockyardWindow *
dockyard_window_new (DockyardApplication *application)
{
  DockyardWindow *self;

  g_return_val_if_fail (DOCKYARD_IS_APPLICATION (application), NULL);

  self = g_object_new (DOCKYARD_TYPE_WINDOW, "application", application, NULL);

  /* The window follows the app's engine for as long as it lives. */
  g_signal_connect_object (application, "notify::engine-state",
                           G_CALLBACK (update_engine), self, G_CONNECT_SWAPPED);
  update_engine (self);

  return self;
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

const char *
dockyard_window_get_page (DockyardWindow *self)
{
  g_return_val_if_fail (DOCKYARD_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}
