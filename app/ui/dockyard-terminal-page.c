/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-adaptive.h"
#include "dockyard-deferred-show.h"
#include "dockyard-ports-panel.h"
#include "dockyard-terminal-page.h"

/* The Terminal page of a project: the dev container's shell and further
 * shells in tabs, or why there is none.  It runs the dev session the
 * window hands it, and says "changed" when the session's state does (the
 * window's actions follow it). */

struct _DockyardTerminalPage
{
  AdwBin                 parent_instance;

  /* Template widgets */
  GtkStack              *stack;
  AdwStatusPage         *status;
  GtkButton             *start_button;
  GtkButton             *build_button;
  GtkButton             *new_terminal_button;
  GtkButton             *sync_button;
  GtkMenuButton         *ports_button;
  DockyardPortsPanel    *ports_panel;
  AdwTabView            *tab_view;

  /* Borrowed from the window: counts container removals */
  DockyardEngineMonitor *monitor;

  /* Owned */
  DockyardDevSession    *dev_session;
  DockyardDevPorts      *dev_ports;
  DockyardTerminal      *dev_terminal;
  GCancellable          *dev_cancellable;
  /* Tabs whose close waits for the busy check or the user's answer */
  GPtrArray             *pending_closes;
  guint                  n_shells;
};

G_DEFINE_FINAL_TYPE (DockyardTerminalPage, dockyard_terminal_page, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (DockyardTerminalPage *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void terminal_restart_cb (DockyardTerminalPage *self,
                                 DockyardTerminal     *terminal);

static void
terminal_close_cb (DockyardTerminalPage *self,
                   DockyardTerminal     *terminal)
{
  AdwTabPage *page = adw_tab_view_get_page (self->tab_view, GTK_WIDGET (terminal));

  if (page != NULL)
    adw_tab_view_close_page (self->tab_view, page);
}

static DockyardTerminal *
add_terminal_tab (DockyardTerminalPage *self,
                  const char           *title)
{
  GtkWidget *terminal = dockyard_terminal_new ();
  AdwTabPage *page = adw_tab_view_append (self->tab_view, terminal);

  g_signal_connect_object (terminal, "restart", G_CALLBACK (terminal_restart_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (terminal, "close", G_CALLBACK (terminal_close_cb), self,
                           G_CONNECT_SWAPPED);

  adw_tab_page_set_title (page, title);
  adw_tab_page_set_icon (page, g_themed_icon_new ("utilities-terminal-symbolic"));
  adw_tab_view_set_selected_page (self->tab_view, page);
  gtk_stack_set_visible_child_name (self->stack, "tabs");

  return DOCKYARD_TERMINAL (terminal);
}

static void finish_close (DockyardTerminalPage *self,
                          AdwTabPage           *page);

static void
close_all_tabs (DockyardTerminalPage *self)
{
  /* Closes that wait for an answer are answered first: all go. */
  while (self->pending_closes->len > 0)
    {
      g_autoptr(AdwTabPage) page = g_ptr_array_steal_index (self->pending_closes, 0);

      finish_close (self, page);
    }

  /* Each close runs close_page_cb, which ends that tab's stream. */
  while (adw_tab_view_get_n_pages (self->tab_view) > 0)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, 0);

      adw_tab_view_close_page (self->tab_view, page);
    }
}

/* The empty page as it is before any start failed: the image may well be
 * there now. */
static void
reset_status (DockyardTerminalPage *self)
{
  adw_status_page_set_title (self->status, _("No Terminal Open"));
  adw_status_page_set_description (self->status,
                                   _("Open a shell in a container of the project’s image, with the "
                                     "project folder mounted at its working directory. Files you "
                                     "create there belong to you."));
  gtk_button_set_label (self->start_button, _("_Open Terminal"));
  gtk_widget_set_visible (GTK_WIDGET (self->start_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->build_button), FALSE);
}

/* The sync of an engine on another computer --------------------------------- */

static void
append_list (GString            *body,
             const char         *title,
             const char * const *paths)
{
  if (paths == NULL || paths[0] == NULL)
    return;

  if (body->len > 0)
    g_string_append (body, "\n\n");
  g_string_append (body, title);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *display = g_filename_display_name (paths[i]);

      /* Long lists are cut: the alert must fit on the screen. */
      if (i == 20)
        {
          guint more = g_strv_length ((char **) paths) - i;

          g_string_append_c (body, '\n');
          /* Translators: %u is a number of files */
          g_string_append_printf (body, ngettext ("…and %u more", "…and %u more", more), more);
          break;
        }
      g_string_append_printf (body, "\n%s", display);
    }
}

static void
deletions_applied_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(DockyardTerminalPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dockyard_volume_sync_apply_deletions_finish (DOCKYARD_VOLUME_SYNC (object), result, &error) &&
      gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    dockyard_alert_present (dockyard_alert_new (_("Cannot Delete the Files"), error->message),
                            GTK_WIDGET (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), TRUE);
}

static void
deletions_answered_cb (GtkWidget  *alert,
                       const char *response,
                       gpointer    user_data)
{
  DockyardTerminalPage *self = g_object_get_data (G_OBJECT (alert), "dockyard-page");
  DockyardVolumeSync *sync = user_data;

  if (g_strcmp0 (response, "delete") != 0 || dockyard_volume_sync_get_busy (sync))
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), FALSE);
  dockyard_volume_sync_apply_deletions_async (sync, NULL, deletions_applied_cb, g_object_ref (self));
}

