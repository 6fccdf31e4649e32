/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What uses libadwaita newer than Debian 12's 1.2, each behind
 * ADW_CHECK_VERSION.  meson.build pins ADW_VERSION_MAX_ALLOWED to 1.2 for the
 * whole tree; this file alone raises it, and only to what the headers it is
 * built against have (config.h), so the rest of the tree still cannot use
 * newer API by accident. */
#include "config.h"

#ifdef DOCKYARD_ADW_NEWER_MAX_ALLOWED
# undef ADW_VERSION_MAX_ALLOWED
# define ADW_VERSION_MAX_ALLOWED DOCKYARD_ADW_NEWER_MAX_ALLOWED
#endif

#include "dockyard-adaptive.h"

#if ADW_CHECK_VERSION (1, 4, 0)
typedef void (*NarrowChangedFunc) (gpointer user_data,
                                   gboolean narrow);

typedef struct
{
  NarrowChangedFunc func;
  gpointer          user_data;
} NarrowClosure;

static void
breakpoint_apply_cb (AdwBreakpoint *breakpoint,
                     NarrowClosure *closure)
{
  closure->func (closure->user_data, TRUE);
}

static void
breakpoint_unapply_cb (AdwBreakpoint *breakpoint,
                       NarrowClosure *closure)
{
  closure->func (closure->user_data, FALSE);
}

static void
narrow_closure_free (gpointer  data,
                     GClosure *unused)
{
  g_free (data);
}
#endif

/**
 * dockyard_adaptive_add_narrow_breakpoint:
 * @window: the window
 * @narrow_changed: (scope notified): a `void (*) (gpointer user_data,
 *   gboolean narrow)`, called when the window becomes narrower than
 *   %DOCKYARD_NARROW_CONDITION allows and when it is wide again
 * @user_data: its data; must live as long as @window
 *
 * Adds the narrow-window breakpoint to @window.  With libadwaita < 1.4
 * there are no breakpoints: the window keeps its wide layout, and its
 * minimum size is that layout's.
 *
 * Returns: whether the breakpoint was added
 */
gboolean
dockyard_adaptive_add_narrow_breakpoint (AdwApplicationWindow *window,
                                         GCallback             narrow_changed,
                                         gpointer              user_data)
{
  g_return_val_if_fail (ADW_IS_APPLICATION_WINDOW (window), FALSE);
  g_return_val_if_fail (narrow_changed != NULL, FALSE);

#if ADW_CHECK_VERSION (1, 4, 0)
  {
    AdwBreakpoint *breakpoint;
    NarrowClosure *closure = g_new0 (NarrowClosure, 1);

    closure->func = (NarrowChangedFunc) narrow_changed;
    closure->user_data = user_data;
    breakpoint = adw_breakpoint_new (adw_breakpoint_condition_parse (DOCKYARD_NARROW_CONDITION));
    g_signal_connect_data (breakpoint, "apply", G_CALLBACK (breakpoint_apply_cb),
                           closure, narrow_closure_free, 0);
    g_signal_connect (breakpoint, "unapply", G_CALLBACK (breakpoint_unapply_cb), closure);
    /* (transfer full): the window owns the breakpoint. */
    adw_application_window_add_breakpoint (window, breakpoint);
    return TRUE;
  }
#else
  return FALSE;
#endif
}

/* Alerts ------------------------------------------------------------------- */

#if ADW_CHECK_VERSION (1, 5, 0)
# define ALERT(widget) ADW_ALERT_DIALOG (widget)
# define ALERT_CALL(name) adw_alert_dialog_##name
#else
# define ALERT(widget) ADW_MESSAGE_DIALOG (widget)
# define ALERT_CALL(name) adw_message_dialog_##name
#endif

/**
 * dockyard_alert_get_type_shown:
 *
 * Returns: the type of what dockyard_alert_new() makes here
 */
GType
dockyard_alert_get_type_shown (void)
{
#if ADW_CHECK_VERSION (1, 5, 0)
  return ADW_TYPE_ALERT_DIALOG;
#else
  return ADW_TYPE_MESSAGE_DIALOG;
#endif
}

