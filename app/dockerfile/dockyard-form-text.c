/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-form-text.h"
#include "dockyard-image-ref.h"

/* The Dockerfile form as text: what its fields show for a model and how
 * their text is read back, the lines it does not show, and the spans its
 * preview colours. */

/**
 * dockyard_form_split_base_image:
 * @base_image: (nullable): a base image reference
 * @image: (out) (transfer full) (nullable): the image field
 * @version: (out) (transfer full) (nullable): the version field
 *
 * "python:3.8.8" -> "python", "3.8.8"; "python@sha256:..." -> "python",
 * "sha256:...".  A reference that does not parse stays whole in @image,
 * so that dockyard_form_join_base_image() gives the text back.
 */
void
dockyard_form_split_base_image (const char  *base_image,
                                char       **image,
                                char       **version)
{
  g_autoptr(DockyardImageRef) ref = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (image != NULL);
  g_return_if_fail (version != NULL);

  *image = NULL;
  *version = NULL;
  if (base_image == NULL)
    return;

  ref = dockyard_image_ref_parse (base_image, NULL);
  if (ref != NULL)
    name = dockyard_image_ref_get_name (ref);
  if (name != NULL && g_str_has_prefix (base_image, name) &&
      (base_image[strlen (name)] == ':' || base_image[strlen (name)] == '@'))
    {
      *image = g_steal_pointer (&name);
      *version = g_strdup (base_image + strlen (*image) + 1);
      return;
    }

  *image = g_strdup (base_image);
}

/**
 * dockyard_form_join_base_image:
 * @image: (nullable): the image field
 * @version: (nullable): the version field: a tag or a digest
 *
 * Returns: (transfer full) (nullable): the base image reference, %NULL
 *   without an image
 */
char *
dockyard_form_join_base_image (const char *image,
                               const char *version)
{
  if (image == NULL || *image == '\0')
    return NULL;
  if (version == NULL || *version == '\0')
    return g_strdup (image);
  if (g_str_has_prefix (version, "sha256:"))
    return g_strconcat (image, "@", version, NULL);
  return g_strconcat (image, ":", version, NULL);
}

static gboolean
word_needs_quotes (const char *word)
{
  if (*word == '\0')
    return TRUE;
  for (const char *p = word; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("_-./:=@%+,", *p) == NULL)
      return TRUE;
  return FALSE;
}

/**
 * dockyard_form_command_to_text:
 * @argv: (nullable) (array zero-terminated=1): a command
 *
 * Returns: (transfer full): the command as one line that
 *   g_shell_parse_argv() reads back, quoting only the words that need it
 */
char *
dockyard_form_command_to_text (const char * const *argv)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      if (word_needs_quotes (argv[i]))
        {
          g_autofree char *quoted = g_shell_quote (argv[i]);
          g_string_append (out, quoted);
        }
      else
        g_string_append (out, argv[i]);
    }

  return g_string_free (out, FALSE);
}

/**
 * dockyard_form_words_from_text:
 * @text: a field holding a list of words, e.g. apt packages
 *
 * Returns: (transfer full): the words separated by blanks and line ends
 */
char **
dockyard_form_words_from_text (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) words = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  words = g_strsplit_set (text, " \t\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_strv_builder_add (builder, words[i]);

  return g_strv_builder_end (builder);
}

/**
 * dockyard_form_other_instructions:
 * @model: a form model read from a Dockerfile
 *
 * Returns: (transfer full): the lines of @model's Dockerfile that the form
 *   does not show, "" if none
 */
