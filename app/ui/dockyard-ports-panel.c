/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-ports-panel.h"

/* The Ports panel of the Terminal page: the dev container's ports (a
 * DockyardDevPorts), each with the address to open it at from this
 * computer, "Open in Browser" and "Copy Address", or why it cannot be
 * reached and a way to publish it. */

struct _DockyardPortsPanel
{
  AdwBin            parent_instance;

  /* Template widgets */
  GtkLabel         *note_label;
  GtkListBox       *list;

  /* Owned */
  DockyardDevPorts *ports;
};

G_DEFINE_FINAL_TYPE (DockyardPortsPanel, dockyard_ports_panel, ADW_TYPE_BIN)

static void
open_address_cb (GtkButton *button,
                 const char *address)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));

#if GTK_CHECK_VERSION (4, 10, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (address);

  gtk_uri_launcher_launch (launcher, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                           NULL, NULL, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_show_uri_full (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, address, GDK_CURRENT_TIME,
                     NULL, NULL, NULL);
#endif
}

static void
copy_address_cb (GtkButton  *button,
                 const char *address)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), address);
  /* Said where the click was: the popover hides toasts. */
  gtk_button_set_icon_name (button, "object-select-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), _("Address Copied"));
}

static GtkWidget *
make_button (const char *icon_name,
             const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  DockyardDevPort *port = item;
  const char *label = dockyard_dev_port_get_label (port);
  const char *address = dockyard_dev_port_get_address (port);
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  if (label != NULL)
    /* Translators: a port's label from devcontainer.json, then its number */
    title = g_strdup_printf (_("%s (Port %u)"), label, dockyard_dev_port_get_port (port));
  else
    title = g_strdup_printf (_("Port %u"), dockyard_dev_port_get_port (port));
  if (address != NULL)
    subtitle = g_strdup_printf ("%s\n%s", address, dockyard_dev_port_get_advice (port));
  else
    subtitle = g_strdup (dockyard_dev_port_get_advice (port));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name (dockyard_dev_port_get_listening (port)
                                                           ? "network-transmit-receive-symbolic"
                                                           : "network-offline-symbolic"));

  if (address != NULL)
    {
      GtkWidget *open = make_button ("web-browser-symbolic", _("Open in Browser"));
      GtkWidget *copy = make_button ("edit-copy-symbolic", _("Copy Address"));

      g_signal_connect_data (open, "clicked", G_CALLBACK (open_address_cb), g_strdup (address),
                             (GClosureNotify) G_CALLBACK (g_free), 0);
      g_signal_connect_data (copy, "clicked", G_CALLBACK (copy_address_cb), g_strdup (address),
                             (GClosureNotify) G_CALLBACK (g_free), 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), copy);
    }
  else if (dockyard_dev_port_get_needs_restart (port) && !dockyard_dev_port_get_configured (port))
    {
      /* Added to the project's ports; the window offers the restart. */
      GtkWidget *publish = gtk_button_new_with_mnemonic (_("_Publish"));

      gtk_widget_set_valign (publish, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (publish, _("Add to the Project’s Ports"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (publish), "win.publish-port");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (publish), "q",
                                        dockyard_dev_port_get_port (port));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), publish);
    }
  else if (dockyard_dev_port_get_needs_restart (port))
    {
      /* In the project's ports since the dev container started. */
      GtkWidget *restart = gtk_button_new_with_mnemonic (_("_Restart"));

      gtk_widget_set_valign (restart, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (restart, _("Restart the Dev Container to Publish It"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (restart), "win.dev-restart");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), restart);
    }

  return row;
}

static void
update_note (DockyardPortsPanel *self)
{
  g_autofree char *note = NULL;

  if (self->ports != NULL)
    note = dockyard_dev_ports_dup_network_note (self->ports);
  gtk_label_set_text (self->note_label,
                      note != NULL ? note
                                   : _("Open the dev terminal to see the ports its programs "
                                       "listen on."));
}

/**
 * dockyard_ports_panel_set_ports:
 * @ports: (nullable): the dev container's ports
 */
void
dockyard_ports_panel_set_ports (DockyardPortsPanel *self,
                                DockyardDevPorts   *ports)
{
  g_return_if_fail (DOCKYARD_IS_PORTS_PANEL (self));
  g_return_if_fail (ports == NULL || DOCKYARD_IS_DEV_PORTS (ports));

  if (self->ports != NULL)
    g_signal_handlers_disconnect_by_data (self->ports, self);
  g_set_object (&self->ports, ports);

  gtk_list_box_bind_model (self->list, ports ? dockyard_dev_ports_get_model (ports) : NULL,
                           create_row, NULL, NULL);
  if (ports != NULL)
    g_signal_connect_swapped (ports, "notify::network", G_CALLBACK (update_note), self);
  update_note (self);
}

/**
 * dockyard_ports_panel_get_ports:
 *
 * Returns: (transfer none) (nullable): the ports on show
 */
DockyardDevPorts *
dockyard_ports_panel_get_ports (DockyardPortsPanel *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PORTS_PANEL (self), NULL);
  return self->ports;
}

static void
dockyard_ports_panel_dispose (GObject *object)
{
  DockyardPortsPanel *self = (DockyardPortsPanel *)object;

  if (self->ports != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->ports, self);
      gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
    }
  g_clear_object (&self->ports);

  G_OBJECT_CLASS (dockyard_ports_panel_parent_class)->dispose (object);
}

static void
dockyard_ports_panel_class_init (DockyardPortsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dockyard_ports_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/dockyard-ports-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, DockyardPortsPanel, note_label);
  gtk_widget_class_bind_template_child (widget_class, DockyardPortsPanel, list);
}

static void
dockyard_ports_panel_init (DockyardPortsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_note (self);
}

GtkWidget *
dockyard_ports_panel_new (void)
{
  return g_object_new (DOCKYARD_TYPE_PORTS_PANEL, NULL);
}
