/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-text-edit.h"

G_DEFINE_BOXED_TYPE (DockyardTextEdit, dockyard_text_edit,
                     dockyard_text_edit_copy, dockyard_text_edit_free)

DockyardTextEdit *
dockyard_text_edit_new (gsize       offset,
                        gsize       length,
                        const char *text)
{
  DockyardTextEdit *self = g_new0 (DockyardTextEdit, 1);

  self->offset = offset;
  self->length = length;
  self->text = g_strdup (text != NULL ? text : "");

  return self;
}

DockyardTextEdit *
dockyard_text_edit_copy (const DockyardTextEdit *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return dockyard_text_edit_new (self->offset, self->length, self->text);
}

void
dockyard_text_edit_free (DockyardTextEdit *self)
{
  if (self == NULL)
    return;

  g_free (self->text);
  g_free (self);
}

static int
compare_edits (gconstpointer a,
               gconstpointer b)
{
  const DockyardTextEdit *ea = *(DockyardTextEdit * const *) a;
  const DockyardTextEdit *eb = *(DockyardTextEdit * const *) b;

  if (ea->offset != eb->offset)
    return ea->offset < eb->offset ? -1 : 1;
  /* Insertions before replacements at the same place. */
  if (ea->length != eb->length)
    return ea->length < eb->length ? -1 : 1;
  return 0;
}

/**
 * dockyard_text_edits_apply:
 * @text: the original text
 * @length: its length
 * @edits: (element-type DockyardTextEdit): the edits, offsets into @text
 * @new_length: (out) (optional): the length of the result
 * @n_applied: (out) (optional): how many edits were applied
 *
 * Applies @edits at once.  Identical edits (two fixes that need the same
 * change) count once; an edit overlapping one already applied is skipped,
 * so the result never mixes two changes of the same bytes.  Everything the
 * edits do not touch is copied byte for byte.
 *
 * Returns: (transfer full): the edited text
 */
char *
dockyard_text_edits_apply (const char *text,
                           gsize       length,
                           GPtrArray  *edits,
                           gsize      *new_length,
                           guint      *n_applied)
{
  g_autoptr(GPtrArray) sorted = NULL;
  GString *out;
  const DockyardTextEdit *previous = NULL;
  gsize cursor = 0;
  guint applied = 0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (edits != NULL, NULL);

  /* A stable order: edits at the same offset keep the order given. */
  sorted = g_ptr_array_sized_new (edits->len);
  for (guint i = 0; i < edits->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (edits, i));
  g_ptr_array_sort (sorted, compare_edits);

  out = g_string_sized_new (length + 64);
  for (guint i = 0; i < sorted->len; i++)
    {
      const DockyardTextEdit *edit = g_ptr_array_index (sorted, i);

      if (edit->offset > length || edit->length > length - edit->offset)
        continue;
      if (previous != NULL && previous->offset == edit->offset &&
          previous->length == edit->length && g_str_equal (previous->text, edit->text))
        continue;
      if (edit->offset < cursor)
        continue;

      g_string_append_len (out, text + cursor, edit->offset - cursor);
      g_string_append (out, edit->text);
      cursor = edit->offset + edit->length;
      previous = edit;
      applied++;
    }
  g_string_append_len (out, text + cursor, length - cursor);

  if (new_length != NULL)
    *new_length = out->len;
  if (n_applied != NULL)
    *n_applied = applied;

  return g_string_free (out, FALSE);
}
