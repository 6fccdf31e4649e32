/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "dockyard-dockerfile-context.h"
#include "dockyard-dockerfile-generator.h"
#include "dockyard-lint.h"
#include "dockyard-requirements.h"
#include "dockyard-image-ref.h"

/* libFuzzer target: any bytes through the parser, the dump, every rule,
 * the fixes, the form model and the requirements parser.  Built and run by
 * tests/fuzz/run-fuzzer. */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* A build context for the rules that read it (CopyIgnoredFile, the
 * requirements files), made once. */
static GFile *
fuzz_context (void)
{
  static GFile *context;

  if (context == NULL)
    {
      g_autofree char *dir = g_dir_make_tmp ("dockyard-fuzz-XXXXXX", NULL);
      g_autofree char *ignore = g_build_filename (dir, ".dockerignore", NULL);
      g_autofree char *reqs = g_build_filename (dir, "requirements.txt", NULL);

      g_file_set_contents (ignore, "*.md\nnode_modules\nsecret/\n**/*.pyc\n", -1, NULL);
      g_file_set_contents (reqs, "flask\nnumpy==1.26.4\n-r dev.txt\n", -1, NULL);
      context = g_file_new_for_path (dir);
    }
  return context;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(DockyardDockerfile) df = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) fixed = NULL;
  g_autoptr(DockyardRequirements) reqs = NULL;
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *fixed_text = NULL;
  gsize fixed_length = 0;

  df = dockyard_dockerfile_new_from_data ((const char *) data, size, NULL);
  if (df != NULL)
    {
      g_autofree char *dump = dockyard_dockerfile_dump (df);
      g_autoptr(DockyardDockerfileModel) model = dockyard_dockerfile_model_new_from_dockerfile (df);
      g_autofree char *generated = dockyard_dockerfile_model_generate (model);
      g_autoptr(DockyardDockerfile) again = dockyard_dockerfile_new_from_data (generated, -1, NULL);
      g_auto(GStrv) sources = dockyard_dockerfile_dup_context_sources (df);
      g_auto(GStrv) images = dockyard_dockerfile_dup_base_images (df);

      /* What the build reads: clean paths inside the context, never all of it
       * (that is said with NULL). */
      for (guint i = 0; sources != NULL && sources[i] != NULL; i++)
        if (*sources[i] == '\0' || sources[i][0] == '/' || strstr (sources[i], "//") != NULL ||
            g_str_has_suffix (sources[i], "/") || g_str_equal (sources[i], ".") ||
            g_str_equal (sources[i], "..") || g_str_has_prefix (sources[i], "../") ||
            strstr (sources[i], "/../") != NULL || g_str_has_suffix (sources[i], "/.."))
          __builtin_trap ();
      for (guint i = 0; images != NULL && images[i] != NULL; i++)
        if (*images[i] == '\0')
          __builtin_trap ();

      for (guint i = 0; i < dockyard_dockerfile_get_n_stages (df); i++)
        {
          const DockyardStage *stage = dockyard_dockerfile_get_stage (df, i);

          if (stage->expanded_base_image != NULL)
            {
              g_autoptr(DockyardImageRef) ref = dockyard_image_ref_parse (stage->expanded_base_image, NULL);

              if (ref != NULL)
                {
                  g_autofree char *str = dockyard_image_ref_to_string (ref);

                  /* A parsed reference prints back as written. */
                  if (strcmp (str, stage->expanded_base_image) != 0)
                    __builtin_trap ();
                }
            }
        }
    }

  findings = dockyard_lint_text ((const char *) data, size, fuzz_context (), NULL);
  fixed_text = dockyard_lint_fix_text ((const char *) data, size, fuzz_context (), &fixed, &fixed_length);

  /* Every finding in the text is at a place in it. */
  for (guint i = 0; i < findings->len; i++)
    {
      DockyardFinding *finding = g_ptr_array_index (findings, i);

      if (dockyard_finding_get_file (finding) == NULL && dockyard_finding_get_offset (finding) > size)
        __builtin_trap ();
    }

  /* Fixes must leave a file that still parses when the original did. */
  if (df != NULL && fixed->len > 0)
    {
      g_autoptr(DockyardDockerfile) after = dockyard_dockerfile_new_from_data (fixed_text, fixed_length, NULL);

      if (after == NULL)
        __builtin_trap ();
    }

  reqs = dockyard_requirements_parse ((const char *) data, size, "requirements.txt");

  return 0;
}
