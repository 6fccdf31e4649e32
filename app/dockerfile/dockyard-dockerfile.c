/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-read-file.h"
#include "dockyard-dockerfile-private.h"

/* The Dockerfile object: its text, directives, instructions and stages.
 * The parser is in dockyard-dockerfile-parser.c, the instruction model in
 * dockyard-instruction.c, the shell-style word scanners in
 * dockyard-shell-words.c. */

/* ---------------------------------------------------------------------- */
/* Go compatible character classes and quoting                             */

gboolean
_dockyard_is_go_space (gunichar c)
{
  switch (c)
    {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
      return TRUE;
    default:
      return c >= 0x2000 && c <= 0x200A;
    }
}

static gboolean
is_go_print (gunichar c)
{
  if (c == ' ')
    return TRUE;

  switch (g_unichar_type (c))
    {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
    case G_UNICODE_CURRENCY_SYMBOL:
    case G_UNICODE_MODIFIER_SYMBOL:
    case G_UNICODE_MATH_SYMBOL:
    case G_UNICODE_OTHER_SYMBOL:
      return TRUE;
    default:
      return FALSE;
    }
}

/* A NUL decoded from a JSON "\u0000" is kept inside our C strings as the
 * two bytes C0 80 (as in "modified UTF-8"), since the text itself never
 * contains NUL bytes. */
static inline gboolean
is_encoded_nul (const char *p)
{
  return (guchar) p[0] == 0xC0 && (guchar) p[1] == 0x80;
}

void
_dockyard_go_quote (GString    *out,
                    const char *str)
{
  const char *p = str;

  g_string_append_c (out, '"');
  while (*p != '\0')
    {
      gunichar c;
      const char *next;

      if (is_encoded_nul (p))
        {
          g_string_append (out, "\\x00");
          p += 2;
          continue;
        }

      c = g_utf8_get_char_validated (p, -1);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }
      next = g_utf8_next_char (p);

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (is_go_print (c))
        g_string_append_len (out, p, next - p);
      else
        {
          switch (c)
            {
            case '\a': g_string_append (out, "\\a"); break;
            case '\b': g_string_append (out, "\\b"); break;
            case '\f': g_string_append (out, "\\f"); break;
            case '\n': g_string_append (out, "\\n"); break;
            case '\r': g_string_append (out, "\\r"); break;
            case '\t': g_string_append (out, "\\t"); break;
            case '\v': g_string_append (out, "\\v"); break;
            default:
              if (c < ' ' || c == 0x7f)
                g_string_append_printf (out, "\\x%02x", c);
              else if (c < 0x10000)
                g_string_append_printf (out, "\\u%04x", c);
              else
                g_string_append_printf (out, "\\U%08x", c);
            }
        }
      p = next;
    }
  g_string_append_c (out, '"');
}

void
_dockyard_json_quote (GString    *out,
                      const char *str)
{
  g_string_append_c (out, '"');
  for (const char *p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (is_encoded_nul (p))
        {
          g_string_append (out, "\\u0000");
          p++;
        }
      else if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

/* ---------------------------------------------------------------------- */
/* The Dockerfile object                                                   */

G_DEFINE_FINAL_TYPE (DockyardDockerfile, dockyard_dockerfile, G_TYPE_OBJECT)

static void
stage_clear (DockyardStage *stage)
{
  g_free (stage->name);
  g_free (stage->base_image);
  g_free (stage->expanded_base_image);
}

static void
dockyard_dockerfile_finalize (GObject *object)
{
  DockyardDockerfile *self = (DockyardDockerfile *) object;

  g_free (self->text);
  g_hash_table_unref (self->directives);
  g_ptr_array_unref (self->instructions);
  g_array_unref (self->line_starts);
  g_array_unref (self->stages);
  g_hash_table_unref (self->meta_args);

  G_OBJECT_CLASS (dockyard_dockerfile_parent_class)->finalize (object);
}

static void
dockyard_dockerfile_class_init (DockyardDockerfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_dockerfile_finalize;
}

static void
dockyard_dockerfile_init (DockyardDockerfile *self)
{
  self->escape = '\\';
  self->directives = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->instructions = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_instruction_unref);
  self->line_starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->stages = g_array_new (FALSE, TRUE, sizeof (DockyardStage));
  g_array_set_clear_func (self->stages, (GDestroyNotify) stage_clear);
  self->meta_args = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * dockyard_dockerfile_get_position:
 * @offset: a byte offset in the text
 * @position: (out): its line and column
 */
void
dockyard_dockerfile_get_position (DockyardDockerfile     *self,
                                  gsize                   offset,
                                  DockyardSourcePosition *position)
{
  guint lo = 0;
  guint hi;
  gsize line_start;

  g_return_if_fail (DOCKYARD_IS_DOCKERFILE (self));
  g_return_if_fail (position != NULL);

  offset = MIN (offset, self->length);
  hi = self->line_starts->len;

  /* The last line starting at or before @offset. */
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->line_starts, gsize, mid) <= offset)
        lo = mid;
      else
        hi = mid;
    }

  line_start = g_array_index (self->line_starts, gsize, lo);
  if (lo == 0)
    line_start = MIN (self->bom_length, offset);

  position->offset = offset;
  position->line = lo + 1;
  position->column = 1;
  for (const char *p = self->text + line_start; p < self->text + offset; p = g_utf8_next_char (p))
    position->column++;
}

