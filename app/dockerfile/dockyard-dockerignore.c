/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gio/gio.h>

#include "dockyard-dockerignore.h"

/**
 * DockyardDockerignore:
 *
 * The patterns of a `.dockerignore` file, matched the way the classic
 * `docker build` client (20.10) matches them, because what that client sends
 * is what users expect from their `.dockerignore`.  That means its quirks too:
 *
 * - a pattern is turned into a regular expression where only `*`, `**`, `?`,
 *   `.`, `$` and `\` are translated; other regular expression syntax (`+`,
 *   `(`, `|`, `{`, character classes) keeps its regular expression meaning;
 * - besides the path itself, a pattern is tried against the leading path
 *   components of the parent directory, as many as the pattern has
 *   (`foo` matches `foo/bar`, but `*.pyc` does not match `sub/x.pyc`);
 * - a pattern must still be valid for Go's `filepath.Match`.
 *
 * Immutable once made, so one matcher can be used from several threads.
 */

typedef struct
{
  char     *text;       /* cleaned, without the '!' */
  GRegex   *regex;
  guint     n_parts;    /* path components in text */
  gboolean  exception;
} Pattern;

struct _DockyardDockerignore
{
  gatomicrefcount  ref_count;
  GArray          *patterns;  /* of Pattern */
  gboolean         has_exceptions;
};

G_DEFINE_BOXED_TYPE (DockyardDockerignore, dockyard_dockerignore,
                     dockyard_dockerignore_ref, dockyard_dockerignore_unref)

static void
pattern_clear (gpointer data)
{
  Pattern *pattern = data;

  g_clear_pointer (&pattern->text, g_free);
  g_clear_pointer (&pattern->regex, g_regex_unref);
}

/* Go's unicode.IsSpace, which strings.TrimSpace uses. */
static gboolean
is_go_space (gunichar c)
{
  return c == 0x85 || g_unichar_isspace (c);
}

static char *
trim_space (const char *start,
            const char *end)
{
  while (start < end)
    {
      gunichar c = g_utf8_get_char_validated (start, end - start);

      if (c == (gunichar) -1 || c == (gunichar) -2 || !is_go_space (c))
        break;
      start = g_utf8_next_char (start);
    }

  while (end > start)
    {
      const char *prev = g_utf8_find_prev_char (start, end);
      gunichar c;

      if (prev == NULL)
        break;
      c = g_utf8_get_char_validated (prev, end - prev);
      if (c == (gunichar) -1 || c == (gunichar) -2 || !is_go_space (c))
        break;
      end = prev;
    }

  return g_strndup (start, end - start);
}

/**
 * dockyard_dockerignore_clean_path:
 * @path: a slash-separated path
 *
 * Lexically cleans @path as Go's `filepath.Clean` does: repeated slashes,
 * `.` components and `..` after a component are removed, a trailing slash is
 * dropped, and the empty path becomes `.`.
 *
 * Returns: (transfer full): the cleaned path
 */
char *
dockyard_dockerignore_clean_path (const char *path)
{
  gsize n = strlen (path);
  gboolean rooted = n > 0 && path[0] == '/';
  g_autofree char *out = g_malloc (n + 2);
  gsize w = 0;
  gsize r = 0;
  gsize floor = 0;  /* w may not backtrack below this */

  if (rooted)
    {
      out[w++] = '/';
      r = 1;
      floor = 1;
    }

  while (r < n)
    {
      if (path[r] == '/')
        r++;
      else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/'))
        r++;
      else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/'))
        {
          r += 2;
          if (w > floor)
            {
              w--;
              while (w > floor && out[w] != '/')
                w--;
            }
          else if (!rooted)
            {
              /* A leading ".." cannot be resolved: keep it, and never
               * backtrack over it. */
              if (w > 0)
                out[w++] = '/';
              out[w++] = '.';
              out[w++] = '.';
              floor = w;
            }
        }
      else
        {
          if ((rooted && w != 1) || (!rooted && w != 0))
            out[w++] = '/';
          while (r < n && path[r] != '/')
            out[w++] = path[r++];
        }
    }

  if (w == 0)
    return g_strdup (".");

  out[w] = '\0';
  return g_steal_pointer (&out);
}

