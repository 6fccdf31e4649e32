/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-dockerfile-private.h"

/* The parser follows BuildKit's frontend/dockerfile/parser behaviour (the
 * reference for what `docker build` accepts), re-implemented here.  On top of
 * BuildKit's tree it keeps, for every instruction, where each piece of the
 * logical line came from in the text, so that linters can point at a word
 * and fixes can be minimal text edits. */

/* ---------------------------------------------------------------------- */
/* Errors with a position                                                  */

typedef struct
{
  DockyardSourcePosition position;
  gboolean has_position;
} DockyardDockerfileErrorPrivate;

static void
dockyard_dockerfile_error_private_init (DockyardDockerfileErrorPrivate *priv)
{
  priv->has_position = FALSE;
}

static void
dockyard_dockerfile_error_private_copy (const DockyardDockerfileErrorPrivate *src,
                                        DockyardDockerfileErrorPrivate       *dest)
{
  *dest = *src;
}

static void
dockyard_dockerfile_error_private_clear (DockyardDockerfileErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (DockyardDockerfileError, dockyard_dockerfile_error)

/**
 * dockyard_dockerfile_error_get_position:
 * @error: a #GError
 * @position: (out): where the error is
 *
 * Returns: %TRUE if @error is a %DOCKYARD_DOCKERFILE_ERROR carrying a position
 */
gboolean
dockyard_dockerfile_error_get_position (const GError           *error,
                                        DockyardSourcePosition *position)
{
  DockyardDockerfileErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, FALSE);
  g_return_val_if_fail (position != NULL, FALSE);

  if (error->domain != DOCKYARD_DOCKERFILE_ERROR)
    return FALSE;

  priv = dockyard_dockerfile_error_get_private (error);
  if (!priv->has_position)
    return FALSE;

  *position = priv->position;
  return TRUE;
}

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

/* The separator of BuildKit's reWhitespace: [\t\v\f\r ] */
static inline gboolean
is_re_space (char c)
{
  return c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == ' ';
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
/* Instructions                                                            */

typedef struct
{
  gsize logical;
  gsize source;
  gsize length;
} Segment;

struct _DockyardInstruction
{
  gatomicrefcount      ref_count;
  char                *keyword;      /* upper-cased */
  char                *raw_keyword;  /* as written */
  char                *line;         /* the logical line, continuations joined */
  GArray              *segments;     /* Segment: logical line -> text */
  char               **flags;
  GArray              *flag_offsets; /* gsize pairs: logical start, end */
  char               **args;
  GArray              *arg_offsets;  /* gsize, logical; G_MAXSIZE if unknown */
  gboolean             json;
  DockyardInstruction *subcommand;
  GPtrArray           *mounts;
  GPtrArray           *heredocs;
  DockyardSourceRange  range;
  gsize                keyword_start; /* logical */
  gsize                keyword_end;   /* logical */
};

G_DEFINE_BOXED_TYPE (DockyardInstruction, dockyard_instruction,
                     dockyard_instruction_ref, dockyard_instruction_unref)

void
_dockyard_mount_free (DockyardMount *mount)
{
  g_free (mount->type);
  g_free (mount->target);
  g_free (mount->source);
  g_free (mount->from);
  g_free (mount->id);
  g_free (mount->sharing);
  g_free (mount->mode);
  g_free (mount->uid);
  g_free (mount->gid);
  g_free (mount);
}

static void
heredoc_free (DockyardHeredoc *heredoc)
{
  g_free (heredoc->name);
  g_free (heredoc->content);
  g_free (heredoc);
}

static DockyardInstruction *
instruction_new (const char *line,
                 GArray     *segments)
{
  DockyardInstruction *self = g_new0 (DockyardInstruction, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->line = g_strdup (line);
  self->segments = g_array_ref (segments);
  self->flag_offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->arg_offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  self->mounts = g_ptr_array_new_with_free_func ((GDestroyNotify) _dockyard_mount_free);
  self->heredocs = g_ptr_array_new_with_free_func ((GDestroyNotify) heredoc_free);

  return self;
}

DockyardInstruction *
dockyard_instruction_ref (DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dockyard_instruction_unref (DockyardInstruction *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->keyword);
  g_free (self->raw_keyword);
  g_free (self->line);
  g_array_unref (self->segments);
  g_strfreev (self->flags);
  g_array_unref (self->flag_offsets);
  g_strfreev (self->args);
  g_array_unref (self->arg_offsets);
  g_clear_pointer (&self->subcommand, dockyard_instruction_unref);
  g_ptr_array_unref (self->mounts);
  g_ptr_array_unref (self->heredocs);
  g_free (self);
}

/**
 * dockyard_instruction_get_keyword:
 *
 * Returns: the instruction keyword in upper case ("RUN", "FROM", ...)
 */
const char *
dockyard_instruction_get_keyword (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->keyword;
}

/**
 * dockyard_instruction_get_logical_line:
 *
 * Returns: the instruction as BuildKit sees it: continuation lines joined,
 *   escape characters of line ends and comment lines removed.  For an
 *   ONBUILD subcommand this is the line of the ONBUILD instruction.
 */
const char *
dockyard_instruction_get_logical_line (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->line;
}

/**
 * dockyard_instruction_get_flags:
 *
 * Returns: (transfer none): the flags, e.g. "--mount=type=cache,target=/x",
 *   with quotes and escapes processed
 */
const char * const *
dockyard_instruction_get_flags (const DockyardInstruction *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (self != NULL, NULL);

  return self->flags != NULL ? (const char * const *) self->flags : empty;
}

/**
 * dockyard_instruction_get_flag_value:
 * @name: the flag name without dashes, e.g. "from"
 *
 * Returns: (nullable): the value of the last `--NAME=VALUE` flag, "" for a
 *   bare `--NAME`, %NULL if absent
 */
const char *
dockyard_instruction_get_flag_value (const DockyardInstruction *self,
                                     const char                *name)
{
  const char *found = NULL;
  gsize name_len;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  name_len = strlen (name);
  for (guint i = 0; self->flags != NULL && self->flags[i] != NULL; i++)
    {
      const char *flag = self->flags[i];

      if (!g_str_has_prefix (flag, "--") || strncmp (flag + 2, name, name_len) != 0)
        continue;
      if (flag[2 + name_len] == '=')
        found = flag + 2 + name_len + 1;
      else if (flag[2 + name_len] == '\0')
        found = "";
    }

  return found;
}

/**
 * dockyard_instruction_get_args:
 *
 * Returns: (transfer none): the arguments as in BuildKit's parse tree (for
 *   the shell form of RUN/CMD/ENTRYPOINT a single string, for the exec form
 *   the array items, for ENV/LABEL key/value/separator triples)
 */
const char * const *
dockyard_instruction_get_args (const DockyardInstruction *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (self != NULL, NULL);

  return self->args != NULL ? (const char * const *) self->args : empty;
}

guint
dockyard_instruction_get_n_args (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->args != NULL ? g_strv_length (self->args) : 0;
}

/**
 * dockyard_instruction_get_arg_offset:
 * @offset: (out): where the argument starts in the logical line
 *
 * Returns: %FALSE when the argument has no single place in the line
 *   (e.g. the separator of an ENV triple)
 */
gboolean
dockyard_instruction_get_arg_offset (const DockyardInstruction *self,
                                     guint                      index,
                                     gsize                     *offset)
{
  gsize value;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (offset != NULL, FALSE);

  if (index >= self->arg_offsets->len)
    return FALSE;

  value = g_array_index (self->arg_offsets, gsize, index);
  if (value == G_MAXSIZE)
    return FALSE;

  *offset = value;
  return TRUE;
}

gboolean
dockyard_instruction_is_json (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->json;
}

/**
 * dockyard_instruction_get_subcommand:
 *
 * Returns: (transfer none) (nullable): the instruction inside an ONBUILD
 */
DockyardInstruction *
dockyard_instruction_get_subcommand (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->subcommand;
}

guint
dockyard_instruction_get_n_mounts (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->mounts->len;
}

const DockyardMount *
dockyard_instruction_get_mount (const DockyardInstruction *self,
                                guint                      index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->mounts->len, NULL);

  return g_ptr_array_index (self->mounts, index);
}

guint
dockyard_instruction_get_n_heredocs (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->heredocs->len;
}

const DockyardHeredoc *
dockyard_instruction_get_heredoc (const DockyardInstruction *self,
                                  guint                      index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->heredocs->len, NULL);

  return g_ptr_array_index (self->heredocs, index);
}

