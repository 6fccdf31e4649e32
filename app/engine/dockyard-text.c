/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

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

/* Whether the line at @text starts with an error headline: "error:" (pip,
 * compilers) or "ERROR:", after spaces, terminal colour codes left out. */
static gboolean
is_headline (const char *text,
             gsize       length)
{
  char start[8];
  gsize n = 0;

  for (gsize pos = 0; pos < length && n < sizeof start - 1;)
    {
      if (text[pos] == '\033' && pos + 1 < length && text[pos + 1] == '[')
        {
          pos += 2;
          while (pos < length && (g_ascii_isdigit (text[pos]) || text[pos] == ';'))
            pos++;
          pos++;
          continue;
        }
      if (n == 0 && (text[pos] == ' ' || text[pos] == '\t'))
        {
          pos++;
          continue;
        }
      start[n++] = text[pos++];
    }
  start[n] = '\0';

  return g_str_has_prefix (start, "error:") || g_str_has_prefix (start, "ERROR:");
}

/**
 * dockyard_text_dup_summary:
 * @text: output of a process (a build step), not necessarily UTF-8
 * @length: its length in bytes
 * @n_lines: how many lines of its end
 *
 * The error's own headline first, then the last words: a process's error
 * message often starts with a line "error: ..." (pip's
 * "error: externally-managed-environment") and goes on for longer than
 * @n_lines, so that its tail alone starts mid-sentence.  When the last such
 * headline is among the last @n_lines lines, the summary starts at it;
 * before them, it comes first, then "…" and the tail.  Without a headline
 * this is dockyard_text_dup_tail().
 *
 * Returns: (transfer full): the summary, as valid UTF-8
 */
char *
dockyard_text_dup_summary (const char *text,
                           gsize       length,
                           guint       n_lines)
{
  gsize end = length;
  gsize tail_start = 0;
  gsize headline = G_MAXSIZE;
  gsize headline_end;
  guint seen = 0;
  g_autofree char *start = NULL;
  g_autofree char *tail = NULL;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r'))
    end--;

  for (gsize pos = end; pos > 0; pos--)
    if (text[pos - 1] == '\n' && ++seen == n_lines)
      {
        tail_start = pos;
        break;
      }

  /* The last headline, from the end backwards. */
  for (gsize line_end = end; headline == G_MAXSIZE;)
    {
      gsize line_start = line_end;

      while (line_start > 0 && text[line_start - 1] != '\n')
        line_start--;
      if (is_headline (text + line_start, line_end - line_start))
        headline = line_start;
      if (line_start == 0)
        break;
      line_end = line_start - 1;
    }

  if (headline == G_MAXSIZE)
    return dockyard_text_dup_tail (text, length, n_lines);

  if (headline >= tail_start)
    return g_utf8_make_valid (text + headline, end - headline);

  headline_end = headline;
  while (headline_end < end && text[headline_end] != '\n')
    headline_end++;
  while (headline_end > headline && text[headline_end - 1] == '\r')
    headline_end--;

  start = g_utf8_make_valid (text + headline, headline_end - headline);
  tail = g_utf8_make_valid (text + tail_start, end - tail_start);
  /* Lines between them left out. */
  if (memchr (text + headline_end, '\n', tail_start - headline_end) != text + tail_start - 1)
    return g_strconcat (start, "\n…\n", tail, NULL);
  return g_strconcat (start, "\n", tail, NULL);
}
