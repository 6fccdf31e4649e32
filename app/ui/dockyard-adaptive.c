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