static void
compute_stages (DockyardDockerfile *self)
{
  gboolean seen_from = FALSE;

  for (guint i = 0; i < self->instructions->len; i++)
    {
      DockyardInstruction *ins = g_ptr_array_index (self->instructions, i);

      if (g_str_equal (ins->keyword, "ARG") && !seen_from)
        {
          /* ARGs before the first FROM are the ones FROM can use. */
          for (guint k = 0; ins->args != NULL && ins->args[k] != NULL; k++)
            {
              const char *eq = strchr (ins->args[k], '=');

              if (eq == NULL)
                g_hash_table_replace (self->meta_args, g_strdup (ins->args[k]), NULL);
              else
                {
                  g_autofree char *value = NULL;

                  value = _dockyard_expand_word (eq + 1, self->escape, self->meta_args);
                  g_hash_table_replace (self->meta_args,
                                        g_strndup (ins->args[k], eq - ins->args[k]),
                                        g_steal_pointer (&value));
                }
            }
        }
      else if (g_str_equal (ins->keyword, "FROM"))
        {
          DockyardStage stage = { 0 };
          guint n = ins->args != NULL ? g_strv_length (ins->args) : 0;

          seen_from = TRUE;
          if (self->stages->len > 0)
            g_array_index (self->stages, DockyardStage, self->stages->len - 1).last = i - 1;

          stage.first = i;
          stage.last = i;
          if (n >= 1)
            {
              gsize offset;

              stage.base_image = g_strdup (ins->args[0]);
              stage.expanded_base_image = _dockyard_expand_word (ins->args[0], self->escape,
                                                                 self->meta_args);
              if (dockyard_instruction_get_arg_offset (ins, 0, &offset))
                dockyard_instruction_map_offset (ins, offset, &stage.base_image_offset);
            }
          if (n == 3 && g_ascii_strcasecmp (ins->args[1], "as") == 0)
            stage.name = g_strdup (ins->args[2]);
          g_array_append_val (self->stages, stage);
        }
    }

  if (self->stages->len > 0)
    g_array_index (self->stages, DockyardStage, self->stages->len - 1).last =
      self->instructions->len - 1;
}

/* ---------------------------------------------------------------------- */
/* Public constructors and accessors                                       */

/**
 * dockyard_dockerfile_new_from_data:
 * @data: the Dockerfile text
 * @length: its length, or -1 if NUL-terminated
 *
 * Parses a Dockerfile the way BuildKit does.  On failure @error has a
 * position (see dockyard_dockerfile_error_get_position()).
 *
 * Returns: (transfer full): the parsed file, or %NULL
 */
DockyardDockerfile *
dockyard_dockerfile_new_from_data (const char  *data,
                                   gssize       length,
                                   GError     **error)
{
  g_autoptr(DockyardDockerfile) self = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (data);

  self = g_object_new (DOCKYARD_TYPE_DOCKERFILE, NULL);
  self->text = g_strndup (data != NULL ? data : "", length);
  self->length = length;
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    self->bom_length = 3;

  if (!_dockyard_dockerfile_parse (self, error))
    return NULL;

  compute_stages (self);

  return g_steal_pointer (&self);
}