/**
 * dockyard_dockerignore_parse:
 * @contents: the text of a `.dockerignore` file
 * @length: its length, or -1 if nul-terminated
 *
 * Splits a `.dockerignore` file into patterns: a UTF-8 byte order mark is
 * dropped, a line is a comment only when `#` is its very first character,
 * blank lines are skipped, and each pattern is trimmed, cleaned and stripped
 * of a leading `/` (keeping a leading `!`).
 *
 * Returns: (transfer full): the patterns, in file order
 */
char **
dockyard_dockerignore_parse (const char *contents,
                             gssize      length)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *p;
  const char *end;

  g_return_val_if_fail (contents != NULL || length == 0, NULL);

  if (length < 0)
    length = strlen (contents);
  p = contents;
  end = contents + length;

  if (length >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *line_end = eol != NULL ? eol : end;
      const char *next = eol != NULL ? eol + 1 : end;
      g_autofree char *pattern = NULL;
      gboolean invert;

      if (line_end > p && line_end[-1] == '\r')
        line_end--;

      if (*p == '#')
        {
          p = next;
          continue;
        }

      pattern = trim_space (p, line_end);
      p = next;
      if (*pattern == '\0')
        continue;

      invert = pattern[0] == '!';
      if (invert)
        {
          char *rest = trim_space (pattern + 1, pattern + strlen (pattern));

          g_free (pattern);
          pattern = rest;
        }

      if (*pattern != '\0')
        {
          char *clean = dockyard_dockerignore_clean_path (pattern);

          g_free (pattern);
          pattern = clean;
          if (strlen (pattern) > 1 && pattern[0] == '/')
            memmove (pattern, pattern + 1, strlen (pattern));
        }

      if (invert)
        {
          g_autofree char *exception = g_strconcat ("!", pattern, NULL);

          g_strv_builder_add (builder, exception);
        }
      else
        g_strv_builder_add (builder, pattern);
    }

  return g_strv_builder_end (builder);
}

/* One item of a character class, as Go's filepath.Match reads it; returns
 * the position after it, or NULL if the class is malformed there. */
static const char *
check_class_char (const char *p)
{
  gunichar c;

  if (*p == '\0' || *p == '-' || *p == ']')
    return NULL;
  if (*p == '\\')
    {
      p++;
      if (*p == '\0')
        return NULL;
    }

  c = g_utf8_get_char_validated (p, -1);
  if (c == (gunichar) -1 || c == (gunichar) -2)
    return NULL;
  p = g_utf8_next_char (p);

  /* A class must go on after each item: at least its closing ']'. */
  if (*p == '\0')
    return NULL;

  return p;
}

/* Docker rejects any pattern that Go's filepath.Match calls malformed:
 * an unterminated or empty character class, a bad range, a trailing '\'. */
static gboolean
check_match_syntax (const char *pattern)
{
  const char *p = pattern;

  while (*p != '\0')
    {
      if (*p == '\\')
        {
          if (p[1] == '\0')
            return FALSE;
          p += 2;
        }
      else if (*p == '[')
        {
          guint n_ranges = 0;

          p++;
          if (*p == '^')
            p++;

          for (;;)
            {
              if (*p == ']' && n_ranges > 0)
                {
                  p++;
                  break;
                }
              if ((p = check_class_char (p)) == NULL)
                return FALSE;
              if (*p == '-' && (p = check_class_char (p + 1)) == NULL)
                return FALSE;
              n_ranges++;
            }
        }
      else
        p++;
    }

  return TRUE;
}

/* The regular expression Docker 20.10 builds from a pattern.  Characters
 * it does not translate are copied as they are, with their regular
 * expression meaning. */
