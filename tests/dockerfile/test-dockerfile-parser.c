/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-dockerfile.h"
#include "dockyard-test-utils.h"

/* The corpus is BuildKit's own parser test data: what `docker build`
 * accepts and how it reads it.  It lives outside the project
 * (DOCKYARD_CORPUS_DIR). */

static const char *
corpus_dir (void)
{
  const char *dir = g_getenv ("DOCKYARD_CORPUS_DIR");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  return dir;
}

static DockyardDockerfile *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  DockyardDockerfile *df = dockyard_dockerfile_new_from_data (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (df);
  return df;
}

static char *
dump_of (const char *text)
{
  g_autoptr(DockyardDockerfile) df = parse_ok (text);

  return dockyard_dockerfile_dump (df);
}

static void
test_corpus_positive (gconstpointer data)
{
  const char *name = data;
  g_autofree char *dir = g_build_filename (corpus_dir (), "testfiles", name, NULL);
  g_autofree char *dockerfile = g_build_filename (dir, "Dockerfile", NULL);
  g_autofree char *result = g_build_filename (dir, "result", NULL);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *dump = NULL;
  g_autoptr(DockyardDockerfile) df = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (dockerfile, &text, &length, &error));
  g_assert_true (g_file_get_contents (result, &expected, NULL, &error));

  df = dockyard_dockerfile_new_from_data (text, length, &error);
  g_assert_no_error (error);
  dump = dockyard_dockerfile_dump (df);
  g_assert_cmpstr (dump, ==, expected);
}

static void
test_corpus_negative (gconstpointer data)
{
  const char *name = data;
  g_autofree char *path = g_build_filename (corpus_dir (), "testfiles-negative", name,
                                            "Dockerfile", NULL);
  g_autofree char *text = NULL;
  g_autoptr(DockyardDockerfile) df = NULL;
  g_autoptr(GError) error = NULL;
  DockyardSourcePosition pos;
  gsize length;

  g_assert_true (g_file_get_contents (path, &text, &length, &error));
  df = dockyard_dockerfile_new_from_data (text, length, &error);
  g_assert_null (df);
  g_assert_error (error, DOCKYARD_DOCKERFILE_ERROR, error->code);
  g_assert_true (dockyard_dockerfile_error_get_position (error, &pos));
  g_assert_cmpuint (pos.line, >=, 1);
}

