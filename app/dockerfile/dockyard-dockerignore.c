/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE  /* memmem */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gio/gio.h>

#include "dockyard-dockerignore.h"
#include "dockyard-go-regex.h"

/**
 * DockyardDockerignore:
 *
 * The patterns of a `.dockerignore` file, matched the way current Docker
 * clients match them (moby/patternmatcher 0.6, used by the docker CLI 28
 * and by buildx), because what those clients send is what users expect from
 * their `.dockerignore`.  That means their quirks too:
 *
 * - a pattern without wildcards is compared literally; `**` at the start or
 *   the end becomes a suffix or prefix comparison;
 * - otherwise a pattern becomes a Go regular expression where `*`, `**`, `?`
 *   and `\` are translated, `.+()|{}$` are literal, and character classes
 *   (and `^`) keep their regular expression meaning;
 * - a path is excluded when a pattern matches it or matched a folder above
 *   it; a pattern is not tried when it cannot change the answer, so an
 *   exception only reopens what an earlier pattern closed;
 * - a pattern must still be valid for Go's `filepath.Match`; a regular
 *   expression Go refuses is an error when it is first needed.
 *
 * Docker 20.10 differed: `+ ( ) | { }` kept their regular expression
 * meaning, and a pattern was tried on a parent folder only with as many
 * components as it had itself.
 *
 * Matching never backtracks (see DockyardGoRegex): linear time per path.
 * Immutable once made, so one matcher can be used from several threads.
 */

typedef enum
{
  MATCH_EXACT,
  MATCH_PREFIX,
  MATCH_SUFFIX,
  MATCH_REGEX,
} MatchType;

typedef struct
{
  char            *text;       /* cleaned, without the '!' */
  gsize            text_len;
  MatchType        type;
  DockyardGoRegex *regex;      /* MATCH_REGEX */
  GError          *bad;        /* MATCH_REGEX that Go would refuse */
  gsize            literal;    /* MATCH_REGEX: bytes of text every match starts with */
  char            *required;   /* MATCH_REGEX: plain text every match holds */
  gsize            required_len;
  gboolean         exception;
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
  g_clear_pointer (&pattern->regex, dockyard_go_regex_free);
  g_clear_error (&pattern->bad);
  g_clear_pointer (&pattern->required, g_free);
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

/* Go's text/scanner, which Docker reads the pattern with: an invalid byte
 * is U+FFFD. */
static gunichar
scan_rune (const char **p,
           const char  *end)
{
  gunichar c = g_utf8_get_char_validated (*p, end - *p);

  if (c == (gunichar) -1 || c == (gunichar) -2)
    {
      (*p)++;
      return 0xFFFD;
    }

  *p = g_utf8_next_char (*p);
  return c;
}

static gboolean
is_escaped_literal (gunichar c)
{
  return c != '\0' && c < 0x80 && strchr (".+()|{}$", (int) c) != NULL;
}

/* The longest run of plain characters between wildcards, before anything
 * that could start a class or an escape: every match holds it as it is. */
static char *
longest_plain_run (const char *text)
{
  const char *best = NULL;
  gsize best_len = 0;
  const char *run = text;
  const char *p = text;

  for (; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c >= 0x80 || strchr ("[]\\^", c) != NULL)
        break;
      if (c == '*' || c == '?')
        {
          if ((gsize) (p - run) > best_len)
            {
              best = run;
              best_len = p - run;
            }
          if (c == '*' && p[1] == '*')
            {
              p++;
              if (p[1] == '/')
                p++;
            }
          run = p + 1;
        }
    }
  if ((gsize) (p - run) > best_len)
    {
      best = run;
      best_len = p - run;
    }

  return best_len > 0 ? g_strndup (best, best_len) : NULL;
}

/* Sorts the pattern into one of Docker's four kinds and, for a regular
 * expression, builds the one Docker builds. */
static void
pattern_compile (Pattern *pattern)
{
  g_autoptr(GString) regex = g_string_new ("^");
  const char *p = pattern->text;
  const char *end = p + strlen (p);
  MatchType type = MATCH_EXACT;

  /* The scanner drops a byte order mark at the start. */
  if (g_str_has_prefix (p, "\xEF\xBB\xBF"))
    p += 3;

  for (guint i = 0; p < end; i++)
    {
      gunichar c = scan_rune (&p, end);

      if (c == '*' && p < end && *p == '*')
        {
          p++;
          if (p < end && *p == '/')
            p++;

          if (p == end)
            {
              if (type == MATCH_EXACT)
                type = MATCH_PREFIX;
              else
                {
                  g_string_append (regex, ".*");
                  type = MATCH_REGEX;
                }
            }
          else
            {
              g_string_append (regex, "(.*/)?");
              type = MATCH_REGEX;
            }

          if (i == 0)
            type = MATCH_SUFFIX;
        }
      else if (c == '*')
        {
          g_string_append (regex, "[^/]*");
          type = MATCH_REGEX;
        }
      else if (c == '?')
        {
          g_string_append (regex, "[^/]");
          type = MATCH_REGEX;
        }
      else if (is_escaped_literal (c))
        {
          g_string_append_c (regex, '\\');
          g_string_append_unichar (regex, c);
        }
      else if (c == '\\')
        {
          g_string_append_c (regex, '\\');
          if (p < end)
            {
              g_string_append_unichar (regex, scan_rune (&p, end));
              type = MATCH_REGEX;
            }
        }
      else if (c == '[' || c == ']')
        {
          g_string_append_unichar (regex, c);
          type = MATCH_REGEX;
        }
      else
        g_string_append_unichar (regex, c);
    }

  pattern->type = type;
  if (type == MATCH_REGEX)
    {
      /* The plain ASCII before the first wildcard: a quick test first. */
      while (pattern->text[pattern->literal] != '\0'
             && (guchar) pattern->text[pattern->literal] < 0x80
             && strchr ("*?[]\\^", pattern->text[pattern->literal]) == NULL)
        pattern->literal++;
      pattern->required = longest_plain_run (pattern->text);
      pattern->required_len = pattern->required != NULL ? strlen (pattern->required) : 0;

      g_autoptr(GError) local_error = NULL;

      g_string_append_c (regex, '$');
      pattern->regex = dockyard_go_regex_new (regex->str, &local_error);
      if (pattern->regex == NULL)
        g_set_error (&pattern->bad, G_IO_ERROR, local_error->code,
                     _("Syntax error in .dockerignore pattern “%s”: %s"),
                     pattern->text, local_error->message);
    }
}

