/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-docker-context.h"
#include "dockyard-preferences-window.h"

struct _DockyardPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  GtkSwitch            *automatic_switch;
  AdwComboRow          *context_row;
  AdwEntryRow          *socket_row;
  GtkSwitch            *host_user_switch;
  AdwEntryRow          *shell_row;
  AdwComboRow          *lab_network_row;
  AdwPreferencesGroup  *lab_group;

  /* Owned */
  GSettings            *settings;
  GPtrArray            *contexts;  /* DockyardDockerContext, in the order of context_row */
};

G_DEFINE_FINAL_TYPE (DockyardPreferencesWindow, dockyard_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
socket_apply_cb (DockyardPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "engine-socket",
                         gtk_editable_get_text (GTK_EDITABLE (self->socket_row)));
}

/* Row 0 of context_row is "None": the address below is used. */
static void
update_context_row (DockyardPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->context_row);
  gboolean automatic = g_settings_get_boolean (self->settings, "engine-automatic");

  if (selected > 0 && selected <= self->contexts->len)
    {
      DockyardDockerContext *context = g_ptr_array_index (self->contexts, selected - 1);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->context_row), context->host);
    }
  else if (self->contexts->len == 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->context_row),
                                 _("The docker CLI has no contexts (docker context create)"));
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->context_row),
                                 _("The engine address below"));

  gtk_widget_set_sensitive (GTK_WIDGET (self->context_row),
                            !automatic && self->contexts->len > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->socket_row), !automatic && selected == 0);
}

static void
context_selected_cb (DockyardPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->context_row);
  const char *name = "";

  if (selected > 0 && selected <= self->contexts->len)
    name = ((DockyardDockerContext *) g_ptr_array_index (self->contexts, selected - 1))->name;
  g_settings_set_string (self->settings, "engine-context", name);
  update_context_row (self);
}

static void
fill_context_row (DockyardPreferencesWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *chosen = g_settings_get_string (self->settings, "engine-context");
  guint selected = 0;

  self->contexts = dockyard_docker_context_list ();
  gtk_string_list_append (names, _("None"));
  for (guint i = 0; i < self->contexts->len; i++)
    {
      DockyardDockerContext *context = g_ptr_array_index (self->contexts, i);

      gtk_string_list_append (names, context->name);
      if (g_strcmp0 (context->name, chosen) == 0)
        selected = i + 1;
    }
  adw_combo_row_set_model (self->context_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->context_row, selected);
  g_signal_connect_object (self->context_row, "notify::selected",
                           G_CALLBACK (context_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::engine-automatic",
                           G_CALLBACK (update_context_row), self, G_CONNECT_SWAPPED);
  update_context_row (self);
}

static void
shell_apply_cb (DockyardPreferencesWindow *self)
{
  const char *shell = gtk_editable_get_text (GTK_EDITABLE (self->shell_row));

  /* An empty entry means the default shell again. */
  if (*shell == '\0')
    g_settings_reset (self->settings, "dev-shell");
  else
    g_settings_set_string (self->settings, "dev-shell", shell);
}

/* The rows of lab_network_row, in the order of the .ui file. */
static const char * const lab_networks[] = { "automatic", "published", "host" };

static gboolean
lab_network_get_mapping (GValue   *value,
                         GVariant *variant,
                         gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (lab_networks); i++)
    if (g_str_equal (nick, lab_networks[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
lab_network_set_mapping (const GValue       *value,
                         const GVariantType *expected_type,
                         gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (lab_networks))
    return NULL;
  return g_variant_new_string (lab_networks[selected]);
}

static void
update_lab_network_subtitle (DockyardPreferencesWindow *self)
{
  static const char *subtitles[] = {
    N_("A port the engine publishes when it has a bridge network, this computer’s network otherwise. Jupyter is reachable from this computer only."),
    N_("A port on 127.0.0.1 that the engine chooses. Needs an engine with a bridge network."),
    N_("The container shares this computer’s network; Jupyter listens on a free port of 127.0.0.1."),
  };
  guint selected = adw_combo_row_get_selected (self->lab_network_row);

  /* Under the group, not as the row's subtitle: beside a long subtitle,
   * the combo's value is cut to "Auto…". */
  if (selected < G_N_ELEMENTS (subtitles))
    adw_preferences_group_set_description (self->lab_group, _(subtitles[selected]));
}

static void
dockyard_preferences_window_dispose (GObject *object)
{
  DockyardPreferencesWindow *self = (DockyardPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), DOCKYARD_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->contexts, g_ptr_array_unref);

  G_OBJECT_CLASS (dockyard_preferences_window_parent_class)->dispose (object);
}

static void
dockyard_preferences_window_class_init (DockyardPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dockyard_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/dockyard-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DockyardPreferencesWindow, automatic_switch);
  gtk_widget_class_bind_template_child (widget_class, DockyardPreferencesWindow, context_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardPreferencesWindow, socket_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardPreferencesWindow, host_user_switch);
  gtk_widget_class_bind_template_child (widget_class, DockyardPreferencesWindow, shell_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardPreferencesWindow, lab_network_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardPreferencesWindow, lab_group);
  gtk_widget_class_bind_template_callback (widget_class, socket_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, shell_apply_cb);
}

static void
dockyard_preferences_window_init (DockyardPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dockyard_preferences_window_new:
 * @settings: the app's settings
 *
 * Returns: (transfer full): a preferences window editing @settings
 */
DockyardPreferencesWindow *
dockyard_preferences_window_new (GSettings *settings)
{
  DockyardPreferencesWindow *self;
  g_autofree char *socket = NULL;
  g_autofree char *shell = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DOCKYARD_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind (settings, "engine-automatic", self->automatic_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  socket = g_settings_get_string (settings, "engine-socket");
  gtk_editable_set_text (GTK_EDITABLE (self->socket_row), socket);
  fill_context_row (self);

  g_settings_bind (settings, "dev-as-host-user", self->host_user_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  shell = g_settings_get_string (settings, "dev-shell");
  gtk_editable_set_text (GTK_EDITABLE (self->shell_row), shell);

  g_settings_bind_with_mapping (settings, "lab-network", self->lab_network_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, lab_network_get_mapping,
                                lab_network_set_mapping, NULL, NULL);
  g_signal_connect_object (self->lab_network_row, "notify::selected",
                           G_CALLBACK (update_lab_network_subtitle), self, G_CONNECT_SWAPPED);
  update_lab_network_subtitle (self);

  return self;
}
