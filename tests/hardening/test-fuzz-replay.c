/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replays the seeds and the regression inputs of one fuzz target (FUZZ_TARGET)
 * through its libFuzzer entry point: a crash the fuzzer once found stays
 * fixed, under whatever sanitizers this build has. */
#include "config.h"

#include <stdint.h>

#include "dockyard-test-utils.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
test_replay (gconstpointer data)
{
  const char *path = data;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  /* A crash, a sanitizer report or a trap fails the whole program. */
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const uint8_t *) contents, length), ==, 0);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static guint
add_dir (const char *kind)
{
  g_autofree char *dir = g_build_filename (g_getenv ("DOCKYARD_SOURCE_DIR"), "tests", "fuzz",
                                           kind, FUZZ_TARGET, NULL);
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *test = g_strdup_printf ("/fuzz-replay/" FUZZ_TARGET "/%s/%s", kind, file);

      g_test_add_data_func_full (test, g_build_filename (dir, file, NULL), test_replay, g_free);
    }

  return names->len;
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  /* The seeds must be there; regressions exist for targets that crashed. */
  if (add_dir ("corpus") == 0)
    g_error ("no seeds for " FUZZ_TARGET " under tests/fuzz/corpus");
  add_dir ("regressions");

  return g_test_run ();
}
