/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-window-private.h"

/* The project's own list of ports to publish (the Overview's "Ports to
 * Publish" row and the Ports panel's Publish buttons), kept per project
 * folder in the settings, as the image name is. */

#define MAX_LISTED_PORTS 64

/* Reads "8000, 5000 3000": each port once, in order. */
static GArray *
parse_ports (const char  *text,
             GError     **error)
{
  g_autoptr(GArray) ports = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_auto(GStrv) words = g_strsplit_set (text != NULL ? text : "", ", \t", -1);

  for (guint i = 0; words[i] != NULL; i++)
    {
      guint64 number;
      guint16 port;
      gboolean seen = FALSE;

      if (*words[i] == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (words[i], 10, 1, G_MAXUINT16, &number, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a port number (1 to 65535)."), words[i]);
          return NULL;
        }
      port = (guint16) number;
      for (guint j = 0; j < ports->len; j++)
        seen |= g_array_index (ports, guint16, j) == port;
      if (!seen)
        g_array_append_val (ports, port);
    }

  if (ports->len > MAX_LISTED_PORTS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("At most %d ports can be published."), MAX_LISTED_PORTS);
      return NULL;
    }
  return g_steal_pointer (&ports);
}

static char *
format_ports (GArray *ports)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; ports != NULL && i < ports->len; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? ", " : "", g_array_index (ports, guint16, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
dup_stored_ports (DockyardWindow *self)
{
  g_autoptr(GVariant) lists = g_settings_get_value (self->settings, "project-published-ports");
  g_autofree char *path = g_file_get_path (dockyard_project_get_directory (self->project));
  const char *text;

  if (path == NULL || !g_variant_lookup (lists, path, "&s", &text))
    return NULL;
  return g_strdup (text);
}

static void
store_ports (DockyardWindow *self,
             GArray         *ports)
{
  g_autoptr(GVariant) lists = g_settings_get_value (self->settings, "project-published-ports");
  g_autofree char *path = g_file_get_path (dockyard_project_get_directory (self->project));
  g_autofree char *text = format_ports (ports);
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  const char *value;

  if (path == NULL)
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_iter_init (&iter, lists);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (!g_str_equal (key, path))
      g_variant_builder_add (&builder, "{ss}", key, value);
  if (*text != '\0')
    g_variant_builder_add (&builder, "{ss}", path, text);
  g_settings_set_value (self->settings, "project-published-ports", g_variant_builder_end (&builder));
}

static void
show_ports (DockyardWindow *self,
            GArray         *ports)
{
  g_autofree char *text = format_ports (ports);

  /* Not a change the user made: no apply button for it. */
  adw_entry_row_set_show_apply_button (self->published_ports_row, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->published_ports_row), text);
  adw_entry_row_set_show_apply_button (self->published_ports_row, TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->published_ports_row), "error");
}

static void
apply_ports (DockyardWindow *self,
             GArray         *ports)
{
  dockyard_project_set_published_ports (self->project,
                                        ports ? (const guint16 *) ports->data : NULL,
                                        ports ? ports->len : 0);
}

/**
 * _dockyard_window_load_published_ports:
 *
 * Gives the project the ports stored for it, and shows them.
 */
void
_dockyard_window_load_published_ports (DockyardWindow *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GArray) ports = NULL;

  if (self->project == NULL)
    return;
  text = dup_stored_ports (self);
  /* A stored list that does not read (edited by hand) counts as none. */
  ports = parse_ports (text, NULL);
  apply_ports (self, ports);
  show_ports (self, ports);
}

/* Ports take effect when the dev container starts: offer to restart it. */
static void
offer_restart (DockyardWindow *self,
               const char     *text)
{
  DockyardDevSession *session = dockyard_terminal_page_get_dev_session (self->terminal_page);
  AdwToast *toast = adw_toast_new (text);

  if (session != NULL &&
      dockyard_dev_session_get_state (session) == DOCKYARD_DEV_SESSION_RUNNING)
    {
      adw_toast_set_button_label (toast, _("_Restart Dev Container"));
      adw_toast_set_action_name (toast, "win.dev-restart");
      adw_toast_set_timeout (toast, 0);
    }
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
published_ports_changed_cb (DockyardWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->published_ports_row), "error");
}

static void
published_ports_apply_cb (DockyardWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->published_ports_row));
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ports = NULL;

  if (self->project == NULL)
    return;

  ports = parse_ports (text, &error);
  if (ports == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->published_ports_row), "error");
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }

  apply_ports (self, ports);
  store_ports (self, ports);
  show_ports (self, ports);
  offer_restart (self, _("The ports are published when the dev container starts again."));
}

static void
publish_port_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  DockyardWindow *self = DOCKYARD_WINDOW (widget);
  guint16 port = g_variant_get_uint16 (parameter);
  g_autoptr(GArray) ports = NULL;
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;
  gsize n_listed = 0;
  const guint16 *listed;

  if (self->project == NULL || port == 0)
    return;

  listed = dockyard_project_get_published_ports (self->project, &n_listed);
  ports = g_array_new (FALSE, FALSE, sizeof (guint16));
  if (n_listed > 0)
    g_array_append_vals (ports, listed, n_listed);
  for (guint i = 0; i < ports->len; i++)
    if (g_array_index (ports, guint16, i) == port)
      return;
  if (ports->len >= MAX_LISTED_PORTS)
    return;
  g_array_append_val (ports, port);

  apply_ports (self, ports);
  store_ports (self, ports);
  show_ports (self, ports);
  message = g_strdup_printf (_("Port %u is published when the dev container starts again."),
                             port);
  offer_restart (self, message);
}

void
_dockyard_window_class_add_ports (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, DockyardWindow, published_ports_row);
  gtk_widget_class_bind_template_callback (widget_class, published_ports_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, published_ports_changed_cb);
  gtk_widget_class_install_action (widget_class, "win.publish-port", "q", publish_port_action);
}
