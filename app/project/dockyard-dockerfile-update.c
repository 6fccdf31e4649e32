/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-dockerfile-update.h"
#include "dockyard-text-edit.h"

/* Writing a changed form back into the Dockerfile it was read from, so
 * that a user's file keeps its layout, comments and blank lines.
 *
 * The generator lays out the instructions of a model in a fixed order and
 * keeps the ones the form cannot express in place, so the text generated
 * from the old model has the same instructions as the user's file, one for
 * one.  The instructions that differ between the old and the new generated
 * text (a longest common subsequence of their logical lines) are the
 * user's change: only the lines of those instructions are replaced in the
 * user's text, and each replacement is trimmed to the bytes that differ. */

/* Above this many instructions the O(n·m) table is not worth it. */
#define MAX_INSTRUCTIONS 2000

/* The whole lines of an instruction: [start, end), end past its "\n". */
static void
instruction_lines (const char          *text,
                   gsize                length,
                   DockyardInstruction *ins,
                   gsize               *start,
                   gsize               *end)
{
  const DockyardSourceRange *range = dockyard_instruction_get_range (ins);
  gsize s = range->start.offset;
  gsize e = MAX (range->end.offset, s);

  while (s > 0 && text[s - 1] != '\n')
    s--;
  if (e > s && text[e - 1] == '\n')
    e--;
  while (e < length && text[e] != '\n')
    e++;
  if (e < length)
    e++;

  *start = s;
  *end = e;
}

static gboolean
same_instructions (DockyardDockerfile *a,
                   DockyardDockerfile *b)
{
  guint n = dockyard_dockerfile_get_n_instructions (a);

  if (n != dockyard_dockerfile_get_n_instructions (b))
    return FALSE;

  for (guint i = 0; i < n; i++)
    if (!g_str_equal (dockyard_instruction_get_keyword (dockyard_dockerfile_get_instruction (a, i)),
                      dockyard_instruction_get_keyword (dockyard_dockerfile_get_instruction (b, i))))
      return FALSE;

  return TRUE;
}

static gboolean
instructions_equal (DockyardDockerfile *a,
                    guint               i,
                    DockyardDockerfile *b,
                    guint               j)
{
  return g_str_equal (dockyard_instruction_get_logical_line (dockyard_dockerfile_get_instruction (a, i)),
                      dockyard_instruction_get_logical_line (dockyard_dockerfile_get_instruction (b, j)));
}

/* Adds the edit replacing [start, end) of @text with @replacement, trimmed
 * to the bytes that actually change. */
static void
add_edit (GPtrArray  *edits,
          const char *text,
          gsize       start,
          gsize       end,
          const char *replacement)
{
  g_autofree char *changed = NULL;
  gsize new_len = strlen (replacement);
  gsize prefix = 0;
  gsize suffix = 0;

  while (start + prefix < end && prefix < new_len && text[start + prefix] == replacement[prefix])
    prefix++;
  while (end - suffix > start + prefix && new_len - suffix > prefix &&
         text[end - suffix - 1] == replacement[new_len - suffix - 1])
    suffix++;

  if (end - start == new_len && prefix == new_len)
    return;

  changed = g_strndup (replacement + prefix, new_len - suffix - prefix);
  g_ptr_array_add (edits, dockyard_text_edit_new (start + prefix, (end - suffix) - (start + prefix), changed));
}

/* The text of new instructions [b0, b1) of @generated, as whole lines. */
static char *
new_lines (DockyardDockerfile *generated,
           guint               b0,
           guint               b1)
{
  gsize length;
  const char *text = dockyard_dockerfile_get_text (generated, &length);
  gsize start, end, unused;

  if (b0 == b1)
    return g_strdup ("");

  instruction_lines (text, length, dockyard_dockerfile_get_instruction (generated, b0), &start, &unused);
  instruction_lines (text, length, dockyard_dockerfile_get_instruction (generated, b1 - 1), &unused, &end);

  return g_strndup (text + start, end - start);
}