/* Says what a sync found that the user must know or decide: the copies of
 * files changed on both sides, and the deletions, applied only on "Delete". */
static void
report_sync (DockyardTerminalPage *self,
             DockyardVolumeSync   *sync)
{
  const char * const *conflicts = dockyard_volume_sync_get_conflicts (sync);
  const char * const *deleted_here = dockyard_volume_sync_get_deleted_here (sync);
  const char * const *deleted_there = dockyard_volume_sync_get_deleted_there (sync);
  gboolean deletions = (deleted_here != NULL && deleted_here[0] != NULL) ||
                       (deleted_there != NULL && deleted_there[0] != NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *alert;

  if (gtk_widget_get_root (GTK_WIDGET (self)) == NULL ||
      ((conflicts == NULL || conflicts[0] == NULL) && !deletions))
    return;

  append_list (body, _("Changed both here and in the container; the container’s version is kept "
                       "beside yours, in:"), conflicts);
  append_list (body, _("Deleted in the project folder, still in the container:"), deleted_here);
  append_list (body, _("Deleted in the container, still in the project folder:"), deleted_there);

  alert = dockyard_alert_new (deletions ? _("Delete Files on the Other Side?")
                                        : _("Files Changed on Both Sides"),
                              body->str);
  g_object_set_data (G_OBJECT (alert), "dockyard-page", self);
  if (deletions)
    {
      dockyard_alert_add_response (alert, "keep", _("_Keep Them"), ADW_RESPONSE_DEFAULT);
      dockyard_alert_add_response (alert, "delete", _("_Delete"), ADW_RESPONSE_DESTRUCTIVE);
      dockyard_alert_set_default_response (alert, "keep");
      dockyard_alert_set_close_response (alert, "keep");
      g_signal_connect_data (alert, "response", G_CALLBACK (deletions_answered_cb),
                             g_object_ref (sync), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
    }
  else
    {
      dockyard_alert_add_response (alert, "close", _("_Close"), ADW_RESPONSE_DEFAULT);
      dockyard_alert_set_close_response (alert, "close");
    }
  dockyard_alert_present (alert, GTK_WIDGET (self));
}

static void
synced_now_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DockyardTerminalPage) self = user_data;
  DockyardVolumeSync *sync = DOCKYARD_VOLUME_SYNC (object);
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), TRUE);
  if (!dockyard_volume_sync_run_finish (sync, result, &error))
    {
      if (gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
        dockyard_alert_present (dockyard_alert_new (_("Cannot Sync the Files"), error->message),
                                GTK_WIDGET (self));
      return;
    }
  report_sync (self, sync);
}

static void
sync_clicked_cb (DockyardTerminalPage *self)
{
  DockyardVolumeSync *sync = self->dev_session != NULL ? dockyard_dev_session_get_sync (self->dev_session)
                                                       : NULL;

  if (sync == NULL || dockyard_volume_sync_get_busy (sync))
    return;

  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), FALSE);
  dockyard_volume_sync_run_async (sync, NULL, synced_now_cb, g_object_ref (self));
}

