/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-deferred-show.h"
#include "dockyard-lab-page.h"

/* The Lab page of a project: what its Jupyter container is doing, its
 * address and network, and Jupyter's output.  Its buttons activate the
 * window's lab actions (win.lab, win.stop-lab, win.open-lab, …). */

struct _DockyardLabPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  GtkStack            *stack;
  GtkStack            *state_icon;
  GtkSpinner          *spinner;
  GtkLabel            *title;
  GtkLabel            *description;
  GtkButton           *open_button;
  GtkButton           *add_jupyter_button;
  /* Owned: what "Add JupyterLab" does here (NULL: not offered), and why */
  char                *add_jupyter_label;
  char                *add_jupyter_hint;
  GtkButton           *retry_button;
  GtkButton           *stop_button;
  AdwPreferencesGroup *details;
  AdwActionRow        *url_row;
  AdwActionRow        *network_row;
  GtkTextView         *log_view;

  /* Owned */
  DockyardLabSession  *session;
  gboolean             engine_has_bridge;
};

G_DEFINE_FINAL_TYPE (DockyardLabPage, dockyard_lab_page, ADW_TYPE_BIN)

static char *
describe_network (DockyardLabPage    *self,
                  DockyardLabSession *lab)
{
  guint port = dockyard_lab_session_get_port (lab);

  if (dockyard_lab_session_get_relayed (lab))
    /* Translators: %u is a port number */
    return g_strdup_printf (_("The engine is on another computer: Jupyter listens inside its "
                              "container only, and Dockyard relays it through the engine to "
                              "127.0.0.1:%u of this computer."), port);
  if (dockyard_lab_session_get_host_network (lab) && self->engine_has_bridge)
    /* Translators: %u is a port number */
    return g_strdup_printf (_("Jupyter shares this computer’s network, as chosen in "
                              "Preferences, and listens on 127.0.0.1:%u only."), port);
  if (dockyard_lab_session_get_host_network (lab))
    /* Translators: %u is a port number */
    return g_strdup_printf (_("The engine has no bridge network: Jupyter shares this "
                              "computer’s network and listens on 127.0.0.1:%u only."), port);
  /* Translators: %u is a port number */
  return g_strdup_printf (_("Published on 127.0.0.1:%u only, a port the engine chose."), port);
}

/**
 * dockyard_lab_page_update:
 *
 * Shows the session's state (the page follows it by itself; the window
 * calls this after stopping it).
 */
void
dockyard_lab_page_update (DockyardLabPage *self)
{
  DockyardLabSession *lab = self->session;
  DockyardLabSessionState state;
  const char *title = NULL;
  const char *description = NULL;
  g_autofree char *headline = NULL;
  const char *icon = NULL;

  g_return_if_fail (DOCKYARD_IS_LAB_PAGE (self));

  if (lab == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "idle");
      return;
    }

  state = dockyard_lab_session_get_state (lab);
  switch (state)
    {
    case DOCKYARD_LAB_SESSION_RUNNING:
      title = _("Jupyter Is Running");
      description = _("Reachable only from this computer, with the private token in its address.");
      icon = "running";
      break;
    case DOCKYARD_LAB_SESSION_FAILED:
      title = dockyard_lab_session_get_missing_jupyter (lab) ? _("No Jupyter in the Image")
                                                             : _("The Lab Failed");
      description = dockyard_lab_session_get_error_message (lab);
      /* Jupyter's last words are in its output below: not twice. */
      if (description != NULL && strchr (description, '\n') != NULL &&
          gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (self->log_view)) > 0)
        description = headline = g_strndup (description, strchr (description, '\n') - description);
      icon = "failed";
      break;
    case DOCKYARD_LAB_SESSION_STOPPED:
      if (dockyard_lab_session_get_relayed (lab))
        {
          title = _("The Lab Is Stopped");
          description = _("Its container was removed.");
        }
      else if (dockyard_lab_session_get_quit_by_jupyter (lab))
        {
          title = _("Jupyter Was Quit");
          description = _("It was shut down from its own page. Its container was removed. Notebooks you saved are in the project folder.");
        }
      else
        {
          title = _("The Lab Is Stopped");
          description = _("Its container was removed. Notebooks you saved are in the project folder.");
        }
      icon = "stopped";
      break;
    case DOCKYARD_LAB_SESSION_READY:
    case DOCKYARD_LAB_SESSION_STARTING:
    default:
      title = _("Starting Jupyter…");
      description = _("Jupyter runs in a container of the project’s image.");
      icon = "starting";
      break;
    }

  /* An engine on another computer: the files are in the project's volume there. */
  if (dockyard_lab_session_get_relayed (lab) && state != DOCKYARD_LAB_SESSION_FAILED)
    description = headline = g_strdup_printf ("%s\n\n%s", description, _("The engine is on another computer: the project’s files were copied into a volume there, and what is saved in the lab comes back to the project folder when the lab stops."));

  gtk_stack_set_visible_child_name (self->stack, "session");
  gtk_stack_set_visible_child_name (self->state_icon, icon);
  gtk_spinner_set_spinning (self->spinner, g_str_equal (icon, "starting"));
  gtk_label_set_label (self->title, title);
  gtk_label_set_label (self->description, description ? description : "");

  gtk_widget_set_visible (GTK_WIDGET (self->open_button), state == DOCKYARD_LAB_SESSION_RUNNING);
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button),
                          state == DOCKYARD_LAB_SESSION_RUNNING ||
                          state == DOCKYARD_LAB_SESSION_STARTING);
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button),
                          state == DOCKYARD_LAB_SESSION_FAILED ||
                          state == DOCKYARD_LAB_SESSION_STOPPED);
  gtk_widget_set_visible (GTK_WIDGET (self->add_jupyter_button),
                          state == DOCKYARD_LAB_SESSION_FAILED &&
                          dockyard_lab_session_get_missing_jupyter (lab) &&
                          self->add_jupyter_label != NULL);
  if (self->add_jupyter_label != NULL)
    gtk_button_set_label (self->add_jupyter_button, self->add_jupyter_label);
  if (state == DOCKYARD_LAB_SESSION_FAILED && dockyard_lab_session_get_missing_jupyter (lab) &&
      self->add_jupyter_hint != NULL)
    {
      /* The hint replaces the session's generic advice, which may not fit. */
      g_autofree char *text = g_strdup_printf ("%s\n\n%s", _("The project’s image has no Jupyter."),
                                               self->add_jupyter_hint);

      gtk_label_set_label (self->description, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->details), state == DOCKYARD_LAB_SESSION_RUNNING);

  if (state == DOCKYARD_LAB_SESSION_RUNNING)
    {
      g_autofree char *network = describe_network (self, lab);

      adw_action_row_set_subtitle (self->url_row, dockyard_lab_session_get_url (lab));
      adw_action_row_set_subtitle (self->network_row, network);
    }
}

