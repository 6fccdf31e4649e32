/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-dockerfile-private.h"

/* Shell-style words of a Dockerfile line, as BuildKit splits them: the
 * word scanner of its parser (parseWords, extractBuilderFlags), the heredoc
 * marker scanner of its shell lexer, and the variable expansion of FROM. */

/* ---------------------------------------------------------------------- */
/* Words of a line                                                         */

/* Moves past the escape character *@ch at *@pos (keeping it in @buf with
 * @keep) and reads the character it escapes into *@ch.  Returns %FALSE at
 * the end of the text, where the escape is dropped. */
static gboolean
read_escaped (const char *s,
              gsize       b,
              gboolean    keep,
              GString    *buf,
              gsize      *pos,
              gunichar   *ch,
              gsize      *next)
{
  *pos = *next;
  if (*next >= b)
    return FALSE;
  if (keep)
    g_string_append_unichar (buf, *ch);
  *ch = _dockyard_char_at (s, *pos);
  *next = _dockyard_next_pos (s, *pos);
  return TRUE;
}

gsize
_dockyard_scan_words (const char        *s,
                      gsize              a,
                      gsize              b,
                      gunichar           esc,
                      DockyardWordsMode  mode,
                      DockyardWordFunc   func,
                      gpointer           user_data)
{
  enum { IN_SPACES, IN_WORD, IN_QUOTE } phase = IN_SPACES;
  g_autoptr(GString) buf = g_string_new (NULL);
  gboolean keep = mode == DOCKYARD_WORDS_KEEP_QUOTES;
  gboolean flags = mode == DOCKYARD_WORDS_FLAGS;
  gunichar quote = 0;
  gboolean blank_ok = FALSE;
  gsize word_start = a;
  gsize pos = a;

  for (;;)
    {
      gboolean at_end = pos >= b;
      gunichar ch = at_end ? 0 : _dockyard_char_at (s, pos);
      gsize next = at_end ? b : _dockyard_next_pos (s, pos);

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
          /* Outside quotes parseWords keeps the escape character, with
           * the character it escapes (even a quote). */
          if (ch == esc && !read_escaped (s, b, keep, buf, &pos, &ch, &next))
            continue;
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
      if (ch == esc && (!keep || quote != '\'') &&
          !read_escaped (s, b, keep, buf, &pos, &ch, &next))
        {
          phase = IN_WORD;
          continue;
        }
      g_string_append_unichar (buf, ch);
      pos = next;
    }

  return b;
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
  return lx->pos < lx->end ? _dockyard_char_at (lx->s, lx->pos) : SH_EOF;
}

static gunichar
sh_next (ShLex *lx)
{
  gunichar c = sh_peek (lx);

  if (c != SH_EOF)
    lx->pos = _dockyard_next_pos (lx->s, lx->pos);
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

GPtrArray *
_dockyard_shell_words (const char *s,
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
gboolean
_dockyard_heredoc_from_word (const char       *word,
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