static char *
pattern_to_regex (const char *pattern)
{
  GString *regex = g_string_new ("^");
  const char *p = pattern;

  while (*p != '\0')
    {
      const char *next = g_utf8_next_char (p);

      if (*p == '*')
        {
          if (*next == '*')
            {
              next++;
              if (*next == '/')
                next++;

              if (*next == '\0')
                g_string_append (regex, ".*");
              else
                g_string_append (regex, "(.*/)?");
            }
          else
            g_string_append (regex, "[^/]*");
        }
      else if (*p == '?')
        g_string_append (regex, "[^/]");
      else if (*p == '.' || *p == '$')
        {
          g_string_append_c (regex, '\\');
          g_string_append_c (regex, *p);
        }
      else if (*p == '\\')
        {
          g_string_append_c (regex, '\\');
          if (*next != '\0')
            {
              const char *after = g_utf8_next_char (next);

              g_string_append_len (regex, next, after - next);
              next = after;
            }
        }
      else
        g_string_append_len (regex, p, next - p);

      p = next;
    }

  g_string_append_c (regex, '$');

  return g_string_free (regex, FALSE);
}

static gboolean
pattern_init (Pattern     *pattern,
              const char  *text,
              GError     **error)
{
  g_autofree char *valid = NULL;
  g_autofree char *regex = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *p;

  if (!check_match_syntax (text))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Syntax error in .dockerignore pattern “%s”"), text);
      return FALSE;
    }

  /* Go reads an invalid byte as U+FFFD; do the same so that the expression
   * is valid UTF-8. */
  valid = g_utf8_make_valid (text, -1);
  regex = pattern_to_regex (valid);
  pattern->regex = g_regex_new (regex, G_REGEX_DOLLAR_ENDONLY, 0, &local_error);
  if (pattern->regex == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Syntax error in .dockerignore pattern “%s”: %s"), text,
                   local_error->message);
      return FALSE;
    }

  pattern->text = g_strdup (text);
  pattern->n_parts = 1;
  for (p = text; *p != '\0'; p++)
    if (*p == '/')
      pattern->n_parts++;

  return TRUE;
}

/**
 * dockyard_dockerignore_new:
 * @patterns: patterns as returned by dockyard_dockerignore_parse(), in order
 * @error: return location for an error
 *
 * Compiles @patterns.  A pattern that Docker would refuse (a lone `!`, a
 * malformed character class, a trailing backslash) is an error.
 *
 * Returns: (transfer full): the matcher, or %NULL on error
 */
DockyardDockerignore *
dockyard_dockerignore_new (const char * const  *patterns,
                           GError             **error)
{
  g_autoptr(DockyardDockerignore) self = g_new0 (DockyardDockerignore, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->patterns = g_array_new (FALSE, TRUE, sizeof (Pattern));
  g_array_set_clear_func (self->patterns, pattern_clear);

  for (guint i = 0; patterns != NULL && patterns[i] != NULL; i++)
    {
      g_autofree char *trimmed = trim_space (patterns[i], patterns[i] + strlen (patterns[i]));
      g_autofree char *clean = NULL;
      Pattern pattern = { 0 };
      const char *text;

      if (*trimmed == '\0')
        continue;

      clean = dockyard_dockerignore_clean_path (trimmed);
      text = clean;
      if (text[0] == '!')
        {
          if (text[1] == '\0')
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("Invalid .dockerignore pattern “!”: an exception needs a path"));
              return NULL;
            }
          pattern.exception = TRUE;
          self->has_exceptions = TRUE;
          text++;
        }

      if (!pattern_init (&pattern, text, error))
        {
          pattern_clear (&pattern);
          return NULL;
        }

      g_array_append_val (self->patterns, pattern);
    }

  return g_steal_pointer (&self);
}

/**
 * dockyard_dockerignore_new_from_contents:
 * @contents: the text of a `.dockerignore` file
 * @length: its length, or -1 if nul-terminated
 * @error: return location for an error
 *
 * Returns: (transfer full): the matcher, or %NULL on error
 */
