/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-step-source.h"

/* Which instruction of a Dockerfile a build step came from.
 *
 * Builders number their steps differently (DockyardBuildStepNumbering):
 * BuildKit counts only the instructions of a stage that make a step, so
 * `FROM / ENV / LABEL / RUN echo ok / RUN exit 3` ends in "[3/3] RUN exit 3";
 * it leaves the FROM of a stage built on an earlier stage uncounted, which is
 * why its numbers are read from the stage's end.  buildah counts every
 * instruction of the stage, Docker's classic builder every instruction of the
 * file.  The step's own name then confirms the instruction's keyword; when
 * the numbers do not fit the Dockerfile (it changed since the build), only
 * an instruction whose text is the step's, and the only one, is taken. */

static gboolean
makes_buildkit_step (DockyardInstruction *instruction)
{
  const char *keyword = dockyard_instruction_get_keyword (instruction);

  return g_strcmp0 (keyword, "RUN") == 0 || g_strcmp0 (keyword, "COPY") == 0 ||
         g_strcmp0 (keyword, "ADD") == 0 || g_strcmp0 (keyword, "WORKDIR") == 0;
}

static const DockyardStage *
find_stage (DockyardDockerfile *dockerfile,
            const char         *name)
{
  guint n_stages = dockyard_dockerfile_get_n_stages (dockerfile);
  guint64 n;

  if (n_stages == 0)
    return NULL;

  /* Builders leave the stage out when there is only one. */
  if (name == NULL)
    return dockyard_dockerfile_get_stage (dockerfile, n_stages - 1);

  for (guint i = 0; i < n_stages; i++)
    {
      const DockyardStage *stage = dockyard_dockerfile_get_stage (dockerfile, i);

      if (stage->name != NULL && g_ascii_strcasecmp (stage->name, name) == 0)
        return stage;
    }

  /* BuildKit's name for a stage without "AS": "stage-N", N from 0. */
  if (g_str_has_prefix (name, "stage-") &&
      g_ascii_string_to_unsigned (name + 6, 10, 0, n_stages - 1, &n, NULL))
    return dockyard_dockerfile_get_stage (dockerfile, n);

  return NULL;
}

/* The first word of a step's instruction, e.g. "RUN". */
static char *
step_keyword (const char *text)
{
  gsize length = strcspn (text, " \t");

  return g_ascii_strup (text, length);
}

static gboolean
keyword_is (DockyardInstruction *instruction,
            const char          *keyword)
{
  return g_ascii_strcasecmp (dockyard_instruction_get_keyword (instruction), keyword) == 0;
}

/* Runs of white space as one space, none at the ends. */
static char *
collapse (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
        }
      else
        g_string_append_c (out, *p);
    }
  if (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

static gboolean
text_is (DockyardInstruction *instruction,
         const char          *text)
{
  g_autofree char *line = collapse (dockyard_instruction_get_logical_line (instruction));
  g_autofree char *wanted = collapse (text);
  gsize keyword_length = strcspn (line, " ");

  return strlen (wanted) >= keyword_length &&
         g_ascii_strncasecmp (line, wanted, keyword_length) == 0 &&
         strcmp (line + keyword_length, wanted + keyword_length) == 0;
}

static gboolean
find_by_number (DockyardDockerfile *dockerfile,
                const DockyardStage *stage,
                DockyardBuildStep  *step,
                guint              *position)
{
  guint index = dockyard_build_step_get_index (step);
  guint total = dockyard_build_step_get_total (step);

  switch (dockyard_build_step_get_numbering (step))
    {
    case DOCKYARD_BUILD_STEP_NUMBERING_BUILDKIT:
      {
        g_autoptr(GArray) steps = g_array_new (FALSE, FALSE, sizeof (guint));
        guint from_end;

        for (guint i = stage->first + 1; i <= stage->last; i++)
          if (makes_buildkit_step (dockyard_dockerfile_get_instruction (dockerfile, i)))
            g_array_append_val (steps, i);

        /* With or without a step for the FROM; anything else means the
         * Dockerfile is not the one that was built. */
        if (total != steps->len && total != steps->len + 1)
          return FALSE;

        from_end = total - index;
        if (from_end < steps->len)
          *position = g_array_index (steps, guint, steps->len - 1 - from_end);
        else if (from_end == steps->len && total == steps->len + 1)
          *position = stage->first;
        else
          return FALSE;
        return TRUE;
      }

    case DOCKYARD_BUILD_STEP_NUMBERING_STAGE:
      if (total != stage->last - stage->first + 1)
        return FALSE;
      *position = stage->first + index - 1;
      return TRUE;

    case DOCKYARD_BUILD_STEP_NUMBERING_FILE:
      if (total != dockyard_dockerfile_get_n_instructions (dockerfile))
        return FALSE;
      *position = index - 1;
      return TRUE;

    case DOCKYARD_BUILD_STEP_NUMBERING_NONE:
    default:
      return FALSE;
    }
}

/**
 * dockyard_step_source_find:
 * @dockerfile: the Dockerfile that was built
 * @step: a step of that build
 * @instruction: (out): the index of the instruction @step came from
 *
 * Finds the instruction a build step came from, through the instructions of
 * the step's stage and the step's own name ("[stage-0 3/3] RUN exit 3").
 *
 * Returns: whether @step is an instruction of @dockerfile
 */
gboolean
dockyard_step_source_find (DockyardDockerfile *dockerfile,
                           DockyardBuildStep  *step,
                           guint              *instruction)
{
  const char *text = dockyard_build_step_get_instruction (step);
  g_autofree char *keyword = NULL;
  const DockyardStage *stage = NULL;
  guint first, last;
  guint position;
  guint found = G_MAXUINT;

  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (dockerfile), FALSE);
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (step), FALSE);
  g_return_val_if_fail (instruction != NULL, FALSE);

  if (dockyard_build_step_get_numbering (step) == DOCKYARD_BUILD_STEP_NUMBERING_NONE ||
      text == NULL)
    return FALSE;

  keyword = step_keyword (text);

  if (dockyard_build_step_get_numbering (step) == DOCKYARD_BUILD_STEP_NUMBERING_FILE)
    {
      if (dockyard_dockerfile_get_n_instructions (dockerfile) == 0)
        return FALSE;
      first = 0;
      last = dockyard_dockerfile_get_n_instructions (dockerfile) - 1;
      stage = find_stage (dockerfile, NULL);
    }
  else
    {
      stage = find_stage (dockerfile, dockyard_build_step_get_stage (step));
      if (stage == NULL)
        return FALSE;
      first = stage->first;
      last = stage->last;
    }

  if (stage != NULL && find_by_number (dockerfile, stage, step, &position) &&
      position >= first && position <= last &&
      keyword_is (dockyard_dockerfile_get_instruction (dockerfile, position), keyword))
    {
      *instruction = position;
      return TRUE;
    }

  for (guint i = first; i <= last; i++)
    {
      if (!text_is (dockyard_dockerfile_get_instruction (dockerfile, i), text))
        continue;
      if (found != G_MAXUINT)
        return FALSE;
      found = i;
    }

  if (found == G_MAXUINT)
    return FALSE;

  *instruction = found;
  return TRUE;
}