/**
 * dockyard_instruction_get_range:
 *
 * Returns: the text of the instruction: from its keyword (for ONBUILD
 *   subcommands: the ONBUILD keyword) to the end of its last line, here-doc
 *   bodies included, line end excluded
 */
const DockyardSourceRange *
dockyard_instruction_get_range (const DockyardInstruction *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->range;
}

/**
 * dockyard_instruction_map_offset:
 * @logical_offset: an offset in dockyard_instruction_get_logical_line()
 * @source_offset: (out): the same place in the text
 *
 * Returns: %FALSE if @logical_offset is past the line
 */
gboolean
dockyard_instruction_map_offset (const DockyardInstruction *self,
                                 gsize                      logical_offset,
                                 gsize                     *source_offset)
{
  const Segment *last = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (source_offset != NULL, FALSE);

  for (guint i = 0; i < self->segments->len; i++)
    {
      const Segment *seg = &g_array_index (self->segments, Segment, i);

      if (logical_offset >= seg->logical && logical_offset < seg->logical + seg->length)
        {
          *source_offset = seg->source + (logical_offset - seg->logical);
          return TRUE;
        }
      if (seg->length > 0 || last == NULL)
        last = seg;
    }

  /* The end of the line maps to the end of its last piece. */
  if (last != NULL && logical_offset == last->logical + last->length)
    {
      *source_offset = last->source + last->length;
      return TRUE;
    }

  return FALSE;
}

/**
 * dockyard_instruction_get_keyword_end:
 *
 * Returns: the offset in the text just after the keyword, where new flags
 *   can be inserted
 */
gsize
dockyard_instruction_get_keyword_end (const DockyardInstruction *self)
{
  gsize offset = 0;

  g_return_val_if_fail (self != NULL, 0);

  if (!dockyard_instruction_map_offset (self, self->keyword_end, &offset))
    offset = self->range.start.offset;

  return offset;
}

