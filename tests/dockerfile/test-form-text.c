/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-form-text.h"
#include "dockyard-image-ref.h"
#include "dockyard-test-utils.h"

/* The image and version fields of the form, and the reference they give. */
static void
test_base_image (void)
{
  const struct {
    const char *base_image;
    const char *image;
    const char *version;
  } cases[] = {
    { "python:3.11.2", "python", "3.11.2" },
    { "python", "python", NULL },
    { "localhost:5000/team/app:1.2.3", "localhost:5000/team/app", "1.2.3" },
    { "localhost:5000/team/app", "localhost:5000/team/app", NULL },
    { "python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "python", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" },
    /* Not a valid reference: kept whole, so the user sees what is wrong. */
    { "Python:3.11", "Python:3.11", NULL },
    { "${BASE}", "${BASE}", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *image = NULL;
      g_autofree char *version = NULL;
      g_autofree char *joined = NULL;

      dockyard_form_split_base_image (cases[i].base_image, &image, &version);
      g_assert_cmpstr (image, ==, cases[i].image);
      g_assert_cmpstr (version, ==, cases[i].version);

      joined = dockyard_form_join_base_image (image, version);
      g_assert_cmpstr (joined, ==, cases[i].base_image);
    }
}

static void
test_base_image_fields (void)
{
  g_autofree char *image = NULL;
  g_autofree char *version = NULL;
  g_autofree char *tagged = dockyard_form_join_base_image ("python", "3.12.1");
  g_autofree char *bare = dockyard_form_join_base_image ("python", "");
  g_autofree char *digest = dockyard_form_join_base_image ("python", "sha256:abc");

  g_assert_cmpstr (tagged, ==, "python:3.12.1");
  g_assert_cmpstr (bare, ==, "python");
  g_assert_cmpstr (digest, ==, "python@sha256:abc");
  /* No image, no FROM: the version alone means nothing. */
  g_assert_null (dockyard_form_join_base_image ("", "3.12.1"));
  g_assert_null (dockyard_form_join_base_image (NULL, NULL));

  dockyard_form_split_base_image (NULL, &image, &version);
  g_assert_null (image);
  g_assert_null (version);
}

/* The command field: readable for plain words, quoted where the shell
 * needs it, and read back to the same words. */
static void
test_command (void)
{
  const struct {
    const char *argv[5];
    const char *text;
  } cases[] = {
    { { "jupyter", "lab", "--ip=0.0.0.0", "--port=8888", NULL }, "jupyter lab --ip=0.0.0.0 --port=8888" },
    { { "python", "-m", "http.server", NULL }, "python -m http.server" },
    { { "sh", "-c", "echo hi", NULL }, "sh -c 'echo hi'" },
    { { "echo", "", NULL }, "echo ''" },
    { { "echo", "$HOME", NULL }, "echo '$HOME'" },
    { { "echo", "it's", NULL }, "echo 'it'\\''s'" },
    { { NULL }, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = dockyard_form_command_to_text (cases[i].argv);
      g_auto(GStrv) back = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (text, ==, cases[i].text);
      if (cases[i].argv[0] == NULL)
        continue;
      g_assert_true (g_shell_parse_argv (text, NULL, &back, &error));
      g_assert_no_error (error);
      g_assert_cmpstrv (back, cases[i].argv);
    }

  {
    g_autofree char *none = dockyard_form_command_to_text (NULL);

    g_assert_cmpstr (none, ==, "");
  }
}

static void
test_words (void)
{
  g_auto(GStrv) words = dockyard_form_words_from_text ("  git\tcurl=7.88.1-10\n\nvim ");
  g_auto(GStrv) none = dockyard_form_words_from_text (" \t\n");
  const char * const expected[] = { "git", "curl=7.88.1-10", "vim", NULL };

  g_assert_cmpstrv (words, expected);
  g_assert_cmpuint (g_strv_length (none), ==, 0);
}

/* What the page lists under "Other instructions". */
static void
test_other_instructions (void)
{
  const char *text =
    "FROM python:3.11.2\n"
    "ENV PYTHONUNBUFFERED=1\n"
    "WORKDIR /usr/src/app\n"
    "EXPOSE 8000\n"
    "CMD [\"python\", \"app.py\"]\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardDockerfile) dockerfile = dockyard_dockerfile_new_from_data (text, -1, &error);
  g_autoptr(DockyardDockerfileModel) plain = dockyard_dockerfile_model_new ();
  g_autoptr(DockyardDockerfileModel) extra = NULL;
  g_autofree char *none = dockyard_form_other_instructions (plain);
  g_autofree char *other = NULL;

  g_assert_no_error (error);
  extra = dockyard_dockerfile_model_new_from_dockerfile (dockerfile);
  other = dockyard_form_other_instructions (extra);

  g_assert_cmpstr (none, ==, "");
  g_assert_nonnull (strstr (other, "ENV PYTHONUNBUFFERED=1"));
  g_assert_nonnull (strstr (other, "EXPOSE 8000"));
  /* The form's own lines are not repeated there. */
  g_assert_null (strstr (other, "FROM"));
  g_assert_null (strstr (other, "WORKDIR"));
  g_assert_null (strstr (other, "CMD"));
  g_assert_false (g_str_has_suffix (other, "\n"));
}

/* The versions offered for a base image from the tags the engine has. */
static void
test_release_candidates (void)
{
  const struct {
    const char *ref;
    const char *tag;
    const char *candidate;
    gboolean    same;
  } cases[] = {
    { "python:3.11", "python:3.11.2", "3.11.2", FALSE },
    { "python:3.11", "docker.io/library/python:3.11.7-slim", "3.11.7-slim", FALSE },
    { "python:3.11", "python:3.110.1", NULL, FALSE },
    { "python:3.11", "python:3.12.1", NULL, FALSE },
    { "python:3.11", "python:3.11", NULL, TRUE },
    { "python:3.11", "pypy:3.11.2", NULL, FALSE },
    { "python:3.11", "python", NULL, FALSE },
    { "python", "python:3.12.1", "3.12.1", FALSE },
    { "python:latest", "python:3.12.1", "3.12.1", FALSE },
    { "python", "python:bookworm", NULL, FALSE },
    { "python:3.11.2", "localhost/python:3.11.2", NULL, FALSE },
    { "python:3.11.2", "library/python:3.11.2", "3.11.2", TRUE },
    { "python:3.11.2", "python:3.11.3", "3.11.3", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DockyardImageRef) ref = dockyard_image_ref_parse (cases[i].ref, NULL);
      g_autofree char *candidate = dockyard_image_ref_release_candidate (ref, cases[i].tag);

      g_test_message ("%s ~ %s", cases[i].ref, cases[i].tag);
      g_assert_cmpstr (candidate, ==, cases[i].candidate);
      g_assert_cmpint (dockyard_image_ref_has_same_tag (ref, cases[i].tag), ==, cases[i].same);
    }
}

static void
test_sort_tags (void)
{
  g_autoptr(GPtrArray) tags = g_ptr_array_new ();
  const char * const expected[] = { "3.11.10", "3.11.9", "3.11.2-slim", "3.9.18" };

  g_ptr_array_add (tags, (char *) "3.9.18");
  g_ptr_array_add (tags, (char *) "3.11.2-slim");
  g_ptr_array_add (tags, (char *) "3.11.10");
  g_ptr_array_add (tags, (char *) "3.11.9");
  dockyard_image_tags_sort_newest_first (tags);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_ptr_array_index (tags, i), ==, expected[i]);
}

/* The preview colours keywords, flags and comments, and nothing in the
 * continuation lines of an instruction as a keyword. */
static void
test_highlight (void)
{
  const char *text =
    "# syntax=docker/dockerfile:1\n"
    "FROM python:3.11.2\n"
    "run --mount=type=cache,target=/root/.cache/pip \\\n"
    "    add-apt-repository universe && pip install --upgrade pip\n"
    "  COPY . .\n";
  const DockyardHighlight expected[] = {
    { DOCKYARD_HIGHLIGHT_COMMENT, 0, 0, 28 },
    { DOCKYARD_HIGHLIGHT_KEYWORD, 1, 0, 4 },
    { DOCKYARD_HIGHLIGHT_KEYWORD, 2, 0, 3 },
    { DOCKYARD_HIGHLIGHT_FLAG, 2, 4, 46 },
    { DOCKYARD_HIGHLIGHT_FLAG, 3, 47, 56 },
    { DOCKYARD_HIGHLIGHT_KEYWORD, 4, 2, 6 },
  };
  g_autoptr(GArray) spans = dockyard_form_highlight (text);

  g_assert_cmpuint (spans->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < spans->len; i++)
    {
      const DockyardHighlight *span = &g_array_index (spans, DockyardHighlight, i);

      g_assert_cmpint (span->kind, ==, expected[i].kind);
      g_assert_cmpuint (span->line, ==, expected[i].line);
      g_assert_cmpuint (span->start, ==, expected[i].start);
      g_assert_cmpuint (span->end, ==, expected[i].end);
    }
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/form-text/base-image", test_base_image);
  g_test_add_func ("/form-text/base-image-fields", test_base_image_fields);
  g_test_add_func ("/form-text/command", test_command);
  g_test_add_func ("/form-text/words", test_words);
  g_test_add_func ("/form-text/other-instructions", test_other_instructions);
  g_test_add_func ("/form-text/release-candidates", test_release_candidates);
  g_test_add_func ("/form-text/sort-tags", test_sort_tags);
  g_test_add_func ("/form-text/highlight", test_highlight);

  return g_test_run ();
}