/**
 * dockyard_alert_new:
 * @heading: the question
 * @body: what it is about
 *
 * Returns: (transfer floating): a new alert, for dockyard_alert_present()
 */
GtkWidget *
dockyard_alert_new (const char *heading,
                    const char *body)
{
  g_return_val_if_fail (heading != NULL, NULL);

  return g_object_new (dockyard_alert_get_type_shown (),
                       "heading", heading,
                       "body", body,
                       NULL);
}

/**
 * dockyard_alert_add_response:
 * @appearance: how its button looks
 *
 * Adds a button to @alert; "response" is emitted with @id when it is
 * clicked.
 */
void
dockyard_alert_add_response (GtkWidget             *alert,
                             const char            *id,
                             const char            *label,
                             AdwResponseAppearance  appearance)
{
  g_return_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (alert, dockyard_alert_get_type_shown ()));

  ALERT_CALL (add_response) (ALERT (alert), id, label);
  ALERT_CALL (set_response_appearance) (ALERT (alert), id, appearance);
}

void
dockyard_alert_set_default_response (GtkWidget  *alert,
                                     const char *id)
{
  g_return_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (alert, dockyard_alert_get_type_shown ()));

  ALERT_CALL (set_default_response) (ALERT (alert), id);
}

/* @id: what Escape (or closing the alert) answers */
void
dockyard_alert_set_close_response (GtkWidget  *alert,
                                   const char *id)
{
  g_return_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (alert, dockyard_alert_get_type_shown ()));

  ALERT_CALL (set_close_response) (ALERT (alert), id);
}

/**
 * dockyard_alert_present:
 * @alert: (transfer floating): the alert
 * @parent: a widget of the window it is about
 *
 * Shows @alert over @parent's window, modal; it goes once answered.
 */
void
dockyard_alert_present (GtkWidget *alert,
                        GtkWidget *parent)
{
  g_return_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (alert, dockyard_alert_get_type_shown ()));
  g_return_if_fail (GTK_IS_WIDGET (parent));

#if ADW_CHECK_VERSION (1, 5, 0)
  adw_dialog_present (ADW_DIALOG (alert), parent);
#else
  gtk_window_set_transient_for (GTK_WINDOW (alert), GTK_WINDOW (gtk_widget_get_root (parent)));
  gtk_window_set_modal (GTK_WINDOW (alert), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (alert), TRUE);
  gtk_window_present (GTK_WINDOW (alert));
#endif
}

/* @alert: what dockyard_alert_new() made, or an AdwMessageDialog */
const char *
dockyard_alert_get_heading (GtkWidget *alert)
{
  if (ADW_IS_MESSAGE_DIALOG (alert))
    return adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (alert));

  g_return_val_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (alert, dockyard_alert_get_type_shown ()), NULL);

  return ALERT_CALL (get_heading) (ALERT (alert));
}

/**
 * dockyard_alert_response:
 * @alert: what dockyard_alert_new() made, or an AdwMessageDialog
 *
 * Answers @alert with @id and closes it, as a click on @id's button does
 * (to dismiss an alert that is no longer wanted, and in tests).
 */
void
dockyard_alert_response (GtkWidget  *alert,
                         const char *id)
{
  if (ADW_IS_MESSAGE_DIALOG (alert))
    {
      g_object_ref (alert);
      adw_message_dialog_response (ADW_MESSAGE_DIALOG (alert), id);
      gtk_window_destroy (GTK_WINDOW (alert));
      g_object_unref (alert);
      return;
    }

  g_return_if_fail (G_TYPE_CHECK_INSTANCE_TYPE (alert, dockyard_alert_get_type_shown ()));

#if ADW_CHECK_VERSION (1, 5, 0)
  /* Closing answers the close response, once, as a click answers its own
   * (adw_dialog_force_close() does not, for an alert in a window of its
   * own: libadwaita 1.10). */
  adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (alert), id);
  adw_dialog_close (ADW_DIALOG (alert));
#endif
}
