/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-deferred-show.h"

/* A page of a stack that is not shown still costs time when the window
 * first appears: GTK computes the CSS of every visible widget, shown or not,
 * and a homogeneous stack measures every page. A hidden widget is skipped
 * by both, so a page keeps its contents hidden until it is first shown. */

static void
widget_mapped_cb (GtkWidget *widget,
                  GtkWidget *child)
{
  g_signal_handlers_disconnect_by_func (widget, widget_mapped_cb, child);
  gtk_widget_set_visible (child, TRUE);
}

/**
 * dockyard_defer_show_until_mapped:
 * @widget: a widget, typically a page of a stack
 * @child: a descendant of @widget, hidden until then
 *
 * Hides @child until @widget is mapped for the first time (unless it is
 * mapped already), then shows it for good.
 */
void
dockyard_defer_show_until_mapped (GtkWidget *widget,
                                  GtkWidget *child)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_is_ancestor (child, widget));

  if (gtk_widget_get_mapped (widget))
    return;

  gtk_widget_set_visible (child, FALSE);
  g_signal_connect (widget, "map", G_CALLBACK (widget_mapped_cb), child);
}