typedef struct
{
  DockyardEngineMonitor *monitor;
  GWeakRef               page;
} StopData;

static void
stop_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  StopData *data = user_data;
  g_autoptr(DockyardTerminalPage) page = g_weak_ref_get (&data->page);
  DockyardVolumeSync *sync = dockyard_dev_session_get_sync (DOCKYARD_DEV_SESSION (object));
  g_autoptr(GError) error = NULL;

  if (!dockyard_dev_session_stop_finish (DOCKYARD_DEV_SESSION (object), result, &error))
    g_warning ("Cannot remove the dev container: %s", error->message);
  else if (page != NULL && sync != NULL)
    report_sync (page, sync);

  if (data->monitor != NULL)
    dockyard_engine_monitor_release_cleanup (data->monitor);
  g_clear_object (&data->monitor);
  g_weak_ref_clear (&data->page);
  g_free (data);
}

/**
 * dockyard_terminal_page_stop:
 *
 * Closes the dev container's tabs and removes the container; the engine
 * monitor counts the removal until it is done (quitting waits for it).
 */
void
dockyard_terminal_page_stop (DockyardTerminalPage *self)
{
  DockyardDevSession *session = self->dev_session;

  if (session == NULL)
    return;

  /* Taken first: closing the tabs must not stop the session again. */
  self->dev_session = NULL;
  self->dev_terminal = NULL;
  /* No reading of its ports goes on, nor a timer for the next. */
  if (self->dev_ports != NULL)
    dockyard_dev_ports_stop (self->dev_ports);
  dockyard_ports_panel_set_ports (self->ports_panel, NULL);
  g_clear_object (&self->dev_ports);
  g_cancellable_cancel (self->dev_cancellable);
  g_signal_handlers_disconnect_by_data (session, self);
  close_all_tabs (self);

  /* The app waits for the engine to remove the container (and for the
   * files to come back from an engine elsewhere), even on quit. */
  {
    StopData *data = g_new0 (StopData, 1);

    g_weak_ref_init (&data->page, self);
    if (self->monitor != NULL)
      {
        dockyard_engine_monitor_hold_cleanup (self->monitor);
        data->monitor = g_object_ref (self->monitor);
      }
    dockyard_dev_session_stop_async (session, stop_done_cb, data);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->sync_button), FALSE);

  g_object_unref (session);
  reset_status (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  emit_changed (self);
}

/* The tab's shell runs (a further shell that ended keeps its stream, to
 * show how it ended). */
static gboolean
shell_is_open (DockyardTerminal *terminal)
{
  return dockyard_terminal_get_stream (terminal) != NULL &&
         g_object_get_data (G_OBJECT (terminal), "dockyard-shell-ended") == NULL;
}

/* Ends the tab's shell and lets the tab go. */
static void
finish_close (DockyardTerminalPage *self,
              AdwTabPage           *page)
{
  DockyardTerminal *terminal = DOCKYARD_TERMINAL (adw_tab_page_get_child (page));
  DockyardTtyStream *stream = dockyard_terminal_get_stream (terminal);
  gboolean was_main = terminal == self->dev_terminal;

  if (stream != NULL)
    dockyard_tty_stream_close (stream);
  dockyard_terminal_set_stream (terminal, NULL);
  adw_tab_view_close_page_finish (self->tab_view, page, TRUE);

  /* Closing the dev shell's tab ends the dev container and its shells. */
  if (was_main)
    dockyard_terminal_page_stop (self);
}

/* "sleep (Shell 1), python3 (Shell 2)" for the busy shells among the tabs
 * (@only: that tab's alone), or NULL when none is busy. */
