/* SPDX-License-Identifier: GPL-3.0-or-later */
/* .dockerignore matching with the semantics of Docker 20.10's client, quirks
 * included: what that client sends is what users expect.  The walk-level
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
  /* Parents are tried with as many components as the pattern has, so a
   * file under src/a/b/tmp is not matched here (the walk prunes the folder). */
  { "src/**/tmp", "src/a/b/tmp/file", FALSE },
  { "**/cache", "cache/other", FALSE },
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
  /* Docker 20.10 leaves other regular expression syntax alone. */
  { "a+b", "aab", TRUE },
  { "a+b", "a+b", FALSE },
  { "(x|y)z", "yz", TRUE },
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
    "!", "[", "a[", "[]a]", "[a-]", "[-a]", "a\\", "[a", "[z-a]", "a(b", "!/",
  };
  static const char *valid[] = {
    "[\\]]", "[*]", "[^a]", "[a-z]*", "\\[", "a{2}", "*\\*",
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

  return g_test_run ();
}
