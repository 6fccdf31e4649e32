/* SPDX-License-Identifier: GPL-3.0-or-later */
/* .dockerignore matching with the semantics of current Docker clients
 * (moby/patternmatcher as in docker 28 and buildx), quirks included: what
 * those clients send is what users expect.  The walk-level
 * behaviour (pruning excluded folders) is checked against the real client in
 * test-context-reference.c. */
#include "config.h"

#include "dockyard-dockerignore.h"
#include "dockyard-test-utils.h"

typedef struct
{
  const char *ignore;     /* .dockerignore text */
  const char *path;
  gboolean    excluded;
} MatchCase;

static const MatchCase match_cases[] = {
  /* No "**": a pattern is anchored at the context root. */
  { "*.pyc", "a.pyc", TRUE },
  { "*.pyc", "sub/a.pyc", FALSE },
  { "**/*.pyc", "a.pyc", TRUE },
  { "**/*.pyc", "sub/deep/a.pyc", TRUE },
  { "**", "anything/at/all", TRUE },
  { "src/**/tmp", "src/tmp", TRUE },
  { "src/**/tmp", "src/a/b/tmp", TRUE },
  /* Every folder above a path is tried (Docker 20.10 tried only one). */
  { "src/**/tmp", "src/a/b/tmp/file", TRUE },
  { "**/cache", "cache/other", TRUE },
  { "**/node_modules\n!pkg/a/node_modules/keep.js", "pkg/a/node_modules/other.js", TRUE },
  { "**/node_modules\n!pkg/a/node_modules/keep.js", "pkg/a/node_modules/keep.js", FALSE },
  /* "**" at either end is a literal suffix or prefix comparison. */
  { "**foo", "a/xfoo", TRUE },
  { "foo**", "foobar", TRUE },
  { "foo/**", "foo", FALSE },
  { "foo/**", "foo/x/y", TRUE },
  /* A pattern matches everything below what it names. */
  { "docs", "docs", TRUE },
  { "docs", "docs/a/b.md", TRUE },
  { "docs\n!docs/keep.md", "docs/keep.md", FALSE },
  { "docs\n!docs/keep.md", "docs/other.md", TRUE },
  { "a/b", "a/b/c/d", TRUE },
  { "a/b", "a/bc", FALSE },
  /* Last match wins. */
  { "*.md\n!README.md", "README.md", FALSE },
  { "*.md\n!README.md\nREADME.md", "README.md", TRUE },
  { "!README.md\n*.md", "README.md", TRUE },
  /* Leading and trailing '/', '.', '..' are cleaned away. */
  { "/abs", "abs", TRUE },
  { "/abs", "sub/abs", FALSE },
  { "build/", "build/out", TRUE },
  { "build/", "build", TRUE },
  { "./c", "c", TRUE },
  { "a/../b", "b", TRUE },
  { "a/../b", "a", FALSE },
  { "../up", "up", FALSE },
  { "!/abs\n*", "abs", TRUE },
  /* Comments only with '#' in the first column. */
  { "# comment", "# comment", FALSE },
  { " #not-a-comment", "#not-a-comment", TRUE },
  { "  padded  ", "padded", TRUE },
  { "! spaced", "spaced", FALSE },
  { "*\n! spaced", "spaced", FALSE },
  { "foo\r\n", "foo", TRUE },
  { "\xEF\xBB\xBF" "bom", "bom", TRUE },
  /* Wildcards never cross '/'. */
  { "q?.md", "qa.md", TRUE },
  { "q?.md", "q/.md", FALSE },
  { "?", "é", TRUE },
  { "é*", "élan", TRUE },
  { "a*", "a\nb", TRUE },
  /* Character classes and escapes. */
  { "file[0-9].txt", "file1.txt", TRUE },
  { "file[0-9].txt", "filex.txt", FALSE },
  { "[^a]bc", "xbc", TRUE },
  { "[^a]bc", "abc", FALSE },
  { "[!a]bc", "abc", TRUE },   /* '!' is not negation, in Go either */
  { "[!a]bc", "xbc", FALSE },
  { "\\*star", "*star", TRUE },
  { "\\*star", "xstar", FALSE },
  { "a\\?", "a?", TRUE },
  { "a\\?", "ab", FALSE },
  { "a$", "a$", TRUE },
  { "a$", "a", FALSE },
  { "a.b", "axb", FALSE },
  /* Current Docker reads ".+()|{}$" literally (20.10 did not). */
  { "a+b", "aab", FALSE },
  { "a+b", "a+b", TRUE },
  { "(x|y)z", "yz", FALSE },
  { "(x|y)z", "(x|y)z", TRUE },
  { "build|dist", "build", FALSE },
  { "build|dist", "dist/x", FALSE },
  { "build|dist", "buildscripts", FALSE },
  { "build|dist", "build|dist", TRUE },
  { "src/c++", "src/c/a.cc", FALSE },
  { "src/c++", "src/c++/a.cc", TRUE },
  { "a(b)c", "a(b)c", TRUE },
  { "a(b)c", "abc", FALSE },
  { "a{2}", "aa", FALSE },
  { "a{2}", "a{2}", TRUE },
  { "(?i)readme.md", "README.md", FALSE },
  { "(?i)readme.md", "readme.md", FALSE },
  { "(?i)readme.md", "(xi)readme.md", TRUE },
  { "(a|aa)+*", "(a|aa)+x", TRUE },
  /* Classes and escapes keep Go's regular expression meaning. */
  { "[\\d]*", "7up", TRUE },
  { "[\\d]*", "dup", FALSE },
  { "x\\d", "x7", TRUE },
  { "[[:upper:]]*", "Up", TRUE },
  { "[[:upper:]]*", "up", FALSE },
  { "a^b*", "a^b", FALSE },
  /* A backslash makes a regular expression escape. */
  { "a\\-b", "a\\-b", FALSE },
  { "a\\-b", "a-b", TRUE },
};