static char *
describe_busy (DockyardTerminalPage *self,
               GHashTable           *busy,
               AdwTabPage           *only)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    {
      AdwTabPage *page = adw_tab_view_get_nth_page (self->tab_view, i);
      DockyardTerminal *terminal = DOCKYARD_TERMINAL (adw_tab_page_get_child (page));
      DockyardTtyStream *stream = dockyard_terminal_get_stream (terminal);
      const char *program;

      if (!shell_is_open (terminal) || (only != NULL && page != only) || self->dev_session == NULL)
        continue;
      program = g_hash_table_lookup (busy, GUINT_TO_POINTER (dockyard_dev_session_get_shell_id (self->dev_session,
                                                                                                stream)));
      if (program == NULL)
        continue;
      if (text->len > 0)
        g_string_append (text, _(", "));
      /* Translators: a program still running and its tab, e.g. "sleep (Shell 2)" */
      g_string_append_printf (text, _("%s (%s)"), program, adw_tab_page_get_title (page));
    }

  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

/* The shells with a tab (running or not yet ended). */
static guint
count_shells (DockyardTerminalPage *self)
{
  guint n = 0;

  for (int i = 0; i < adw_tab_view_get_n_pages (self->tab_view); i++)
    if (shell_is_open (DOCKYARD_TERMINAL (adw_tab_page_get_child (adw_tab_view_get_nth_page (self->tab_view, i)))))
      n++;
  return n;
}

typedef struct
{
  DockyardTerminalPage *self;
  AdwTabPage           *page;
} CloseCheck;

static void
close_check_free (CloseCheck *check)
{
  g_clear_object (&check->self);
  g_clear_object (&check->page);
  g_free (check);
}

static void
close_answered_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   CloseCheck       *check)
{
  DockyardTerminalPage *self = check->self;

  /* Answered meanwhile (the container stopped, the page went). */
  if (self->pending_closes == NULL || !g_ptr_array_remove (self->pending_closes, check->page))
    return;

  if (g_strcmp0 (response, "close") == 0)
    finish_close (self, check->page);
  else
    adw_tab_view_close_page_finish (self->tab_view, check->page, FALSE);
}

