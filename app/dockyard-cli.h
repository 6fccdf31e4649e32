/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int dockyard_cli_check (const char * const *paths,
                        gboolean            fix);
int dockyard_cli_init  (const char         *dir,
                        const char         *base_image);

G_END_DECLS
