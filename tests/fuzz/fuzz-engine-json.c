/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: what the engine answers, through the code that reads
 * it.  The first byte picks the reader:
 *   0: an HTTP error reply (the next byte is the status) into a GError;
 *   1: an /images/json listing, applied twice to a live image list (the
 *      second half of the input updates the first);
 *   2: the same for /containers/json;
 *   3: /events lines.
 * apply_listing() is static: the object list is included here rather than
 * given a private entry point.  Built and run by
 * tests/fuzz/run-fuzzer engine-json. */
#include "dockyard-object-list.c"

#include <stdint.h>

#include "fuzz-utils.h"

int  LLVMFuzzerTestOneInput (const uint8_t *data,
                             size_t         size);
void fuzz_event_line        (const char    *line,
                             gsize          length);

static void
apply_json (DockyardObjectList *list,
            const char         *text,
            gsize               length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, length, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return;
  apply_listing (list, json_node_get_array (root));
}

static void
look_at (DockyardObjectList *list)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (item == NULL || object_id (item) == NULL)
        __builtin_trap ();
      if (dockyard_object_list_lookup (list, object_id (item)) != item)
        __builtin_trap ();
      if (DOCKYARD_IS_IMAGE (item))
        {
          (void) dockyard_image_get_name (DOCKYARD_IMAGE (item));
          (void) dockyard_image_get_tags (DOCKYARD_IMAGE (item));
        }
      else
        {
          (void) dockyard_container_get_name (DOCKYARD_CONTAINER (item));
          (void) dockyard_container_get_image (DOCKYARD_CONTAINER (item));
          (void) dockyard_container_get_state (DOCKYARD_CONTAINER (item));
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data + 1;
  gsize length = size - 1;

  fuzz_make_criticals_fatal ();

  if (size < 2)
    return 0;

  switch (data[0] % 4)
    {
    case 0:
      {
        g_autoptr(GBytes) body = g_bytes_new (data + 2, size - 2);
        g_autoptr(GError) error = _dockyard_engine_error_from_reply (400 + data[1] % 200, body);

        if (error == NULL || error->message == NULL || !g_utf8_validate (error->message, -1, NULL))
          __builtin_trap ();
        break;
      }
    case 1:
    case 2:
      {
        g_autoptr(DockyardObjectList) list = g_object_new (DOCKYARD_TYPE_OBJECT_LIST, NULL);
        const char *half = memchr (text, '\0', length);
        gsize first = half != NULL ? (gsize) (half - text) : length;

        list->kind = data[0] % 4 == 1 ? &image_kind : &container_kind;
        apply_json (list, text, first);
        look_at (list);
        if (half != NULL)
          {
            apply_json (list, half + 1, length - first - 1);
            look_at (list);
          }
        break;
      }
    default:
      {
        const char *p = text;
        const char *end = text + length;

        while (p < end)
          {
            const char *nl = memchr (p, '\n', end - p);
            gsize len = nl != NULL ? (gsize) (nl - p) : (gsize) (end - p);

            fuzz_event_line (p, len);
            p += len + 1;
          }
        break;
      }
    }

  return 0;
}
