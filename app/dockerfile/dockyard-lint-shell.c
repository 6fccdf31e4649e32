/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-lint-private.h"

/* A small shell reader: enough to find the simple commands of a RUN and
 * their words, with where each word is. */

static void
sh_word_free (DockyardShellWord *word)
{
  g_free (word->text);
  g_free (word);
}

typedef struct
{
  GPtrArray *commands;
  GPtrArray *current;
  GString   *buf;
  gboolean   in_word;
  gboolean   has_var;
  gboolean   quoted;
  gboolean   skip_next;
  gsize      word_start;
} ShReader;

GPtrArray *
_dockyard_shell_command_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) sh_word_free);
}

static void
reader_start_word (ShReader *r,
                   gsize     pos)
{
  if (!r->in_word)
    {
      r->in_word = TRUE;
      r->word_start = pos;
    }
}

static void
reader_end_word (ShReader *r,
                 gsize     pos)
{
  if (r->in_word)
    {
      if (r->skip_next)
        r->skip_next = FALSE;
      else
        {
          DockyardShellWord *word = g_new0 (DockyardShellWord, 1);

          word->text = g_strdup (r->buf->str);
          word->start = r->word_start;
          word->end = pos;
          word->has_var = r->has_var;
          g_ptr_array_add (r->current, word);
        }
    }
  g_string_truncate (r->buf, 0);
  r->in_word = FALSE;
  r->has_var = FALSE;
  r->quoted = FALSE;
}

static void
reader_end_command (ShReader *r,
                    gsize     pos)
{
  reader_end_word (r, pos);
  r->skip_next = FALSE;
  if (r->current->len > 0)
    {
      g_ptr_array_add (r->commands, r->current);
      r->current = _dockyard_shell_command_new ();
    }
}

gboolean
_dockyard_is_all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* A quoted part of a word at s[i]; returns the index after it. */
static gsize
read_quoted (ShReader   *r,
             const char *s,
             gsize       len,
             gsize       i)
{
  char quote = s[i];

  reader_start_word (r, i);
  r->quoted = TRUE;
  i++;
  while (i < len && s[i] != quote)
    {
      if (quote == '"' && s[i] == '\\' && i + 1 < len && strchr ("\"\\$`", s[i + 1]) != NULL)
        i++;
      else if (quote == '"' && (s[i] == '$' || s[i] == '`'))
        r->has_var = TRUE;
      g_string_append_c (r->buf, s[i++]);
    }
  return i + 1;
}

/* $VAR, ${...}, $(...) or `...` at s[i]: the word depends on a variable;
 * returns the index after what is read. */
static gsize
read_substitution (ShReader   *r,
                   const char *s,
                   gsize       len,
                   gsize       i)
{
  reader_start_word (r, i);
  r->has_var = TRUE;
  if (s[i] == '`')
    {
      g_string_append_c (r->buf, s[i++]);
      while (i < len && s[i] != '`')
        g_string_append_c (r->buf, s[i++]);
      if (i < len)
        g_string_append_c (r->buf, s[i++]);
    }
  else if (i + 1 < len && (s[i + 1] == '(' || s[i + 1] == '{'))
    {
      char open = s[i + 1];
      char close = open == '(' ? ')' : '}';
      guint depth = 0;

      /* $(...) and ${...} stay one word, whatever is inside. */
      while (i < len)
        {
          if (s[i] == open)
            depth++;
          else if (s[i] == close && --depth == 0)
            {
              g_string_append_c (r->buf, s[i++]);
              break;
            }
          g_string_append_c (r->buf, s[i++]);
        }
    }
  else
    g_string_append_c (r->buf, s[i++]);
  return i;
}

/* Redirections: "2>" drops the fd, the target word is skipped; returns
 * the index after the operator. */
static gsize
read_redirection (ShReader   *r,
                  const char *s,
                  gsize       len,
                  gsize       i)
{
  if (r->in_word && !r->quoted && _dockyard_is_all_digits (r->buf->str))
    {
      g_string_truncate (r->buf, 0);
      r->in_word = FALSE;
    }
  else
    reader_end_word (r, i);
  while (i < len && (s[i] == '>' || s[i] == '<' || s[i] == '|' || s[i] == '-'))
    i++;
  if (i < len && s[i] == '&')
    {
      i++;
      while (i < len && (g_ascii_isdigit (s[i]) || s[i] == '-'))
        i++;
    }
  else
    r->skip_next = TRUE;
  return i;
}