static void
log_appended_cb (DockyardLabPage    *self,
                 const char         *text,
                 guint64             length,
                 DockyardLabSession *lab)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  g_autofree char *valid = g_utf8_make_valid (text, length);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, valid, -1);
}

/**
 * dockyard_lab_page_set_session:
 * @session: (nullable): the lab to show
 * @engine_has_bridge: whether the engine has a bridge network (which
 *   changes what the network row says about host networking)
 *
 * Shows @session, following its state and output; a new session starts
 * with an empty output.
 */
void
dockyard_lab_page_set_session (DockyardLabPage    *self,
                               DockyardLabSession *session,
                               gboolean            engine_has_bridge)
{
  g_return_if_fail (DOCKYARD_IS_LAB_PAGE (self));
  g_return_if_fail (!session || DOCKYARD_IS_LAB_SESSION (session));

  self->engine_has_bridge = engine_has_bridge;
  if (self->session != session)
    {
      if (self->session != NULL)
        g_signal_handlers_disconnect_by_data (self->session, self);
      g_set_object (&self->session, session);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->log_view), "", 0);

      if (session != NULL)
        {
          g_signal_connect_object (session, "notify::state",
                                   G_CALLBACK (dockyard_lab_page_update), self, G_CONNECT_SWAPPED);
          g_signal_connect_object (session, "log-appended",
                                   G_CALLBACK (log_appended_cb), self, G_CONNECT_SWAPPED);
        }
    }

  dockyard_lab_page_update (self);
}

/**
 * dockyard_lab_page_get_session:
 *
 * Returns: (transfer none) (nullable): the lab shown
 */
DockyardLabSession *
dockyard_lab_page_get_session (DockyardLabPage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_PAGE (self), NULL);
  return self->session;
}

static void
dockyard_lab_page_dispose (GObject *object)
{
  DockyardLabPage *self = (DockyardLabPage *)object;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->add_jupyter_label, g_free);
  g_clear_pointer (&self->add_jupyter_hint, g_free);

  /* No gtk_widget_dispose_template(): the template's root is AdwBin's child,
   * which AdwBin unparents itself. */

  G_OBJECT_CLASS (dockyard_lab_page_parent_class)->dispose (object);
}

static void
dockyard_lab_page_class_init (DockyardLabPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dockyard_lab_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/dockyard-lab-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, stack);
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, state_icon);
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, title);
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, description);
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, open_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, add_jupyter_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, stop_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, details);
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, url_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, network_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardLabPage, log_view);
}

static void
dockyard_lab_page_init (DockyardLabPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Nothing of the page is styled or measured before it is first shown. */
  dockyard_defer_show_until_mapped (GTK_WIDGET (self), GTK_WIDGET (self->stack));
}

/**
 * dockyard_lab_page_set_add_jupyter:
 * @label: (nullable): the button's label, %NULL when nothing offered would work
 * @hint: (nullable): what the user can do, shown under the error
 *
 * Offered when the image has no Jupyter: only what will work.
 */
void
dockyard_lab_page_set_add_jupyter (DockyardLabPage *self,
                                   const char      *label,
                                   const char      *hint)
{
  g_return_if_fail (DOCKYARD_IS_LAB_PAGE (self));

  g_free (self->add_jupyter_label);
  self->add_jupyter_label = g_strdup (label);
  g_free (self->add_jupyter_hint);
  self->add_jupyter_hint = g_strdup (hint);
  dockyard_lab_page_update (self);
}

/**
 * dockyard_lab_page_set_narrow:
 * @narrow: whether the page is narrow (a phone-sized window)
 *
 * Narrow, the lab's buttons stand one above the other, so that their row
 * fits 360 px in any language.
 */
void
dockyard_lab_page_set_narrow (DockyardLabPage *self,
                              gboolean         narrow)
{
  /* The box the buttons are in. */
  GtkWidget *buttons;

  g_return_if_fail (DOCKYARD_IS_LAB_PAGE (self));

  buttons = gtk_widget_get_parent (GTK_WIDGET (self->open_button));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (buttons),
                                  narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
}