static void
test_match_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (match_cases); i++)
    {
      const MatchCase *c = &match_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(DockyardDockerignore) ignore = NULL;
      gboolean excluded;

      ignore = dockyard_dockerignore_new_from_contents (c->ignore, -1, &error);
      g_assert_no_error (error);

      excluded = dockyard_dockerignore_matches (ignore, c->path);
      if (excluded != c->excluded)
        g_test_fail_printf ("pattern(s) “%s” on “%s”: expected %s, got %s",
                            c->ignore, c->path,
                            c->excluded ? "excluded" : "included",
                            excluded ? "excluded" : "included");
    }
}

static void
test_parse (void)
{
  static const struct { const char *text; const char *expected; } cases[] = {
    { "# comment\n #x\n\n   \n/abs\ntrail/\n!/neg\n! sp \n./c\na//b/../d\n",
      "#x|abs|trail|!neg|!sp|c|a/d" },
    { "\xEF\xBB\xBF#bom comment\nfoo\r\nbar", "foo|bar" },
    { "/\n!\n..\n/..\n", "/|!|..|/" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) patterns = dockyard_dockerignore_parse (cases[i].text, -1);
      g_autofree char *joined = g_strjoinv ("|", patterns);

      g_assert_cmpstr (joined, ==, cases[i].expected);
    }
}

static void
test_clean_path (void)
{
  static const char *cases[][2] = {
    { "", "." }, { ".", "." }, { "a/", "a" }, { "a//b", "a/b" }, { "./a/./b/", "a/b" },
    { "a/../b", "b" }, { "a/b/../..", "." }, { "../a", "../a" }, { "../../a/..", "../.." },
    { "/..", "/" }, { "/a/../../b", "/b" }, { "!../x", "!../x" }, { "!a/..", "." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *clean = dockyard_dockerignore_clean_path (cases[i][0]);

      g_assert_cmpstr (clean, ==, cases[i][1]);
    }
}

static void
test_invalid (void)
{
  /* Docker refuses these: the build fails before anything is sent. */
  static const char *invalid[] = {
    "!", "[", "a[", "[]a]", "[a-]", "[-a]", "[a", "!/", "a\\",
  };
  static const char *valid[] = {
    "[\\]]", "[*]", "[^a]", "[a-z]*", "\\[", "a{2}", "*\\*", "a(b",
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DockyardDockerignore) ignore = NULL;

      ignore = dockyard_dockerignore_new_from_contents (invalid[i], -1, &error);
      if (ignore != NULL)
        g_test_fail_printf ("“%s” should be refused", invalid[i]);
      else
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DockyardDockerignore) ignore = NULL;

      ignore = dockyard_dockerignore_new_from_contents (valid[i], -1, &error);
      g_assert_no_error (error);
    }
}

static void
test_exceptions_below (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardDockerignore) ignore = NULL;

  ignore = dockyard_dockerignore_new_from_contents ("docs\nbuild\n!docs/keep.md\n!**/keep\n"
                                                    "!build", -1, &error);
  g_assert_no_error (error);

  g_assert_true (dockyard_dockerignore_has_exceptions (ignore));
  g_assert_true (dockyard_dockerignore_may_include_below (ignore, "docs"));
  g_assert_true (dockyard_dockerignore_may_include_below (ignore, "build"));
  /* Only a literal prefix counts: "!**\/keep" does not open other folders. */
  g_assert_false (dockyard_dockerignore_may_include_below (ignore, "other"));
  g_assert_false (dockyard_dockerignore_may_include_below (ignore, "doc"));
  g_assert_false (dockyard_dockerignore_may_include_below (ignore, "docs/keep.md/x"));

  g_clear_pointer (&ignore, dockyard_dockerignore_unref);
  ignore = dockyard_dockerignore_new_from_contents ("docs\n", -1, &error);
  g_assert_no_error (error);
  g_assert_false (dockyard_dockerignore_has_exceptions (ignore));
}

