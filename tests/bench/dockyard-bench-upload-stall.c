/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Does the main loop stay responsive while a 1 GiB build context goes to
 * the engine?  A 5 ms timer on the main loop notes how late each of its
 * dispatches is; the figures while a build sends the context are compared
 * with the same timer on an idle main loop of the same length, in the same
 * run (the baseline).  A window repaints from this loop: a stall here is a
 * frozen window.
 *
 *   DOCKER_HOST=unix:///path/docker.sock _build/tests/bench/dockyard-bench-upload-stall DIR
 *
 * DIR is a folder with the context (tests/bench/bench-build-context makes
 * one: /var/cache/dockyard-tests/bench-1g).  The build uses
 * DIR/Dockerfile.upload-stall, written here: COPY . of the whole folder, so
 * every byte is sent.  Not part of the test suite.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "dockyard-build.h"
#include "dockyard-build-context.h"
#include "dockyard-context-stream.h"
#include "dockyard-engine.h"

#define TICK_MS 5

typedef struct
{
  GArray *lateness_us;  /* of gint64 */
  gint64  expected;
} Ticker;

static gboolean
tick_cb (gpointer data)
{
  Ticker *ticker = data;
  gint64 now = g_get_monotonic_time ();

  g_array_append_val (ticker->lateness_us, (gint64) { MAX (0, now - ticker->expected) });
  ticker->expected = now + TICK_MS * 1000;
  return G_SOURCE_CONTINUE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static void
report (const char *name,
        GArray     *lateness,
        double      seconds,
        double     *p99_ms,
        double     *max_ms)
{
  g_array_sort (lateness, compare_gint64);
  *p99_ms = g_array_index (lateness, gint64, (guint) (lateness->len * 0.99)) / 1000.0;
  *max_ms = g_array_index (lateness, gint64, lateness->len - 1) / 1000.0;
  printf ("%-10s %6.2f s  %6u ticks  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms\n", name, seconds,
          lateness->len, g_array_index (lateness, gint64, lateness->len / 2) / 1000.0,
          *p99_ms, *max_ms);
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

int
main (int   argc,
      char *argv[])
{
  const char *host = g_getenv ("DOCKER_HOST");
  g_autoptr(DockyardEngine) engine = NULL;
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(DockyardBuildContext) context = NULL;
  g_autoptr(GInputStream) tar = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *image_id = NULL;
  Ticker ticker = { NULL, 0 };
  gint64 start, end, idle_until;
  double build_seconds, p99_build, max_build, p99_idle, max_idle;
  guint tick;

  if (argc != 2 || host == NULL || !g_str_has_prefix (host, "unix://"))
    {
      g_printerr ("usage: DOCKER_HOST=unix:///path/docker.sock %s CONTEXT-DIR\n", argv[0]);
      return 2;
    }

  engine = dockyard_engine_new (host + strlen ("unix://"));
  dockyard_engine_connect_async (engine, NULL, store_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!dockyard_engine_connect_finish (engine, result, &error))
    g_error ("%s", error->message);
  g_clear_object (&result);

  dockerfile = g_build_filename (argv[1], "Dockerfile.upload-stall", NULL);
  if (!g_file_set_contents (dockerfile, "FROM localhost/dockyard-test/busybox:1.35.0\n"
                                        "COPY . /ctx\nRUN true\n", -1, &error))
    g_error ("%s", error->message);

  directory = g_file_new_for_path (argv[1]);
  context = dockyard_build_context_new (directory, "Dockerfile.upload-stall");
  tar = dockyard_build_context_open_tar_stream (context, NULL, &error);
  if (tar == NULL || (stream = dockyard_context_stream_new (tar, NULL, &error)) == NULL)
    g_error ("%s", error->message);

  build = dockyard_build_new (engine, "bench-upload-stall:dev");
  dockyard_build_set_dockerfile (build, "Dockerfile.upload-stall");
  dockyard_build_set_network_mode (build, "none");

  ticker.lateness_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  ticker.expected = g_get_monotonic_time () + TICK_MS * 1000;
  tick = g_timeout_add (TICK_MS, tick_cb, &ticker);

  start = g_get_monotonic_time ();
  dockyard_build_run_async (build, stream, NULL, store_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  end = g_get_monotonic_time ();
  image_id = dockyard_build_run_finish (build, result, &error);
  if (image_id == NULL)
    g_error ("the build failed: %s", error->message);
  build_seconds = (end - start) / (double) G_USEC_PER_SEC;
  report ("build", ticker.lateness_us, build_seconds, &p99_build, &max_build);

  /* The baseline: the same timer, nothing else to do, as long. */
  g_array_set_size (ticker.lateness_us, 0);
  ticker.expected = g_get_monotonic_time () + TICK_MS * 1000;
  idle_until = g_get_monotonic_time () + (end - start);
  while (g_get_monotonic_time () < idle_until)
    g_main_context_iteration (NULL, TRUE);
  report ("idle", ticker.lateness_us, build_seconds, &p99_idle, &max_idle);

  printf ("during the upload / idle (baseline): p99 %.2fx, max %.2fx\n",
          p99_build / MAX (p99_idle, 0.001), max_build / MAX (max_idle, 0.001));

  g_source_remove (tick);
  g_array_unref (ticker.lateness_us);
  g_unlink (dockerfile);
  return 0;
}
