/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void dockyard_defer_show_until_mapped (GtkWidget *widget,
                                       GtkWidget *child);

G_END_DECLS
