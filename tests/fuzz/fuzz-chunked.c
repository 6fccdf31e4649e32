/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: an engine answer in the chunked transfer coding, through
 * the decoder of app/engine/dockyard-upload.c (the build's answer comes this
 * way).  The first byte sets how small the reads are, so that chunk sizes,
 * CRLFs and trailers get split at every point.  The decoder is static: the
 * file is included rather than given a private entry point.  Built and run by
 * tests/fuzz/run-fuzzer chunked. */
#include "dockyard-upload.c"

#include <stdint.h>

#include "fuzz-utils.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GConverter) decoder = NULL;
  g_autoptr(GInputStream) memory = NULL;
  g_autoptr(GInputStream) decoded = NULL;
  gsize read_size;
  gsize total = 0;
  guint8 buffer[4096];

  fuzz_make_criticals_fatal ();

  if (size < 1)
    return 0;

  read_size = 1 + data[0] % 64;
  memory = g_memory_input_stream_new_from_data (data + 1, size - 1, NULL);
  decoder = g_object_new (dockyard_chunk_decoder_get_type (), NULL);
  decoded = g_converter_input_stream_new (memory, decoder);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (decoded, buffer, read_size, NULL, &error);

      if (n <= 0)
        break;
      total += n;
      /* Decoding never makes more than it was given. */
      if (total > size)
        __builtin_trap ();
    }

  return 0;
}
