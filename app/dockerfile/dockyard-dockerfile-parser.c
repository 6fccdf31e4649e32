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

/* The separator of BuildKit's reWhitespace: [\t\v\f\r ] */
static inline gboolean
is_re_space (char c)
{
  return c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == ' ';
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
  a = _dockyard_skip_go_space (s, a + 1, b);

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
  a = _dockyard_skip_go_space (p->text, a, b);
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

  result = _dockyard_scan_words (s, a, b, (gunichar) p->df->escape, DOCKYARD_WORDS_FLAGS, add_flag, &fl);
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
  _dockyard_scan_words (s, a, b, (gunichar) p->df->escape, DOCKYARD_WORDS_KEEP_QUOTES, add_word, wl);
}

static DockyardJsonArray
parse_json_array (const char *s,
                  gsize       a,
                  gsize       b,
                  WordList   *wl)
{
  return _dockyard_parse_json_array (s, a, b, add_word, wl);
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

/* ---------------------------------------------------------------------- */
/* Instructions from logical lines                                         */

static DockyardInstruction *
instruction_from_line (Parser      *p,
                       const char  *s,
                       gsize        a,
                       gsize        b,
                       GArray      *segments,
                       GError     **error,
                       gsize        error_offset);

/* BuildKit's parseMaybeJSON: an array of strings is the exec form (@ins
 * becomes JSON); anything else but an array of non-strings leaves @wl
 * with its first @keep words, for the caller to read the shell form. */
static gboolean
maybe_json (Parser               *p,
            DockyardInstruction  *ins,
            const char           *s,
            gsize                 a,
            gsize                 b,
            WordList             *wl,
            guint                 keep,
            GError              **error,
            gsize                 error_offset)
{
  DockyardJsonArray r = parse_json_array (s, a, b, wl);

  if (r == DOCKYARD_JSON_ARRAY_STRINGS)
    {
      ins->json = TRUE;
      return TRUE;
    }
  if (r == DOCKYARD_JSON_ARRAY_NOT_STRINGS)
    {
      set_error_at (p, error, DOCKYARD_DOCKERFILE_ERROR_SYNTAX, error_offset,
                    _("when using JSON array syntax, arrays must be comprised of strings only"));
      return FALSE;
    }

  g_ptr_array_set_size (wl->words, keep);
  g_array_set_size (wl->offsets, keep);
  return TRUE;
}

/* HEALTHCHECK: the first word, then CMD's exec or shell form. */
static gboolean
parse_healthcheck (Parser               *p,
                   DockyardInstruction  *ins,
                   const char           *s,
                   gsize                 a,
                   gsize                 b,
                   WordList             *wl,
                   GError              **error,
                   gsize                 error_offset)
{
  gsize sep = a;
  gsize next;

  while (sep < b && !_dockyard_is_go_space (_dockyard_char_at (s, sep)))
    sep = _dockyard_next_pos (s, sep);
  next = _dockyard_skip_go_space (s, sep, b);

  if (sep == a)
    return TRUE;

  word_list_add_len (wl, s + a, sep - a, a);
  if (next >= b)
    return TRUE;
  if (!maybe_json (p, ins, s, next, b, wl, 1, error, error_offset))
    return FALSE;
  if (!ins->json)
    word_list_add_len (wl, s + next, b - next, next);
  return TRUE;
}

/* Adds a key, value and separator triple as BuildKit's parse tree has it. */
static void
add_key_value (WordList   *wl,
               const char *key,
               gsize       key_len,
               gsize       key_offset,
               const char *value,
               gsize       value_len,
               gsize       value_offset,
               const char *separator)
{
  gsize none = G_MAXSIZE;

  word_list_add_len (wl, key, key_len, key_offset);
  word_list_add_len (wl, value, value_len, value_offset);
  g_ptr_array_add (wl->words, g_strdup (separator));
  g_array_append_val (wl->offsets, none);
}

/* ENV and LABEL: "name=value" words, or the old "name value" form. */
static gboolean
parse_key_values (Parser      *p,
                  const char  *kw,
                  const char  *s,
                  gsize        a,
                  gsize        b,
                  WordList    *wl,
                  GError     **error,
                  gsize        error_offset)
{
  WordList words;
  gboolean ok = TRUE;

  word_list_init (&words);
  parse_words (p, s, a, b, &words);
  if (words.words->len > 0 && strchr (g_ptr_array_index (words.words, 0), '=') == NULL)
    {
      /* The old "ENV name value" form: one pair, the value the rest of
       * the line. */
      gsize k = a;
      gsize v;

      while (k < b && !is_re_space (s[k]))
        k++;
      v = k;
      while (v < b && is_re_space (s[v]))
        v++;
      if (k < b)
        add_key_value (wl, s + a, k - a, a, s + v, b - v, v, "");
      else
        {
          set_error_at (p, error, DOCKYARD_DOCKERFILE_ERROR_SYNTAX, error_offset,
                        _("%s must have two arguments"), kw);
          ok = FALSE;
        }
    }
  else
    {
      for (guint i = 0; i < words.words->len; i++)
        {
          const char *word = g_ptr_array_index (words.words, i);
          gsize offset = g_array_index (words.offsets, gsize, i);
          const char *eq = strchr (word, '=');

          if (eq == NULL)
            {
              g_autoptr(GString) quoted = g_string_new (NULL);

              _dockyard_go_quote (quoted, word);
              set_error_at (p, error, DOCKYARD_DOCKERFILE_ERROR_SYNTAX, error_offset,
                            _("Syntax error - can't find = in %s. Must be of the form: name=value"),
                            quoted->str);
              ok = FALSE;
              break;
            }
          add_key_value (wl, word, eq - word, offset,
                         eq + 1, strlen (eq + 1), offset + (eq - word) + 1, "=");
        }
    }
  word_list_clear (&words);
  return ok;
}

/* The arguments of @ins from s[a, b), by keyword, as BuildKit's dispatch
 * table does.  Returns %FALSE with @error set on a syntax error. */
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
      ok = maybe_json (p, ins, s, a, b, &wl, 0, error, error_offset);
      if (ok && !ins->json && a < b)
        split_re_space (s, a, b, &wl);
    }
  else if (g_str_equal (kw, "CMD") || g_str_equal (kw, "ENTRYPOINT") ||
           g_str_equal (kw, "RUN") || g_str_equal (kw, "SHELL"))
    {
      if (a < b)
        {
          ok = maybe_json (p, ins, s, a, b, &wl, 0, error, error_offset);
          if (ok && !ins->json)
            word_list_add_len (&wl, s + a, b - a, a);
        }
    }
  else if (g_str_equal (kw, "HEALTHCHECK"))
    ok = parse_healthcheck (p, ins, s, a, b, &wl, error, error_offset);
  else if (g_str_equal (kw, "ENV") || g_str_equal (kw, "LABEL"))
    ok = parse_key_values (p, kw, s, a, b, &wl, error, error_offset);
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
          ok = ins->subcommand != NULL;
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
  g_autoptr(DockyardInstruction) ins = _dockyard_instruction_new (s, segments);
  gsize c;

  /* strings.TrimSpace, then the keyword up to the first [\t\v\f\r ]. */
  a = _dockyard_skip_go_space (s, a, b);
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
      a = _dockyard_skip_go_space (s, a, b);
    }
  else
    a = b;

  if (!dispatch (p, ins, s, a, b, segments, error, error_offset))
    return NULL;

  _dockyard_instruction_parse_mounts (ins);

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

