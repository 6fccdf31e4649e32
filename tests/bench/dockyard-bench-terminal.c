/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One measurement of the dev terminal against the docker CLI baseline; driven
 * by tests/bench/bench-terminal, which documents usage and interleaves runs.
 *
 *   dockyard-bench-terminal throughput|latency dockyard|baseline
 *
 * dockyard: a DockyardTerminal in a GtkWindow, fed by a DockyardDevSession's
 *           stream (the hijacked attach); input through VTE's commit signal.
 * baseline: a plain VteTerminal with a pty running the docker CLI
 *           (vte_terminal_spawn_async), configured like Dockyard's terminal
 *           (font, scrollback, size) so that only the transport differs.
 *
 * Both are measured by watching VTE itself: `contents-changed`, then the text
 * around the cursor (or the cursor column), so a figure means "VTE has parsed
 * it"; the next `after-paint` of the window's frame clock after that is
 * "painted", what a person sees (the latency headline: SAMPLES painted_ms).
 *
 * Environment: DOCKER_HOST (unix://), BENCH_IMAGE (the busybox test image),
 * BENCH_DOCKER (default /usr/bin/docker), BENCH_MB (default 64),
 * BENCH_KEYS (default 200), BENCH_KEY_GAP_MS (default 20).
 *
 * Prints one "RESULT ..." line of key=value pairs on stdout.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <vte/vte.h>

#include "dockyard-dev-session.h"
#include "dockyard-engine.h"
#include "dockyard-project.h"
#include "dockyard-resources.h"
#include "dockyard-terminal.h"

#define MARKER       "END_42_MARK"
#define MARKER_SHELL "END_$((6*7))_MARK"
#define READY        "READY> "

typedef enum { MODE_THROUGHPUT, MODE_LATENCY } Mode;

typedef struct
{
  Mode                mode;
  gboolean            dockyard;
  gboolean            loopback;
  const char         *image;
  const char         *docker;
  const char         *host;
  guint               megabytes;
  guint               n_keys;
  guint               key_gap_ms;

  GtkWidget          *window;
  VteTerminal        *vte;
  DockyardTerminal   *terminal;

  DockyardEngine     *engine;
  DockyardProject    *project;
  DockyardDevSession *session;
  DockyardTtyStream  *stream;
  char               *folder;
  GPid                child_pid;
  gboolean            child_exited;

  /* Throughput */
  gint64              t_start;
  gint64              t_first_payload;
  gint64              t_marker;
  gint64              t_marker_painted;
  gboolean            marker_wait_paint;
  guint               paints;
  guint               flood_paints;    /* frames painted from first payload to marker */
  guint               contents_changed;

  /* Bytes arriving from the stream (dockyard only) */
  guint64             stream_bytes;
  guint               stream_chunks;
  gsize               stream_max_chunk;
  guint               chunk_hist[6]; /* <=64, <=1K, <=4K, <=16K, <=64K, more */
  gint64              t_key_arrived;
  gint64              t_started;
  gint64              t_first_output;
  gint64              t_last_output;

  /* Latency */
  gboolean            ready;
  glong               base_col;
  enum { KEY_IDLE, KEY_WAIT_ECHO, KEY_WAIT_ERASE } key_state;
  gint64              t_key;
  gboolean            key_wait_paint;
  GArray             *echo_us;
  GArray             *paint_us;
  GArray             *transport_us;

  gboolean            done;
  gboolean            failed;
} Bench;

static Bench B;

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
run_until (gboolean *flag,
           guint     seconds,
           const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);

  while (!*flag)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_printerr ("bench: timed out waiting for %s\n", what);
          B.failed = TRUE;
          break;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static void
settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;
  guint tick = g_timeout_add (10, tick_cb, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
wait_async (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);

  while (*result == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("bench: an async call never finished");
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

/* Text of the rows from @above rows above the cursor to its row. */
static char *
text_near_cursor (glong above)
{
  glong col, row;

  vte_terminal_get_cursor_position (B.vte, &col, &row);
#if VTE_CHECK_VERSION (0, 76, 0)
  /* get_text_range() is deprecated from 0.76 on; its successor (0.72) ends
   * the range before end_col where the old one ended it after. */
  return vte_terminal_get_text_range_format (B.vte, VTE_FORMAT_TEXT, MAX (0, row - above), 0,
                                             row, vte_terminal_get_column_count (B.vte), NULL);
#else
  return vte_terminal_get_text_range (B.vte, MAX (0, row - above), 0, row,
                                      vte_terminal_get_column_count (B.vte) - 1, NULL, NULL, NULL);
#endif
}

static void send_key (void);

static gboolean
send_key_cb (gpointer data)
{
  send_key ();
  return G_SOURCE_REMOVE;
}

static gboolean
send_erase_cb (gpointer data)
{
  B.key_state = KEY_WAIT_ERASE;
  vte_terminal_feed_child (B.vte, "\x7f", 1);
  return G_SOURCE_REMOVE;
}

static void
send_key (void)
{
  B.key_state = KEY_WAIT_ECHO;
  B.t_key_arrived = 0;
  B.t_key = g_get_monotonic_time ();
  /* The real input path: VTE emits commit (Dockyard forwards it to the
   * stream), and writes to its pty when it has one (the baseline). */
  vte_terminal_feed_child (B.vte, "x", 1);
}

static void
contents_changed_cb (VteTerminal *vte,
                     gpointer     data)
{
  gint64 now = g_get_monotonic_time ();

  B.contents_changed++;

  if (B.mode == MODE_THROUGHPUT)
    {
      g_autofree char *text = NULL;

      if (B.t_marker != 0)
        return;
      text = text_near_cursor (3);
      if (B.t_first_payload == 0 && strstr (text, "AAAAAAAAAAAAAAAAAAAA") != NULL)
        B.t_first_payload = now;
      if (strstr (text, MARKER) != NULL)
        {
          B.t_marker = now;
          B.marker_wait_paint = TRUE;
        }
      return;
    }

  /* Latency */
  if (!B.ready)
    {
      g_autofree char *text = text_near_cursor (0);
      glong col, row;

      vte_terminal_get_cursor_position (B.vte, &col, &row);
      if (g_str_has_prefix (text, READY) && col == (glong) strlen (READY))
        {
          B.ready = TRUE;
          B.base_col = col;
        }
      return;
    }

  if (B.key_state == KEY_WAIT_ECHO)
    {
      glong col, row;

      vte_terminal_get_cursor_position (B.vte, &col, &row);
      if (col == B.base_col + 1)
        {
          gint64 us = now - B.t_key;

          g_array_append_val (B.echo_us, us);
          if (B.t_key_arrived != 0)
            {
              gint64 t = B.t_key_arrived - B.t_key;
              g_array_append_val (B.transport_us, t);
            }
          B.key_wait_paint = TRUE;
          B.key_state = KEY_IDLE;
          g_timeout_add (B.key_gap_ms, send_erase_cb, NULL);
        }
    }
  else if (B.key_state == KEY_WAIT_ERASE)
    {
      glong col, row;

      vte_terminal_get_cursor_position (B.vte, &col, &row);
      if (col == B.base_col)
        {
          B.key_state = KEY_IDLE;
          if (B.echo_us->len >= B.n_keys)
            B.done = TRUE;
          else
            g_timeout_add (B.key_gap_ms, send_key_cb, NULL);
        }
    }
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  gint64 now = g_get_monotonic_time ();

  B.paints++;
  /* The frames a person sees during the flood: a terminal that keeps
   * parsing without painting looks frozen while the output scrolls by. */
  if (B.mode == MODE_THROUGHPUT && B.t_first_payload != 0 && B.t_marker == 0)
    B.flood_paints++;
  if (B.marker_wait_paint)
    {
      B.marker_wait_paint = FALSE;
      B.t_marker_painted = now;
      B.done = TRUE;
    }
  if (B.key_wait_paint)
    {
      gint64 us = now - B.t_key;

      B.key_wait_paint = FALSE;
      g_array_append_val (B.paint_us, us);
    }
}

static void
stream_output_cb (DockyardTtyStream *stream,
                  GBytes            *bytes,
                  gpointer           data)
{
  gsize size = g_bytes_get_size (bytes);
  guint bucket;

  B.t_last_output = g_get_monotonic_time ();
  if (B.t_first_output == 0)
    B.t_first_output = B.t_last_output;
  if (B.key_state == KEY_WAIT_ECHO && B.t_key_arrived == 0)
    B.t_key_arrived = g_get_monotonic_time ();

  B.stream_bytes += size;
  B.stream_chunks++;
  B.stream_max_chunk = MAX (B.stream_max_chunk, size);
  bucket = size <= 64 ? 0 : size <= 1024 ? 1 : size <= 4096 ? 2 : size <= 16384 ? 3
         : size <= 65536 ? 4 : 5;
  B.chunk_hist[bucket]++;
}

/* No transport at all: what VTE itself adds between input and display. */
static void
loopback_commit_cb (VteTerminal *vte,
                    const char  *text,
                    guint        length,
                    gpointer     data)
{
  if (length == 1 && text[0] == 0x7f)
    vte_terminal_feed (vte, "\b \b", 3);
  else
    vte_terminal_feed (vte, text, length);
}

/* Setup ------------------------------------------------------------------- */

static void
make_window (void)
{
  GdkFrameClock *clock;
  PangoFontDescription *font;

  B.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (B.window), 800, 600);

  if (B.dockyard)
    {
      B.terminal = DOCKYARD_TERMINAL (dockyard_terminal_new ());
      B.vte = dockyard_terminal_get_vte (B.terminal);
      gtk_window_set_child (GTK_WINDOW (B.window), GTK_WIDGET (B.terminal));
    }
  else
    {
      /* As Dockyard's terminal is set up (its .ui and update_font()). */
      B.vte = VTE_TERMINAL (vte_terminal_new ());
      vte_terminal_set_scrollback_lines (B.vte, 10000);
      vte_terminal_set_bold_is_bright (B.vte, TRUE);
      vte_terminal_set_enable_bidi (B.vte, FALSE);
      font = pango_font_description_from_string ("Monospace 11");
      vte_terminal_set_font (B.vte, font);
      pango_font_description_free (font);
      gtk_window_set_child (GTK_WINDOW (B.window), GTK_WIDGET (B.vte));
    }

  g_signal_connect (B.vte, "contents-changed", G_CALLBACK (contents_changed_cb), NULL);
  gtk_window_present (GTK_WINDOW (B.window));

  /* Mapped, allocated, painted at least once. */
  while (!gtk_widget_get_mapped (GTK_WIDGET (B.vte)) || gtk_widget_get_width (GTK_WIDGET (B.vte)) <= 0)
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (B.window);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  settle (500);
  gtk_widget_grab_focus (GTK_WIDGET (B.vte));
}

static void
start_dockyard (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;
  guint rows = vte_terminal_get_row_count (B.vte);
  guint columns = vte_terminal_get_column_count (B.vte);

  B.engine = dockyard_engine_new (B.host + strlen ("unix://"));
  dockyard_engine_connect_async (B.engine, NULL, store_result_cb, &result);
  wait_async (&result);
  if (!dockyard_engine_connect_finish (B.engine, result, &error))
    g_error ("bench: engine: %s", error->message);
  g_clear_object (&result);

  B.folder = g_dir_make_tmp ("dockyard-bench-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (B.folder, 0755);
  directory = g_file_new_for_path (B.folder);
  dockyard_project_open_async (directory, NULL, store_result_cb, &result);
  wait_async (&result);
  B.project = dockyard_project_open_finish (result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  B.session = dockyard_dev_session_new (B.project, B.engine);
  dockyard_dev_session_set_image (B.session, B.image);
  dockyard_dev_session_set_shell (B.session, "/bin/sh");

  /* Timing starts here: create, attach, start, as `docker run` does. */
  B.t_start = g_get_monotonic_time ();
  dockyard_dev_session_start_async (B.session, rows, columns, NULL, store_result_cb, &result);
  wait_async (&result);
  B.stream = dockyard_dev_session_start_finish (B.session, result, &error);
  B.t_started = g_get_monotonic_time ();
  if (B.stream == NULL)
    g_error ("bench: dev session: %s", error->message);
  g_signal_connect (B.stream, "output", G_CALLBACK (stream_output_cb), NULL);
  dockyard_terminal_set_stream (B.terminal, B.stream);
}

static void
child_exited_cb (VteTerminal *vte,
                 int          status,
                 gpointer     data)
{
  B.child_exited = TRUE;
}

static void
spawn_cb (VteTerminal *vte,
          GPid         pid,
          GError      *error,
          gpointer     data)
{
  if (error != NULL)
    g_error ("bench: cannot spawn the docker CLI: %s", error->message);
  B.child_pid = pid;
}

static void
start_baseline (const char *script)
{
  g_autofree char *user = g_strdup_printf ("%u:%u", (guint) getuid (), (guint) getgid ());
  g_autofree char *host_arg = g_strdup (B.host);
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[32];
  guint n = 0;

  argv[n++] = B.docker;
  argv[n++] = "-H";
  argv[n++] = host_arg;
  argv[n++] = "run";
  argv[n++] = script != NULL ? "-t" : "-it";
  argv[n++] = "--rm";
  argv[n++] = "--network";
  argv[n++] = "host";
  argv[n++] = "-u";
  argv[n++] = user;
  argv[n++] = "-e";
  argv[n++] = "TERM=xterm-256color";
  argv[n++] = "-e";
  argv[n++] = "HOME=/tmp";
  argv[n++] = B.image;
  argv[n++] = "/bin/sh";
  if (script != NULL)
    {
      argv[n++] = "-c";
      argv[n++] = script;
    }
  argv[n] = NULL;

  g_signal_connect (B.vte, "child-exited", G_CALLBACK (child_exited_cb), NULL);
  B.t_start = g_get_monotonic_time ();
  vte_terminal_spawn_async (B.vte, VTE_PTY_DEFAULT, NULL, (char **) argv, env,
                            G_SPAWN_DEFAULT, NULL, NULL, NULL, -1, NULL, spawn_cb, NULL);
}

static void
type_text (const char *text)
{
  vte_terminal_feed_child (B.vte, text, strlen (text));
}

static void
stop (void)
{
  if (B.dockyard)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      if (B.stream != NULL)
        g_signal_handlers_disconnect_by_func (B.stream, stream_output_cb, NULL);
      dockyard_terminal_set_stream (B.terminal, NULL);
      if (B.stream != NULL)
        dockyard_tty_stream_close (B.stream);
      if (B.session != NULL)
        {
          dockyard_dev_session_stop_async (B.session, store_result_cb, &result);
          wait_async (&result);
          if (!dockyard_dev_session_stop_finish (B.session, result, &error))
            g_printerr ("bench: stopping the dev container: %s\n", error->message);
        }
      g_clear_object (&B.stream);
      g_clear_object (&B.session);
      g_clear_object (&B.project);
      g_clear_object (&B.engine);
      if (B.folder != NULL)
        g_rmdir (B.folder);
    }
  else if (!B.child_exited && !B.loopback)
    {
      /* The CLI's --rm removes the container once its shell ends. */
      if (B.mode == MODE_LATENCY)
        type_text ("exit\r");
      run_until (&B.child_exited, 60, "the docker CLI to exit");
    }
}

/* Statistics --------------------------------------------------------------- */

static int
cmp_int64 (gconstpointer a,
           gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile, in ms. */
static double
percentile (GArray *values,
            double  p)
{
  guint rank;

  if (values->len == 0)
    return -1;
  g_array_sort (values, cmp_int64);
  rank = (guint) (p / 100.0 * values->len + 0.999999);
  rank = CLAMP (rank, 1, values->len);
  return g_array_index (values, gint64, rank - 1) / 1000.0;
}

static void
print_samples (const char *name,
               GArray     *values)
{
  g_print ("SAMPLES %s %s", B.dockyard ? "dockyard" : B.loopback ? "loopback" : "baseline", name);
  for (guint i = 0; i < values->len; i++)
    g_print (" %.3f", g_array_index (values, gint64, i) / 1000.0);
  g_print ("\n");
}

static double
max_rss_mb (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

/* Main -------------------------------------------------------------------- */

int
main (int   argc,
      char *argv[])
{
  const char *env;

  setlocale (LC_ALL, "C.UTF-8");

  if (argc != 3 ||
      (!g_str_equal (argv[1], "throughput") && !g_str_equal (argv[1], "latency")) ||
      (!g_str_equal (argv[2], "dockyard") && !g_str_equal (argv[2], "baseline") &&
       !g_str_equal (argv[2], "loopback")) ||
      (g_str_equal (argv[2], "loopback") && g_str_equal (argv[1], "throughput")))
    {
      g_printerr ("usage: %s throughput|latency dockyard|baseline\n"
                  "       %s latency loopback\n", argv[0], argv[0]);
      return 2;
    }

  B.mode = g_str_equal (argv[1], "throughput") ? MODE_THROUGHPUT : MODE_LATENCY;
  B.dockyard = g_str_equal (argv[2], "dockyard");
  B.loopback = g_str_equal (argv[2], "loopback");
  B.host = g_getenv ("DOCKER_HOST");
  if (B.host == NULL || !g_str_has_prefix (B.host, "unix://"))
    {
      g_printerr ("bench: set DOCKER_HOST=unix:///path/to/docker.sock\n");
      return 2;
    }
  B.image = g_getenv ("BENCH_IMAGE");
  if (B.image == NULL)
    B.image = "localhost/dockyard-test/busybox:1.35.0";
  B.docker = g_getenv ("BENCH_DOCKER");
  if (B.docker == NULL)
    B.docker = "/usr/bin/docker";
  env = g_getenv ("BENCH_MB");
  B.megabytes = env ? (guint) atoi (env) : 64;
  env = g_getenv ("BENCH_KEYS");
  B.n_keys = env ? (guint) atoi (env) : 200;
  env = g_getenv ("BENCH_KEY_GAP_MS");
  B.key_gap_ms = env ? (guint) atoi (env) : 20;
  B.echo_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  B.paint_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  B.transport_us = g_array_new (FALSE, FALSE, sizeof (gint64));

  gtk_init ();
  adw_init ();
  dockyard_register_resource ();
  make_window ();

  if (B.mode == MODE_THROUGHPUT)
    {
      /* busybox head takes "64m", not GNU's "64M". */
      g_autofree char *script =
        g_strdup_printf ("head -c %um /dev/zero | base64; echo " MARKER_SHELL, B.megabytes);

      if (B.dockyard)
        {
          g_autofree char *line = g_strdup_printf ("%s; exit\r", script);

          start_dockyard ();
          /* Typed at once: the tty keeps it until the shell reads it. */
          type_text (line);
        }
      else
        start_baseline (script);

      run_until (&B.done, 600, "the end marker");
      if (!B.failed)
        g_print ("RESULT throughput %s total_ms=%.1f stream_ms=%.1f painted_ms=%.1f "
                 "flood_paints=%u flood_fps=%.2f "
                 "mb=%u paints=%u contents_changed=%u chunks=%u bytes=%" G_GUINT64_FORMAT
                 " max_chunk=%" G_GSIZE_FORMAT " hist_le64=%u hist_le1k=%u hist_le4k=%u"
                 " hist_le16k=%u hist_le64k=%u hist_gt64k=%u rows=%ld cols=%ld"
                 " session_started_ms=%.1f first_output_ms=%.1f first_payload_ms=%.1f"
                 " last_output_ms=%.1f maxrss_mb=%.1f\n",
                 B.dockyard ? "dockyard" : B.loopback ? "loopback" : "baseline",
                 (B.t_marker - B.t_start) / 1000.0,
                 B.t_first_payload ? (B.t_marker - B.t_first_payload) / 1000.0 : -1.0,
                 (B.t_marker_painted - B.t_start) / 1000.0,
                 B.flood_paints,
                 B.t_first_payload && B.t_marker > B.t_first_payload
                   ? B.flood_paints * (double) G_USEC_PER_SEC / (B.t_marker - B.t_first_payload)
                   : -1.0,
                 B.megabytes, B.paints, B.contents_changed, B.stream_chunks, B.stream_bytes,
                 B.stream_max_chunk, B.chunk_hist[0], B.chunk_hist[1], B.chunk_hist[2],
                 B.chunk_hist[3], B.chunk_hist[4], B.chunk_hist[5],
                 vte_terminal_get_row_count (B.vte), vte_terminal_get_column_count (B.vte),
                 B.t_started ? (B.t_started - B.t_start) / 1000.0 : -1.0,
                 B.t_first_output ? (B.t_first_output - B.t_start) / 1000.0 : -1.0,
                 B.t_first_payload ? (B.t_first_payload - B.t_start) / 1000.0 : -1.0,
                 B.t_last_output ? (B.t_last_output - B.t_start) / 1000.0 : -1.0,
                 max_rss_mb ());
    }
  else
    {
      if (B.loopback)
        {
          g_signal_connect (B.vte, "commit", G_CALLBACK (loopback_commit_cb), NULL);
          vte_terminal_feed (B.vte, READY, -1);
        }
      else
        {
          if (B.dockyard)
            start_dockyard ();
          else
            start_baseline (NULL);

          /* A prompt that the echo of its own assignment cannot match. */
          settle (1500);
          type_text ("PS1='RE''ADY> '\r");
        }
      run_until (&B.ready, 60, "the prompt");
      settle (500);
      if (!B.failed)
        {
          send_key ();
          run_until (&B.done, 600, "the keystrokes");
        }
      settle (100);
      if (!B.failed)
        {
          g_print ("RESULT latency %s n=%u median_ms=%.3f p95_ms=%.3f min_ms=%.3f max_ms=%.3f "
                   "painted_median_ms=%.3f painted_p95_ms=%.3f transport_median_ms=%.3f "
                   "transport_p95_ms=%.3f vte=%u.%u.%u\n",
                   B.dockyard ? "dockyard" : B.loopback ? "loopback" : "baseline", B.echo_us->len,
                   percentile (B.echo_us, 50), percentile (B.echo_us, 95),
                   percentile (B.echo_us, 0), percentile (B.echo_us, 100),
                   percentile (B.paint_us, 50), percentile (B.paint_us, 95),
                   percentile (B.transport_us, 50), percentile (B.transport_us, 95),
                   vte_get_major_version (), vte_get_minor_version (), vte_get_micro_version ());
          print_samples ("echo_ms", B.echo_us);
          print_samples ("painted_ms", B.paint_us);
        }
    }

  stop ();
  gtk_window_destroy (GTK_WINDOW (B.window));
  settle (50);
  return B.failed ? 1 : 0;
}