static void
test_non_utf8_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardDockerignore) ignore = NULL;

  ignore = dockyard_dockerignore_new_from_contents ("bad?name\nlatin*", -1, &error);
  g_assert_no_error (error);

  /* An invalid byte counts as one character, as in Go. */
  g_assert_true (dockyard_dockerignore_matches (ignore, "bad\xff" "name"));
  g_assert_true (dockyard_dockerignore_matches (ignore, "latin\xe9"));
}

/* Matching never backtracks: patterns that make a backtracking matcher
 * crawl, and a huge file, stay fast. */
static void
test_linear_time (void)
{
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardDockerignore) ignore = NULL;
  g_autoptr(DockyardDockerignore) nasty = NULL;
  g_autofree char *long_name = g_strnfill (4000, 'a');
  g_autofree guint8 *src = NULL;
  gboolean excluded = TRUE;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  /* A backtracking matcher takes ages on these with a long name. */
  nasty = dockyard_dockerignore_new_from_contents ("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n"
                                                   "**/*a*a*a*a*a*a*a*a*c\n(a|aa)+*\n",
                                                   -1, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s%u", long_name, long_name, i);

      g_assert_false (dockyard_dockerignore_matches (nasty, path));
    }
  g_assert_true (dockyard_dockerignore_matches (nasty, "(a|aa)+aaaaaaaaaaaaaaaaaaaaaaaaaaa!"));
  g_test_message ("nasty: %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);

  /* 100000 lines, 200 paths. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (big, "%s\n", i % 4 == 0 ? "**/dir/**/*.tmp"
                                         : i % 4 == 1 ? "src/*/build"
                                         : i % 4 == 2 ? "!keep" : "file");
  ignore = dockyard_dockerignore_new_from_contents (big->str, big->len, &error);
  g_assert_no_error (error);
  /* As the walk asks: each folder's results carry to what is inside. */
  g_assert_true (dockyard_dockerignore_match (ignore, "src", NULL, &src, &excluded, &error));
  g_assert_false (excluded);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *dir = g_strdup_printf ("src/module%u", i);
      g_autofree char *path = g_strdup_printf ("src/module%u/file%u.c", i, i);
      g_autofree guint8 *matched = NULL;

      g_assert_true (dockyard_dockerignore_match (ignore, dir, src, &matched, &excluded, &error));
      g_assert_false (excluded);
      g_assert_true (dockyard_dockerignore_match (ignore, path, matched, NULL, &excluded, &error));
      g_assert_false (excluded);
    }
  g_assert_true (dockyard_dockerignore_matches (ignore, "a/dir/b/c.tmp"));

  elapsed = g_get_monotonic_time () - start;
  g_test_message ("took %" G_GINT64_FORMAT " ms", elapsed / 1000);
  /* Linear: well under this even with sanitizers; backtracking takes hours. */
  g_assert_cmpint (elapsed, <, 60 * G_USEC_PER_SEC);
}

/* A regular expression Go refuses is an error when it is needed, never a
 * silent "send it". */
static void
test_refused_regex (void)
{
  static const struct { const char *pattern; const char *path; int code; } cases[] = {
    { "x*\\y", "xay", G_IO_ERROR_INVALID_DATA },
    { "sub/[\\pL]*", "sub/é", G_IO_ERROR_NOT_SUPPORTED },
    /* Go's filepath.Match accepts a reversed range, its regexp does not. */
    { "[z-a]", "b", G_IO_ERROR_INVALID_DATA },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardDockerignore) ignore = NULL;
  gboolean excluded = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DockyardDockerignore) one = NULL;

      one = dockyard_dockerignore_new_from_contents (cases[i].pattern, -1, &error);
      g_assert_no_error (error);
      g_assert_false (dockyard_dockerignore_match (one, cases[i].path, NULL, NULL, &excluded,
                                                   &error));
      g_assert_error (error, G_IO_ERROR, cases[i].code);
      g_clear_error (&error);
    }

  /* Not tried when it cannot change the answer, as in Docker. */
  ignore = dockyard_dockerignore_new_from_contents ("*\nx*\\y\n", -1, &error);
  g_assert_no_error (error);
  g_assert_true (dockyard_dockerignore_match (ignore, "xay", NULL, NULL, &excluded, &error));
  g_assert_no_error (error);
  g_assert_true (excluded);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/dockerignore/match-table", test_match_table);
  g_test_add_func ("/dockerignore/parse", test_parse);
  g_test_add_func ("/dockerignore/clean-path", test_clean_path);
  g_test_add_func ("/dockerignore/invalid", test_invalid);
  g_test_add_func ("/dockerignore/exceptions-below", test_exceptions_below);
  g_test_add_func ("/dockerignore/non-utf8-path", test_non_utf8_path);
  g_test_add_func ("/dockerignore/linear-time", test_linear_time);
  g_test_add_func ("/dockerignore/refused-regex", test_refused_regex);

  return g_test_run ();
}
