/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DOCKYARD_TYPE_PREFERENCES_WINDOW (dockyard_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (DockyardPreferencesWindow, dockyard_preferences_window, DOCKYARD, PREFERENCES_WINDOW, AdwPreferencesWindow)

DockyardPreferencesWindow *dockyard_preferences_window_new (GSettings *settings);

G_END_DECLS