DockyardDockerignore *
dockyard_dockerignore_new_from_contents (const char  *contents,
                                         gssize       length,
                                         GError     **error)
{
  g_auto(GStrv) patterns = dockyard_dockerignore_parse (contents, length);

  return dockyard_dockerignore_new ((const char * const *) patterns, error);
}

DockyardDockerignore *
dockyard_dockerignore_ref (DockyardDockerignore *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dockyard_dockerignore_unref (DockyardDockerignore *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_clear_pointer (&self->patterns, g_array_unref);
      g_free (self);
    }
}

static gboolean
pattern_matches (const Pattern *pattern,
                 const char    *path)
{
  return g_regex_match (pattern->regex, path, 0, NULL);
}

/**
 * dockyard_dockerignore_matches:
 * @self: a matcher
 * @path: a clean path relative to the context, with `/` separators
 *
 * Whether @path is excluded: the last pattern that matches it (or one of
 * its leading directories) decides.
 *
 * Returns: %TRUE if @path is excluded from the build context
 */
gboolean
dockyard_dockerignore_matches (DockyardDockerignore *self,
                               const char           *path)
{
  g_autofree char *valid = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *prefix = NULL;
  guint prefix_parts = 0;
  guint n_parent_parts = 0;
  gboolean excluded = FALSE;
  const char *slash;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_utf8_validate (path, -1, NULL))
    path = valid = g_utf8_make_valid (path, -1);

  slash = strrchr (path, '/');
  if (slash != NULL)
    {
      parent = g_strndup (path, slash - path);
      n_parent_parts = 1;
      for (const char *p = parent; *p != '\0'; p++)
        if (*p == '/')
          n_parent_parts++;
    }

  for (guint i = 0; i < self->patterns->len; i++)
    {
      const Pattern *pattern = &g_array_index (self->patterns, Pattern, i);
      gboolean match = pattern_matches (pattern, path);

      /* A pattern also matches everything below what it names: try it on
       * as many leading components of the parent as it has itself. */
      if (!match && parent != NULL && pattern->n_parts <= n_parent_parts)
        {
          if (prefix == NULL || prefix_parts != pattern->n_parts)
            {
              const char *p = parent;

              for (guint n = 0; n < pattern->n_parts && p != NULL; n++)
                {
                  p = strchr (p, '/');
                  if (p != NULL && n + 1 < pattern->n_parts)
                    p++;
                }

              g_free (prefix);
              prefix = p != NULL ? g_strndup (parent, p - parent) : g_strdup (parent);
              prefix_parts = pattern->n_parts;
            }
          match = pattern_matches (pattern, prefix);
        }

      if (match)
        excluded = !pattern->exception;
    }

  return excluded;
}

/**
 * dockyard_dockerignore_has_exceptions:
 * @self: a matcher
 *
 * Returns: whether any pattern is an exception (`!pattern`)
 */
gboolean
dockyard_dockerignore_has_exceptions (DockyardDockerignore *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->has_exceptions;
}

/**
 * dockyard_dockerignore_may_include_below:
 * @self: a matcher
 * @dir: an excluded directory, relative to the context
 *
 * Docker skips an excluded directory without looking inside unless an
 * exception pattern starts with that directory's path (literally: `!*\/keep`
 * does not count, `!dir/keep` does).  Matching that keeps the same files.
 *
 * Returns: whether the walk must look inside @dir
 */
gboolean
dockyard_dockerignore_may_include_below (DockyardDockerignore *self,
                                         const char           *dir)
{
  gsize len;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  len = strlen (dir);
  for (guint i = 0; i < self->patterns->len; i++)
    {
      const Pattern *pattern = &g_array_index (self->patterns, Pattern, i);

      /* (pattern + "/") starts with (dir + "/") */
      if (pattern->exception
          && strncmp (pattern->text, dir, len) == 0
          && (pattern->text[len] == '/' || pattern->text[len] == '\0'))
        return TRUE;
    }

  return FALSE;
}
