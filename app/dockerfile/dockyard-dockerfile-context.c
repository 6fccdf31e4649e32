/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a build of a Dockerfile reads from its context.
 *
 * BuildKit, driven by Docker's own client, asks the client only for the
 * files the Dockerfile uses.  Dockyard sends the context as one tar, so it
 * works that out beforehand: the sources of COPY and ADD and the bind
 * mounts of RUN, when each is a plain path.  Whenever that cannot be told
 * for certain (a variable, a wildcard, a frontend named by `# syntax=`, a
 * base image that is only known by an ARG) the answer is "anything", and
 * the whole context is sent, as before.
 */
#include "config.h"

#include <string.h>

#include "dockyard-dockerfile-context.h"

typedef struct
{
  GPtrArray *paths;
  gboolean   anything;
} Sources;

/* "./src//a/" -> "src/a"; "/" or "." -> "" (the whole context).  FALSE
 * when the path is not a plain path. */
static gboolean
clean_source (const char  *source,
              char       **cleaned)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  /* A variable, a wildcard or an escape: BuildKit expands or matches it,
   * which is not worth imitating here. */
  if (*source == '\0' || strpbrk (source, "$*?[]\\") != NULL)
    return FALSE;

  parts = g_strsplit (source, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0' || g_str_equal (parts[i], "."))
        continue;
      if (g_str_equal (parts[i], ".."))
        {
          /* Above the context's root is its root, as in BuildKit. */
          if (kept->len > 0)
            g_ptr_array_set_size (kept, kept->len - 1);
          continue;
        }
      g_ptr_array_add (kept, parts[i]);
    }
  g_ptr_array_add (kept, NULL);

  *cleaned = g_strjoinv ("/", (char **) kept->pdata);
  return TRUE;
}

static void
add_source (Sources    *sources,
            const char *source)
{
  g_autofree char *cleaned = NULL;

  if (sources->anything)
    return;

  if (!clean_source (source, &cleaned) || *cleaned == '\0')
    {
      sources->anything = TRUE;
      return;
    }

  for (guint i = 0; i < sources->paths->len; i++)
    if (g_str_equal (g_ptr_array_index (sources->paths, i), cleaned))
      return;
  g_ptr_array_add (sources->paths, g_steal_pointer (&cleaned));
}

static gboolean
is_remote (const char *source)
{
  return strstr (source, "://") != NULL || g_str_has_prefix (source, "git@");
}

static void
add_copy_sources (Sources             *sources,
                  DockyardInstruction *ins,
                  gboolean             is_add)
{
  const char * const *args = dockyard_instruction_get_args (ins);
  guint n = dockyard_instruction_get_n_args (ins);
  gboolean heredocs = dockyard_instruction_get_n_heredocs (ins) > 0;

  /* From another stage or an image, not from the context. */
  if (dockyard_instruction_get_flag_value (ins, "from") != NULL)
    return;

  /* --parents keeps the source's directories: its matching rules are
   * BuildKit's own. */
  if (dockyard_instruction_get_flag_value (ins, "parents") != NULL)
    {
      sources->anything = TRUE;
      return;
    }

  for (guint i = 0; i + 1 < n; i++)
    {
      if (heredocs && g_str_has_prefix (args[i], "<<"))
        continue;
      if (is_add && is_remote (args[i]))
        continue;
      add_source (sources, args[i]);
    }
}

static void
add_mount_sources (Sources             *sources,
                   DockyardInstruction *ins)
{
  for (guint i = 0; i < dockyard_instruction_get_n_mounts (ins); i++)
    {
      const DockyardMount *mount = dockyard_instruction_get_mount (ins, i);

      if (mount->type == NULL || !g_str_equal (mount->type, "bind") || mount->from != NULL)
        continue;
      add_source (sources, mount->source != NULL ? mount->source : ".");
    }
}

/**
 * dockyard_dockerfile_dup_context_sources:
 *
 * The paths in the build context that a build of this Dockerfile reads
 * (besides the Dockerfile and `.dockerignore`): each names a file or a
 * folder with everything under it, relative to the context, cleaned
 * (`./src/` is `src`).  ONBUILD triggers of the base images are not
 * known here: see dockyard_dockerfile_dup_base_images().
 *
 * Returns: (transfer full) (nullable): the paths, possibly none, or %NULL
 *   when the build may read anything in the context
 */
char **
dockyard_dockerfile_dup_context_sources (DockyardDockerfile *self)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  Sources sources = { paths, FALSE };

  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (self), NULL);

  /* Another frontend may read whatever it likes. */
  if (dockyard_dockerfile_get_directive (self, "syntax") != NULL)
    return NULL;

  for (guint i = 0; i < dockyard_dockerfile_get_n_instructions (self) && !sources.anything; i++)
    {
      DockyardInstruction *ins = dockyard_dockerfile_get_instruction (self, i);
      const char *keyword = dockyard_instruction_get_keyword (ins);

      if (g_ascii_strcasecmp (keyword, "COPY") == 0)
        add_copy_sources (&sources, ins, FALSE);
      else if (g_ascii_strcasecmp (keyword, "ADD") == 0)
        add_copy_sources (&sources, ins, TRUE);
      else if (g_ascii_strcasecmp (keyword, "RUN") == 0)
        add_mount_sources (&sources, ins);
      /* ONBUILD runs in the builds of images made from this one. */
    }

  if (sources.anything)
    return NULL;

  g_ptr_array_add (paths, NULL);
  return (char **) g_ptr_array_steal (paths, NULL);
}

/**
 * dockyard_dockerfile_dup_base_images:
 *
 * The images the stages start from, as the build will look them up:
 * neither `scratch` nor an earlier stage, ARGs before the first FROM
 * substituted, each once.
 *
 * Returns: (transfer full) (nullable): the images, or %NULL when one of
 *   them depends on a build argument without a default
 */
char **
dockyard_dockerfile_dup_base_images (DockyardDockerfile *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();

  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (self), NULL);

  for (guint i = 0; i < dockyard_dockerfile_get_n_stages (self); i++)
    {
      const DockyardStage *stage = dockyard_dockerfile_get_stage (self, i);
      const char *image = stage->expanded_base_image;
      gboolean known = FALSE;

      if (image == NULL || *image == '\0' || strchr (image, '$') != NULL)
        return NULL;

      if (g_ascii_strcasecmp (image, "scratch") == 0)
        continue;

      /* A stage's name, case-insensitively as BuildKit compares them. */
      for (guint k = 0; k < i && !known; k++)
        {
          const DockyardStage *earlier = dockyard_dockerfile_get_stage (self, k);

          known = earlier->name != NULL && g_ascii_strcasecmp (earlier->name, image) == 0;
        }
      for (guint k = 0; k < seen->len && !known; k++)
        known = g_str_equal (g_ptr_array_index (seen, k), image);
      if (known)
        continue;

      g_ptr_array_add (seen, (gpointer) image);
      g_strv_builder_add (builder, image);
    }

  return g_strv_builder_end (builder);
}