static void
busy_checked_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CloseCheck *check = user_data;
  DockyardTerminalPage *self = check->self;
  g_autoptr(GHashTable) busy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *running = NULL;
  g_autofree char *body = NULL;
  gboolean main_tab;
  AdwMessageDialog *dialog;
  GtkRoot *root;

  busy = dockyard_dev_session_find_busy_shells_finish (DOCKYARD_DEV_SESSION (object), result, &error);
  if (self->pending_closes == NULL || !g_ptr_array_find (self->pending_closes, check->page, NULL))
    {
      close_check_free (check);
      return;
    }

  main_tab = adw_tab_page_get_child (check->page) == GTK_WIDGET (self->dev_terminal);
  if (busy != NULL)
    running = describe_busy (self, busy, main_tab ? NULL : check->page);
  else
    g_debug ("Cannot tell what runs in the shells: %s", error->message);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (running == NULL || !GTK_IS_WINDOW (root))
    {
      g_ptr_array_remove (self->pending_closes, check->page);
      finish_close (self, check->page);
      close_check_free (check);
      return;
    }

  /* As GNOME Console and Ptyxis ask. */
  if (main_tab)
    {
      guint others = count_shells (self) - 1;

      if (others > 0)
        /* Translators: %s names what still runs, e.g. "sleep (Shell 1)"; %u counts the other shells */
        body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Still running: %s. Closing the first shell removes the container: this shell and %u other shell end.",
                                             "Still running: %s. Closing the first shell removes the container: this shell and %u other shells end.",
                                             others),
                                running, others);
      else
        /* Translators: %s names what still runs, e.g. "sleep (Shell 1)" */
        body = g_strdup_printf (_("Still running: %s. Closing the first shell removes the container."),
                                running);
    }
  else
    /* Translators: %s names what still runs, e.g. "sleep (Shell 2)" */
    body = g_strdup_printf (_("Still running: %s. Closing the tab ends it."), running);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root), _("Close Terminal?"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "close", _("C_lose"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "close", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (close_answered_cb), check,
                         (GClosureNotify) close_check_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A tab whose shell may run a program: asked first (busy_checked_cb). */
static gboolean
close_page_cb (DockyardTerminalPage *self,
               AdwTabPage           *page,
               AdwTabView           *view)
{
  DockyardTerminal *terminal = DOCKYARD_TERMINAL (adw_tab_page_get_child (page));
  CloseCheck *check;

  if (g_ptr_array_find (self->pending_closes, page, NULL))
    return GDK_EVENT_STOP;

  if (self->dev_session == NULL || !shell_is_open (terminal) ||
      dockyard_dev_session_get_state (self->dev_session) != DOCKYARD_DEV_SESSION_RUNNING)
    {
      finish_close (self, page);
      return GDK_EVENT_STOP;
    }

  g_ptr_array_add (self->pending_closes, g_object_ref (page));
  check = g_new0 (CloseCheck, 1);
  check->self = g_object_ref (self);
  check->page = g_object_ref (page);
  dockyard_dev_session_find_busy_shells_async (self->dev_session, self->dev_cancellable,
                                               busy_checked_cb, check);
  return GDK_EVENT_STOP;
}

static void
page_busy_found_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardTerminalPage *self = g_task_get_source_object (task);
  g_autoptr(GHashTable) busy = NULL;
  GError *error = NULL;

  busy = dockyard_dev_session_find_busy_shells_finish (DOCKYARD_DEV_SESSION (object), result, &error);
  if (busy == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, describe_busy (self, busy, NULL), g_free);
}

/**
 * dockyard_terminal_page_find_busy_async:
 *
 * Finds what the shells run besides waiting at their prompt, for the
 * window's "Close Window?" question.
 */
void
dockyard_terminal_page_find_busy_async (DockyardTerminalPage *self,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOCKYARD_IS_TERMINAL_PAGE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_terminal_page_find_busy_async);
  if (self->dev_session == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  dockyard_dev_session_find_busy_shells_async (self->dev_session, cancellable,
                                               page_busy_found_cb, g_steal_pointer (&task));
}

/**
 * dockyard_terminal_page_find_busy_finish:
 * @n_shells: (out): the open shells
 *
 * Returns: (transfer full) (nullable): what still runs, e.g.
 *   "sleep (Shell 1)", or %NULL when nothing does
 */
char *
dockyard_terminal_page_find_busy_finish (DockyardTerminalPage  *self,
                                         GAsyncResult          *result,
                                         guint                 *n_shells,
                                         GError               **error)
{
  g_return_val_if_fail (DOCKYARD_IS_TERMINAL_PAGE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  *n_shells = count_shells (self);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
dev_state_cb (DockyardTerminalPage *self,
              GParamSpec           *pspec,
              DockyardDevSession   *session)
{
  g_autofree char *message = NULL;

  switch (dockyard_dev_session_get_state (session))
    {
    case DOCKYARD_DEV_SESSION_EXITED:
      /* Translators: %d is the exit status of the shell */
      message = g_strdup_printf (_("The shell exited with status %d. The dev container was removed."),
                                 dockyard_dev_session_get_exit_code (session));
      break;
    case DOCKYARD_DEV_SESSION_FAILED:
      message = g_strdup (_("The dev container stopped: the connection to the engine was lost."));
      break;
    case DOCKYARD_DEV_SESSION_READY:
    case DOCKYARD_DEV_SESSION_STARTING:
    case DOCKYARD_DEV_SESSION_RUNNING:
    default:
      break;
    }

  if (message != NULL && self->dev_terminal != NULL)
    {
      /* The container is gone with its shells: show why, where Restart is. */
      dockyard_terminal_show_message (self->dev_terminal, message, TRUE);
      adw_tab_view_set_selected_page (self->tab_view,
                                      adw_tab_view_get_page (self->tab_view,
                                                             GTK_WIDGET (self->dev_terminal)));
    }

  emit_changed (self);
}

static void
dev_started_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DockyardTerminalPage) self = user_data;
  DockyardDevSession *session = DOCKYARD_DEV_SESSION (object);
  g_autoptr(DockyardTtyStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = dockyard_dev_session_start_finish (session, result, &error);

  if (session != self->dev_session)
    {
      if (stream != NULL)
        dockyard_tty_stream_close (stream);
      return;
    }

  if (stream == NULL)
    {
      gboolean not_built = g_error_matches (error, DOCKYARD_ENGINE_ERROR,
                                            DOCKYARD_ENGINE_ERROR_NOT_FOUND);

      dockyard_terminal_page_stop (self);
      adw_status_page_set_title (self->status,
                                 not_built ? _("Image Not Built Yet")
                                           : _("Cannot Open the Terminal"));
      adw_status_page_set_description (self->status, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->build_button), not_built);
      gtk_widget_set_visible (GTK_WIDGET (self->start_button), !not_built);
      gtk_button_set_label (self->start_button, _("_Try Again"));
      return;
    }

  dockyard_terminal_set_stream (self->dev_terminal, stream);
  gtk_widget_grab_focus (GTK_WIDGET (self->dev_terminal));
  /* An engine on another computer: the files were synced to it. */
  if (dockyard_dev_session_get_sync (session) != NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->sync_button), TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), TRUE);
      report_sync (self, dockyard_dev_session_get_sync (session));
    }
  emit_changed (self);
}

