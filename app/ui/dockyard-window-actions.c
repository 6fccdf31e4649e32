/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's actions (win.*): opening folders, building, the dev
 * container and the lab, and the one function that enables them. */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "dockyard-devcontainer-dialog.h"
#include "dockyard-requirements-file.h"
#include "dockyard-window-private.h"

/* A header button's label; in the narrow layout the button shows its icon
 * only, and the label is its accessible name. */
static void
set_header_label (DockyardWindow *self,
                  GtkButton      *button,
                  const char     *label)
{
  AdwButtonContent *content = ADW_BUTTON_CONTENT (gtk_button_get_child (button));

  if (self->narrow)
    {
      g_autoptr(GString) name = g_string_new (label);

      g_string_replace (name, "_", "", 0);
      adw_button_content_set_label (content, "");
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, name->str,
                                      -1);
    }
  else
    {
      adw_button_content_set_label (content, label);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
    }
}

/**
 * _dockyard_window_actions_update:
 *
 * Enables and disables the window's actions for what is open and running,
 * and has the header's buttons show what runs.  The one place that does.
 */
void
_dockyard_window_actions_update (DockyardWindow *self)
{
  DockyardDevSession *dev_session = dockyard_terminal_page_get_dev_session (self->terminal_page);
  gboolean ready = dockyard_engine_monitor_get_state (self->monitor) == DOCKYARD_ENGINE_STATE_READY;
  gboolean building = self->build != NULL &&
                      (self->opening_context ||
                       dockyard_build_get_state (self->build) == DOCKYARD_BUILD_RUNNING);
  gboolean dev_running = dev_session != NULL &&
                         dockyard_dev_session_get_state (dev_session) == DOCKYARD_DEV_SESSION_RUNNING;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.build",
                                 ready && self->project != NULL && !building);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.build-then-dev",
                                 ready && self->project != NULL && !building);
  /* Plain Ctrl+letter belongs to the shell while a terminal has the focus
   * (Ctrl+B, Ctrl+W, Ctrl+O, Ctrl+Q are readline's and the tty's): the
   * accelerators' actions step aside, so the key reaches the terminal. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.build-key",
                                 ready && self->project != NULL && !building &&
                                 !self->terminal_focused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-folder-key", !self->terminal_focused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-project-key", !self->terminal_focused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.close-key", !self->terminal_focused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.quit-key", !self->terminal_focused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-build", building);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dev", ready && self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dev-restart",
                                 ready && dev_session != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-terminal", ready && dev_running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dev-as-root", self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.use-gpus", self->project != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.add-devcontainer",
                                 self->project != NULL &&
                                 dockyard_project_get_has_dockerfile (self->project) &&
                                 dockyard_project_get_devcontainer (self->project) == NULL);

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
  set_header_label (self, self->build_button, building ? _("Building…") : _("_Build"));
  set_header_label (self, self->dev_button, _("_Terminal"));
  {
    DockyardLabSessionState lab = self->lab_session != NULL
                                  ? dockyard_lab_session_get_state (self->lab_session)
                                  : DOCKYARD_LAB_SESSION_READY;

    set_header_label (self, self->lab_button,
                      self->lab_session != NULL &&
                      (lab == DOCKYARD_LAB_SESSION_READY || lab == DOCKYARD_LAB_SESSION_STARTING)
                      ? _("Starting…") : _("_Lab"));
  }
  if (dev_running)
    gtk_widget_add_css_class (GTK_WIDGET (self->dev_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->dev_button), "suggested-action");
}

/* Folder chooser ---------------------------------------------------------- */

