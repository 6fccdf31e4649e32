/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-dockerfile.h"

G_BEGIN_DECLS

/* Helpers shared by the parser, the linter and the generator. */

/* unicode.IsSpace of Go, which BuildKit uses to trim and split. */
gboolean  _dockyard_is_go_space        (gunichar     c);
/* strconv.Quote of Go: what BuildKit's parse tree dump prints. */
void      _dockyard_go_quote           (GString     *out,
                                        const char  *str);
/* A JSON string literal for exec-form arrays (also handles the encoded NUL). */
void      _dockyard_json_quote         (GString     *out,
                                        const char  *str);
/* Shell-style word processing of BuildKit's ProcessWord: quotes removed,
 * escapes resolved, $VAR/${VAR}/${VAR:-x}/${VAR-x}/${VAR:+x}/${VAR+x}
 * substituted from @vars (name -> value, %NULL value = declared without one).
 * Returns %NULL when the word cannot be processed or uses a variable
 * without a value. */
char     *_dockyard_expand_word        (const char  *word,
                                        char         escape,
                                        GHashTable  *vars);

void      _dockyard_mount_free         (DockyardMount *mount);

G_END_DECLS
