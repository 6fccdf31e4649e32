/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-line-diff.h"

/* Which lines of a text changed: a longest common subsequence of the
 * lines between the common start and end, enough for the few dozen lines
 * of a Dockerfile or requirements file.  Beyond MAX_MIDDLE lines in the
 * changed middle, the middle counts as replaced as a whole. */

#define MAX_MIDDLE 2000

static void
change_free (gpointer data)
{
  DockyardLineChange *change = data;

  g_free (change->text);
  g_free (change);
}

static void
add_change (GPtrArray              *changes,
            DockyardLineChangeKind  kind,
            guint                   old_line,
            guint                   new_line,
            const char             *text)
{
  DockyardLineChange *change = g_new0 (DockyardLineChange, 1);

  change->kind = kind;
  change->old_line = old_line;
  change->new_line = new_line;
  change->text = g_utf8_make_valid (text, -1);
  g_ptr_array_add (changes, change);
}

/* The lines of @text without line ends ("\n", "\r\n"); no empty last line
 * for a final line end. */
static GStrv
split_lines (const char *text,
             gsize       length)
{
  g_autofree char *copy = g_strndup (text, length);
  GStrv lines = g_strsplit (copy, "\n", -1);
  guint n = g_strv_length (lines);

  if (n > 0 && *lines[n - 1] == '\0')
    {
      g_free (lines[n - 1]);
      lines[n - 1] = NULL;
      n--;
    }
  for (guint i = 0; i < n; i++)
    {
      gsize l = strlen (lines[i]);

      if (l > 0 && lines[i][l - 1] == '\r')
        lines[i][l - 1] = '\0';
    }
  return lines;
}

/**
 * dockyard_line_diff:
 *
 * Compares two versions of a text line by line.
 *
 * Returns: (transfer full) (element-type DockyardLineChange): every line
 *   of both texts in order, each one same, removed or added
 */
GPtrArray *
dockyard_line_diff (const char *old_text,
                    gsize       old_length,
                    const char *new_text,
                    gsize       new_length)
{
  g_auto(GStrv) a = split_lines (old_text != NULL ? old_text : "", old_text != NULL ? old_length : 0);
  g_auto(GStrv) b = split_lines (new_text != NULL ? new_text : "", new_text != NULL ? new_length : 0);
  GPtrArray *changes = g_ptr_array_new_with_free_func (change_free);
  guint n = g_strv_length (a);
  guint m = g_strv_length (b);
  guint prefix = 0;
  guint suffix = 0;
  guint rows, cols;

  while (prefix < n && prefix < m && g_str_equal (a[prefix], b[prefix]))
    prefix++;
  while (suffix < n - prefix && suffix < m - prefix &&
         g_str_equal (a[n - 1 - suffix], b[m - 1 - suffix]))
    suffix++;

  for (guint i = 0; i < prefix; i++)
    add_change (changes, DOCKYARD_LINE_SAME, i + 1, i + 1, a[i]);

  rows = n - prefix - suffix;
  cols = m - prefix - suffix;
  if (rows > MAX_MIDDLE || cols > MAX_MIDDLE)
    {
      for (guint i = 0; i < rows; i++)
        add_change (changes, DOCKYARD_LINE_REMOVED, prefix + i + 1, 0, a[prefix + i]);
      for (guint j = 0; j < cols; j++)
        add_change (changes, DOCKYARD_LINE_ADDED, 0, prefix + j + 1, b[prefix + j]);
    }
  else
    {
      /* lcs[i][j]: the common length of a[prefix+i..] and b[prefix+j..]. */
      guint16 *lcs = g_new0 (guint16, (gsize) (rows + 1) * (cols + 1));
      guint i = 0, j = 0;

#define LCS(r, c) lcs[(gsize) (r) * (cols + 1) + (c)]
      for (guint r = rows; r-- > 0;)
        for (guint c = cols; c-- > 0;)
          LCS (r, c) = g_str_equal (a[prefix + r], b[prefix + c])
                       ? LCS (r + 1, c + 1) + 1
                       : MAX (LCS (r + 1, c), LCS (r, c + 1));

      while (i < rows || j < cols)
        {
          if (i < rows && j < cols && g_str_equal (a[prefix + i], b[prefix + j]))
            {
              add_change (changes, DOCKYARD_LINE_SAME, prefix + i + 1, prefix + j + 1, a[prefix + i]);
              i++;
              j++;
            }
          else if (i < rows && (j == cols || LCS (i + 1, j) >= LCS (i, j + 1)))
            {
              add_change (changes, DOCKYARD_LINE_REMOVED, prefix + i + 1, 0, a[prefix + i]);
              i++;
            }
          else
            {
              add_change (changes, DOCKYARD_LINE_ADDED, 0, prefix + j + 1, b[prefix + j]);
              j++;
            }
        }
#undef LCS
      g_free (lcs);
    }

  for (guint k = 0; k < suffix; k++)
    add_change (changes, DOCKYARD_LINE_SAME, n - suffix + k + 1, m - suffix + k + 1,
                a[n - suffix + k]);

  return changes;
}

/**
 * dockyard_line_diff_format:
 * @changes: (element-type DockyardLineChange): from dockyard_line_diff()
 * @context: how many unchanged lines to show around each change
 *
 * The changes as a reader sees them: removed lines with "- ", added ones
 * with "+ ", @context unchanged lines around them with "  ", and "…"
 * where unchanged lines are left out.
 *
 * Returns: (transfer full): the text, empty when nothing changed
 */
char *
dockyard_line_diff_format (GPtrArray *changes,
                           guint      context)
{
  GString *out = g_string_new (NULL);
  g_autofree gboolean *shown = NULL;
  gboolean gap = FALSE;

  g_return_val_if_fail (changes != NULL, NULL);

  shown = g_new0 (gboolean, changes->len + 1);
  for (guint i = 0; i < changes->len; i++)
    {
      DockyardLineChange *change = g_ptr_array_index (changes, i);

      if (change->kind == DOCKYARD_LINE_SAME)
        continue;
      for (guint k = i >= context ? i - context : 0; k <= i + context && k < changes->len; k++)
        shown[k] = TRUE;
    }

  for (guint i = 0; i < changes->len; i++)
    {
      DockyardLineChange *change = g_ptr_array_index (changes, i);

      if (!shown[i])
        {
          gap = TRUE;
          continue;
        }
      if (gap && out->len > 0)
        g_string_append (out, "…\n");
      gap = FALSE;
      g_string_append (out, change->kind == DOCKYARD_LINE_REMOVED ? "- "
                            : change->kind == DOCKYARD_LINE_ADDED ? "+ " : "  ");
      g_string_append (out, change->text);
      g_string_append_c (out, '\n');
    }

  if (out->len > 0)
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}
