/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *dockyard_text_dup_tail (const char *text,
                              gsize       length,
                              guint       n_lines);

char *dockyard_text_dup_summary (const char *text,
                                 gsize       length,
                                 guint       n_lines);

G_END_DECLS
