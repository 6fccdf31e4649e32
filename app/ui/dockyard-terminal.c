/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

/* VTE's regexes are PCRE2: its flags come from there. */
#define PCRE2_CODE_UNIT_WIDTH 0
#include <pcre2.h>

#include "dockyard-terminal.h"

#define FONT_SCALE_STEP 1.1
#define FONT_SCALE_MIN  0.5
#define FONT_SCALE_MAX  4.0

/* What may be typed (or pasted) before the shell's stream is there. */
#define PENDING_INPUT_MAX (64 * 1024)

/* Web and file URLs, as terminals usually recognise them. */
#define URL_PATTERN "(?:https?|ftp|file)://[[:alnum:]\\-._~:/?#\\[\\]@!$&'()*+,;=%]+[[:alnum:]/=&#_\\-]"

/**
 * DockyardTerminal:
 *
 * A VTE terminal showing a container's terminal.  There is no local pty:
 * the container's output is fed into VTE, and what VTE would send to its
 * child (keystrokes, pastes, and the terminal's own replies) comes out of
 * the `commit` signal and goes to the container.
 */
struct _DockyardTerminal
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkWidget         *box;
  GtkRevealer       *message_revealer;
  GtkLabel          *message_label;
  GtkButton         *restart_button;
  VteTerminal       *vte;
  GMenuModel        *context_menu;

  /* Owned */
  DockyardTtyStream *stream;
  /* Input given while the stream is being opened, sent once it is. */
  GByteArray        *pending_input;
  GtkWidget         *context_popover;
  GSettings         *interface_settings;
  int                url_tag;
  guint              rows;
  guint              columns;
};

G_DEFINE_FINAL_TYPE (DockyardTerminal, dockyard_terminal, GTK_TYPE_WIDGET)

enum {
  RESTART,
  CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A palette that reads well on both styles (Tango-like, as GNOME terminals). */
static const GdkRGBA palette[16] = {
  { 0.180, 0.204, 0.212, 1 }, { 0.800, 0.000, 0.000, 1 }, { 0.306, 0.604, 0.024, 1 },
  { 0.769, 0.627, 0.000, 1 }, { 0.204, 0.396, 0.643, 1 }, { 0.459, 0.314, 0.482, 1 },
  { 0.024, 0.596, 0.604, 1 }, { 0.827, 0.843, 0.812, 1 }, { 0.333, 0.341, 0.325, 1 },
  { 0.937, 0.161, 0.161, 1 }, { 0.541, 0.886, 0.204, 1 }, { 0.988, 0.914, 0.310, 1 },
  { 0.447, 0.624, 0.812, 1 }, { 0.678, 0.498, 0.659, 1 }, { 0.204, 0.886, 0.886, 1 },
  { 0.933, 0.933, 0.925, 1 },
};

static void
update_colors (DockyardTerminal *self)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  GdkRGBA foreground, background;

  if (adw_style_manager_get_dark (style))
    {
      gdk_rgba_parse (&foreground, "#ffffff");
      gdk_rgba_parse (&background, "#1e1e1e");
    }
  else
    {
      gdk_rgba_parse (&foreground, "#1e1e1e");
      gdk_rgba_parse (&background, "#ffffff");
    }

  vte_terminal_set_colors (self->vte, &foreground, &background, palette, G_N_ELEMENTS (palette));
}

static void
update_font (DockyardTerminal *self)
{
  g_autofree char *name = NULL;
  PangoFontDescription *font;

  if (self->interface_settings != NULL)
    name = g_settings_get_string (self->interface_settings, "monospace-font-name");

  font = pango_font_description_from_string (name != NULL && *name != '\0' ? name : "Monospace 11");
  vte_terminal_set_font (self->vte, font);
  pango_font_description_free (font);
}

/* Input ------------------------------------------------------------------- */

static void
commit_cb (DockyardTerminal *self,
           const char       *text,
           guint             length,
           VteTerminal      *vte)
{
  if (self->stream != NULL)
    {
      dockyard_tty_stream_write (self->stream, text, length);
      return;
    }

  /* The tab takes the keyboard as it opens, before its shell is there:
   * what is typed meanwhile goes to the shell once it is, as in a local
   * terminal.  Beyond the bound (a huge paste) it is dropped. */
  if (self->pending_input == NULL)
    self->pending_input = g_byte_array_new ();
  if (self->pending_input->len + length <= PENDING_INPUT_MAX)
    g_byte_array_append (self->pending_input, (const guint8 *) text, length);
}

static void
output_cb (DockyardTerminal  *self,
           GBytes            *bytes,
           DockyardTtyStream *stream)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  vte_terminal_feed (self->vte, data, length);
}