/* A further shell's tab, while its stream is being opened or its exit
 * status asked for. */
typedef struct
{
  DockyardTerminalPage *page;
  DockyardTerminal     *terminal;
} ShellTab;

static void
shell_tab_free (ShellTab *tab)
{
  g_clear_object (&tab->page);
  g_clear_object (&tab->terminal);
  g_free (tab);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShellTab, shell_tab_free)

static void
shell_exit_code_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ShellTab) tab = user_data;
  g_autofree char *message = NULL;
  int status;

  status = dockyard_dev_session_get_shell_exit_code_finish (DOCKYARD_DEV_SESSION (object), result,
                                                            NULL);
  if (status >= 0)
    /* Translators: %d is the exit status of the shell */
    message = g_strdup_printf (_("The shell exited with status %d."), status);
  else
    message = g_strdup (_("The shell ended."));

  /* Restart opens a new shell in this tab while the container runs. */
  dockyard_terminal_show_message (tab->terminal, message,
                                  tab->page->dev_session != NULL &&
                                  dockyard_dev_session_get_state (tab->page->dev_session) ==
                                  DOCKYARD_DEV_SESSION_RUNNING);
}

static void
shell_closed_cb (DockyardTerminal  *terminal,
                 const GError      *error,
                 DockyardTtyStream *stream)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (terminal), DOCKYARD_TYPE_TERMINAL_PAGE);
  DockyardDevSession *session = page != NULL ? DOCKYARD_TERMINAL_PAGE (page)->dev_session : NULL;
  ShellTab *tab;

  if (dockyard_terminal_get_stream (terminal) != stream)
    return;

  g_object_set_data (G_OBJECT (terminal), "dockyard-shell-ended", GINT_TO_POINTER (TRUE));
  if (session == NULL)
    {
      dockyard_terminal_show_message (terminal, _("The shell ended."), FALSE);
      return;
    }

  tab = g_new0 (ShellTab, 1);
  tab->page = g_object_ref (DOCKYARD_TERMINAL_PAGE (page));
  tab->terminal = g_object_ref (terminal);
  dockyard_dev_session_get_shell_exit_code_async (session, stream, NULL, shell_exit_code_cb, tab);
}

static void
shell_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ShellTab) tab = user_data;
  g_autoptr(DockyardTtyStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = dockyard_dev_session_open_shell_finish (DOCKYARD_DEV_SESSION (object), result, &error);
  if (stream == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        dockyard_terminal_show_message (tab->terminal, error->message, FALSE);
      return;
    }

  /* The tab may have been closed meanwhile. */
  if (gtk_widget_get_parent (GTK_WIDGET (tab->terminal)) == NULL)
    {
      dockyard_tty_stream_close (stream);
      return;
    }

  dockyard_terminal_set_stream (tab->terminal, stream);
  g_object_set_data (G_OBJECT (tab->terminal), "dockyard-shell-ended", NULL);
  g_signal_connect_object (stream, "closed", G_CALLBACK (shell_closed_cb), tab->terminal,
                           G_CONNECT_SWAPPED);
  gtk_widget_grab_focus (GTK_WIDGET (tab->terminal));
}

/* Restart beside an ended shell: the dev shell's restarts the container,
 * a further shell's opens a new shell in the same tab. */
