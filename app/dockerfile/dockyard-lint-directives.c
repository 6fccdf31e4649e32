/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-lint-private.h"

/* BuildKit's check directive, for every rule, Dockyard's included:
 * `# check=skip=Rule1,Rule2;error=true` at the top of the file, and the
 * same comment right above an instruction for that instruction. */

typedef struct
{
  gboolean  valid;
  gboolean  skip_all;
  gboolean  error;
  gboolean  error_set;
  GStrv     skip;
} CheckOptions;

static void
check_options_clear (CheckOptions *options)
{
  g_clear_pointer (&options->skip, g_strfreev);
}

/* strconv.ParseBool */
static gboolean
parse_go_bool (const char *s,
               gboolean   *value)
{
  static const char * const yes[] = { "1", "t", "T", "TRUE", "true", "True", NULL };
  static const char * const no[] = { "0", "f", "F", "FALSE", "false", "False", NULL };

  if (g_strv_contains (yes, s))
    *value = TRUE;
  else if (g_strv_contains (no, s))
    *value = FALSE;
  else
    return FALSE;
  return TRUE;
}

/* "skip=Rule1,Rule2;error=true", as BuildKit's ParseLintOptions reads it;
 * something it refuses leaves @options invalid. */
static void
parse_check_options (const char   *value,
                     CheckOptions *options)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (value));
  g_auto(GStrv) parts = NULL;

  options->valid = TRUE;
  if (*trimmed == '\0')
    return;
  parts = g_strsplit (trimmed, ";", 3);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *eq = strchr (parts[i], '=');
      g_autofree char *key = NULL;
      g_autofree char *val = NULL;

      if (eq == NULL)
        {
          options->valid = FALSE;
          return;
        }
      key = g_strstrip (g_strndup (parts[i], eq - parts[i]));
      val = g_strstrip (g_strdup (eq + 1));
      if (g_str_equal (key, "skip"))
        {
          if (g_str_equal (val, "all"))
            options->skip_all = TRUE;
          else
            {
              g_strfreev (options->skip);
              options->skip = g_strsplit (val, ",", -1);
              for (guint k = 0; options->skip[k] != NULL; k++)
                g_strstrip (options->skip[k]);
            }
        }
      else if (g_str_equal (key, "error"))
        {
          if (!parse_go_bool (val, &options->error))
            {
              options->valid = FALSE;
              return;
            }
          options->error_set = TRUE;
        }
      else if (!g_str_equal (key, "experimental"))
        {
          options->valid = FALSE;
          return;
        }
    }
}

/* The comment lines right above the instruction starting at @offset, as
 * BuildKit collects them (blank lines between do not count, an empty "#"
 * starts over); the first that is a check directive. */
static char *
check_comment_above (DockyardLint *lint,
                     gsize         offset,
                     gsize         limit)
{
  gsize length = 0;
  const char *text = dockyard_dockerfile_get_text (lint->df, &length);
  gsize line_start = offset;
  g_autofree char *found = NULL;

  while (line_start > 0 && text[line_start - 1] != '\n')
    line_start--;

  while (line_start > limit)
    {
      gsize end = line_start - 1;        /* the '\n' of the line above */
      gsize start = end;
      const char *p;
      g_autofree char *comment = NULL;

      while (start > 0 && text[start - 1] != '\n')
        start--;
      if (start < limit)
        break;                          /* the previous instruction (a heredoc) */
      line_start = start;
      p = text + start;
      while (p < text + end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
      if (p == text + end)
        continue;                       /* blank */
      if (*p != '#')
        break;
      comment = g_strstrip (g_strndup (p + 1, text + end - p - 1));
      if (*comment == '\0')
        break;
      /* name = value, the name "check"; the value up to a blank */
      {
        const char *q = comment;
        gsize name_len = 0;

        while (g_ascii_isalnum (q[name_len]))
          name_len++;
        if (name_len == 5 && g_ascii_strncasecmp (q, "check", 5) == 0)
          {
            q += name_len;
            while (*q == ' ' || *q == '\t')
              q++;
            if (*q == '=')
              {
                q++;
                while (*q == ' ' || *q == '\t')
                  q++;
                g_free (found);
                found = g_strndup (q, strcspn (q, " \t"));
              }
          }
      }
    }

  return g_steal_pointer (&found);
}

static gboolean
options_skip (const CheckOptions *options,
              const char         *rule)
{
  return options->valid && (options->skip_all || (options->skip != NULL && g_strv_contains ((const char * const *) options->skip, rule)));
}

/* Drops what `# check=skip=` silences and raises the rest to errors under
 * `# check=error=true`. */
void
_dockyard_lint_apply_check_directives (DockyardLint *lint)
{
  const char *directive = dockyard_dockerfile_get_directive (lint->df, "check");
  CheckOptions global = { 0 };
  guint n_instructions = dockyard_dockerfile_get_n_instructions (lint->df);

  if (directive != NULL)
    parse_check_options (directive, &global);

  for (guint i = lint->findings->len; i > 0; i--)
    {
      DockyardFinding *finding = g_ptr_array_index (lint->findings, i - 1);
      const char *rule = dockyard_finding_get_rule (finding);
      CheckOptions local = { 0 };
      gboolean skip = options_skip (&global, rule);

      if (!skip && dockyard_finding_get_file (finding) == NULL && !g_str_equal (rule, DOCKYARD_RULE_PARSE_ERROR))
        {
          gsize offset = dockyard_finding_get_offset (finding);

          for (guint k = 0; k < n_instructions; k++)
            {
              const DockyardSourceRange *range =
                dockyard_instruction_get_range (dockyard_dockerfile_get_instruction (lint->df, k));

              if (range->start.offset <= offset && offset < MAX (range->end.offset, range->start.offset + 1))
                {
                  gsize limit = k > 0 ? dockyard_instruction_get_range (dockyard_dockerfile_get_instruction (lint->df, k - 1))->end.offset : 0;
                  g_autofree char *value = check_comment_above (lint, range->start.offset, limit);

                  if (value != NULL)
                    parse_check_options (value, &local);
                  break;
                }
            }
          skip = options_skip (&local, rule);
        }
      check_options_clear (&local);

      if (skip)
        g_ptr_array_remove_index (lint->findings, i - 1);
      else if (global.valid && global.error)
        dockyard_finding_set_severity (finding, DOCKYARD_SEVERITY_ERROR);
    }

  check_options_clear (&global);
}