/**
 * dockyard_dockerfile_new_from_file:
 *
 * Reads and parses @file.
 *
 * Returns: (transfer full): the parsed file, or %NULL
 */
DockyardDockerfile *
dockyard_dockerfile_new_from_file (GFile         *file,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error)
      || !dockyard_read_file (NULL, file, DOCKYARD_MAX_TEXT_FILE_SIZE, &contents, &length, error))
    return NULL;

  return dockyard_dockerfile_new_from_data (contents, length, error);
}

/**
 * dockyard_dockerfile_get_text:
 * @length: (out) (optional): the length of the text
 *
 * Returns: the text the file was parsed from, unchanged
 */
const char *
dockyard_dockerfile_get_text (DockyardDockerfile *self,
                              gsize              *length)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (self), NULL);

  if (length != NULL)
    *length = self->length;
  return self->text;
}

char
dockyard_dockerfile_get_escape_char (DockyardDockerfile *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (self), '\\');

  return self->escape;
}

/**
 * dockyard_dockerfile_get_directive:
 * @name: "syntax", "escape" or "check"
 *
 * Returns: (nullable): the value of the parser directive
 */
const char *
dockyard_dockerfile_get_directive (DockyardDockerfile *self,
                                   const char         *name)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->directives, name);
}

guint
dockyard_dockerfile_get_n_instructions (DockyardDockerfile *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (self), 0);

  return self->instructions->len;
}

/**
 * dockyard_dockerfile_get_instruction:
 *
 * Returns: (transfer none): the instruction at @index
 */
DockyardInstruction *
dockyard_dockerfile_get_instruction (DockyardDockerfile *self,
                                     guint               index)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (self), NULL);
  g_return_val_if_fail (index < self->instructions->len, NULL);

  return g_ptr_array_index (self->instructions, index);
}

guint
dockyard_dockerfile_get_n_stages (DockyardDockerfile *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (self), 0);

  return self->stages->len;
}

const DockyardStage *
dockyard_dockerfile_get_stage (DockyardDockerfile *self,
                               guint               index)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (self), NULL);
  g_return_val_if_fail (index < self->stages->len, NULL);

  return &g_array_index (self->stages, DockyardStage, index);
}

/**
 * dockyard_dockerfile_get_stage_for_instruction:
 *
 * Returns: (nullable): the stage the instruction belongs to, %NULL for
 *   the ARGs before the first FROM
 */
const DockyardStage *
dockyard_dockerfile_get_stage_for_instruction (DockyardDockerfile *self,
                                               guint               index)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (self), NULL);

  for (guint i = 0; i < self->stages->len; i++)
    {
      const DockyardStage *stage = &g_array_index (self->stages, DockyardStage, i);

      if (index >= stage->first && index <= stage->last)
        return stage;
    }

  return NULL;
}

/**
 * dockyard_dockerfile_expand_meta_args:
 * @word: a word of the file, e.g. the image of a FROM
 *
 * Substitutes the ARGs declared before the first FROM into @word.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL when a
 *   variable has no value or the word is malformed
 */
char *
dockyard_dockerfile_expand_meta_args (DockyardDockerfile *self,
                                      const char         *word)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (self), NULL);
  g_return_val_if_fail (word != NULL, NULL);

  return _dockyard_expand_word (word, self->escape, self->meta_args);
}

/**
 * dockyard_dockerfile_dump:
 *
 * Returns: (transfer full): the parse tree in BuildKit's dump format: one
 *   `(keyword args...)` line per instruction
 */
char *
dockyard_dockerfile_dump (DockyardDockerfile *self)
{
  GString *out;

  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (self), NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < self->instructions->len; i++)
    {
      g_string_append_c (out, '(');
      _dockyard_instruction_dump (g_ptr_array_index (self->instructions, i), out);
      g_string_append (out, ")\n");
    }

  return g_string_free (out, FALSE);
}
