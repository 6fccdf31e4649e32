/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int dockyard_cli_build (const char *dir);

G_END_DECLS