/* Reads the bodies of the heredocs that @line opens from the lines at
 * *@i on, into @ins; moves *@i and *@end_offset past them. */
static gboolean
read_heredocs (Parser               *p,
               DockyardInstruction  *ins,
               const char           *line,
               gsize                 a,
               guint                *i,
               gsize                *end_offset,
               GError              **error)
{
  const char *s = p->text;
  g_autoptr(GPtrArray) words = _dockyard_shell_words (line, 0, strlen (line), TRUE);
  DockyardInstruction *target = ins->subcommand != NULL ? ins->subcommand : ins;

  for (guint w = 0; words != NULL && w < words->len; w++)
    {
      DockyardHeredoc *heredoc = NULL;
      g_autoptr(GString) content = NULL;
      gboolean terminated = FALSE;
      g_autoptr(GError) local_error = NULL;

      if (!_dockyard_heredoc_from_word (g_ptr_array_index (words, w), &heredoc, &local_error))
        {
          set_error_at (p, error, DOCKYARD_DOCKERFILE_ERROR_SYNTAX, a, "%s",
                        local_error->message);
          return FALSE;
        }
      if (heredoc == NULL)
        continue;

      g_ptr_array_add (target->heredocs, heredoc);
      content = g_string_new (NULL);
      heredoc->content_offset = *i < p->n_lines ? p->lines[*i].start : p->df->length;

      while (*i < p->n_lines)
        {
          Line *l = &p->lines[(*i)++];
          gsize ta = l->start;

          *end_offset = l->content_end;
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

  return TRUE;
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
      DockyardSegment seg;

      a = _dockyard_skip_go_space (s, a, b);
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
      segments = g_array_new (FALSE, FALSE, sizeof (DockyardSegment));
      seg = (DockyardSegment) { 0, a, b - a };
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
          if (_dockyard_skip_go_space (s, la, lb) == lb)
            continue;

          continued = is_continued (p, la, lb, &cut);
          if (continued)
            lb = cut;
          seg = (DockyardSegment) { line->len, la, lb - la };
          g_array_append_val (segments, seg);
          g_string_append_len (line, s + la, lb - la);
        }

      ins = instruction_from_line (p, line->str, 0, line->len, segments, error, a);
      if (ins == NULL)
        return FALSE;

      if (can_contain_heredoc (ins) && strstr (line->str, "<<") != NULL &&
          !read_heredocs (p, ins, line->str, a, &i, &end_offset, error))
        return FALSE;

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

/* Splits the text into lines and parses them into @self's instructions
 * (BuildKit's Parse). */
gboolean
_dockyard_dockerfile_parse (DockyardDockerfile  *self,
                            GError             **error)
{
  g_autoptr(GArray) lines = NULL;
  const char *invalid = NULL;
  Parser p = { 0 };
  gsize pos = 0;

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
      return FALSE;
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
          return FALSE;
        }
    }

  return parse (&p, error);
}