static void
dockyard_terminal_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  gtk_widget_measure (DOCKYARD_TERMINAL (widget)->box, orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

/* VTE has no resize signal: compare the grid after each allocation and
 * tell the engine only when rows or columns changed.  (A plain GtkWidget
 * parent, because a layout manager would bypass this vfunc.) */
static void
dockyard_terminal_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  DockyardTerminal *self = DOCKYARD_TERMINAL (widget);
  guint rows, columns;

  gtk_widget_allocate (self->box, width, height, baseline, NULL);

  rows = vte_terminal_get_row_count (self->vte);
  columns = vte_terminal_get_column_count (self->vte);
  if (rows == self->rows && columns == self->columns)
    return;

  self->rows = rows;
  self->columns = columns;
  if (self->stream != NULL)
    dockyard_tty_stream_resize (self->stream, rows, columns);
}

/* Actions ------------------------------------------------------------------- */

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DockyardTerminal *self = DOCKYARD_TERMINAL (widget);

  if (vte_terminal_get_has_selection (self->vte))
    vte_terminal_copy_clipboard_format (self->vte, VTE_FORMAT_TEXT);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  vte_terminal_paste_clipboard (DOCKYARD_TERMINAL (widget)->vte);
}

static void
select_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  vte_terminal_select_all (DOCKYARD_TERMINAL (widget)->vte);
}

static void
zoom (DockyardTerminal *self,
      double            factor)
{
  double scale = factor == 0 ? 1.0 : vte_terminal_get_font_scale (self->vte) * factor;

  vte_terminal_set_font_scale (self->vte, CLAMP (scale, FONT_SCALE_MIN, FONT_SCALE_MAX));
}

static void
zoom_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  zoom (DOCKYARD_TERMINAL (widget), FONT_SCALE_STEP);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  zoom (DOCKYARD_TERMINAL (widget), 1 / FONT_SCALE_STEP);
}

static void
zoom_reset_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  zoom (DOCKYARD_TERMINAL (widget), 0);
}

static void
open_url (DockyardTerminal *self,
          const char       *url)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

#if GTK_CHECK_VERSION (4, 10, 0)
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_autoptr(GtkUriLauncher) launcher = gtk_uri_launcher_new (url);

  gtk_uri_launcher_launch (launcher, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, NULL, NULL, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_show_uri_full (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, url, GDK_CURRENT_TIME,
                     NULL, NULL, NULL);
#endif
}

static void
click_pressed_cb (DockyardTerminal *self,
                  int               n_press,
                  double            x,
                  double            y,
                  GtkGestureClick  *gesture)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  if (button == GDK_BUTTON_SECONDARY)
    {
      GdkRectangle rect = { (int) x, (int) y, 1, 1 };

      gtk_widget_action_set_enabled (GTK_WIDGET (self), "term.copy",
                                     vte_terminal_get_has_selection (self->vte));
      gtk_popover_set_pointing_to (GTK_POPOVER (self->context_popover), &rect);
      gtk_popover_popup (GTK_POPOVER (self->context_popover));
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }

  /* Ctrl+click opens a link, as in GNOME's terminals. */
  if (button == GDK_BUTTON_PRIMARY && (state & GDK_CONTROL_MASK) != 0)
    {
      g_autofree char *url = vte_terminal_check_match_at (self->vte, x, y, NULL);

      if (url != NULL)
        {
          open_url (self, url);
          gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
        }
    }
}

/* GObject ----------------------------------------------------------------- */

static void
dockyard_terminal_dispose (GObject *object)
{
  DockyardTerminal *self = (DockyardTerminal *)object;

  dockyard_terminal_set_stream (self, NULL);
  g_clear_pointer (&self->context_popover, gtk_widget_unparent);
  g_clear_object (&self->interface_settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOCKYARD_TYPE_TERMINAL);

  G_OBJECT_CLASS (dockyard_terminal_parent_class)->dispose (object);
}

/* term.restart and term.close: the buttons beside an ended shell's message.
 * What they do depends on the tab (the page decides). */
static void
message_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  g_signal_emit (widget, signals[g_str_equal (action_name, "term.restart") ? RESTART : CLOSE], 0);
}

static gboolean
dockyard_terminal_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (DOCKYARD_TERMINAL (widget)->vte));
}