/* A folder picked for "New Project…" opens on its Dockerfile page. */
static void
open_chosen_folder (DockyardWindow *self,
                    GFile          *folder,
                    gboolean        new_project)
{
  DockyardWindow *window = self;

  /* A window with a project keeps it, and its terminal and lab: another
   * folder gets a window of its own. */
  if (self->project != NULL &&
      !g_file_equal (dockyard_project_get_directory (self->project), folder))
    {
      window = dockyard_window_new (gtk_window_get_application (GTK_WINDOW (self)), self->monitor,
                                    self->settings, self->recent_projects);
      gtk_window_set_default_size (GTK_WINDOW (window),
                                   gtk_widget_get_width (GTK_WIDGET (self)),
                                   gtk_widget_get_height (GTK_WIDGET (self)));
      gtk_window_present (GTK_WINDOW (window));
    }

  window->open_on_dockerfile = new_project;
  dockyard_window_open_project (window, folder);
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

/* win.open-folder, and win.new-project, which opens on the Dockerfile. */
static void
choose_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  choose_folder (DOCKYARD_WINDOW (widget), g_str_equal (action_name, "win.new-project"));
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

  /* The error's own headline, then the last words of the step. */
  tail = dockyard_build_step_dup_log_summary (step, 10);
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

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _dockyard_window_record_build (self, build, image_id);

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

      _dockyard_window_show_built_toast (self, text);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_build_failure (self, build, error);

  _dockyard_window_actions_update (self);

  /* Built from the Terminal page's "Build Image": on to the shell. */
  if (self->dev_after_build)
    {
      self->dev_after_build = FALSE;
      if (image_id != NULL)
        gtk_widget_activate_action (GTK_WIDGET (self), "win.dev", NULL);
    }
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
      _dockyard_window_actions_update (self);
      return;
    }

  dockyard_build_run_async (self->build, context, self->build_cancellable, build_cb,
                            g_object_ref (self));
  _dockyard_window_actions_update (self);
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
  self->build_started = g_get_real_time ();
  /* Only the build the Terminal page asked for opens the shell. */
  self->dev_after_build = g_str_equal (action_name, "win.build-then-dev");
  g_set_object (&self->build, NULL);
  self->build = dockyard_project_new_build (self->project, engine);
  g_signal_connect_object (self->build, "notify::state", G_CALLBACK (_dockyard_window_actions_update), self,
                           G_CONNECT_SWAPPED);

  dockyard_build_view_set_build (self->build_view, self->build);
  adw_view_stack_set_visible_child_name (self->project_stack, "build");

  state = g_new0 (OpenContextState, 1);
  state->window = g_object_ref (self);
  state->build = g_object_ref (self->build);
  self->opening_context = TRUE;
  dockyard_project_open_context_async (self->project, engine, self->build_cancellable,
                                       context_opened_cb, state);
  _dockyard_window_actions_update (self);
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
  else if (g_str_equal (action_name, "win.new-project-key"))
    gtk_widget_activate_action (widget, "win.new-project", NULL);
  else if (g_str_equal (action_name, "win.close-key"))
    gtk_window_close (GTK_WINDOW (widget));
  else if (g_str_equal (action_name, "win.quit-key"))
    gtk_widget_activate_action (widget, "app.quit", NULL);
}

static void
cancel_build_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  g_cancellable_cancel (DOCKYARD_WINDOW (widget)->build_cancellable);
}

/* Dev container ------------------------------------------------------------ */

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
  if (_dockyard_window_get_dev_as_root (self) || !g_settings_get_boolean (self->settings, "dev-as-host-user"))
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
add_devcontainer_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  DockyardWindow *self = DOCKYARD_WINDOW (widget);
  DockyardEngine *engine = dockyard_engine_monitor_get_engine (self->monitor);
  g_autofree char *user = NULL;

  if (self->project == NULL)
    return;

  /* The user the dev container runs as (dockyard-dev-session.c). */
  if (!_dockyard_window_get_dev_as_root (self) &&
      g_settings_get_boolean (self->settings, "dev-as-host-user"))
    user = g_strdup_printf ("%u:%u", (guint) getuid (), (guint) getgid ());
  dockyard_devcontainer_dialog_present (GTK_WINDOW (self), self->project, user,
                                        engine == NULL || !dockyard_engine_get_has_bridge (engine),
                                        self->toast_overlay);
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

/* Through a page that only the user can read: the token stays off the
 * browser's command line. */
