/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>

#include "fuzz-utils.h"
#include <string.h>

#include "dockyard-build-private.h"

/* libFuzzer target: the body of a POST /build answer, fed line by line into
 * the decoder.  The first byte picks the form of the rest:
 *   even: raw JSON lines, as the engine sends them;
 *   odd:  raw protobuf StatusResponse messages separated by 0xff 0xfe,
 *         each wrapped here as {"id":"moby.buildkit.trace","aux":"BASE64"}
 *         so that the fuzzer reaches the protobuf decoding directly.
 * Built and run by tests/fuzz/run-fuzzer buildkit-trace. */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static DockyardEngine *engine;

static void
feed_protobuf (DockyardBuild *build,
               const uint8_t *data,
               size_t         size)
{
  g_autofree char *b64 = g_base64_encode (data, size);
  g_autofree char *line = g_strdup_printf ("{\"id\":\"moby.buildkit.trace\",\"aux\":\"%s\"}", b64);

  _dockyard_build_feed_line (build, line, strlen (line));
}

static void
look_at (DockyardBuild *build)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (build));
  const char * const *warnings;

  (void) dockyard_build_get_progress (build);
  (void) dockyard_build_get_error_message (build);
  (void) dockyard_build_get_image_id (build);
  (void) dockyard_build_get_failed_step (build);
  warnings = dockyard_build_get_warnings (build);
  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    if (!g_utf8_validate (warnings[i], -1, NULL))
      __builtin_trap ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DockyardBuildStep) step = g_list_model_get_item (G_LIST_MODEL (build), i);
      g_autofree char *tail = NULL;

      if (step == NULL)
        __builtin_trap ();
      (void) dockyard_build_step_get_name (step);
      (void) dockyard_build_step_get_duration (step);
      (void) dockyard_build_step_get_state (step);
      (void) dockyard_build_step_get_stage (step);
      (void) dockyard_build_step_get_instruction (step);
      (void) dockyard_build_step_get_index (step);
      (void) dockyard_build_step_get_total (step);
      tail = dockyard_build_step_dup_log_tail (step, 5);
    }
  if (g_list_model_get_item (G_LIST_MODEL (build), n) != NULL)
    __builtin_trap ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(DockyardBuild) build = NULL;

  fuzz_make_criticals_fatal ();

  if (size == 0)
    return 0;
  if (engine == NULL)
    engine = dockyard_engine_new ("/nonexistent/dockyard-fuzz.sock");

  build = dockyard_build_new (engine, "localhost/fuzz:1");

  if ((data[0] & 1) == 0)
    {
      const char *p = (const char *) data + 1;
      const char *end = (const char *) data + size;

      while (p < end)
        {
          const char *nl = memchr (p, '\n', end - p);
          gsize len = nl != NULL ? (gsize) (nl - p) : (gsize) (end - p);

          _dockyard_build_feed_line (build, p, len);
          p += len + 1;
        }
    }
  else
    {
      const uint8_t *p = data + 1;
      const uint8_t *end = data + size;

      while (p <= end)
        {
          const uint8_t *sep = p;

          while (sep + 1 < end && !(sep[0] == 0xff && sep[1] == 0xfe))
            sep++;
          if (sep + 1 >= end)
            sep = end;
          feed_protobuf (build, p, sep - p);
          p = sep + 2;
        }
    }

  look_at (build);
  _dockyard_build_end (build);
  look_at (build);

  return 0;
}