static void
test_corpus_line_info (void)
{
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(DockyardDockerfile) df = NULL;
  g_autoptr(GError) error = NULL;
  const guint expected[][2] = { { 5, 5 }, { 11, 12 }, { 17, 31 } };

  if (corpus_dir () == NULL)
    {
      dockyard_test_skip_unless_ci ("DOCKYARD_CORPUS_DIR is not set or missing");
      return;
    }

  path = g_build_filename (corpus_dir (), "testfile-line", "Dockerfile", NULL);
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  df = dockyard_dockerfile_new_from_data (text, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (dockyard_dockerfile_get_n_instructions (df), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const DockyardSourceRange *range =
        dockyard_instruction_get_range (dockyard_dockerfile_get_instruction (df, i));

      g_assert_cmpuint (range->start.line, ==, expected[i][0]);
      g_assert_cmpuint (range->end.line, ==, expected[i][1]);
    }
}

static void
test_corpus_missing (void)
{
  dockyard_test_skip_unless_ci ("DOCKYARD_CORPUS_DIR is not set or missing");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static guint
add_corpus_tests (const char *sub,
                  GTestDataFunc func)
{
  g_autofree char *path = g_build_filename (corpus_dir (), sub, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/dockerfile/parser/corpus/%s/%s", sub,
                                                    (char *) names->pdata[i]);

      /* Each test owns its copy of the name; GLib frees it after the test. */
      g_test_add_data_func_full (test_path, g_strdup (names->pdata[i]), func, g_free);
    }

  return names->len;
}

/* ---------------------------------------------------------------------- */

static void
test_basic_model (void)
{
  g_autoptr(DockyardDockerfile) df =
    parse_ok ("# syntax=docker/dockerfile:1\n"
              "# check=skip=all\n"
              "FROM python:3.11.2 AS base\n"
              "RUN --mount=type=cache,target=/root/.cache/pip \\\n"
              "    pip install -r requirements.txt\n"
              "COPY --chown=1000:1000 . /src\n");
  DockyardInstruction *run;
  const DockyardSourceRange *range;
  const DockyardStage *stage;
  gsize offset = 0;
  gsize source = 0;
  const char *text;

  text = dockyard_dockerfile_get_text (df, NULL);
  g_assert_cmpstr (dockyard_dockerfile_get_directive (df, "syntax"), ==, "docker/dockerfile:1");
  g_assert_cmpstr (dockyard_dockerfile_get_directive (df, "check"), ==, "skip=all");
  g_assert_cmpuint (dockyard_dockerfile_get_n_instructions (df), ==, 3);

  run = dockyard_dockerfile_get_instruction (df, 1);
  g_assert_cmpstr (dockyard_instruction_get_keyword (run), ==, "RUN");
  g_assert_cmpstr (dockyard_instruction_get_flags (run)[0], ==,
                   "--mount=type=cache,target=/root/.cache/pip");
  g_assert_cmpuint (dockyard_instruction_get_n_args (run), ==, 1);
  g_assert_cmpstr (dockyard_instruction_get_args (run)[0], ==, "pip install -r requirements.txt");

  range = dockyard_instruction_get_range (run);
  g_assert_cmpuint (range->start.line, ==, 4);
  g_assert_cmpuint (range->start.column, ==, 1);
  g_assert_cmpuint (range->end.line, ==, 5);
  g_assert_cmpuint (range->end.column, ==, 36);

  /* The argument maps back to the second physical line. */
  g_assert_true (dockyard_instruction_get_arg_offset (run, 0, &offset));
  g_assert_true (dockyard_instruction_map_offset (run, offset, &source));
  g_assert_true (g_str_has_prefix (text + source, "pip install"));
  g_assert_cmpuint (dockyard_instruction_get_keyword_end (run), ==, range->start.offset + 3);

  g_assert_cmpstr (dockyard_instruction_get_flag_value (dockyard_dockerfile_get_instruction (df, 2),
                                                        "chown"), ==, "1000:1000");
  g_assert_null (dockyard_instruction_get_flag_value (dockyard_dockerfile_get_instruction (df, 2),
                                                      "from"));

  g_assert_cmpuint (dockyard_dockerfile_get_n_stages (df), ==, 1);
  stage = dockyard_dockerfile_get_stage (df, 0);
  g_assert_cmpstr (stage->name, ==, "base");
  g_assert_cmpstr (stage->base_image, ==, "python:3.11.2");
  g_assert_true (g_str_has_prefix (text + stage->base_image_offset, "python:3.11.2 AS"));
  g_assert_cmpuint (stage->first, ==, 0);
  g_assert_cmpuint (stage->last, ==, 2);
}

static void
test_mounts (void)
{
  g_autoptr(DockyardDockerfile) df =
    parse_ok ("FROM debian:12.5\n"
              "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n"
              "    --mount=type=cache,dst=/var/lib/apt,id=apt-lists,uid=0,gid=0,mode=0755 \\\n"
              "    --mount=type=bind,from=builder,src=/out,destination=/in,ro \\\n"
              "    --mount=target=/x,readonly=false \\\n"
              "    --mount=type=secret,id=token,\\\"target=/run/secrets/a,b\\\" \\\n"
              "    apt-get update\n");
  DockyardInstruction *run = dockyard_dockerfile_get_instruction (df, 1);
  const DockyardMount *m;
  const char *text = dockyard_dockerfile_get_text (df, NULL);

  g_assert_cmpuint (dockyard_instruction_get_n_mounts (run), ==, 5);

  m = dockyard_instruction_get_mount (run, 0);
  g_assert_cmpstr (m->type, ==, "cache");
  g_assert_cmpstr (m->target, ==, "/var/cache/apt");
  g_assert_cmpstr (m->sharing, ==, "locked");
  g_assert_true (strncmp (text + m->offset, "--mount=type=cache,target=/var/cache/apt,sharing=locked",
                          m->length) == 0);
  g_assert_cmpuint (m->length, ==, strlen ("--mount=type=cache,target=/var/cache/apt,sharing=locked"));

  m = dockyard_instruction_get_mount (run, 1);
  g_assert_cmpstr (m->target, ==, "/var/lib/apt");
  g_assert_cmpstr (m->id, ==, "apt-lists");
  g_assert_cmpstr (m->uid, ==, "0");
  g_assert_cmpstr (m->gid, ==, "0");
  g_assert_cmpstr (m->mode, ==, "0755");

  m = dockyard_instruction_get_mount (run, 2);
  g_assert_cmpstr (m->type, ==, "bind");
  g_assert_cmpstr (m->from, ==, "builder");
  g_assert_cmpstr (m->source, ==, "/out");
  g_assert_cmpstr (m->target, ==, "/in");
  g_assert_true (m->readonly);

  m = dockyard_instruction_get_mount (run, 3);
  g_assert_cmpstr (m->type, ==, "bind");
  g_assert_false (m->readonly);

  /* Quotes that survive the flag parsing protect a comma (CSV). */
  m = dockyard_instruction_get_mount (run, 4);
  g_assert_cmpstr (m->type, ==, "secret");
  g_assert_cmpstr (m->target, ==, "/run/secrets/a,b");

  g_assert_cmpstr (dockyard_instruction_get_args (run)[0], ==, "apt-get update");
}

static void
test_heredocs (void)
{
  g_autoptr(DockyardDockerfile) df =
    parse_ok ("FROM alpine:3.19.1\n"
              "RUN <<EOF\n"
              "apk add curl\n"
              "echo done\n"
              "EOF\n"
              "RUN <<-\"END\" cat > /a && cat <<'X' > /b\n"
              "\t\tquoted $HOME\n"
              "\tEND\n"
              "second\n"
              "X\n"
              "COPY <<file1 <<file2 /dest/\n"
              "one\n"
              "file1\n"
              "two\n"
              "file2\n"
              "RUN [\"echo\", \"<<EOF\"]\n"
              "CMD cat <<EOF\n");
  DockyardInstruction *ins;
  const DockyardHeredoc *h;
  const char *text = dockyard_dockerfile_get_text (df, NULL);

  g_assert_cmpuint (dockyard_dockerfile_get_n_instructions (df), ==, 6);

  ins = dockyard_dockerfile_get_instruction (df, 1);
  g_assert_cmpuint (dockyard_instruction_get_n_heredocs (ins), ==, 1);
  h = dockyard_instruction_get_heredoc (ins, 0);
  g_assert_cmpstr (h->name, ==, "EOF");
  g_assert_cmpstr (h->content, ==, "apk add curl\necho done\n");
  g_assert_true (h->expand);
  g_assert_false (h->chomp);
  g_assert_true (g_str_has_prefix (text + h->content_offset, "apk add curl"));
  g_assert_cmpuint (dockyard_instruction_get_range (ins)->start.line, ==, 2);
  g_assert_cmpuint (dockyard_instruction_get_range (ins)->end.line, ==, 5);

  ins = dockyard_dockerfile_get_instruction (df, 2);
  g_assert_cmpuint (dockyard_instruction_get_n_heredocs (ins), ==, 2);
  h = dockyard_instruction_get_heredoc (ins, 0);
  g_assert_cmpstr (h->name, ==, "END");
  g_assert_true (h->chomp);
  g_assert_false (h->expand);
  g_assert_cmpstr (h->content, ==, "\t\tquoted $HOME\n");
  h = dockyard_instruction_get_heredoc (ins, 1);
  g_assert_cmpstr (h->name, ==, "X");
  g_assert_false (h->expand);
  g_assert_cmpstr (h->content, ==, "second\n");

  ins = dockyard_dockerfile_get_instruction (df, 3);
  g_assert_cmpuint (dockyard_instruction_get_n_heredocs (ins), ==, 2);
  g_assert_cmpstr (dockyard_instruction_get_heredoc (ins, 0)->content, ==, "one\n");
  g_assert_cmpstr (dockyard_instruction_get_heredoc (ins, 1)->content, ==, "two\n");

  /* Exec form and CMD take no heredocs. */
  g_assert_cmpuint (dockyard_instruction_get_n_heredocs (dockyard_dockerfile_get_instruction (df, 4)), ==, 0);
  g_assert_cmpuint (dockyard_instruction_get_n_heredocs (dockyard_dockerfile_get_instruction (df, 5)), ==, 0);
}

static void
test_heredoc_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardDockerfile) df = NULL;
  DockyardSourcePosition pos;

  df = dockyard_dockerfile_new_from_data ("FROM a:1.2.3\n\nRUN <<EOF\necho\n", -1, &error);
  g_assert_null (df);
  g_assert_error (error, DOCKYARD_DOCKERFILE_ERROR, DOCKYARD_DOCKERFILE_ERROR_SYNTAX);
  g_assert_true (strstr (error->message, "unterminated heredoc") != NULL);
  g_assert_true (dockyard_dockerfile_error_get_position (error, &pos));
  g_assert_cmpuint (pos.line, ==, 3);
  g_clear_error (&error);

  /* ONBUILD RUN heredocs belong to the subcommand. */
  g_clear_object (&df);
  df = parse_ok ("FROM a:1.2.3\nONBUILD RUN <<EOF\necho hi\nEOF\n");
  g_assert_cmpuint (dockyard_instruction_get_n_heredocs (
                      dockyard_instruction_get_subcommand (dockyard_dockerfile_get_instruction (df, 1))),
                    ==, 1);
}