static void
terminal_restart_cb (DockyardTerminalPage *self,
                     DockyardTerminal     *terminal)
{
  ShellTab *tab;

  if (terminal == self->dev_terminal || self->dev_session == NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.dev-restart", NULL);
      return;
    }

  if (dockyard_dev_session_get_state (self->dev_session) != DOCKYARD_DEV_SESSION_RUNNING)
    return;

  dockyard_terminal_set_stream (terminal, NULL);
  tab = g_new0 (ShellTab, 1);
  tab->page = g_object_ref (self);
  tab->terminal = g_object_ref (terminal);
  dockyard_dev_session_open_shell_async (self->dev_session, self->dev_cancellable,
                                         shell_opened_cb, tab);
}

/**
 * dockyard_terminal_page_open_shell:
 *
 * Opens another shell of the running dev container in a new tab.
 *
 * Returns: %FALSE when no dev container is running
 */
gboolean
dockyard_terminal_page_open_shell (DockyardTerminalPage *self)
{
  g_autofree char *title = NULL;
  ShellTab *tab;

  g_return_val_if_fail (DOCKYARD_IS_TERMINAL_PAGE (self), FALSE);

  if (self->dev_session == NULL ||
      dockyard_dev_session_get_state (self->dev_session) != DOCKYARD_DEV_SESSION_RUNNING)
    return FALSE;

  /* Translators: the title of a further shell's tab, e.g. "Shell 2" */
  title = g_strdup_printf (_("Shell %u"), ++self->n_shells);
  tab = g_new0 (ShellTab, 1);
  tab->page = g_object_ref (self);
  tab->terminal = g_object_ref (add_terminal_tab (self, title));

  dockyard_dev_session_open_shell_async (self->dev_session, self->dev_cancellable,
                                         shell_opened_cb, tab);
  return TRUE;
}

/**
 * dockyard_terminal_page_start:
 * @session: a new dev session, set up (shell, user)
 *
 * Stops the dev container on show, if any, and starts @session in a new
 * "Shell 1" tab.
 */
void
dockyard_terminal_page_start (DockyardTerminalPage *self,
                              DockyardDevSession   *session)
{
  g_return_if_fail (DOCKYARD_IS_TERMINAL_PAGE (self));
  g_return_if_fail (DOCKYARD_IS_DEV_SESSION (session));

  dockyard_terminal_page_stop (self);

  self->dev_session = g_object_ref (session);
  g_signal_connect_object (self->dev_session, "notify::state", G_CALLBACK (dev_state_cb), self,
                           G_CONNECT_SWAPPED);
  /* Its ports are read while it runs (and only then). */
  self->dev_ports = dockyard_dev_ports_new (self->dev_session);
  dockyard_ports_panel_set_ports (self->ports_panel, self->dev_ports);

  self->n_shells = 1;
  /* Translators: the title of the first shell's tab; closing it ends the container */
  self->dev_terminal = add_terminal_tab (self, _("Shell 1"));

  g_clear_object (&self->dev_cancellable);
  self->dev_cancellable = g_cancellable_new ();
  /* No size yet: the terminal sends its own once it has the stream. */
  dockyard_dev_session_start_async (self->dev_session, 0, 0,
                                    self->dev_cancellable, dev_started_cb, g_object_ref (self));
  emit_changed (self);
}

/**
 * dockyard_terminal_page_show_dev:
 *
 * Selects the dev container's tab and gives it the focus.
 *
 * Returns: %FALSE when there is no dev container to show
 */
gboolean
dockyard_terminal_page_show_dev (DockyardTerminalPage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_TERMINAL_PAGE (self), FALSE);

  if (self->dev_session == NULL ||
      dockyard_dev_session_get_state (self->dev_session) > DOCKYARD_DEV_SESSION_RUNNING ||
      self->dev_terminal == NULL)
    return FALSE;

  adw_tab_view_set_selected_page (self->tab_view,
                                  adw_tab_view_get_page (self->tab_view,
                                                         GTK_WIDGET (self->dev_terminal)));
  gtk_widget_grab_focus (GTK_WIDGET (self->dev_terminal));
  return TRUE;
}

/**
 * dockyard_terminal_page_set_monitor:
 * @monitor: the engine connection that counts container removals
 */