char *
dockyard_form_other_instructions (DockyardDockerfileModel *model)
{
  g_autoptr(DockyardDockerfileModel) bare = NULL;
  g_autofree char *full = NULL;
  g_autofree char *form_only = NULL;
  g_auto(GStrv) full_lines = NULL;
  g_auto(GStrv) form_lines = NULL;
  GString *out = g_string_new (NULL);
  guint j = 0;

  g_return_val_if_fail (model != NULL, NULL);

  if (!dockyard_dockerfile_model_has_extra_instructions (model))
    return g_string_free (out, FALSE);

  bare = dockyard_dockerfile_model_new ();
  dockyard_dockerfile_model_set_base_image (bare, dockyard_dockerfile_model_get_base_image (model));
  dockyard_dockerfile_model_set_work_dir (bare, dockyard_dockerfile_model_get_work_dir (model));
  dockyard_dockerfile_model_set_requirements_file (bare, dockyard_dockerfile_model_get_requirements_file (model));
  dockyard_dockerfile_model_set_requirements_cached (bare, dockyard_dockerfile_model_get_requirements_cached (model));
  dockyard_dockerfile_model_set_apt_packages (bare, dockyard_dockerfile_model_get_apt_packages (model));
  dockyard_dockerfile_model_set_jupyterlab_version (bare, dockyard_dockerfile_model_get_jupyterlab_version (model));
  dockyard_dockerfile_model_set_command (bare, dockyard_dockerfile_model_get_command (model));

  full = dockyard_dockerfile_model_generate (model);
  form_only = dockyard_dockerfile_model_generate (bare);
  full_lines = g_strsplit (full, "\n", -1);
  form_lines = g_strsplit (form_only, "\n", -1);

  /* The extra lines are inserted between the form's, whose order stays. */
  for (guint i = 0; full_lines[i] != NULL; i++)
    {
      if (form_lines[j] != NULL && g_str_equal (full_lines[i], form_lines[j]))
        j++;
      else if (full_lines[i][0] != '\0' || full_lines[i + 1] != NULL)
        g_string_append_printf (out, "%s\n", full_lines[i]);
    }

  if (out->len > 0)
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

static const char * const keywords[] = {
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
  "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", NULL
};

static gboolean
is_keyword (const char *word,
            gsize       length)
{
  for (guint i = 0; keywords[i] != NULL; i++)
    if (strlen (keywords[i]) == length && g_ascii_strncasecmp (word, keywords[i], length) == 0)
      return TRUE;
  return FALSE;
}

static void
add_span (GArray                *spans,
          DockyardHighlightKind  kind,
          guint                  line,
          gsize                  start,
          gsize                  end)
{
  DockyardHighlight span = { kind, line, start, end };

  g_array_append_val (spans, span);
}

/**
 * dockyard_form_highlight:
 * @text: a Dockerfile
 *
 * Keywords, flags and comments: enough to read the file at a glance, not a
 * full Dockerfile lexer (heredoc bodies are coloured like other lines).
 *
 * Returns: (transfer full) (element-type DockyardHighlight): the spans,
 *   line by line
 */
GArray *
dockyard_form_highlight (const char *text)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (DockyardHighlight));
  g_auto(GStrv) lines = NULL;
  gboolean continued = FALSE;

  g_return_val_if_fail (text != NULL, spans);

  lines = g_strsplit (text, "\n", -1);
  for (guint line = 0; lines[line] != NULL; line++)
    {
      const char *s = lines[line];
      gsize len = strlen (s);
      gsize i = strspn (s, " \t");
      gsize first_word_end;

      if (s[i] == '#')
        {
          add_span (spans, DOCKYARD_HIGHLIGHT_COMMENT, line, i, len);
          continue;
        }

      first_word_end = i;
      while (first_word_end < len && g_ascii_isalpha (s[first_word_end]))
        first_word_end++;
      if (!continued && is_keyword (s + i, first_word_end - i))
        add_span (spans, DOCKYARD_HIGHLIGHT_KEYWORD, line, i, first_word_end);

      for (gsize k = i; k + 1 < len; k++)
        {
          if (s[k] == '-' && s[k + 1] == '-' && (k == 0 || s[k - 1] == ' ' || s[k - 1] == '\t'))
            {
              gsize end = k;

              while (end < len && s[end] != ' ' && s[end] != '\t')
                end++;
              add_span (spans, DOCKYARD_HIGHLIGHT_FLAG, line, k, end);
              k = end;
            }
        }

      continued = len > 0 && s[len - 1] == '\\';
    }

  return spans;
}