static void
open_lab (DockyardWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = dockyard_lab_session_dup_launch_uri (self->lab_session, &error);

  if (uri == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why */
      message = g_strdup_printf (_("Could not open Jupyter in the browser: %s"), error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
      return;
    }

  open_uri (self, uri);
}

static gboolean
engine_has_bridge (DockyardWindow *self)
{
  DockyardEngine *engine = dockyard_engine_monitor_get_engine (self->monitor);

  return engine != NULL && dockyard_engine_get_has_bridge (engine);
}

/* "Add JupyterLab" on the lab page: only what will work (issue 18). */
static void
update_add_jupyter (DockyardWindow *self)
{
  switch (dockyard_dockerfile_page_get_jupyterlab_route (self->dockerfile_page))
    {
    case DOCKYARD_JUPYTERLAB_ROUTE_REQUIREMENTS:
      dockyard_lab_page_set_add_jupyter (self->lab_page, _("_Add JupyterLab"),
                                         _("Add JupyterLab adds a pinned line to the requirements "
                                           "file the Dockerfile installs, then builds."));
      break;
    case DOCKYARD_JUPYTERLAB_ROUTE_DOCKERFILE:
      dockyard_lab_page_set_add_jupyter (self->lab_page, _("_Add JupyterLab to the Dockerfile…"),
                                         _("The Dockerfile installs no requirements file, so a line "
                                           "there would change nothing. Add JupyterLab to the "
                                           "Dockerfile instead: the change shows in its preview "
                                           "before you save and build."));
      break;
    case DOCKYARD_JUPYTERLAB_ROUTE_NONE:
    default:
      /* Translators: %s is a pinned requirement, e.g. "jupyterlab==4.2.5" */
      {
        g_autofree char *hint = g_strdup_printf (_("The Dockerfile installs no requirements file and "
                                                   "the form cannot change it: add a step such as "
                                                   "“RUN pip install %s” to it, then build."),
                                                 DOCKYARD_PINNED_JUPYTERLAB);

        dockyard_lab_page_set_add_jupyter (self->lab_page, NULL, hint);
      }
      break;
    }
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
  update_add_jupyter (self);
  dockyard_lab_page_update (self->lab_page);
  _dockyard_window_actions_update (self);
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

void
_dockyard_window_stop_lab (DockyardWindow *self)
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

  open_lab (self);
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
          open_lab (self);
          return;
        }
      if (state == DOCKYARD_LAB_SESSION_STARTING)
        return;
    }

  if (engine == NULL || self->project == NULL)
    return;

  _dockyard_window_stop_lab (self);
  self->lab_session = dockyard_lab_session_new (self->project, engine);
  if (_dockyard_window_get_dev_as_root (self) || !g_settings_get_boolean (settings, "dev-as-host-user"))
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
    open_lab (self);
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

  /* No requirements file installed: the Dockerfile gets the pip step, in
   * the form and its preview, saved when the user says so. */
  if (dockyard_dockerfile_page_get_jupyterlab_route (self->dockerfile_page) !=
      DOCKYARD_JUPYTERLAB_ROUTE_REQUIREMENTS)
    {
      adw_view_stack_set_visible_child_name (self->project_stack, "dockerfile");
      if (dockyard_dockerfile_page_get_jupyterlab_route (self->dockerfile_page) ==
          DOCKYARD_JUPYTERLAB_ROUTE_DOCKERFILE)
        {
          gtk_widget_activate_action (GTK_WIDGET (self->dockerfile_page),
                                      "dockerfile.add-jupyterlab", NULL);
          adw_toast_overlay_add_toast (self->toast_overlay,
                                       adw_toast_new (_("JupyterLab is in the form: check the "
                                                        "preview, save, then build")));
        }
      return;
    }

  dockyard_requirements_file_add_async (dockyard_project_get_directory (self->project),
                                        DOCKYARD_PINNED_JUPYTERLAB, self->cancellable,
                                        requirements_written_cb, g_object_ref (self));
}


/* GtkApplicationWindow builds the shortcuts window for every new window when
 * the resources have gtk/help-overlay.ui; building it on first use instead
 * keeps it out of the time to the first frame.  Handed to the window as its
 * help overlay, it shows the app's accelerators and goes with the window. */
static void
show_help_overlay_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  GtkApplicationWindow *window = GTK_APPLICATION_WINDOW (widget);
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (window);

  if (overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder =
        gtk_builder_new_from_resource (RESOURCE_PREFIX "/ui/help-overlay.ui");

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_application_window_set_help_overlay (window, overlay);
    }

  gtk_window_present (GTK_WINDOW (overlay));
}

void
_dockyard_window_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-folder", NULL, choose_folder_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL,
                                   show_help_overlay_action);
  gtk_widget_class_install_action (widget_class, "win.new-project", NULL, choose_folder_action);
  gtk_widget_class_install_action (widget_class, "win.build", NULL, build_action);
  gtk_widget_class_install_action (widget_class, "win.build-then-dev", NULL, build_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-build", NULL, cancel_build_action);
  gtk_widget_class_install_action (widget_class, "win.build-key", NULL, shortcut_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder-key", NULL, shortcut_action);
  gtk_widget_class_install_action (widget_class, "win.new-project-key", NULL, shortcut_action);
  gtk_widget_class_install_action (widget_class, "win.close-key", NULL, shortcut_action);
  gtk_widget_class_install_action (widget_class, "win.quit-key", NULL, shortcut_action);
  gtk_widget_class_install_action (widget_class, "win.show-dockerfile-line", "u",
                                   show_dockerfile_line_action);
  gtk_widget_class_install_action (widget_class, "win.dev", NULL, dev_action);
  gtk_widget_class_install_action (widget_class, "win.dev-restart", NULL, dev_restart_action);
  gtk_widget_class_install_action (widget_class, "win.new-terminal", NULL, new_terminal_action);
  gtk_widget_class_install_property_action (widget_class, "win.use-gpus", "use-gpus");
  gtk_widget_class_install_action (widget_class, "win.add-devcontainer", NULL,
                                   add_devcontainer_action);
  gtk_widget_class_install_property_action (widget_class, "win.dev-as-root", "dev-as-root");
  gtk_widget_class_install_action (widget_class, "win.lab", NULL, lab_action);
  gtk_widget_class_install_action (widget_class, "win.stop-lab", NULL, stop_lab_action);
  gtk_widget_class_install_action (widget_class, "win.open-lab", NULL, open_lab_action);
  gtk_widget_class_install_action (widget_class, "win.copy-lab-url", NULL, copy_lab_url_action);
  gtk_widget_class_install_action (widget_class, "win.add-jupyterlab", NULL, add_jupyterlab_action);
}