static void
test_onbuild (void)
{
  g_autoptr(DockyardDockerfile) df = parse_ok ("FROM a:1.2.3\n  onbuild  run --mount=type=cache,target=/root/.npm npm ci\n");
  DockyardInstruction *ins = dockyard_dockerfile_get_instruction (df, 1);
  DockyardInstruction *sub = dockyard_instruction_get_subcommand (ins);
  g_autofree char *dump = dockyard_instruction_dump (ins);
  const char *text = dockyard_dockerfile_get_text (df, NULL);

  g_assert_cmpstr (dump, ==, "onbuild (run [\"--mount=type=cache,target=/root/.npm\"] \"npm ci\")");
  g_assert_nonnull (sub);
  g_assert_cmpstr (dockyard_instruction_get_keyword (sub), ==, "RUN");
  g_assert_cmpuint (dockyard_instruction_get_n_mounts (sub), ==, 1);
  g_assert_true (g_str_has_prefix (text + dockyard_instruction_get_keyword_end (sub), " --mount"));
  g_assert_true (g_str_has_prefix (text + dockyard_instruction_get_keyword_end (ins), "  run"));
}

static void
test_arg_substitution (void)
{
  g_autoptr(DockyardDockerfile) df =
    parse_ok ("ARG PY=3.11.2\n"
              "ARG VARIANT\n"
              "ARG REG=\"registry.example.com:5000\"\n"
              "FROM python:${PY} AS a\n"
              "FROM python:${VARIANT:-3.12.1}-slim AS b\n"
              "FROM python:3.11.2${VARIANT:+-$VARIANT}\n"
              "FROM $REG/tools:$PY\n"
              "FROM python:$VARIANT\n"
              "FROM python:${PY:-x}${PY:+-bookworm}\n");
  const char *expected[] = {
    "python:3.11.2", "python:3.12.1-slim", "python:3.11.2",
    "registry.example.com:5000/tools:3.11.2", NULL, "python:3.11.2-bookworm",
  };

  g_assert_cmpuint (dockyard_dockerfile_get_n_stages (df), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (dockyard_dockerfile_get_stage (df, i)->expanded_base_image, ==, expected[i]);

  /* ARGs after the first FROM do not count for FROM. */
  g_clear_object (&df);
  df = parse_ok ("FROM busybox:1.36.1\nARG LATE=1\nFROM img:${LATE}\n");
  g_assert_null (dockyard_dockerfile_get_stage (df, 1)->expanded_base_image);
  g_assert_null (dockyard_dockerfile_get_stage_for_instruction (df, 42));
  g_assert_true (dockyard_dockerfile_get_stage_for_instruction (df, 1) ==
                 dockyard_dockerfile_get_stage (df, 0));
}

static void
test_directives (void)
{
  g_autoptr(DockyardDockerfile) df = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dump = NULL;
  DockyardSourcePosition pos;

  /* escape changes continuations; a directive after a comment is a comment */
  df = parse_ok ("# escape=`\n# syntax=x\nFROM a:1.0.0\nRUN echo a `\n  b\n# escape=\\\n");
  g_assert_cmpint (dockyard_dockerfile_get_escape_char (df), ==, '`');
  g_assert_cmpstr (dockyard_dockerfile_get_directive (df, "syntax"), ==, "x");
  dump = dockyard_dockerfile_dump (df);
  g_assert_cmpstr (dump, ==, "(from \"a:1.0.0\")\n(run \"echo a   b\")\n");

  g_clear_object (&df);
  df = dockyard_dockerfile_new_from_data ("# escape=`\n# escape=\\\nFROM a\n", -1, &error);
  g_assert_null (df);
  g_assert_error (error, DOCKYARD_DOCKERFILE_ERROR, DOCKYARD_DOCKERFILE_ERROR_SYNTAX);
  g_assert_true (dockyard_dockerfile_error_get_position (error, &pos));
  g_assert_cmpuint (pos.line, ==, 2);
  g_clear_error (&error);

  df = dockyard_dockerfile_new_from_data ("# escape=x\nFROM a\n", -1, &error);
  g_assert_null (df);
  g_assert_error (error, DOCKYARD_DOCKERFILE_ERROR, DOCKYARD_DOCKERFILE_ERROR_SYNTAX);
  g_clear_error (&error);

  /* Not at the top: just a comment. */
  df = parse_ok ("FROM a\n# escape=`\nRUN a \\\n b\n");
  g_assert_cmpint (dockyard_dockerfile_get_escape_char (df), ==, '\\');
  g_assert_null (dockyard_dockerfile_get_directive (df, "escape"));
}

static void
test_unknown_and_json (void)
{
  g_autofree char *dump = dump_of ("FROM a\nFOO bar baz\nCMD [\"a\", 1]x\nENTRYPOINT [\"a\"] [\"b\"]\n"
                                   "SHELL [\"/bin/bash\", \"-c\"]\nRUN [\"a\\u00e9\\ud83d\\ude00\"]\n");

  g_assert_cmpstr (dump, ==,
                   "(from \"a\")\n"
                   "(foo \"\")\n"
                   "(cmd \"[\\\"a\\\", 1]x\")\n"
                   "(entrypoint \"[\\\"a\\\"] [\\\"b\\\"]\")\n"
                   "(shell \"/bin/bash\" \"-c\")\n"
                   "(run \"aé😀\")\n");
}

static void
test_errors_have_positions (void)
{
  const struct { const char *text; guint line; guint code; } cases[] = {
    { "", 1, DOCKYARD_DOCKERFILE_ERROR_EMPTY },
    { "\n\n# only\n", 4, DOCKYARD_DOCKERFILE_ERROR_EMPTY },
    { "FROM a\n\nENV PATH\n", 3, DOCKYARD_DOCKERFILE_ERROR_SYNTAX },
    { "FROM a\nLABEL a=b c\n", 2, DOCKYARD_DOCKERFILE_ERROR_SYNTAX },
    { "FROM a\nCMD [\"a\", [\"b\"]]\n", 2, DOCKYARD_DOCKERFILE_ERROR_SYNTAX },
    { "FROM a\nRUN \xff\xfe\n", 2, DOCKYARD_DOCKERFILE_ERROR_ENCODING },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DockyardDockerfile) df = dockyard_dockerfile_new_from_data (cases[i].text, -1, &error);
      DockyardSourcePosition pos;

      g_assert_null (df);
      g_assert_error (error, DOCKYARD_DOCKERFILE_ERROR, (gint) cases[i].code);
      g_assert_true (dockyard_dockerfile_error_get_position (error, &pos));
      g_assert_cmpuint (pos.line, ==, cases[i].line);
    }
}