/* A replaced instruction keeps its indentation and the case of its
 * keyword ("from" stays "from"). */
static char *
keep_keyword (const char *old,
              gsize       old_length,
              const char *replacement)
{
  gsize indent = 0;
  gsize keyword = 0;
  gsize new_keyword = 0;

  while (indent < old_length && (old[indent] == ' ' || old[indent] == '\t'))
    indent++;
  while (indent + keyword < old_length && g_ascii_isalpha (old[indent + keyword]))
    keyword++;
  while (g_ascii_isalpha (replacement[new_keyword]))
    new_keyword++;

  if (keyword > 0 && keyword == new_keyword && indent + keyword < old_length &&
      g_ascii_isspace (old[indent + keyword]) &&
      g_ascii_strncasecmp (old + indent, replacement, keyword) == 0)
    {
      g_autofree char *head = g_strndup (old, indent + keyword);
      return g_strconcat (head, replacement + new_keyword, NULL);
    }

  return g_strdup (replacement);
}

/* A file with CRLF line ends gets CRLF in what is written into it. */
static char *
match_line_ends (const char *text,
                 gsize       length,
                 char       *replacement)
{
  const char *nl = memchr (text, '\n', length);
  GString *out;

  if (nl == NULL || nl == text || nl[-1] != '\r')
    return replacement;

  out = g_string_new (NULL);
  for (const char *p = replacement; *p != '\0'; p++)
    {
      if (*p == '\n' && (p == replacement || p[-1] != '\r'))
        g_string_append_c (out, '\r');
      g_string_append_c (out, *p);
    }
  g_free (replacement);
  return g_string_free (out, FALSE);
}

static void
add_hunk (GPtrArray          *edits,
          const char         *text,
          gsize               length,
          DockyardDockerfile *original,
          guint               a0,
          guint               a1,
          DockyardDockerfile *generated,
          guint               b0,
          guint               b1)
{
  g_autofree char *replacement = NULL;
  gsize start, end, unused;

  if (a0 == a1 && b0 == b1)
    return;

  /* Replaced one for one: one edit each, so that the comments and blank
   * lines between them stay as they are. */
  if (a1 - a0 == b1 - b0 && a1 - a0 > 1)
    {
      for (guint k = 0; k < a1 - a0; k++)
        add_hunk (edits, text, length, original, a0 + k, a0 + k + 1, generated, b0 + k, b0 + k + 1);
      return;
    }

  replacement = match_line_ends (text, length, new_lines (generated, b0, b1));

  if (a1 > a0)
    {
      instruction_lines (text, length, dockyard_dockerfile_get_instruction (original, a0), &start, &unused);
      instruction_lines (text, length, dockyard_dockerfile_get_instruction (original, a1 - 1), &unused, &end);
      if (a1 - a0 == 1 && b1 - b0 == 1)
        {
          char *kept = keep_keyword (text + start, end - start, replacement);

          g_free (replacement);
          replacement = kept;
        }
      /* A last line without a line end keeps having none. */
      if ((end == 0 || text[end - 1] != '\n') && g_str_has_suffix (replacement, "\n"))
        replacement[strlen (replacement) - 1] = '\0';
    }
  else
    {
      guint n = dockyard_dockerfile_get_n_instructions (original);

      /* New instructions go right after the one they follow, before the
       * comments that introduce the next one. */
      if (a0 > 0)
        instruction_lines (text, length, dockyard_dockerfile_get_instruction (original, a0 - 1), &unused, &start);
      else if (n > 0)
        instruction_lines (text, length, dockyard_dockerfile_get_instruction (original, 0), &start, &unused);
      else
        start = length;
      end = start;

      if (start > 0 && text[start - 1] != '\n')
        {
          g_autofree char *body = g_steal_pointer (&replacement);

          if (g_str_has_suffix (body, "\n"))
            body[strlen (body) - 1] = '\0';
          replacement = g_strconcat ("\n", body, NULL);
        }
    }

  add_edit (edits, text, start, end, replacement);
}

