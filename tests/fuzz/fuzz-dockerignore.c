/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "dockyard-dockerignore.h"

/* libFuzzer target: the input is a .dockerignore, then a NUL byte, then
 * paths one a line to match against it.  Built and run by
 * tests/fuzz/run-fuzzer dockerignore. */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  const char *nul = memchr (data, '\0', size);
  gsize patterns_len = nul != NULL ? (gsize) (nul - text) : size;
  g_auto(GStrv) patterns = NULL;
  g_auto(GStrv) paths = NULL;
  g_autoptr(DockyardDockerignore) ignore = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rest = NULL;

  patterns = dockyard_dockerignore_parse (text, patterns_len);
  if (patterns == NULL)
    __builtin_trap ();

  ignore = dockyard_dockerignore_new_from_contents (text, patterns_len, &error);
  if (ignore == NULL)
    {
      if (error == NULL)
        __builtin_trap ();
      return 0;
    }

  rest = nul != NULL ? g_strndup (nul + 1, size - patterns_len - 1) : g_strdup ("a\nb/c\n.git\n");
  paths = g_strsplit (rest, "\n", 64);
  (void) dockyard_dockerignore_has_exceptions (ignore);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *clean = dockyard_dockerignore_clean_path (paths[i]);
      g_autofree char *twice = NULL;

      if (clean == NULL)
        __builtin_trap ();
      /* Cleaning is idempotent. */
      twice = dockyard_dockerignore_clean_path (clean);
      if (strcmp (clean, twice) != 0)
        __builtin_trap ();

      (void) dockyard_dockerignore_matches (ignore, clean);
      (void) dockyard_dockerignore_matches (ignore, paths[i]);
      (void) dockyard_dockerignore_may_include_below (ignore, clean);
    }

  return 0;
}
