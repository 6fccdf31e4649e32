/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "dockyard-requirements.h"

/* libFuzzer target: any bytes as a requirements.txt, then every accessor
 * on what came out.  Built and run by tests/fuzz/run-fuzzer requirements. */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(DockyardRequirements) reqs = NULL;
  const char * const *includes;
  guint n;

  reqs = dockyard_requirements_parse ((const char *) data, size, "requirements.txt");
  if (reqs == NULL)
    return 0;

  n = dockyard_requirements_get_n_items (reqs);
  for (guint i = 0; i < n; i++)
    {
      const DockyardRequirement *req = dockyard_requirements_get_item (reqs, i);

      /* Positions point into the input: 1-based, never past its end. */
      if (req->line == 0 || req->column == 0 || req->line > size + 1)
        __builtin_trap ();

      if (req->name != NULL)
        {
          g_autofree char *normalized = dockyard_requirement_normalize_name (req->name);

          if (normalized == NULL)
            __builtin_trap ();
        }
      if (req->specifier != NULL)
        (void) dockyard_requirement_specifier_is_pinned (req->specifier);
      for (guint j = 0; req->hashes != NULL && req->hashes[j] != NULL; j++)
        (void) strlen (req->hashes[j]);
      (void) dockyard_requirements_is_satisfied_pinned (reqs, req);
    }

  includes = dockyard_requirements_get_includes (reqs);
  for (guint i = 0; includes != NULL && includes[i] != NULL; i++)
    (void) strlen (includes[i]);

  return 0;
}