static void
instruction_dump (const DockyardInstruction *self,
                  GString                   *out)
{
  g_autofree char *lower = g_utf8_strdown (self->raw_keyword, -1);

  g_string_append (out, lower);

  if (self->flags != NULL && self->flags[0] != NULL)
    {
      g_string_append (out, " [");
      for (guint i = 0; self->flags[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append_c (out, ' ');
          _dockyard_go_quote (out, self->flags[i]);
        }
      g_string_append_c (out, ']');
    }

  if (self->subcommand != NULL)
    {
      g_string_append (out, " (");
      instruction_dump (self->subcommand, out);
      g_string_append_c (out, ')');
    }

  for (guint i = 0; self->args != NULL && self->args[i] != NULL; i++)
    {
      g_string_append_c (out, ' ');
      _dockyard_go_quote (out, self->args[i]);
    }
}

/**
 * dockyard_instruction_dump:
 *
 * Returns: (transfer full): the instruction in BuildKit's parse tree dump
 *   format, without the surrounding parentheses
 */
char *
dockyard_instruction_dump (const DockyardInstruction *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  instruction_dump (self, out);

  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------------- */
/* The Dockerfile object                                                   */

struct _DockyardDockerfile
{
  GObject     parent_instance;

  char       *text;
  gsize       length;
  gsize       bom_length;
  char        escape;
  GHashTable *directives;
  GPtrArray  *instructions;
  GArray     *line_starts;
  GArray     *stages;
  GHashTable *meta_args;
};

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

/* ---------------------------------------------------------------------- */
/* Parsing                                                                 */

typedef struct
{
  gsize start;        /* first byte of the line */
  gsize content_end;  /* without the line end ("\r\n" or "\n") */
  gsize end;          /* after the "\n", or the end of the text */
} Line;

typedef struct
{
  DockyardDockerfile *df;
  const char         *text;
  Line               *lines;
  guint               n_lines;
  gboolean            directives_done;
} Parser;

static void
set_error_at (Parser     *p,
              GError    **error,
              gint        code,
              gsize       offset,
              const char *format,
              ...) G_GNUC_PRINTF (5, 6);

static void
set_error_at (Parser     *p,
              GError    **error,
              gint        code,
              gsize       offset,
              const char *format,
              ...)
{
  DockyardDockerfileErrorPrivate *priv;
  DockyardSourcePosition pos;
  g_autofree char *message = NULL;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  dockyard_dockerfile_get_position (p->df, offset, &pos);
  /* Translators: the first %u is a line number, the %s an error message. */
  *error = g_error_new (DOCKYARD_DOCKERFILE_ERROR, code, _("line %u: %s"), pos.line, message);
  priv = dockyard_dockerfile_error_get_private (*error);
  priv->position = pos;
  priv->has_position = TRUE;
}

static inline gunichar
char_at (const char *s,
         gsize       pos)
{
  return g_utf8_get_char (s + pos);
}

static inline gsize
next_pos (const char *s,
          gsize       pos)
{
  return g_utf8_next_char (s + pos) - s;
}

static gsize
skip_go_space (const char *s,
               gsize       a,
               gsize       b)
{
  while (a < b && _dockyard_is_go_space (char_at (s, a)))
    a = next_pos (s, a);
  return a;
}

static gsize
trim_go_space_end (const char *s,
                   gsize       a,
                   gsize       b)
{
  while (b > a)
    {
      const char *prev = g_utf8_find_prev_char (s + a, s + b);

      if (prev == NULL || !_dockyard_is_go_space (g_utf8_get_char (prev)))
        break;
      b = prev - s;
    }
  return b;
}

/* Parser directives: "# name = value" lines at the very top. */
static gboolean
parse_directive (Parser  *p,
                 gsize    a,
                 gsize    b,
                 GError **error)
{
  const char *s = p->text;
  gsize name_start, name_end, value_start, value_end;
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;

  if (p->directives_done)
    return TRUE;

  if (a >= b || s[a] != '#')
    {
      p->directives_done = TRUE;
      return TRUE;
    }
  a = skip_go_space (s, a + 1, b);

  /* ^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$ with \s = [\t\n\f\r ] */
  name_start = a;
  if (a >= b || !g_ascii_isalpha (s[a]))
    {
      p->directives_done = TRUE;
      return TRUE;
    }
  while (a < b && g_ascii_isalnum (s[a]))
    a++;
  name_end = a;
  while (a < b && (s[a] == '\t' || s[a] == '\f' || s[a] == '\r' || s[a] == ' '))
    a++;
  if (a >= b || s[a] != '=')
    {
      p->directives_done = TRUE;
      return TRUE;
    }
  a++;
  while (a < b && (s[a] == '\t' || s[a] == '\f' || s[a] == '\r' || s[a] == ' '))
    a++;
  value_start = a;
  value_end = b;
  while (value_end > value_start &&
         (s[value_end - 1] == '\t' || s[value_end - 1] == '\f' ||
          s[value_end - 1] == '\r' || s[value_end - 1] == ' '))
    value_end--;
  if (value_end == value_start)
    {
      p->directives_done = TRUE;
      return TRUE;
    }

  name = g_ascii_strdown (s + name_start, name_end - name_start);
  if (!g_str_equal (name, "syntax") && !g_str_equal (name, "escape") && !g_str_equal (name, "check"))
    {
      p->directives_done = TRUE;
      return TRUE;
    }

  if (g_hash_table_contains (p->df->directives, name))
    {
      set_error_at (p, error, DOCKYARD_DOCKERFILE_ERROR_SYNTAX, name_start,
                    _("only one %s parser directive can be used"), name);
      return FALSE;
    }

  value = g_strndup (s + value_start, value_end - value_start);
  if (g_str_equal (name, "escape"))
    {
      if (!g_str_equal (value, "`") && !g_str_equal (value, "\\"))
        {
          set_error_at (p, error, DOCKYARD_DOCKERFILE_ERROR_SYNTAX, value_start,
                        _("invalid escape token '%s' does not match ` or \\"), value);
          return FALSE;
        }
      p->df->escape = value[0];
    }

  g_hash_table_insert (p->df->directives, g_steal_pointer (&name), g_steal_pointer (&value));
  return TRUE;
}

/* BuildKit's line continuation: the escape character as the last
 * non-blank character, unless it is itself escaped.  Returns where the
 * content ends (before the escape character) in @cut. */
static gboolean
is_continued (Parser *p,
              gsize   a,
              gsize   b,
              gsize  *cut)
{
  const char *s = p->text;
  char esc = p->df->escape;

  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
    b--;
  if (b == a || s[b - 1] != esc)
    return FALSE;
  if (b - 1 > a && s[b - 2] == esc)
    return FALSE;

  *cut = b - 1;
  return TRUE;
}

static gboolean
line_is_comment (Parser *p,
                 gsize   a,
                 gsize   b)
{
  a = skip_go_space (p->text, a, b);
  return a < b && p->text[a] == '#';
}

/* Collects one logical line's words and their offsets. */
typedef struct
{
  GPtrArray *words;
  GArray    *offsets;
} WordList;

static void
word_list_init (WordList *wl)
{
  wl->words = g_ptr_array_new_with_free_func (g_free);
  wl->offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
}

static void
word_list_clear (WordList *wl)
{
  g_clear_pointer (&wl->words, g_ptr_array_unref);
  g_clear_pointer (&wl->offsets, g_array_unref);
}

static void
word_list_add (WordList   *wl,
               const char *word,
               gsize       offset)
{
  g_ptr_array_add (wl->words, g_strdup (word));
  g_array_append_val (wl->offsets, offset);
}

static void
word_list_add_len (WordList   *wl,
                   const char *word,
                   gsize       len,
                   gsize       offset)
{
  g_ptr_array_add (wl->words, g_strndup (word, len));
  g_array_append_val (wl->offsets, offset);
}

/* Moves the words into the instruction's args. */
static void
set_args (DockyardInstruction *ins,
          WordList            *wl)
{
  g_ptr_array_add (wl->words, NULL);
  g_strfreev (ins->args);
  ins->args = (char **) g_ptr_array_free (g_steal_pointer (&wl->words), FALSE);
  g_array_unref (ins->arg_offsets);
  ins->arg_offsets = g_steal_pointer (&wl->offsets);
  wl->words = g_ptr_array_new_with_free_func (g_free);
  wl->offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
}

/* How scan_words() treats a line: BuildKit's parseWords keeps quotes and
 * escapes in the words; its extractBuilderFlags resolves them and only
 * takes the leading "--flag" words. */
typedef enum
{
  SCAN_KEEP_QUOTES,
  SCAN_FLAGS,
} ScanMode;

typedef void (*ScanWordFunc) (const char *word,
                              gsize       start,
                              gsize       end,
                              gpointer    user_data);

/* Whitespace separated words of s[a, b), quotes grouping.  Calls @func
 * for each word with its range.  Returns where the scan stopped: @b, or
 * with %SCAN_FLAGS the first word that is not a flag (or after "--"). */
static gsize
scan_words (const char   *s,
            gsize         a,
            gsize         b,
            gunichar      esc,
            ScanMode      mode,
            ScanWordFunc  func,
            gpointer      user_data)
{
  enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
  g_autoptr(GString) buf = g_string_new (NULL);
  gboolean keep = mode == SCAN_KEEP_QUOTES;
  gboolean flags = mode == SCAN_FLAGS;
  gunichar quote = 0;
  gboolean blank_ok = FALSE;
  gsize word_start = a;
  gsize pos = a;

  for (;;)
    {
      gboolean at_end = pos >= b;
      gunichar ch = at_end ? 0 : char_at (s, pos);
      gsize next = at_end ? b : next_pos (s, pos);

      if (phase == IN_SPACES)
        {
          if (at_end)
            break;
          if (_dockyard_is_go_space (ch))
            {
              pos = next;
              continue;
            }
          if (flags && (ch != '-' || pos + 1 >= b || s[pos + 1] != '-'))
            return pos;
          phase = IN_WORD;
          word_start = pos;
        }

      if (at_end)
        {
          if (!(flags && g_str_equal (buf->str, "--")) && (blank_ok || buf->len > 0))
            func (buf->str, word_start, pos, user_data);
          break;
        }

      if (phase == IN_WORD)
        {
          if (_dockyard_is_go_space (ch))
            {
              phase = IN_SPACES;
              if (flags && g_str_equal (buf->str, "--"))
                return pos;
              if (blank_ok || buf->len > 0)
                func (buf->str, word_start, pos, user_data);
              g_string_truncate (buf, 0);
              blank_ok = FALSE;
              pos = next;
              continue;
            }
          if (ch == '\'' || ch == '"')
            {
              quote = ch;
              blank_ok = TRUE;
              phase = IN_QUOTE;
              if (keep)
                g_string_append_unichar (buf, ch);
              pos = next;
              continue;
            }
          if (ch == esc)
            {
              pos = next;
              if (next >= b)
                continue;
              /* Outside quotes parseWords keeps the escape character,
               * with the character it escapes (even a quote). */
              if (keep)
                g_string_append_unichar (buf, ch);
              ch = char_at (s, pos);
              next = next_pos (s, pos);
            }
          g_string_append_unichar (buf, ch);
          pos = next;
          continue;
        }

      /* IN_QUOTE: parseWords leaves escapes in single quotes alone. */
      if (ch == quote)
        {
          phase = IN_WORD;
          if (keep)
            g_string_append_unichar (buf, ch);
          pos = next;
          continue;
        }
      if (ch == esc && (!keep || quote != '\''))
        {
          pos = next;
          if (next >= b)
            {
              phase = IN_WORD;
              continue;
            }
          if (keep)
            g_string_append_unichar (buf, ch);
          ch = char_at (s, pos);
          next = next_pos (s, pos);
        }
      g_string_append_unichar (buf, ch);
      pos = next;
    }

  return b;
}

typedef struct
{
  GPtrArray *words;
  GArray    *ranges;
} FlagList;

static void
add_flag (const char *word,
          gsize       start,
          gsize       end,
          gpointer    user_data)
{
  FlagList *fl = user_data;
  gsize range[2] = { start, end };

  g_ptr_array_add (fl->words, g_strdup (word));
  g_array_append_vals (fl->ranges, range, 2);
}

/* BuildKit's extractBuilderFlags: leading "--flag" words, quotes and
 * escapes processed.  Returns where the arguments start (@b if none). */
static gsize
extract_flags (Parser              *p,
               const char          *s,
               gsize                a,
               gsize                b,
               DockyardInstruction *ins)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  FlagList fl = { words, ins->flag_offsets };
  gsize result;

  result = scan_words (s, a, b, (gunichar) p->df->escape, SCAN_FLAGS, add_flag, &fl);
  if (words->len > 0)
    {
      g_ptr_array_add (words, NULL);
      ins->flags = (char **) g_ptr_array_free (g_steal_pointer (&words), FALSE);
    }

  return result;
}

static void
add_word (const char *word,
          gsize       start,
          gsize       end,
          gpointer    user_data)
{
  word_list_add (user_data, word, start);
}

/* BuildKit's parseWords: whitespace separated words, quotes kept. */
static void
parse_words (Parser     *p,
             const char *s,
             gsize       a,
             gsize       b,
             WordList   *wl)
{
  scan_words (s, a, b, (gunichar) p->df->escape, SCAN_KEEP_QUOTES, add_word, wl);
}

/* Splits on runs of [\t\v\f\r ] like BuildKit's reWhitespace. */
static void
split_re_space (const char *s,
                gsize       a,
                gsize       b,
                WordList   *wl)
{
  gsize pos = a;

  for (;;)
    {
      gsize start = pos;

      while (pos < b && !is_re_space (s[pos]))
        pos++;
      word_list_add_len (wl, s + start, pos - start, start);
      if (pos >= b)
        break;
      while (pos < b && is_re_space (s[pos]))
        pos++;
    }
}

/* JSON arrays of the exec form, with encoding/json's acceptance rules. */
typedef enum
{
  JSON_INVALID,
  JSON_STRINGS,
  JSON_NOT_STRINGS,
} JsonResult;

#define JSON_MAX_DEPTH 10000

static inline gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (const char *s,
           gsize       pos,
           gsize       b,
           guint      *value)
{
  guint v = 0;

  if (pos + 4 > b)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      int h = hex_value (s[pos + i]);

      if (h < 0)
        return FALSE;
      v = v * 16 + (guint) h;
    }
  *value = v;
  return TRUE;
}