static void
dockyard_terminal_class_init (DockyardTerminalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dockyard_terminal_dispose;
  widget_class->measure = dockyard_terminal_measure;
  widget_class->size_allocate = dockyard_terminal_size_allocate;
  widget_class->grab_focus = dockyard_terminal_grab_focus;

  /**
   * DockyardTerminal::restart:
   *
   * The user asked for a new shell in place of the one that ended.
   */
  signals[RESTART] = g_signal_new ("restart", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * DockyardTerminal::close:
   *
   * The user asked to close the ended shell's tab.
   */
  signals[CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (VTE_TYPE_TERMINAL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/dockyard-terminal.ui");
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminal, box);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminal, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminal, message_label);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminal, restart_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminal, vte);
  gtk_widget_class_bind_template_child (widget_class, DockyardTerminal, context_menu);

  gtk_widget_class_install_action (widget_class, "term.restart", NULL, message_action);
  gtk_widget_class_install_action (widget_class, "term.close", NULL, message_action);
  gtk_widget_class_install_action (widget_class, "term.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "term.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "term.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "term.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "term.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "term.zoom-reset", NULL, zoom_reset_action);

  /* The terminal's own shortcuts: Ctrl+Shift leaves plain Ctrl to the shell. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "term.copy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "term.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "term.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "term.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "term.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "term.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "term.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "term.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "term.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK,
                                       "term.zoom-reset", NULL);
}

static void
dockyard_terminal_init (DockyardTerminal *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(VteRegex) regex = NULL;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* The desktop's monospace font, when the desktop says which. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "monospace-font-name"))
    {
      self->interface_settings = g_settings_new ("org.gnome.desktop.interface");
      g_signal_connect_object (self->interface_settings, "changed::monospace-font-name",
                               G_CALLBACK (update_font), self, G_CONNECT_SWAPPED);
    }
  update_font (self);

  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_colors), self, G_CONNECT_SWAPPED);
  update_colors (self);

  regex = vte_regex_new_for_match (URL_PATTERN, -1, PCRE2_UTF | PCRE2_MULTILINE | PCRE2_CASELESS,
                                   NULL);
  if (regex != NULL)
    {
      self->url_tag = vte_terminal_match_add_regex (self->vte, regex, 0);
      vte_terminal_match_set_cursor_name (self->vte, self->url_tag, "pointer");
    }

  g_signal_connect_object (self->vte, "commit", G_CALLBACK (commit_cb), self, G_CONNECT_SWAPPED);

  self->context_popover = gtk_popover_menu_new_from_model (self->context_menu);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->context_popover), FALSE);
  gtk_widget_set_halign (self->context_popover, GTK_ALIGN_START);
  gtk_widget_set_parent (self->context_popover, GTK_WIDGET (self->vte));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (click, "pressed", G_CALLBACK (click_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->vte), GTK_EVENT_CONTROLLER (click));

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
}

GtkWidget *
dockyard_terminal_new (void)
{
  return g_object_new (DOCKYARD_TYPE_TERMINAL, NULL);
}

/**
 * dockyard_terminal_get_vte:
 *
 * Returns: (transfer none): the VTE widget
 */
VteTerminal *
dockyard_terminal_get_vte (DockyardTerminal *self)
{
  g_return_val_if_fail (DOCKYARD_IS_TERMINAL (self), NULL);
  return self->vte;
}

/**
 * dockyard_terminal_get_stream:
 *
 * Returns: (transfer none) (nullable): the stream shown
 */
DockyardTtyStream *
dockyard_terminal_get_stream (DockyardTerminal *self)
{
  g_return_val_if_fail (DOCKYARD_IS_TERMINAL (self), NULL);
  return self->stream;
}

/**
 * dockyard_terminal_set_stream:
 * @stream: (nullable): the container terminal to show
 *
 * Connects the terminal to @stream, sends it the current size, and hides
 * any message from a previous session.
 */
void
dockyard_terminal_set_stream (DockyardTerminal  *self,
                              DockyardTtyStream *stream)
{
  g_return_if_fail (DOCKYARD_IS_TERMINAL (self));
  g_return_if_fail (!stream || DOCKYARD_IS_TTY_STREAM (stream));

  /* Typed before a shell that is not coming (the tab closes, the session
   * stops): not for the next one. */
  if (stream == NULL)
    g_clear_pointer (&self->pending_input, g_byte_array_unref);

  if (self->stream == stream)
    return;

  if (self->stream != NULL)
    g_signal_handlers_disconnect_by_data (self->stream, self);
  g_set_object (&self->stream, stream);

  if (stream == NULL)
    return;

  g_signal_connect_object (stream, "output", G_CALLBACK (output_cb), self, G_CONNECT_SWAPPED);
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);

  if (self->rows > 0 && self->columns > 0)
    dockyard_tty_stream_resize (stream, self->rows, self->columns);

  if (self->pending_input != NULL)
    {
      g_autoptr(GByteArray) pending = g_steal_pointer (&self->pending_input);

      dockyard_tty_stream_write (stream, (const char *) pending->data, pending->len);
    }
}

/**
 * dockyard_terminal_show_message:
 * @message: e.g. "The shell exited with status 3."
 * @offer_restart: whether to show the Restart button
 */
void
dockyard_terminal_show_message (DockyardTerminal *self,
                                const char       *message,
                                gboolean          offer_restart)
{
  g_return_if_fail (DOCKYARD_IS_TERMINAL (self));

  /* Whatever was typed for a shell that did not come is not kept. */
  g_clear_pointer (&self->pending_input, g_byte_array_unref);
  gtk_label_set_label (self->message_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->restart_button), offer_restart);
  gtk_revealer_set_reveal_child (self->message_revealer, TRUE);
}

/**
 * dockyard_terminal_get_size:
 *
 * The grid as last allocated (0 before the terminal was shown).
 */
void
dockyard_terminal_get_size (DockyardTerminal *self,
                            guint            *rows,
                            guint            *columns)
{
  g_return_if_fail (DOCKYARD_IS_TERMINAL (self));

  *rows = self->rows ? self->rows : (guint) vte_terminal_get_row_count (self->vte);
  *columns = self->columns ? self->columns : (guint) vte_terminal_get_column_count (self->vte);
}