void
dockyard_terminal_page_set_monitor (DockyardTerminalPage  *self,
                                    DockyardEngineMonitor *monitor)
{
  g_return_if_fail (DOCKYARD_IS_TERMINAL_PAGE (self));
  g_return_if_fail (DOCKYARD_IS_ENGINE_MONITOR (monitor));

  g_set_object (&self->monitor, monitor);
}

/**
 * dockyard_terminal_page_get_dev_session:
 *
 * Returns: (transfer none) (nullable): the dev container on show
 */
DockyardDevSession *
dockyard_terminal_page_get_dev_session (DockyardTerminalPage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_TERMINAL_PAGE (self), NULL);
  return self->dev_session;
}

/**
 * dockyard_terminal_page_get_terminal:
 * @index: the tab
 *
 * Returns: (transfer none) (nullable): the terminal of tab @index
 */
DockyardTerminal *
dockyard_terminal_page_get_terminal (DockyardTerminalPage *self,
                                     guint                 index)
{
  g_return_val_if_fail (DOCKYARD_IS_TERMINAL_PAGE (self), NULL);

  if (index >= (guint) adw_tab_view_get_n_pages (self->tab_view))
    return NULL;

  return DOCKYARD_TERMINAL (adw_tab_page_get_child (adw_tab_view_get_nth_page (self->tab_view,
                                                                               index)));
}

/**
 * dockyard_terminal_page_get_ports_button:
 *
 * Returns: (transfer none): the tab bar's button that opens the Ports panel
 */
GtkWidget *
dockyard_terminal_page_get_ports_button (DockyardTerminalPage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_TERMINAL_PAGE (self), NULL);
  return GTK_WIDGET (self->ports_button);
}

/**
 * dockyard_terminal_page_get_dev_ports:
 *
 * Returns: (transfer none) (nullable): the dev container's ports, while
 *   there is a dev container
 */
DockyardDevPorts *
dockyard_terminal_page_get_dev_ports (DockyardTerminalPage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_TERMINAL_PAGE (self), NULL);
  return self->dev_ports;
}

/**
 * dockyard_terminal_page_get_new_terminal_button:
 *
 * Returns: (transfer none): the tab bar's "new shell" button (the window
 *   adds its shortcut to the tooltip)
 */
GtkWidget *
dockyard_terminal_page_get_new_terminal_button (DockyardTerminalPage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_TERMINAL_PAGE (self), NULL);
  return GTK_WIDGET (self->new_terminal_button);
}

static void
dockyard_terminal_page_dispose (GObject *object)
{
  DockyardTerminalPage *self = (DockyardTerminalPage *)object;

  /* The container is removed also when the page goes without a word. */
  dockyard_terminal_page_stop (self);
  g_cancellable_cancel (self->dev_cancellable);
  g_clear_object (&self->dev_cancellable);
  g_clear_object (&self->monitor);
  g_clear_pointer (&self->pending_closes, g_ptr_array_unref);

  /* No gtk_widget_dispose_template(): the template's root is AdwBin's child,
   * which AdwBin unparents itself. */

  G_OBJECT_CLASS (dockyard_terminal_page_parent_class)->dispose (object);
}

static void
dockyard_terminal_page_class_init (DockyardTerminalPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dockyard_terminal_page_dispose;

  /**
   * DockyardTerminalPage::changed:
   *
   * The dev session started, stopped or changed state.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/dockyard-terminal-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminalPage, stack);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminalPage, status);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminalPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminalPage, build_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminalPage, new_terminal_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminalPage, sync_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminalPage, tab_view);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminalPage, ports_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminalPage, ports_panel);
  gtk_widget_class_bind_template_callback (widget_class, close_page_cb);
  gtk_widget_class_bind_template_callback (widget_class, sync_clicked_cb);
}

static void
dockyard_terminal_page_init (DockyardTerminalPage *self)
{
  g_type_ensure (DOCKYARD_TYPE_TERMINAL);
  g_type_ensure (DOCKYARD_TYPE_PORTS_PANEL);
  self->pending_closes = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Nothing of the page is styled or measured before it is first shown. */
  dockyard_defer_show_until_mapped (GTK_WIDGET (self), GTK_WIDGET (self->stack));
}
