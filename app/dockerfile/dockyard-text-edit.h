/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * DockyardTextEdit:
 * @offset: byte offset of the replaced text
 * @length: bytes replaced (0 for an insertion)
 * @text: the replacement
 *
 * One minimal edit of a text, e.g. a fix of a finding.
 */
typedef struct
{
  gsize  offset;
  gsize  length;
  char  *text;
} DockyardTextEdit;

#define DOCKYARD_TYPE_TEXT_EDIT (dockyard_text_edit_get_type ())
GType             dockyard_text_edit_get_type  (void) G_GNUC_CONST;
DockyardTextEdit *dockyard_text_edit_new       (gsize                   offset,
                                                gsize                   length,
                                                const char             *text);
DockyardTextEdit *dockyard_text_edit_copy      (const DockyardTextEdit *self);
void              dockyard_text_edit_free      (DockyardTextEdit       *self);
char             *dockyard_text_edits_apply    (const char             *text,
                                                gsize                   length,
                                                GPtrArray              *edits,
                                                gsize                  *new_length,
                                                guint                  *n_applied);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DockyardTextEdit, dockyard_text_edit_free)

G_END_DECLS