GPtrArray *
_dockyard_shell_commands (const char *s,
                          gsize       len)
{
  ShReader r = { 0 };
  gsize i = 0;

  r.commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  r.current = _dockyard_shell_command_new ();
  r.buf = g_string_new (NULL);

  while (i < len)
    {
      char c = s[i];

      if (c == ' ' || c == '\t' || c == '\r')
        {
          reader_end_word (&r, i);
          i++;
        }
      else if (c == '\n')
        {
          reader_end_command (&r, i);
          i++;
        }
      else if (c == '#' && !r.in_word)
        {
          while (i < len && s[i] != '\n')
            i++;
        }
      else if (c == '\\')
        {
          if (i + 1 < len && s[i + 1] == '\n')
            {
              i += 2;
              continue;
            }
          reader_start_word (&r, i);
          if (i + 1 < len)
            g_string_append_c (r.buf, s[i + 1]);
          i += 2;
        }
      else if (c == '\'' || c == '"')
        i = read_quoted (&r, s, len, i);
      else if (c == '$' || c == '`')
        i = read_substitution (&r, s, len, i);
      else if (c == '>' || c == '<')
        i = read_redirection (&r, s, len, i);
      else if (c == ';' || c == '&' || c == '|' || c == '(' || c == ')')
        {
          if (c == '&' && i + 1 < len && s[i + 1] == '>')
            {
              reader_end_word (&r, i);
              i += 2;
              while (i < len && s[i] == '>')
                i++;
              r.skip_next = TRUE;
              continue;
            }
          reader_end_command (&r, i);
          i++;
        }
      else
        {
          reader_start_word (&r, i);
          g_string_append_c (r.buf, c);
          i++;
        }
    }
  reader_end_command (&r, len);

  g_ptr_array_unref (r.current);
  g_string_free (r.buf, TRUE);

  return r.commands;
}

static gboolean
is_assignment (const char *word)
{
  const char *p = word;

  if (!g_ascii_isalpha (*p) && *p != '_')
    return FALSE;
  while (g_ascii_isalnum (*p) || *p == '_')
    p++;
  return *p == '=';
}

const char *
_dockyard_shell_base_name (const char *word)
{
  const char *slash = strrchr (word, '/');

  return slash != NULL ? slash + 1 : word;
}

/* The index of the program word, past keywords, assignments, sudo, env. */
guint
_dockyard_shell_program_index (GPtrArray *cmd)
{
  static const char * const skip[] = {
    "if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "time",
    "exec", "nohup", "command", "builtin", "eatmydata", NULL,
  };
  guint i = 0;

  while (i < cmd->len)
    {
      DockyardShellWord *w = g_ptr_array_index (cmd, i);
      const char *name = _dockyard_shell_base_name (w->text);

      if (g_strv_contains (skip, w->text) || is_assignment (w->text))
        i++;
      else if (g_str_equal (name, "nice"))
        {
          /* nice [-n N | -N | --adjustment=N] COMMAND */
          i++;
          while (i < cmd->len)
            {
              DockyardShellWord *o = g_ptr_array_index (cmd, i);

              if (g_str_equal (o->text, "-n") || g_str_equal (o->text, "--adjustment"))
                i += 2;
              else if (o->text[0] == '-')
                i++;
              else
                break;
            }
        }
      else if (g_str_equal (name, "sudo") || g_str_equal (name, "env"))
        {
          i++;
          while (i < cmd->len)
            {
              DockyardShellWord *o = g_ptr_array_index (cmd, i);

              if (g_str_equal (o->text, "-u") || g_str_equal (o->text, "-g") ||
                  g_str_equal (o->text, "-C") || g_str_equal (o->text, "-h"))
                i += 2;
              else if (o->text[0] == '-' || is_assignment (o->text))
                i++;
              else
                break;
            }
        }
      else
        break;
    }

  return i;
}