/* Bad input: a clear error or a correct result, never a crash. */
static void
test_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardDockerfile) df = NULL;
  g_autoptr(GString) big = g_string_new ("FROM python:3.11.2\n");
  g_autofree char *garbage = NULL;
  g_autofree char *long_line = NULL;
  g_autofree char *too_long = NULL;
  g_autofree char *dump = NULL;
  GRand *rand = g_rand_new_with_seed (42);
  DockyardSourcePosition pos;

  /* binary garbage, with and without NUL bytes */
  garbage = g_malloc (65536);
  for (guint round = 0; round < 20; round++)
    {
      for (guint i = 0; i < 65536; i++)
        garbage[i] = (char) g_rand_int_range (rand, 0, 256);
      df = dockyard_dockerfile_new_from_data (garbage, 65536, &error);
      g_assert_null (df);
      g_assert_error (error, DOCKYARD_DOCKERFILE_ERROR, DOCKYARD_DOCKERFILE_ERROR_ENCODING);
      g_clear_error (&error);
    }
  df = dockyard_dockerfile_new_from_data ("FROM a\n\0RUN x\n", 14, &error);
  g_assert_error (error, DOCKYARD_DOCKERFILE_ERROR, DOCKYARD_DOCKERFILE_ERROR_ENCODING);
  g_assert_true (dockyard_dockerfile_error_get_position (error, &pos));
  g_assert_cmpuint (pos.line, ==, 2);
  g_clear_error (&error);
  g_rand_free (rand);

  /* 10 MB */
  while (big->len < 10 * 1024 * 1024)
    g_string_append (big, "RUN echo 0123456789 0123456789 0123456789 \\\n    && true\n");
  df = dockyard_dockerfile_new_from_data (big->str, big->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dockyard_dockerfile_get_n_instructions (df), >, 180000);
  g_clear_object (&df);

  /* a 70,000 character line is longer than BuildKit reads: a clear error */
  long_line = g_strnfill (70000, 'a');
  too_long = g_strdup_printf ("FROM a\nLABEL x=%s\n", long_line);
  df = dockyard_dockerfile_new_from_data (too_long, -1, &error);
  g_assert_null (df);
  g_assert_error (error, DOCKYARD_DOCKERFILE_ERROR, DOCKYARD_DOCKERFILE_ERROR_TOO_LONG);
  g_assert_true (dockyard_dockerfile_error_get_position (error, &pos));
  g_assert_cmpuint (pos.line, ==, 2);
  g_clear_error (&error);

  /* ... but 70,000 characters over continuation lines are fine */
  g_string_assign (big, "FROM a\nRUN echo");
  for (guint i = 0; i < 1000; i++)
    g_string_append (big, " 0123456789012345678901234567890123456789012345678901234567890123456789 \\\n");
  g_string_append (big, "end\n");
  df = dockyard_dockerfile_new_from_data (big->str, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (dockyard_instruction_get_args (dockyard_dockerfile_get_instruction (df, 1))[0]), >, 70000);
  g_clear_object (&df);

  /* CRLF line ends and a BOM give the same tree as plain text */
  df = parse_ok ("\xEF\xBB\xBF" "FROM a:1.2.3\r\nRUN echo a \\\r\n  b\r\nCOPY <<EOF /x\r\nhi\r\nEOF\r\n");
  dump = dockyard_dockerfile_dump (df);
  g_assert_cmpstr (dump, ==, "(from \"a:1.2.3\")\n(run \"echo a   b\")\n(copy \"<<EOF\" \"/x\")\n");
  g_assert_cmpuint (dockyard_instruction_get_range (dockyard_dockerfile_get_instruction (df, 0))->start.column, ==, 1);
  g_assert_cmpuint (dockyard_instruction_get_range (dockyard_dockerfile_get_instruction (df, 0))->start.offset, ==, 3);
  g_assert_cmpstr (dockyard_instruction_get_heredoc (dockyard_dockerfile_get_instruction (df, 2), 0)->content,
                   ==, "hi\r\n");
}

