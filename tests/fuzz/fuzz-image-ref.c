/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "dockyard-image-ref.h"

/* libFuzzer target: any bytes as an image reference ("FROM x").  A
 * reference that parses must print back as written and parse again to the
 * same parts.  Built and run by tests/fuzz/run-fuzzer image-ref. */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(DockyardImageRef) ref = NULL;
  g_autoptr(DockyardImageRef) again = NULL;
  g_autoptr(DockyardImageRef) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *str = NULL;
  g_autofree char *name = NULL;
  g_autofree char *normalized = NULL;

  (void) dockyard_image_tag_is_exact_release (text);

  ref = dockyard_image_ref_parse (text, &error);
  if (ref == NULL)
    {
      /* A failure always says why. */
      if (error == NULL || error->domain != DOCKYARD_IMAGE_REF_ERROR)
        __builtin_trap ();
      return 0;
    }
  if (error != NULL)
    __builtin_trap ();

  str = dockyard_image_ref_to_string (ref);
  if (strcmp (str, text) != 0)
    __builtin_trap ();

  again = dockyard_image_ref_parse (str, NULL);
  if (again == NULL ||
      g_strcmp0 (dockyard_image_ref_get_domain (ref), dockyard_image_ref_get_domain (again)) != 0 ||
      g_strcmp0 (dockyard_image_ref_get_path (ref), dockyard_image_ref_get_path (again)) != 0 ||
      g_strcmp0 (dockyard_image_ref_get_tag (ref), dockyard_image_ref_get_tag (again)) != 0 ||
      g_strcmp0 (dockyard_image_ref_get_digest (ref), dockyard_image_ref_get_digest (again)) != 0 ||
      dockyard_image_ref_get_pinning (ref) != dockyard_image_ref_get_pinning (again))
    __builtin_trap ();

  copy = dockyard_image_ref_copy (ref);
  name = dockyard_image_ref_get_name (copy);
  normalized = dockyard_image_ref_get_normalized_name (copy);
  if (name == NULL || normalized == NULL)
    __builtin_trap ();

  return 0;
}
