/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "dockyard-dockerfile-generator.h"

G_BEGIN_DECLS

/**
 * DockyardHighlightKind:
 * @DOCKYARD_HIGHLIGHT_KEYWORD: an instruction keyword ("RUN")
 * @DOCKYARD_HIGHLIGHT_FLAG: a flag ("--mount=type=cache,target=/x")
 * @DOCKYARD_HIGHLIGHT_COMMENT: a comment line
 */
typedef enum
{
  DOCKYARD_HIGHLIGHT_KEYWORD,
  DOCKYARD_HIGHLIGHT_FLAG,
  DOCKYARD_HIGHLIGHT_COMMENT,
} DockyardHighlightKind;

/**
 * DockyardHighlight:
 * @kind: what the span is
 * @line: its line, 0-based
 * @start: its first byte in the line
 * @end: the byte after it in the line
 */
typedef struct
{
  DockyardHighlightKind kind;
  guint                 line;
  gsize                 start;
  gsize                 end;
} DockyardHighlight;

void    dockyard_form_split_base_image     (const char                *base_image,
                                            char                     **image,
                                            char                     **version);
char   *dockyard_form_join_base_image      (const char                *image,
                                            const char                *version);
char   *dockyard_form_command_to_text      (const char * const        *argv);
char  **dockyard_form_words_from_text      (const char                *text);
char   *dockyard_form_other_instructions   (DockyardDockerfileModel   *model);
GArray *dockyard_form_highlight            (const char                *text);

G_END_DECLS
