/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * DockyardLineChangeKind:
 * @DOCKYARD_LINE_SAME: in both texts
 * @DOCKYARD_LINE_REMOVED: only in the old text
 * @DOCKYARD_LINE_ADDED: only in the new text
 */
typedef enum
{
  DOCKYARD_LINE_SAME,
  DOCKYARD_LINE_REMOVED,
  DOCKYARD_LINE_ADDED,
} DockyardLineChangeKind;

/**
 * DockyardLineChange:
 * @kind: what happened to the line
 * @old_line: its 1-based number in the old text, 0 for an added line
 * @new_line: its 1-based number in the new text, 0 for a removed line
 * @text: the line, without its line end
 */
typedef struct
{
  DockyardLineChangeKind  kind;
  guint                   old_line;
  guint                   new_line;
  char                   *text;
} DockyardLineChange;

GPtrArray *dockyard_line_diff        (const char *old_text,
                                      gsize       old_length,
                                      const char *new_text,
                                      gsize       new_length);
char      *dockyard_line_diff_format (GPtrArray  *changes,
                                      guint       context);

G_END_DECLS
