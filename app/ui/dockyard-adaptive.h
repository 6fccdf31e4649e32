/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The window width below which the project window switches to its narrow
 * layout (libadwaita >= 1.4), in AdwBreakpoint's condition syntax. */
#define DOCKYARD_NARROW_CONDITION "max-width: 1200sp"

gboolean dockyard_adaptive_add_narrow_breakpoint (AdwApplicationWindow *window,
                                                  GCallback             narrow_changed,
                                                  gpointer              user_data);

G_END_DECLS

/* A question with buttons ("responses", as AdwMessageDialog has them):
 * an AdwAlertDialog on its window with libadwaita >= 1.5, an AdwMessageDialog
 * (a window of its own) before.  Both emit "response" (const char *id). */
GtkWidget  *dockyard_alert_new                  (const char            *heading,
                                                 const char            *body);
void        dockyard_alert_add_response         (GtkWidget             *alert,
                                                 const char            *id,
                                                 const char            *label,
                                                 AdwResponseAppearance  appearance);
void        dockyard_alert_set_default_response (GtkWidget             *alert,
                                                 const char            *id);
void        dockyard_alert_set_close_response   (GtkWidget             *alert,
                                                 const char            *id);
void        dockyard_alert_present              (GtkWidget             *alert,
                                                 GtkWidget             *parent);
const char *dockyard_alert_get_heading          (GtkWidget             *alert);
void        dockyard_alert_response             (GtkWidget             *alert,
                                                 const char            *id);
GType       dockyard_alert_get_type_shown       (void);
