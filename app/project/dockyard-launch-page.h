/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char *dockyard_launch_page_write (const char  *url,
                                  GError     **error);

G_END_DECLS
