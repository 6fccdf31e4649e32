/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>

#include <gio/gio.h>

#include "dockyard-container-spec.h"
#include "dockyard-project.h"
#include "dockyard-test-utils.h"

/* Issue #16, item 10: SIGTERM (logout, `kill`), SIGINT (Ctrl+C in the
 * terminal that started the app) and SIGHUP (that terminal closed) end the
 * real app as its Quit action does: the dev container it runs is removed
 * before it exits, within a bounded time.  The app is the installed binary,
 * started on a project folder; Dev is asked for over D-Bus, as
 * `gapplication action` does. */

#define WAIT_SECONDS 60

typedef struct
{
  DockyardEngine *engine;
  char           *dir;
  char           *project;
  char           *image;
} Fixture;

static char *
app_binary (void)
{
  return g_build_filename (g_getenv ("DOCKYARD_BUILD_DIR"), "app", "dockyard", NULL);
}

/* The app's object path on the bus: its id with dots as slashes. */
static char *
app_object_path (void)
{
  g_autofree char *path = g_strconcat ("/", APP_ID, NULL);

  g_strdelimit (path, ".", '/');
  return g_steal_pointer (&path);
}

static gboolean
name_has_owner (GDBusConnection *bus,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * G_TIME_SPAN_MILLISECOND);
    }
}

static guint
project_containers (Fixture *fixture)
{
  return dockyard_test_count_labelled (fixture->engine, DOCKYARD_LABEL_PROJECT, fixture->project);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *busybox = g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE");
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardProject) project = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *binary = app_binary ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  fixture->engine = dockyard_test_connect_engine ();
  if (fixture->engine == NULL || busybox == NULL)
    return;

  fixture->dir = dockyard_test_make_shared_dir ("dockyard-signals");
  /* A space and a quote in the path: it is an argument, never a shell word. */
  fixture->project = g_build_filename (fixture->dir, "sig project's", NULL);
  g_assert_cmpint (g_mkdir (fixture->project, 0755), ==, 0);
  dockerfile = g_build_filename (fixture->project, "Dockerfile", NULL);
  contents = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\n", busybox);
  g_file_set_contents (dockerfile, contents, -1, &error);
  g_assert_no_error (error);

  /* The project's image, built by the app's own command line. */
  {
    const char *argv[] = { binary, "--build", fixture->project, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                  &status, &error);
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, NULL))
      g_error ("dockyard --build failed:\n%s\n%s", out, err);
  }

  project = dockyard_test_open_project (fixture->project);
  fixture->image = dockyard_project_dup_image_name (project);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->image != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/images/%s?force=1", fixture->image);
      g_autoptr(JsonNode) node = dockyard_test_request (fixture->engine, "DELETE", path, NULL);
    }
  if (fixture->dir != NULL)
    dockyard_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->project, g_free);
  g_clear_pointer (&fixture->image, g_free);
  g_clear_object (&fixture->engine);
}

static void
test_signal_quits (Fixture       *fixture,
                   gconstpointer  data)
{
  int signum = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *binary = app_binary ();
  g_autofree char *object_path = app_object_path ();
  gint64 deadline;

  if (fixture->engine == NULL || fixture->image == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine or busybox image: run the suite with tests/run");
      return;
    }
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL || g_getenv ("DISPLAY") == NULL)
    {
      dockyard_test_skip_unless_ci ("no session bus or X server: run under meson test");
      return;
    }

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  /* The app of an earlier case has left the bus. */
  g_assert_false (name_has_owner (bus, APP_ID));

  app = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, binary, fixture->project, NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + WAIT_SECONDS * G_TIME_SPAN_SECOND;
  while (!name_has_owner (bus, APP_ID))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      settle (50);
    }

  /* Dev, until its container exists (the project may still be opening). */
  while (project_containers (fixture) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_clear_pointer (&reply, g_variant_unref);
      reply = g_dbus_connection_call_sync (bus, APP_ID, object_path, "org.gtk.Actions", "Activate",
                                           g_variant_new ("(sava{sv})", "dev", NULL, NULL),
                                           NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
      settle (500);
    }
  /* Running, not only created: a start still under way is covered too by
   * the session's own rule, but the point here is a live container. */
  settle (1000);
  g_assert_cmpuint (project_containers (fixture), ==, 1);

  g_subprocess_send_signal (app, signum);

  deadline = g_get_monotonic_time () + WAIT_SECONDS * G_TIME_SPAN_SECOND;
  {
    g_autoptr(GAsyncResult) result = NULL;

    g_subprocess_wait_async (app, NULL, dockyard_test_store_result_cb, &result);
    while (result == NULL)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_main_context_iteration (NULL, TRUE);
      }
    g_assert_true (g_subprocess_wait_finish (app, result, &error));
    g_assert_no_error (error);
  }

  /* It ended by itself, not killed by the signal, and took its container. */
  g_assert_true (g_subprocess_get_if_exited (app));
  g_assert_cmpint (g_subprocess_get_exit_status (app), ==, 0);
  g_assert_cmpuint (project_containers (fixture), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add ("/signals/sigterm", Fixture, GINT_TO_POINTER (SIGTERM),
              fixture_setup, test_signal_quits, fixture_teardown);
  g_test_add ("/signals/sigint", Fixture, GINT_TO_POINTER (SIGINT),
              fixture_setup, test_signal_quits, fixture_teardown);
  g_test_add ("/signals/sighup", Fixture, GINT_TO_POINTER (SIGHUP),
              fixture_setup, test_signal_quits, fixture_teardown);

  return g_test_run ();
}