static void
test_lossless_text (void)
{
  const char *text = "# c\n\n  FROM a:1.2.3 \t\nRUN echo \\\n# inner comment\n\n  x\n";
  g_autoptr(DockyardDockerfile) df = parse_ok (text);
  gsize length;
  const DockyardSourceRange *range;

  g_assert_cmpstr (dockyard_dockerfile_get_text (df, &length), ==, text);
  g_assert_cmpuint (length, ==, strlen (text));

  range = dockyard_instruction_get_range (dockyard_dockerfile_get_instruction (df, 0));
  g_assert_cmpuint (range->start.line, ==, 3);
  g_assert_cmpuint (range->start.column, ==, 3);
  range = dockyard_instruction_get_range (dockyard_dockerfile_get_instruction (df, 1));
  g_assert_cmpuint (range->start.line, ==, 4);
  g_assert_cmpuint (range->end.line, ==, 7);
  g_assert_cmpstr (dockyard_instruction_get_args (dockyard_dockerfile_get_instruction (df, 1))[0], ==, "echo   x");
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  if (corpus_dir () != NULL)
    {
      guint n_pos = add_corpus_tests ("testfiles", test_corpus_positive);
      guint n_neg = add_corpus_tests ("testfiles-negative", test_corpus_negative);

      if (n_pos != 33 || n_neg != 4)
        g_error ("corpus: expected 33 positive and 4 negative cases, found %u and %u", n_pos, n_neg);
    }
  else
    g_test_add_func ("/dockerfile/parser/corpus", test_corpus_missing);
  g_test_add_func ("/dockerfile/parser/corpus/line-info", test_corpus_line_info);

  g_test_add_func ("/dockerfile/parser/model", test_basic_model);
  g_test_add_func ("/dockerfile/parser/mounts", test_mounts);
  g_test_add_func ("/dockerfile/parser/heredocs", test_heredocs);
  g_test_add_func ("/dockerfile/parser/heredoc-errors", test_heredoc_errors);
  g_test_add_func ("/dockerfile/parser/onbuild", test_onbuild);
  g_test_add_func ("/dockerfile/parser/arg-substitution", test_arg_substitution);
  g_test_add_func ("/dockerfile/parser/directives", test_directives);
  g_test_add_func ("/dockerfile/parser/unknown-and-json", test_unknown_and_json);
  g_test_add_func ("/dockerfile/parser/error-positions", test_errors_have_positions);
  g_test_add_func ("/dockerfile/parser/bad-input", test_bad_input);
  g_test_add_func ("/dockerfile/parser/lossless", test_lossless_text);

  return g_test_run ();
}
