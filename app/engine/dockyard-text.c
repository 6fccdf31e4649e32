/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-text.h"

/**
 * dockyard_text_dup_tail:
 * @text: output of a process (a build step, Jupyter), not necessarily UTF-8
 * @length: its length in bytes
 * @n_lines: how many lines
 *
 * The last words of a process, for an error message: trailing line ends
 * are dropped.
 *
 * Returns: (transfer full): the last @n_lines lines, as valid UTF-8
 */
char *
dockyard_text_dup_tail (const char *text,
                        gsize       length,
                        guint       n_lines)
{
  gsize end = length;
  gsize pos;
  guint seen = 0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  if (length == 0)
    return g_strdup ("");

  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r'))
    end--;

  for (pos = end; pos > 0; pos--)
    if (text[pos - 1] == '\n' && ++seen == n_lines)
      break;

  return g_utf8_make_valid (text + pos, end - pos);
}