/* Reads a JSON string at s[*pos] == '"'; decodes into @out if not NULL. */
static gboolean
json_string (const char *s,
             gsize      *pos,
             gsize       b,
             GString    *out)
{
  gsize i = *pos + 1;

  while (i < b)
    {
      guchar c = (guchar) s[i];

      if (c == '"')
        {
          *pos = i + 1;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        {
          if (out != NULL)
            g_string_append_c (out, (char) c);
          i++;
          continue;
        }

      if (i + 1 >= b)
        return FALSE;
      c = (guchar) s[i + 1];
      i += 2;
      switch (c)
        {
        case '"': case '\\': case '/':
          if (out != NULL)
            g_string_append_c (out, (char) c);
          break;
        case 'b': if (out != NULL) g_string_append_c (out, '\b'); break;
        case 'f': if (out != NULL) g_string_append_c (out, '\f'); break;
        case 'n': if (out != NULL) g_string_append_c (out, '\n'); break;
        case 'r': if (out != NULL) g_string_append_c (out, '\r'); break;
        case 't': if (out != NULL) g_string_append_c (out, '\t'); break;
        case 'u':
          {
            guint u;

            if (!read_hex4 (s, i, b, &u))
              return FALSE;
            i += 4;
            if (u >= 0xD800 && u < 0xDC00)
              {
                guint low;

                /* A surrogate pair, or the replacement character. */
                if (i + 6 <= b && s[i] == '\\' && s[i + 1] == 'u' &&
                    read_hex4 (s, i + 2, b, &low) && low >= 0xDC00 && low < 0xE000)
                  {
                    u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                  }
                else
                  u = 0xFFFD;
              }
            else if (u >= 0xDC00 && u < 0xE000)
              u = 0xFFFD;

            if (out != NULL)
              {
                if (u == 0)
                  g_string_append_len (out, "\xC0\x80", 2);
                else
                  g_string_append_unichar (out, u);
              }
          }
          break;
        default:
          return FALSE;
        }
    }

  return FALSE;
}

static gboolean
json_number (const char *s,
             gsize      *pos,
             gsize       b)
{
  gsize i = *pos;

  if (i < b && s[i] == '-')
    i++;
  if (i >= b)
    return FALSE;
  if (s[i] == '0')
    i++;
  else if (s[i] >= '1' && s[i] <= '9')
    while (i < b && g_ascii_isdigit (s[i]))
      i++;
  else
    return FALSE;

  if (i < b && s[i] == '.')
    {
      i++;
      if (i >= b || !g_ascii_isdigit (s[i]))
        return FALSE;
      while (i < b && g_ascii_isdigit (s[i]))
        i++;
    }
  if (i < b && (s[i] == 'e' || s[i] == 'E'))
    {
      i++;
      if (i < b && (s[i] == '+' || s[i] == '-'))
        i++;
      if (i >= b || !g_ascii_isdigit (s[i]))
        return FALSE;
      while (i < b && g_ascii_isdigit (s[i]))
        i++;
    }

  *pos = i;
  return TRUE;
}

/* Skips any JSON value (not a string at top level: those are decoded by
 * the caller) without recursion, so deep nesting cannot exhaust the stack. */
static gboolean
json_skip_value (const char *s,
                 gsize      *pos,
                 gsize       b,
                 guint       depth)
{
  g_autoptr(GByteArray) stack = g_byte_array_new ();
  gsize i = *pos;

  for (;;)
    {
      /* Expecting a value. */
      while (i < b && is_json_space (s[i]))
        i++;
      if (i >= b)
        return FALSE;

      if (s[i] == '[' || s[i] == '{')
        {
          guint8 open = (guint8) s[i];

          if (depth + stack->len + 1 > JSON_MAX_DEPTH)
            return FALSE;
          g_byte_array_append (stack, &open, 1);
          i++;
          while (i < b && is_json_space (s[i]))
            i++;
          if (i < b && ((open == '[' && s[i] == ']') || (open == '{' && s[i] == '}')))
            {
              g_byte_array_set_size (stack, stack->len - 1);
              i++;
              goto after_value;
            }
          if (open == '{')
            goto object_key;
          continue;
        }
      else if (s[i] == '"')
        {
          if (!json_string (s, &i, b, NULL))
            return FALSE;
        }
      else if (s[i] == '-' || g_ascii_isdigit (s[i]))
        {
          if (!json_number (s, &i, b))
            return FALSE;
        }
      else if (b - i >= 4 && (strncmp (s + i, "true", 4) == 0 || strncmp (s + i, "null", 4) == 0))
        i += 4;
      else if (b - i >= 5 && strncmp (s + i, "false", 5) == 0)
        i += 5;
      else
        return FALSE;

    after_value:
      for (;;)
        {
          guint8 top;

          if (stack->len == 0)
            {
              *pos = i;
              return TRUE;
            }
          top = stack->data[stack->len - 1];
          while (i < b && is_json_space (s[i]))
            i++;
          if (i >= b)
            return FALSE;
          if (s[i] == ',')
            {
              i++;
              if (top == '{')
                goto object_key;
              break;
            }
          if ((top == '[' && s[i] == ']') || (top == '{' && s[i] == '}'))
            {
              g_byte_array_set_size (stack, stack->len - 1);
              i++;
              continue;
            }
          return FALSE;
        }
      continue;

    object_key:
      while (i < b && is_json_space (s[i]))
        i++;
      if (i >= b || s[i] != '"' || !json_string (s, &i, b, NULL))
        return FALSE;
      while (i < b && is_json_space (s[i]))
        i++;
      if (i >= b || s[i] != ':')
        return FALSE;
      i++;
    }
}

static JsonResult
parse_json_array (const char *s,
                  gsize       a,
                  gsize       b,
                  WordList   *wl)
{
  gboolean all_strings = TRUE;
  gsize i = skip_go_space (s, a, b);

  if (i >= b || s[i] != '[')
    return JSON_INVALID;
  i++;

  while (i < b && is_json_space (s[i]))
    i++;
  if (i < b && s[i] == ']')
    {
      i++;
      goto end;
    }

  for (;;)
    {
      while (i < b && is_json_space (s[i]))
        i++;
      if (i >= b)
        return JSON_INVALID;

      if (s[i] == '"')
        {
          g_autoptr(GString) str = g_string_new (NULL);
          gsize start = i;

          if (!json_string (s, &i, b, str))
            return JSON_INVALID;
          word_list_add (wl, str->str, start);
        }
      else
        {
          if (!json_skip_value (s, &i, b, 1))
            return JSON_INVALID;
          all_strings = FALSE;
        }

      while (i < b && is_json_space (s[i]))
        i++;
      if (i >= b)
        return JSON_INVALID;
      if (s[i] == ',')
        {
          i++;
          continue;
        }
      if (s[i] == ']')
        {
          i++;
          break;
        }
      return JSON_INVALID;
    }

end:
  while (i < b && is_json_space (s[i]))
    i++;
  if (i != b)
    return JSON_INVALID;

  return all_strings ? JSON_STRINGS : JSON_NOT_STRINGS;
}

/* ---------------------------------------------------------------------- */
/* The heredoc word scanner: a port of the parts of BuildKit's shell lexer
 * that decide which words of a line are heredoc markers. */

#define SH_EOF ((gunichar) -1)
#define SH_MAX_DEPTH 64

typedef struct
{
  const char *s;
  gsize       pos;
  gsize       end;
  gboolean    raw_quotes;
  gboolean    raw_escapes;
  GString    *words_buffer;
  guint       depth;
} ShLex;

typedef struct
{
  GString   *buf;
  GPtrArray *words;
  gboolean   in_word;
} ShWords;

static gunichar
sh_peek (ShLex *lx)
{
  return lx->pos < lx->end ? char_at (lx->s, lx->pos) : SH_EOF;
}

static gunichar
sh_next (ShLex *lx)
{
  gunichar c = sh_peek (lx);

  if (c != SH_EOF)
    lx->pos = next_pos (lx->s, lx->pos);
  return c;
}

static void
sh_words_add_raw_char (ShWords  *w,
                       gunichar  c)
{
  g_string_append_unichar (w->buf, c);
  w->in_word = TRUE;
}

static void
sh_words_add_char (ShWords  *w,
                   gunichar  c)
{
  if (_dockyard_is_go_space (c))
    {
      if (w->in_word && w->buf->len > 0)
        {
          g_ptr_array_add (w->words, g_strdup (w->buf->str));
          g_string_truncate (w->buf, 0);
          w->in_word = FALSE;
        }
    }
  else
    sh_words_add_raw_char (w, c);
}

static void
sh_words_add_string (ShWords    *w,
                     const char *str)
{
  for (const char *p = str; *p != '\0'; p = g_utf8_next_char (p))
    sh_words_add_char (w, g_utf8_get_char (p));
}

static void
sh_words_add_raw_string (ShWords    *w,
                         const char *str)
{
  g_string_append (w->buf, str);
  w->in_word = TRUE;
}

static gboolean sh_process_stop_on (ShLex     *lx,
                                    gunichar   stop,
                                    gboolean   raw_escapes,
                                    GString   *result,
                                    GPtrArray *words);

static gboolean
sh_process_name (ShLex   *lx,
                 GString *name)
{
  while (sh_peek (lx) != SH_EOF)
    {
      gunichar ch = sh_peek (lx);

      if (name->len == 0 && g_unichar_isdigit (ch))
        {
          while (sh_peek (lx) != SH_EOF && g_unichar_isdigit (sh_peek (lx)))
            g_string_append_unichar (name, sh_next (lx));
          return TRUE;
        }
      if (name->len == 0 && ch < 0x80 && ch != 0 && strchr ("@*#?-$!0", (int) ch) != NULL)
        {
          g_string_append_unichar (name, sh_next (lx));
          return TRUE;
        }
      if (!g_unichar_isalpha (ch) && !g_unichar_isdigit (ch) && ch != '_')
        break;
      g_string_append_unichar (name, sh_next (lx));
    }
  return TRUE;
}

/* With no variables known, every substitution is kept as written. */
static gboolean
sh_process_dollar (ShLex   *lx,
                   GString *out)
{
  g_autoptr(GString) name = g_string_new (NULL);
  gunichar ch;

  sh_next (lx);
  if (sh_peek (lx) != '{')
    {
      sh_process_name (lx, name);
      g_string_append_c (out, '$');
      g_string_append (out, name->str);
      return TRUE;
    }

  sh_next (lx);
  ch = sh_peek (lx);
  if (ch == SH_EOF || ch == '{' || ch == '}' || ch == ':')
    return FALSE;

  sh_process_name (lx, name);
  ch = sh_next (lx);
  switch (ch)
    {
    case '}':
      g_string_append_printf (out, "${%s}", name->str);
      return TRUE;

    case ':':
    case '+': case '-': case '?': case '#': case '%':
      {
        g_autoptr(GString) chs = g_string_new (NULL);
        g_autoptr(GString) word = g_string_new (NULL);
        gboolean null_is_unset = FALSE;
        gboolean raw;

        g_string_append_unichar (chs, ch);
        if (ch == ':')
          {
            null_is_unset = TRUE;
            ch = sh_next (lx);
            g_string_append_unichar (chs, ch == SH_EOF ? 0xFFFD : ch);
          }
        raw = ch == '#' || ch == '%';
        if (null_is_unset && raw)
          return FALSE;
        if (!sh_process_stop_on (lx, '}', raw, word, NULL))
          return FALSE;
        g_string_append_printf (out, "${%s%s%s}", name->str, chs->str, word->str);
        return TRUE;
      }

    case '/':
      {
        g_autoptr(GString) pattern = g_string_new (NULL);
        g_autoptr(GString) replacement = g_string_new (NULL);

        if (sh_peek (lx) == '/')
          sh_next (lx);
        if (!sh_process_stop_on (lx, '/', TRUE, pattern, NULL) ||
            !sh_process_stop_on (lx, '}', TRUE, replacement, NULL))
          return FALSE;
        g_string_append_printf (out, "${%s/%s/%s}", name->str, pattern->str, replacement->str);
        return TRUE;
      }

    default:
      return FALSE;
    }
}

static gboolean
sh_process_single_quote (ShLex   *lx,
                         GString *out)
{
  gunichar ch = sh_next (lx);

  if (lx->raw_quotes)
    g_string_append_unichar (out, ch);

  for (;;)
    {
      ch = sh_next (lx);
      if (ch == SH_EOF)
        return FALSE;
      if (ch == '\'')
        {
          if (lx->raw_quotes)
            g_string_append_unichar (out, ch);
          return TRUE;
        }
      g_string_append_unichar (out, ch);
    }
}

static gboolean
sh_process_double_quote (ShLex   *lx,
                         GString *out)
{
  gunichar ch = sh_next (lx);

  if (lx->raw_quotes)
    g_string_append_unichar (out, ch);

  for (;;)
    {
      switch (sh_peek (lx))
        {
        case SH_EOF:
          return FALSE;
        case '"':
          ch = sh_next (lx);
          if (lx->raw_quotes)
            g_string_append_unichar (out, ch);
          return TRUE;
        case '$':
          if (!sh_process_dollar (lx, out))
            return FALSE;
          break;
        default:
          ch = sh_next (lx);
          if (ch == '\\')
            {
              gunichar peek;

              if (lx->raw_escapes)
                g_string_append_unichar (out, ch);
              peek = sh_peek (lx);
              if (peek == SH_EOF)
                continue;
              if (peek == '"' || peek == '$' || peek == '\\')
                ch = sh_next (lx);
            }
          g_string_append_unichar (out, ch);
        }
    }
}

static gboolean
sh_process_possible_heredoc (ShLex   *lx,
                             GString *out)
{
  sh_next (lx);
  if (sh_peek (lx) != '<')
    {
      g_string_append_c (out, '<');
      return TRUE;
    }
  sh_next (lx);
  g_string_append (out, "<<");
  while (sh_peek (lx) == '\t' || sh_peek (lx) == '\r' || sh_peek (lx) == ' ')
    g_string_append_unichar (out, sh_next (lx));
  return TRUE;
}

static gboolean
sh_process_stop_on (ShLex     *lx,
                    gunichar   stop,
                    gboolean   raw_escapes,
                    GString   *result,
                    GPtrArray *words)
{
  gboolean saved_raw_escapes = lx->raw_escapes;
  ShWords w = { lx->words_buffer, NULL, FALSE };
  g_autoptr(GPtrArray) local_words = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = TRUE;

  if (lx->depth >= SH_MAX_DEPTH)
    return FALSE;
  lx->depth++;

  /* BuildKit shares one word buffer between nested calls: mirror that, it
   * decides which words exist. */
  g_string_truncate (lx->words_buffer, 0);
  w.words = local_words;
  lx->raw_escapes = raw_escapes;

  while (sh_peek (lx) != SH_EOF)
    {
      gunichar ch = sh_peek (lx);

      if (stop != SH_EOF && ch == stop)
        {
          sh_next (lx);
          goto done;
        }

      if (ch == '$' || ch == '<' || ch == '\'' || ch == '"')
        {
          g_autoptr(GString) tmp = g_string_new (NULL);

          if (ch == '$')
            ok = sh_process_dollar (lx, tmp);
          else if (ch == '<')
            ok = sh_process_possible_heredoc (lx, tmp);
          else if (ch == '\'')
            ok = sh_process_single_quote (lx, tmp);
          else
            ok = sh_process_double_quote (lx, tmp);
          if (!ok)
            goto out;

          g_string_append (result, tmp->str);
          if (ch == '$')
            sh_words_add_string (&w, tmp->str);
          else
            sh_words_add_raw_string (&w, tmp->str);
          continue;
        }

      ch = sh_next (lx);
      if (ch == '\\')
        {
          if (lx->raw_escapes)
            {
              sh_words_add_raw_char (&w, ch);
              g_string_append_unichar (result, ch);
            }
          ch = sh_next (lx);
          if (ch == SH_EOF)
            break;
          sh_words_add_raw_char (&w, ch);
        }
      else
        sh_words_add_char (&w, ch);
      g_string_append_unichar (result, ch);
    }

  if (stop != SH_EOF)
    {
      ok = FALSE;
      goto out;
    }

done:
  if (w.buf->len > 0)
    {
      g_ptr_array_add (local_words, g_strdup (w.buf->str));
      g_string_truncate (w.buf, 0);
    }
  if (words != NULL)
    for (guint i = 0; i < local_words->len; i++)
      g_ptr_array_add (words, g_strdup (g_ptr_array_index (local_words, i)));

out:
  lx->raw_escapes = saved_raw_escapes;
  lx->depth--;
  return ok;
}

static GPtrArray *
sh_words (const char *s,
          gsize       a,
          gsize       b,
          gboolean    raw)
{
  g_autoptr(GString) words_buffer = g_string_new (NULL);
  g_autoptr(GString) result = g_string_new (NULL);
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  ShLex lx = { s, a, b, raw, raw, words_buffer, 0 };

  if (!sh_process_stop_on (&lx, SH_EOF, raw, result, words))
    return NULL;

  return g_steal_pointer (&words);
}

static guint
count_quotes (const char *s)
{
  guint n = 0;

  for (; *s != '\0'; s++)
    if (*s == '\'' || *s == '"')
      n++;
  return n;
}

/* ^(\d*)<<(-?)\s*([^<]*)$ on one word of the line. */
static gboolean
heredoc_from_word (const char       *word,
                   DockyardHeredoc **out,
                   GError          **error)
{
  const char *p = word;
  const char *rest;
  guint64 fd = 0;
  gboolean chomp = FALSE;
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(GPtrArray) raw_words = NULL;
  g_autoptr(GString) words_buffer = g_string_new (NULL);
  g_autoptr(GString) result = g_string_new (NULL);
  DockyardHeredoc *heredoc;

  *out = NULL;

  while (g_ascii_isdigit (*p))
    p++;
  if (p != word)
    fd = g_ascii_strtoull (word, NULL, 10);
  if (p[0] != '<' || p[1] != '<')
    return TRUE;
  p += 2;
  if (*p == '-')
    {
      chomp = TRUE;
      p++;
    }
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\f' || *p == '\r')
    p++;
  rest = p;
  if (*rest == '\0' || strchr (rest, '<') != NULL)
    return TRUE;

  {
    ShLex lx = { rest, 0, strlen (rest), FALSE, FALSE, words_buffer, 0 };

    words = g_ptr_array_new_with_free_func (g_free);
    if (!sh_process_stop_on (&lx, SH_EOF, FALSE, result, words))
      {
        g_set_error (error, DOCKYARD_DOCKERFILE_ERROR, DOCKYARD_DOCKERFILE_ERROR_SYNTAX,
                     _("invalid heredoc name %s"), rest);
        return FALSE;
      }
  }
  if (words->len != 1)
    return TRUE;

  {
    ShLex lx = { rest, 0, strlen (rest), TRUE, FALSE, words_buffer, 0 };

    g_string_truncate (result, 0);
    raw_words = g_ptr_array_new_with_free_func (g_free);
    if (!sh_process_stop_on (&lx, SH_EOF, FALSE, result, raw_words) || raw_words->len != 1)
      {
        g_set_error (error, DOCKYARD_DOCKERFILE_ERROR, DOCKYARD_DOCKERFILE_ERROR_SYNTAX,
                     _("invalid heredoc name %s"), rest);
        return FALSE;
      }
  }

  heredoc = g_new0 (DockyardHeredoc, 1);
  heredoc->name = g_strdup (g_ptr_array_index (words, 0));
  heredoc->expand = count_quotes (g_ptr_array_index (words, 0)) ==
                    count_quotes (g_ptr_array_index (raw_words, 0));
  heredoc->chomp = chomp;
  heredoc->fd = fd > G_MAXUINT ? 0 : (guint) fd;
  *out = heredoc;

  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Instructions from logical lines                                         */

static void
set_str (char       **field,
         const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
parse_mounts (DockyardInstruction *ins)
{
  for (guint i = 0; ins->flags != NULL && ins->flags[i] != NULL; i++)
    {
      const char *flag = ins->flags[i];
      g_autoptr(GString) field = g_string_new (NULL);
      DockyardMount *mount;
      gsize start = g_array_index (ins->flag_offsets, gsize, 2 * i);
      gsize end = g_array_index (ins->flag_offsets, gsize, 2 * i + 1);
      gsize src_start = 0, src_end = 0;
      const char *p;
      gboolean in_quotes = FALSE;

      if (!g_str_has_prefix (flag, "--mount="))
        continue;

      mount = g_new0 (DockyardMount, 1);
      if (dockyard_instruction_map_offset (ins, start, &src_start) &&
          dockyard_instruction_map_offset (ins, end, &src_end) && src_end >= src_start)
        {
          mount->offset = src_start;
          mount->length = src_end - src_start;
        }

      /* The value is a CSV record of key=value fields. */
      p = flag + strlen ("--mount=");
      for (;;)
        {
          if (*p == '"')
            {
              if (in_quotes && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p += 2;
                  continue;
                }
              in_quotes = !in_quotes;
              p++;
              continue;
            }
          if (*p != '\0' && (*p != ',' || in_quotes))
            {
              g_string_append_c (field, *p);
              p++;
              continue;
            }

          if (field->len > 0)
            {
              g_autofree char *key = NULL;
              const char *eq = strchr (field->str, '=');
              const char *value = eq != NULL ? eq + 1 : NULL;

              key = g_ascii_strdown (field->str, eq != NULL ? eq - field->str : -1);
              if (g_str_equal (key, "type"))
                set_str (&mount->type, value);
              else if (g_str_equal (key, "target") || g_str_equal (key, "dst") ||
                       g_str_equal (key, "destination"))
                set_str (&mount->target, value);
              else if (g_str_equal (key, "source") || g_str_equal (key, "src"))
                set_str (&mount->source, value);
              else if (g_str_equal (key, "from"))
                set_str (&mount->from, value);
              else if (g_str_equal (key, "id"))
                set_str (&mount->id, value);
              else if (g_str_equal (key, "sharing"))
                set_str (&mount->sharing, value);
              else if (g_str_equal (key, "mode"))
                set_str (&mount->mode, value);
              else if (g_str_equal (key, "uid"))
                set_str (&mount->uid, value);
              else if (g_str_equal (key, "gid"))
                set_str (&mount->gid, value);
              else if (g_str_equal (key, "ro") || g_str_equal (key, "readonly"))
                mount->readonly = value == NULL || g_ascii_strcasecmp (value, "false") != 0;
              else if (g_str_equal (key, "rw") || g_str_equal (key, "readwrite"))
                mount->readonly = value != NULL && g_ascii_strcasecmp (value, "false") == 0;
            }
          g_string_truncate (field, 0);

          if (*p == '\0')
            break;
          p++;
        }

      if (mount->type == NULL)
        mount->type = g_strdup ("bind");
      g_ptr_array_add (ins->mounts, mount);
    }
}

static DockyardInstruction *
instruction_from_line (Parser      *p,
                       const char  *s,
                       gsize        a,
                       gsize        b,
                       GArray      *segments,
                       GError     **error,
                       gsize        error_offset);

static gboolean
dispatch (Parser              *p,
          DockyardInstruction *ins,
          const char          *s,
          gsize                a,
          gsize                b,
          GArray              *segments,
          GError             **error,
          gsize                error_offset)
{
  const char *kw = ins->keyword;
  WordList wl;
  gboolean ok = TRUE;

  word_list_init (&wl);

  if (g_str_equal (kw, "ADD") || g_str_equal (kw, "COPY") || g_str_equal (kw, "VOLUME"))
    {
      JsonResult r = parse_json_array (s, a, b, &wl);

      if (r == JSON_STRINGS)
        ins->json = TRUE;
      else if (r == JSON_NOT_STRINGS)
        goto not_strings;
      else
        {
          g_ptr_array_set_size (wl.words, 0);
          g_array_set_size (wl.offsets, 0);
          if (a < b)
            split_re_space (s, a, b, &wl);
        }
    }
  else if (g_str_equal (kw, "CMD") || g_str_equal (kw, "ENTRYPOINT") ||
           g_str_equal (kw, "RUN") || g_str_equal (kw, "SHELL"))
    {
      if (a < b)
        {
          JsonResult r = parse_json_array (s, a, b, &wl);

          if (r == JSON_STRINGS)
            ins->json = TRUE;
          else if (r == JSON_NOT_STRINGS)
            goto not_strings;
          else
            {
              g_ptr_array_set_size (wl.words, 0);
              g_array_set_size (wl.offsets, 0);
              word_list_add_len (&wl, s + a, b - a, a);
            }
        }
    }
  else if (g_str_equal (kw, "HEALTHCHECK"))
    {
      gsize sep = a;
      gsize next;

      while (sep < b && !_dockyard_is_go_space (char_at (s, sep)))
        sep = next_pos (s, sep);
      next = skip_go_space (s, sep, b);

      if (sep > a)
        {
          word_list_add_len (&wl, s + a, sep - a, a);
          if (next < b)
            {
              JsonResult r = parse_json_array (s, next, b, &wl);

              if (r == JSON_STRINGS)
                ins->json = TRUE;
              else if (r == JSON_NOT_STRINGS)
                goto not_strings;
              else
                {
                  g_ptr_array_set_size (wl.words, 1);
                  g_array_set_size (wl.offsets, 1);
                  word_list_add_len (&wl, s + next, b - next, next);
                }
            }
        }
    }
  else if (g_str_equal (kw, "ENV") || g_str_equal (kw, "LABEL"))
    {
      WordList words;

      word_list_init (&words);
      parse_words (p, s, a, b, &words);
      if (words.words->len > 0)
        {
          if (strchr (g_ptr_array_index (words.words, 0), '=') == NULL)
            {
              gsize k = a;

              /* The old "KEY name value" form. */
              while (k < b && !is_re_space (s[k]))
                k++;
              if (k >= b)
                {
                  set_error_at (p, error, DOCKYARD_DOCKERFILE_ERROR_SYNTAX, error_offset,
                                _("%s must have two arguments"), kw);
                  ok = FALSE;
                }
              else
                {
                  gsize v = k;
                  gsize none = G_MAXSIZE;

                  while (v < b && is_re_space (s[v]))
                    v++;
                  word_list_add_len (&wl, s + a, k - a, a);
                  word_list_add_len (&wl, s + v, b - v, v);
                  g_ptr_array_add (wl.words, g_strdup (""));
                  g_array_append_val (wl.offsets, none);
                }
            }
          else
            {
              for (guint i = 0; i < words.words->len; i++)
                {
                  const char *word = g_ptr_array_index (words.words, i);
                  gsize offset = g_array_index (words.offsets, gsize, i);
                  const char *eq = strchr (word, '=');
                  gsize none = G_MAXSIZE;

                  if (eq == NULL)
                    {
                      GString *quoted = g_string_new (NULL);

                      _dockyard_go_quote (quoted, word);
                      set_error_at (p, error, DOCKYARD_DOCKERFILE_ERROR_SYNTAX, error_offset,
                                    _("Syntax error - can't find = in %s. Must be of the form: name=value"),
                                    quoted->str);
                      g_string_free (quoted, TRUE);
                      ok = FALSE;
                      break;
                    }
                  word_list_add_len (&wl, word, eq - word, offset);
                  word_list_add (&wl, eq + 1, offset + (eq - word) + 1);
                  g_ptr_array_add (wl.words, g_strdup ("="));
                  g_array_append_val (wl.offsets, none);
                }
            }
        }
      word_list_clear (&words);
    }
  else if (g_str_equal (kw, "ARG"))
    parse_words (p, s, a, b, &wl);
  else if (g_str_equal (kw, "EXPOSE") || g_str_equal (kw, "FROM"))
    {
      if (a < b)
        split_re_space (s, a, b, &wl);
    }
  else if (g_str_equal (kw, "MAINTAINER") || g_str_equal (kw, "STOPSIGNAL") ||
           g_str_equal (kw, "USER") || g_str_equal (kw, "WORKDIR"))
    {
      if (a < b)
        word_list_add_len (&wl, s + a, b - a, a);
    }
  else if (g_str_equal (kw, "ONBUILD"))
    {
      if (a < b)
        {
          ins->subcommand = instruction_from_line (p, s, a, b, segments, error, error_offset);
          if (ins->subcommand == NULL)
            ok = FALSE;
        }
    }
  else
    {
      /* Unknown instructions are kept, with one empty argument like
       * BuildKit's parseIgnore. */
      gsize none = G_MAXSIZE;

      g_ptr_array_add (wl.words, g_strdup (""));
      g_array_append_val (wl.offsets, none);
    }

  if (ok)
    set_args (ins, &wl);
  word_list_clear (&wl);
  return ok;

not_strings:
  set_error_at (p, error, DOCKYARD_DOCKERFILE_ERROR_SYNTAX, error_offset,
                _("when using JSON array syntax, arrays must be comprised of strings only"));
  word_list_clear (&wl);
  return FALSE;
}

static DockyardInstruction *
instruction_from_line (Parser      *p,
                       const char  *s,
                       gsize        a,
                       gsize        b,
                       GArray      *segments,
                       GError     **error,
                       gsize        error_offset)
{
  g_autoptr(DockyardInstruction) ins = instruction_new (s, segments);
  gsize c;

  /* strings.TrimSpace, then the keyword up to the first [\t\v\f\r ]. */
  a = skip_go_space (s, a, b);
  b = trim_go_space_end (s, a, b);
  c = a;
  while (c < b && !is_re_space (s[c]))
    c++;

  ins->keyword_start = a;
  ins->keyword_end = c;
  ins->raw_keyword = g_strndup (s + a, c - a);
  ins->keyword = g_ascii_strup (ins->raw_keyword, -1);

  if (c < b)
    {
      gsize rest = c;

      while (rest < b && is_re_space (s[rest]))
        rest++;
      a = extract_flags (p, s, rest, b, ins);
      a = skip_go_space (s, a, b);
    }
  else
    a = b;

  if (!dispatch (p, ins, s, a, b, segments, error, error_offset))
    return NULL;

  parse_mounts (ins);

  return g_steal_pointer (&ins);
}

static gboolean
can_contain_heredoc (DockyardInstruction *ins)
{
  if (g_str_equal (ins->keyword, "ONBUILD") && ins->subcommand != NULL)
    ins = ins->subcommand;

  if (!g_str_equal (ins->keyword, "RUN") && !g_str_equal (ins->keyword, "COPY") &&
      !g_str_equal (ins->keyword, "ADD"))
    return FALSE;

  return !ins->json;
}

static void
set_range (Parser              *p,
           DockyardInstruction *ins,
           gsize                start,
           gsize                end)
{
  dockyard_dockerfile_get_position (p->df, start, &ins->range.start);
  dockyard_dockerfile_get_position (p->df, end, &ins->range.end);
  if (ins->subcommand != NULL)
    ins->subcommand->range = ins->range;
}

static gboolean
parse (Parser  *p,
       GError **error)
{
  const char *s = p->text;
  guint i = 0;

  while (i < p->n_lines)
    {
      g_autoptr(GString) line = NULL;
      g_autoptr(GArray) segments = NULL;
      g_autoptr(DockyardInstruction) ins = NULL;
      Line *first = &p->lines[i];
      gsize a = i == 0 ? p->df->bom_length : first->start;
      gsize b = first->content_end;
      gsize cut;
      gboolean continued;
      gsize end_offset;
      Segment seg;

      a = skip_go_space (s, a, b);
      if (!parse_directive (p, a, b, error))
        return FALSE;
      if (a < b && s[a] == '#')
        b = a;
      i++;

      continued = is_continued (p, a, b, &cut);
      if (continued)
        b = cut;
      else if (a == b)
        continue;

      line = g_string_new_len (s + a, b - a);
      segments = g_array_new (FALSE, FALSE, sizeof (Segment));
      seg = (Segment) { 0, a, b - a };
      g_array_append_val (segments, seg);
      end_offset = first->content_end;

      while (continued && i < p->n_lines)
        {
          Line *l = &p->lines[i++];
          gsize la = l->start;
          gsize lb = l->content_end;

          end_offset = lb;
          if (line_is_comment (p, la, lb))
            continue;
          if (skip_go_space (s, la, lb) == lb)
            continue;

          continued = is_continued (p, la, lb, &cut);
          if (continued)
            lb = cut;
          seg = (Segment) { line->len, la, lb - la };
          g_array_append_val (segments, seg);
          g_string_append_len (line, s + la, lb - la);
        }

      ins = instruction_from_line (p, line->str, 0, line->len, segments, error, a);
      if (ins == NULL)
        return FALSE;

      if (can_contain_heredoc (ins) && strstr (line->str, "<<") != NULL)
        {
          g_autoptr(GPtrArray) words = sh_words (line->str, 0, line->len, TRUE);
          DockyardInstruction *target = ins->subcommand != NULL ? ins->subcommand : ins;

          for (guint w = 0; words != NULL && w < words->len; w++)
            {
              DockyardHeredoc *heredoc = NULL;
              g_autoptr(GString) content = NULL;
              gboolean terminated = FALSE;
              g_autoptr(GError) local_error = NULL;

              if (!heredoc_from_word (g_ptr_array_index (words, w), &heredoc, &local_error))
                {
                  set_error_at (p, error, DOCKYARD_DOCKERFILE_ERROR_SYNTAX, a, "%s",
                                local_error->message);
                  return FALSE;
                }
              if (heredoc == NULL)
                continue;

              g_ptr_array_add (target->heredocs, heredoc);
              content = g_string_new (NULL);
              heredoc->content_offset = i < p->n_lines ? p->lines[i].start : p->df->length;

              while (i < p->n_lines)
                {
                  Line *l = &p->lines[i++];
                  gsize ta = l->start;

                  end_offset = l->content_end;
                  if (heredoc->chomp)
                    while (ta < l->content_end && s[ta] == '\t')
                      ta++;
                  if (l->content_end - ta == strlen (heredoc->name) &&
                      strncmp (s + ta, heredoc->name, l->content_end - ta) == 0)
                    {
                      terminated = TRUE;
                      break;
                    }
                  g_string_append_len (content, s + l->start, l->end - l->start);
                }

              if (!terminated)
                {
                  set_error_at (p, error, DOCKYARD_DOCKERFILE_ERROR_SYNTAX, a,
                                _("unterminated heredoc"));
                  return FALSE;
                }
              heredoc->content = g_string_free (g_steal_pointer (&content), FALSE);
            }
        }

      set_range (p, ins, a, end_offset);
      g_ptr_array_add (p->df->instructions, g_steal_pointer (&ins));
    }

  if (p->df->instructions->len == 0)
    {
      set_error_at (p, error, DOCKYARD_DOCKERFILE_ERROR_EMPTY, p->df->length,
                    _("file with no instructions"));
      return FALSE;
    }

  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Variable substitution for FROM                                          */

typedef struct
{
  const char *s;
  gsize       pos;
  char        escape;
  GHashTable *vars;
  gboolean    unresolved;
  guint       depth;
} Expander;

static gboolean expand_until (Expander *e,
                              char      stop,
                              GString  *out);

static gboolean
expand_dollar (Expander *e,
               GString  *out)
{
  const char *s = e->s;
  gsize start;
  g_autofree char *name = NULL;
  const char *value;
  gboolean set;

  e->pos++;
  if (s[e->pos] != '{')
    {
      start = e->pos;
      while (g_ascii_isalnum (s[e->pos]) || s[e->pos] == '_')
        e->pos++;
      if (e->pos == start)
        {
          g_string_append_c (out, '$');
          return TRUE;
        }
      name = g_strndup (s + start, e->pos - start);
      set = g_hash_table_lookup_extended (e->vars, name, NULL, (gpointer *) &value) && value != NULL;
      if (!set)
        e->unresolved = TRUE;
      else
        g_string_append (out, value);
      return TRUE;
    }

  e->pos++;
  start = e->pos;
  while (g_ascii_isalnum (s[e->pos]) || s[e->pos] == '_')
    e->pos++;
  if (e->pos == start)
    return FALSE;
  name = g_strndup (s + start, e->pos - start);
  set = g_hash_table_lookup_extended (e->vars, name, NULL, (gpointer *) &value) && value != NULL;

  if (s[e->pos] == '}')
    {
      e->pos++;
      if (!set)
        e->unresolved = TRUE;
      else
        g_string_append (out, value);
      return TRUE;
    }

  {
    gboolean colon = FALSE;
    char op;
    g_autoptr(GString) word = g_string_new (NULL);
    gboolean saved_unresolved = e->unresolved;
    gboolean empty;

    if (s[e->pos] == ':')
      {
        colon = TRUE;
        e->pos++;
      }
    op = s[e->pos];
    if (op != '-' && op != '+')
      return FALSE;
    e->pos++;
    if (e->depth >= 16)
      return FALSE;
    e->depth++;
    if (!expand_until (e, '}', word))
      return FALSE;
    e->depth--;

    empty = !set || (colon && *value == '\0');
    if (op == '-')
      {
        if (empty)
          g_string_append (out, word->str);
        else
          {
            /* The default was not used: variables in it do not matter. */
            e->unresolved = saved_unresolved;
            g_string_append (out, value);
          }
      }
    else
      {
        if (!empty)
          g_string_append (out, word->str);
        else
          e->unresolved = saved_unresolved;
      }
  }

  return TRUE;
}

static gboolean
expand_until (Expander *e,
              char      stop,
              GString  *out)
{
  const char *s = e->s;

  while (s[e->pos] != '\0')
    {
      char c = s[e->pos];

      if (stop != '\0' && c == stop)
        {
          e->pos++;
          return TRUE;
        }
      if (c == '\'')
        {
          const char *end = strchr (s + e->pos + 1, '\'');

          if (end == NULL)
            return FALSE;
          g_string_append_len (out, s + e->pos + 1, end - (s + e->pos + 1));
          e->pos = end - s + 1;
        }
      else if (c == '"')
        {
          e->pos++;
          while (s[e->pos] != '"')
            {
              if (s[e->pos] == '\0')
                return FALSE;
              if (s[e->pos] == '$')
                {
                  if (!expand_dollar (e, out))
                    return FALSE;
                  continue;
                }
              if (s[e->pos] == e->escape &&
                  (s[e->pos + 1] == '"' || s[e->pos + 1] == '$' || s[e->pos + 1] == e->escape))
                e->pos++;
              g_string_append_c (out, s[e->pos]);
              e->pos++;
            }
          e->pos++;
        }
      else if (c == '$')
        {
          if (!expand_dollar (e, out))
            return FALSE;
        }
      else if (c == e->escape)
        {
          e->pos++;
          if (s[e->pos] == '\0')
            break;
          g_string_append_c (out, s[e->pos]);
          e->pos++;
        }
      else
        {
          g_string_append_c (out, c);
          e->pos++;
        }
    }

  return stop == '\0';
}

char *
_dockyard_expand_word (const char *word,
                       char        escape,
                       GHashTable *vars)
{
  g_autoptr(GString) out = g_string_new (NULL);
  Expander e = { word, 0, escape, vars, FALSE, 0 };

  if (!expand_until (&e, '\0', out) || e.unresolved)
    return NULL;

  return g_string_free (g_steal_pointer (&out), FALSE);
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
  g_autoptr(GArray) lines = NULL;
  const char *invalid = NULL;
  Parser p = { 0 };
  gsize pos = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (data);

  self = g_object_new (DOCKYARD_TYPE_DOCKERFILE, NULL);
  self->text = g_strndup (data != NULL ? data : "", length);
  self->length = length;
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    self->bom_length = 3;

  lines = g_array_new (FALSE, FALSE, sizeof (Line));
  while (pos < self->length || (pos == 0 && self->length == 0))
    {
      const char *nl = memchr (self->text + pos, '\n', self->length - pos);
      Line l;

      l.start = pos;
      l.end = nl != NULL ? (gsize) (nl - self->text) + 1 : self->length;
      l.content_end = nl != NULL ? (gsize) (nl - self->text) : self->length;
      while (l.content_end > l.start &&
             (self->text[l.content_end - 1] == '\r' || self->text[l.content_end - 1] == '\n'))
        l.content_end--;
      g_array_append_val (self->line_starts, l.start);
      g_array_append_val (lines, l);
      if (self->length == 0)
        break;
      pos = l.end;
    }
  if (self->length > 0 && self->text[self->length - 1] == '\n')
    g_array_append_val (self->line_starts, self->length);

  p.df = self;
  p.text = self->text;
  p.lines = (Line *) (void *) lines->data;
  p.n_lines = self->length == 0 ? 0 : lines->len;

  /* Everything below works on valid UTF-8 without NUL bytes. */
  if (!g_utf8_validate_len (self->text, self->length, &invalid))
    {
      gsize offset = invalid - self->text;

      if (*invalid == '\0' && offset < self->length)
        set_error_at (&p, error, DOCKYARD_DOCKERFILE_ERROR_ENCODING, offset,
                      _("the file contains NUL bytes; is it a binary file?"));
      else
        set_error_at (&p, error, DOCKYARD_DOCKERFILE_ERROR_ENCODING, offset,
                      _("the file is not valid UTF-8 text"));
      return NULL;
    }

  /* BuildKit reads lines with a 64 KiB buffer that must hold the line end too. */
  for (guint i = 0; i < p.n_lines; i++)
    {
      gsize raw = p.lines[i].end - p.lines[i].start;
      gboolean has_newline = raw > 0 && self->text[p.lines[i].end - 1] == '\n';

      if (raw > DOCKYARD_DOCKERFILE_MAX_LINE_LENGTH + 1 ||
          (!has_newline && raw > DOCKYARD_DOCKERFILE_MAX_LINE_LENGTH))
        {
          set_error_at (&p, error, DOCKYARD_DOCKERFILE_ERROR_TOO_LONG, p.lines[i].start,
                        _("line greater than max allowed size of %d"),
                        DOCKYARD_DOCKERFILE_MAX_LINE_LENGTH);
          return NULL;
        }
    }

  if (!parse (&p, error))
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

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, error))
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
      instruction_dump (g_ptr_array_index (self->instructions, i), out);
      g_string_append (out, ")\n");
    }

  return g_string_free (out, FALSE);
}
