/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _DockyardGoRegex DockyardGoRegex;

DockyardGoRegex *dockyard_go_regex_new   (const char       *expression,
                                          GError          **error);
void             dockyard_go_regex_free  (DockyardGoRegex  *regex);
gboolean         dockyard_go_regex_match (const DockyardGoRegex *regex,
                                          const char            *text,
                                          gsize                  length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DockyardGoRegex, dockyard_go_regex_free)

G_END_DECLS