static gboolean
pattern_init (Pattern     *pattern,
              const char  *text,
              GError     **error)
{
  if (!check_match_syntax (text))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Syntax error in .dockerignore pattern “%s”"), text);
      return FALSE;
    }

  pattern->text = g_strdup (text);
  pattern->text_len = strlen (text);
  pattern_compile (pattern);

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
contains (const char *text,
          gsize       length,
          const char *needle,
          gsize       n)
{
  return memmem (text, length, needle, n) != NULL;
}

static gboolean
pattern_match (const Pattern  *pattern,
               const char     *path,
               gsize           length,
               gboolean       *match,
               GError        **error)
{
  gsize n = pattern->text_len;

  switch (pattern->type)
    {
    case MATCH_EXACT:
      *match = length == n && memcmp (path, pattern->text, n) == 0;
      return TRUE;
    case MATCH_PREFIX:
      *match = length >= n - 2 && memcmp (path, pattern->text, n - 2) == 0;
      return TRUE;
    case MATCH_SUFFIX:
      {
        const char *suffix = pattern->text + 2;
        gsize suffix_len = n - 2;

        *match = (length >= suffix_len
                  && memcmp (path + length - suffix_len, suffix, suffix_len) == 0)
                 /* "**\/foo" matches "foo" */
                 || (suffix[0] == '/' && length == suffix_len - 1
                     && memcmp (path, suffix + 1, length) == 0);
        return TRUE;
      }
    case MATCH_REGEX:
      if (pattern->regex == NULL)
        {
          if (error != NULL)
            *error = g_error_copy (pattern->bad);
          return FALSE;
        }
      *match = length >= pattern->literal
               && memcmp (path, pattern->text, pattern->literal) == 0
               && (pattern->required == NULL
                   || contains (path, length, pattern->required, pattern->required_len))
               && dockyard_go_regex_match (pattern->regex, path, length);
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

/**
 * dockyard_dockerignore_match:
 * @self: a matcher
 * @path: a clean path relative to the context, with `/` separators
 * @parent_matched: (nullable): what this call gave for the folder that
 *   holds @path, or %NULL to try every folder above @path
 * @matched: (out) (optional) (transfer full): what to pass as
 *   @parent_matched for the paths inside @path when it is a folder
 * @excluded: (out): whether @path is excluded
 * @error: return location for an error
 *
 * Whether @path is excluded, as Docker decides it in its walk: patterns in
 * order, the last one that matches decides; a pattern matches what it names
 * and everything below.  A pattern that cannot change the answer is not
 * tried (an exclusion when the path is already excluded, an exception when
 * it is not), which is why a folder's results are carried to what is inside.
 *
 * Fails when a pattern that must be tried is a regular expression that Go
 * refuses (the build would fail too).
 *
 * Returns: %TRUE on success
 */
gboolean
dockyard_dockerignore_match (DockyardDockerignore  *self,
                             const char            *path,
                             const guint8          *parent_matched,
                             guint8               **matched,
                             gboolean              *excluded,
                             GError               **error)
{
  g_autofree guint8 *results = NULL;
  gsize length;
  gboolean is_excluded = FALSE;
  const char *last_slash;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (excluded != NULL, FALSE);

  length = strlen (path);
  last_slash = strrchr (path, '/');
  results = g_new0 (guint8, MAX (self->patterns->len, 1));

  for (guint i = 0; i < self->patterns->len; i++)
    {
      const Pattern *pattern = &g_array_index (self->patterns, Pattern, i);
      gboolean match = parent_matched != NULL && parent_matched[i];

      if (!match)
        {
          if (pattern->exception != is_excluded)
            continue;

          if (!pattern_match (pattern, path, length, &match, error))
            return FALSE;

          /* Without the folder's results, try each folder above. */
          if (!match && parent_matched == NULL && last_slash != NULL)
            {
              for (const char *p = strchr (path, '/'); p != NULL && p <= last_slash && !match;
                   p = strchr (p + 1, '/'))
                if (!pattern_match (pattern, path, p - path, &match, error))
                  return FALSE;
            }
        }

      results[i] = match;
      if (match)
        is_excluded = !pattern->exception;
    }

  *excluded = is_excluded;
  if (matched != NULL)
    *matched = g_steal_pointer (&results);

  return TRUE;
}

/**
 * dockyard_dockerignore_matches:
 * @self: a matcher
 * @path: a clean path relative to the context, with `/` separators
 *
 * Whether @path is excluded, trying each folder above it; a pattern that
 * Go refuses counts as no match, as when the docker client decides whether
 * to keep the Dockerfile and `.dockerignore`.
 *
 * Returns: %TRUE if @path is excluded from the build context
 */
gboolean
dockyard_dockerignore_matches (DockyardDockerignore *self,
                               const char           *path)
{
  gboolean excluded = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!dockyard_dockerignore_match (self, path, NULL, NULL, &excluded, NULL))
    return FALSE;

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
