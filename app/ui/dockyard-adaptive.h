/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The window width below which the project window switches to its narrow
 * layout (libadwaita >= 1.4), in AdwBreakpoint's condition syntax. */
#define DOCKYARD_NARROW_CONDITION "max-width: 720sp"

gboolean dockyard_adaptive_add_narrow_breakpoint (AdwApplicationWindow *window,
                                                  GCallback             narrow_changed,
                                                  gpointer              user_data);

G_END_DECLS
