/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 16, item 11: a build step that prints without end (Podman and the
 * classic builder can print gigabytes) keeps its newest output only, with a
 * line that says how much was dropped; memory stays bounded. */
#include "config.h"

#include <string.h>

#include "dockyard-build-private.h"
#include "dockyard-test-utils.h"

#define CHUNK (64 * 1024)
#define TOTAL (64 * 1024 * 1024)
#define MAX_LOG (8 * 1024 * 1024)

static void
test_step_log_capped (void)
{
  g_autoptr(DockyardBuildStep) step = _dockyard_build_step_new ("sha256:noisy");
  g_autofree char *chunk = g_malloc (CHUNK);
  g_autofree char *last = NULL;
  const char *log;
  guint64 appended = 0;
  gsize max_seen = 0;

  for (guint i = 0; appended < TOTAL; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %08u\n", i);
      gsize n = 0;

      /* Lines of the classic builder's kind, each numbered. */
      while (n + strlen (line) <= CHUNK)
        {
          memcpy (chunk + n, line, strlen (line));
          n += strlen (line);
        }
      _dockyard_build_step_append_log (step, chunk, n);
      appended += n;
      max_seen = MAX (max_seen, strlen (dockyard_build_step_get_log (step)));
      g_free (last);
      last = g_strdup (line);
    }

  log = dockyard_build_step_get_log (step);
  g_test_message ("appended %" G_GUINT64_FORMAT " bytes, the log peaked at %" G_GSIZE_FORMAT,
                  appended, max_seen);
  g_assert_cmpuint (max_seen, <=, MAX_LOG + MAX_LOG / 4 + 4096);
  g_assert_cmpuint (strlen (log), >=, MAX_LOG);
  /* The note first, then whole lines, the newest at the end. */
  g_assert_true (g_str_has_prefix (log, "[Earlier output of this step was dropped: "));
  g_assert_true (g_str_has_prefix (strchr (log, '\n') + 1, "line "));
  g_assert_true (g_str_has_suffix (log, last));
  g_assert_cmpuint (strstr (log + 1, "[Earlier output") == NULL, ==, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/bounded-logs/build-step", test_step_log_capped);

  return g_test_run ();
}
