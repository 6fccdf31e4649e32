/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dockyard-bench-startup [SETTLE_SECONDS] -- COMMAND [ARG…]
 *
 * Starts COMMAND and measures, from just before its exec, how long until a
 * top-level window of its process (_NET_WM_PID) is viewable on the X server
 * of $DISPLAY, polling every 10 ms (XQueryTree + XGetWindowAttributes); then
 * waits SETTLE_SECONDS (default 3) and reads the process's VmRSS and VmHWM
 * from /proc. cpu_ms is the CPU time the process (all its threads) had used
 * when the window was found: on a busy machine it varies less than map_ms.
 * Ends the process with SIGTERM (SIGKILL after 5 s) and prints
 *
 *   RESULT map_ms=N cpu_ms=N rss_kb=N hwm_kb=N
 *
 * COMMAND gets BENCH_T0_US in its environment: the CLOCK_MONOTONIC time of
 * the start in microseconds (what g_get_monotonic_time() returns), for
 * timestamps of its own while looking for where the time goes.
 *
 * Used by tests/bench/bench-startup; plain Xlib, so that the measuring side
 * adds nothing GTK-sized to the machine while the program under test starts.
 */
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS 10
#define TIMEOUT_S 60

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

  while (nanosleep (&ts, &ts) != 0 && errno == EINTR)
    ;
}

static int
ignore_x_errors (Display     *display,
                 XErrorEvent *event)
{
  /* A window can go away between XQueryTree and the next request. */
  return 0;
}

static long
window_pid (Display *display,
            Window   window,
            Atom     wm_pid)
{
  Atom type = None;
  int format = 0;
  unsigned long n_items = 0;
  unsigned long after = 0;
  unsigned char *data = NULL;
  long pid = -1;

  if (XGetWindowProperty (display, window, wm_pid, 0, 1, False, XA_CARDINAL, &type, &format,
                          &n_items, &after, &data) == Success &&
      type == XA_CARDINAL && format == 32 && n_items == 1)
    pid = (long) *(unsigned long *) data;
  if (data != NULL)
    XFree (data);

  return pid;
}

/* Whether a top-level window of @pid is viewable (no window manager runs on
 * Xvfb, so top-levels are children of the root). */
static int
has_viewable_window (Display *display,
                     Atom     wm_pid,
                     pid_t    pid)
{
  Window root_return;
  Window parent;
  Window *children = NULL;
  unsigned int n_children = 0;
  int found = 0;

  if (!XQueryTree (display, DefaultRootWindow (display), &root_return, &parent, &children,
                   &n_children))
    return 0;

  for (unsigned int i = 0; i < n_children && !found; i++)
    {
      XWindowAttributes attributes;

      if (XGetWindowAttributes (display, children[i], &attributes) &&
          attributes.map_state == IsViewable && attributes.class == InputOutput &&
          window_pid (display, children[i], wm_pid) == pid)
        found = 1;
    }
  if (children != NULL)
    XFree (children);

  return found;
}

static long
status_kb (pid_t       pid,
           const char *key)
{
  char path[64];
  char line[256];
  size_t key_len = strlen (key);
  long value = -1;
  FILE *file;

  snprintf (path, sizeof path, "/proc/%ld/status", (long) pid);
  file = fopen (path, "r");
  if (file == NULL)
    return -1;
  while (fgets (line, sizeof line, file) != NULL)
    if (strncmp (line, key, key_len) == 0 && line[key_len] == ':')
      {
        value = strtol (line + key_len + 1, NULL, 10);
        break;
      }
  fclose (file);

  return value;
}

/* CPU time of all threads of @pid so far, in ms (schedstat: nanoseconds
 * on the CPU); less disturbed than wall time by other load on the machine. */
static double
cpu_ms (pid_t pid)
{
  char path[64];
  DIR *tasks;
  struct dirent *entry;
  double total = 0;

  snprintf (path, sizeof path, "/proc/%ld/task", (long) pid);
  tasks = opendir (path);
  if (tasks == NULL)
    return -1;
  while ((entry = readdir (tasks)) != NULL)
    {
      char stat_path[512];
      unsigned long long ns;
      FILE *file;

      if (entry->d_name[0] == '.')
        continue;
      snprintf (stat_path, sizeof stat_path, "%s/%s/schedstat", path, entry->d_name);
      file = fopen (stat_path, "r");
      if (file == NULL)
        continue;
      if (fscanf (file, "%llu", &ns) == 1)
        total += ns / 1e6;
      fclose (file);
    }
  closedir (tasks);

  return total;
}

static void
end_child (pid_t pid)
{
  int status;

  kill (pid, SIGTERM);
  for (int i = 0; i < 500; i++)
    {
      if (waitpid (pid, &status, WNOHANG) == pid)
        return;
      sleep_ms (10);
    }
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
}

int
main (int   argc,
      char *argv[])
{
  Display *display;
  Atom wm_pid;
  char start_us[32];
  double settle_s = 3;
  double start;
  double mapped = -1;
  double mapped_cpu = -1;
  int first = 1;
  pid_t pid;
  long rss;
  long hwm;
  int status;

  if (argc > 1 && strcmp (argv[1], "--") != 0)
    {
      settle_s = atof (argv[1]);
      first = 2;
    }
  if (argc <= first + 1 || strcmp (argv[first], "--") != 0)
    {
      fprintf (stderr, "usage: %s [SETTLE_SECONDS] -- COMMAND [ARG…]\n", argv[0]);
      return 2;
    }

  display = XOpenDisplay (NULL);
  if (display == NULL)
    {
      fprintf (stderr, "%s: cannot open the X display\n", argv[0]);
      return 1;
    }
  XSetErrorHandler (ignore_x_errors);
  wm_pid = XInternAtom (display, "_NET_WM_PID", False);

  start = now_ms ();
  snprintf (start_us, sizeof start_us, "%.0f", start * 1000);
  setenv ("BENCH_T0_US", start_us, 1);
  pid = fork ();
  if (pid < 0)
    {
      perror ("fork");
      return 1;
    }
  if (pid == 0)
    {
      execvp (argv[first + 1], &argv[first + 1]);
      perror (argv[first + 1]);
      _exit (127);
    }

  while (now_ms () - start < TIMEOUT_S * 1000.0)
    {
      if (has_viewable_window (display, wm_pid, pid))
        {
          mapped = now_ms ();
          mapped_cpu = cpu_ms (pid);
          break;
        }
      if (waitpid (pid, &status, WNOHANG) == pid)
        {
          fprintf (stderr, "%s: %s exited before showing a window\n", argv[0], argv[first + 1]);
          return 1;
        }
      sleep_ms (POLL_MS);
    }
  if (mapped < 0)
    {
      fprintf (stderr, "%s: no window of %s within %d s\n", argv[0], argv[first + 1], TIMEOUT_S);
      end_child (pid);
      return 1;
    }

  sleep_ms ((long) (settle_s * 1000));
  rss = status_kb (pid, "VmRSS");
  hwm = status_kb (pid, "VmHWM");
  end_child (pid);
  XCloseDisplay (display);

  printf ("RESULT map_ms=%.0f cpu_ms=%.0f rss_kb=%ld hwm_kb=%ld\n", mapped - start, mapped_cpu,
          rss, hwm);
  return rss < 0 ? 1 : 0;
}
