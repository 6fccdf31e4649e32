/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dockyard-project.h"

G_BEGIN_DECLS

void dockyard_devcontainer_dialog_present (GtkWindow       *parent,
                                           DockyardProject *project,
                                           const char      *user,
                                           gboolean         host_network,
                                           AdwToastOverlay *toasts);

G_END_DECLS