/**
 * dockyard_dockerfile_update_text:
 * @text: a Dockerfile's text
 * @length: its length in bytes, or -1 if nul-terminated
 * @old_model: the model read from @text
 * @new_model: the form as the user changed it
 * @new_length: (out) (optional): the length of the result
 *
 * Writes @new_model into @text, changing only the instructions that differ
 * between the two models: everything else stays byte-identical.
 *
 * Returns: (transfer full) (nullable): the updated text, or %NULL when the
 *   change cannot be written as edits of @text (the caller then generates
 *   the whole file from @new_model)
 */
char *
dockyard_dockerfile_update_text (const char               *text,
                                 gssize                    length,
                                 DockyardDockerfileModel  *old_model,
                                 DockyardDockerfileModel  *new_model,
                                 gsize                    *new_length)
{
  g_autoptr(DockyardDockerfile) original = NULL;
  g_autoptr(DockyardDockerfile) old_generated = NULL;
  g_autoptr(DockyardDockerfile) new_generated = NULL;
  g_autoptr(DockyardDockerfile) result_file = NULL;
  g_autoptr(DockyardDockerfileModel) result_model = NULL;
  g_autoptr(GPtrArray) edits = NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  g_autofree guint *table = NULL;
  g_autofree char *result = NULL;
  gsize result_length;
  guint n, m, i, j, a0, b0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (old_model), NULL);
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (new_model), NULL);

  if (length < 0)
    length = strlen (text);

  if (dockyard_dockerfile_model_equal (old_model, new_model))
    {
      if (new_length != NULL)
        *new_length = length;
      return g_strndup (text, length);
    }

  old_text = dockyard_dockerfile_model_generate (old_model);
  new_text = dockyard_dockerfile_model_generate (new_model);
  original = dockyard_dockerfile_new_from_data (text, length, NULL);
  old_generated = dockyard_dockerfile_new_from_data (old_text, -1, NULL);
  new_generated = dockyard_dockerfile_new_from_data (new_text, -1, NULL);
  if (original == NULL || old_generated == NULL || new_generated == NULL ||
      !same_instructions (original, old_generated))
    return NULL;

  n = dockyard_dockerfile_get_n_instructions (old_generated);
  m = dockyard_dockerfile_get_n_instructions (new_generated);
  if (n > MAX_INSTRUCTIONS || m > MAX_INSTRUCTIONS)
    return NULL;

  /* table[i][j]: length of the longest common subsequence of the
   * instructions from i and from j on. */
#define T(i, j) table[(gsize) (i) * (m + 1) + (j)]
  table = g_new0 (guint, (gsize) (n + 1) * (m + 1));
  for (i = n; i-- > 0;)
    for (j = m; j-- > 0;)
      T (i, j) = instructions_equal (old_generated, i, new_generated, j)
                 ? T (i + 1, j + 1) + 1
                 : MAX (T (i + 1, j), T (i, j + 1));

  edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
  i = j = a0 = b0 = 0;
  while (i < n || j < m)
    {
      if (i < n && j < m && instructions_equal (old_generated, i, new_generated, j))
        {
          add_hunk (edits, text, length, original, a0, i, new_generated, b0, j);
          i++;
          j++;
          a0 = i;
          b0 = j;
        }
      else if (j < m && (i == n || T (i, j + 1) >= T (i + 1, j)))
        j++;
      else
        i++;
    }
  add_hunk (edits, text, length, original, a0, i, new_generated, b0, j);
#undef T

  result = dockyard_text_edits_apply (text, length, edits, &result_length, NULL);

  /* The edits must say what the form says; if not, it is not safe to edit. */
  result_file = dockyard_dockerfile_new_from_data (result, result_length, NULL);
  if (result_file == NULL)
    return NULL;
  result_model = dockyard_dockerfile_model_new_from_dockerfile (result_file);
  if (!dockyard_dockerfile_model_equal (result_model, new_model))
    return NULL;

  if (new_length != NULL)
    *new_length = result_length;
  return g_steal_pointer (&result);
}
