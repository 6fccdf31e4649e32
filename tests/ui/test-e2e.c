/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <libsoup/soup.h>
#include <vte/vte.h>

#include "dockyard-application.h"
#include "dockyard-container-spec.h"
#include "dockyard-dockerfile-page.h"
#include "dockyard-test-utils.h"
#include "dockyard-window.h"
#include "ui-test-utils.h"

/* Issue #7: the whole workflow once, as a user goes through it.  The app
 * owns its name on the test's private session bus; the steps come in
 * through its exported actions over D-Bus from another connection (what
 * `gapplication action` does) and through real keyboard input on the X
 * server (xdotool).  Screenshots of each page are kept as artefacts. */

typedef struct
{
  DockyardApplication *app;
  GDBusConnection     *remote;
  DockyardEngine      *engine;
  DockyardWindow      *window;
  char                *dir;
  char                *project;
  char                *urls;
} E2e;

/* D-Bus ----------------------------------------------------------------------- */

/* A connection of its own, as another process would have. */
static GDBusConnection *
connect_remote (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GDBusConnection *connection;

  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static GVariant *
call (GDBusConnection *connection,
      const char      *name,
      const char      *path,
      const char      *interface,
      const char      *method,
      GVariant        *parameters,
      GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  /* Asynchronous: the app answers from this very main loop. */
  g_dbus_connection_call (connection, name, path, interface, method, parameters, NULL,
                          G_DBUS_CALL_FLAGS_NONE, 30000, NULL,
                          dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  return g_dbus_connection_call_finish (connection, result, error);
}

static char *
name_owner (GDBusConnection *connection,
            const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  char *owner = NULL;

  reply = call (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                "org.freedesktop.DBus", "GetNameOwner", g_variant_new ("(s)", name), NULL);
  if (reply != NULL)
    g_variant_get (reply, "(s)", &owner);
  return owner;
}

/* org.gtk.Actions.Activate on the app's object path, as
 * `gapplication action APP_ID ACTION [PARAMETER]` does. */
static void
activate_over_dbus (E2e        *e2e,
                    const char *action,
                    GVariant   *parameter)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder parameters;

  g_variant_builder_init (&parameters, G_VARIANT_TYPE ("av"));
  if (parameter != NULL)
    g_variant_builder_add (&parameters, "v", parameter);

  g_test_message ("D-Bus: org.gtk.Actions.Activate (“%s”)", action);
  reply = call (e2e->remote,
                g_application_get_application_id (G_APPLICATION (e2e->app)),
                g_application_get_dbus_object_path (G_APPLICATION (e2e->app)),
                "org.gtk.Actions", "Activate",
                g_variant_new ("(sava{sv})", action, &parameters, NULL), &error);
  g_assert_no_error (error);
}

/* Engine -------------------------------------------------------------------- */

static DockyardEngine *
connect_engine (void)
{
  DockyardEngine *engine = dockyard_engine_new (dockyard_test_engine_socket ());
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dockyard_engine_connect_async (engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_engine_connect_finish (engine, result, &error));
  g_assert_no_error (error);
  return engine;
}

/* The containers, running or not, that the app labelled as the project's. */
static guint
count_project_containers (E2e *e2e)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) filters = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = g_strdup_printf ("%s=%s", DOCKYARD_LABEL_PROJECT, e2e->project);
  g_autofree char *json = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "label");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, label);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  filters = json_builder_get_root (builder);
  json = json_to_string (filters, FALSE);
  escaped = g_uri_escape_string (json, NULL, FALSE);
  path = g_strdup_printf ("/containers/json?all=1&filters=%s", escaped);

  dockyard_engine_request_async (e2e->engine, "GET", path, NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (e2e->engine, result, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_get_length (json_node_get_array (node));
}

/* Removal follows a stop: waits up to 60 s for the count to come down to @n. */
static void
wait_for_project_containers (E2e   *e2e,
                             guint  n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint count;

  while ((count = count_project_containers (e2e)) != n)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%u containers of the project, not %u", count, n);
      dockyard_ui_test_settle (100);
    }
}

static guint
http_status (const char *uri)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;

  /* A redirect (to a login page) is not the notebook: count it as it comes. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL,
                                    dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  body = soup_session_send_and_read_finish (session, result, NULL);
  return soup_message_get_status (message);
}

/* Keyboard ------------------------------------------------------------------ */

static GtkWidget *
focus_widget (E2e *e2e)
{
  return gtk_root_get_focus (GTK_ROOT (e2e->window));
}

static void
press (const char *keys)
{
  g_assert_true (dockyard_ui_test_xdotool ((const char *[]) { "key", "--clearmodifiers", keys, NULL }));
}

static void
type_text (const char *text)
{
  g_assert_true (dockyard_ui_test_xdotool ((const char *[]) { "type", "--delay", "20", text, NULL }));
}

typedef gboolean (*FocusCheck) (GtkWidget *focus,
                                gpointer   data);

/* Presses Tab, as a keyboard user does, until the focus is where @check
 * says; fails when 60 presses never get there. */
static void
tab_to (E2e        *e2e,
        FocusCheck  check,
        gpointer    data,
        const char *what)
{
  g_autoptr(GString) visited = g_string_new (NULL);

  for (guint presses = 0; presses < 60; presses++)
    {
      GtkWidget *before;
      gint64 deadline;

      /* As a person sees it: with the page and its switcher in place. */
      dockyard_ui_test_wait_for_transitions (GTK_WIDGET (e2e->window));
      before = focus_widget (e2e);
      if (before != NULL && check (before, data))
        {
          g_test_message ("%s: reached with %u presses of Tab", what, presses);
          return;
        }
      g_string_append_printf (visited, " %s", before ? G_OBJECT_TYPE_NAME (before) : "(none)");

      press ("Tab");
      deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      while (focus_widget (e2e) == before)
        {
          if (g_get_monotonic_time () > deadline)
            g_error ("Tab does not move the focus from %s",
                     before ? G_OBJECT_TYPE_NAME (before) : "nothing");
          dockyard_ui_test_iterate ();
        }
    }

  dockyard_ui_test_save_screenshot (GTK_WIDGET (e2e->window), "e2e-failed.png");
  g_error ("Tab never reaches %s; the focus went through%s", what, visited->str);
}

static gboolean
is_inside (GtkWidget *focus,
           gpointer   data)
{
  return focus == data || gtk_widget_is_ancestor (focus, data);
}

/* Types @text over what the field holds, and checks it arrived. */
static void
type_into (E2e        *e2e,
           GtkWidget  *row,
           const char *text)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  tab_to (e2e, is_inside, row, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  press ("ctrl+a");
  type_text (text);
  while (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text) != 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the field holds “%s”, not the “%s” typed",
                 gtk_editable_get_text (GTK_EDITABLE (row)), text);
      dockyard_ui_test_iterate ();
    }
}

/* Waiting ------------------------------------------------------------------- */

typedef gboolean (*Condition) (E2e *e2e);

static void
wait_until (E2e        *e2e,
            Condition   condition,
            guint       seconds,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!condition (e2e))
    {
      if (g_get_monotonic_time () > deadline)
        {
          /* What the user would have seen instead. */
          dockyard_ui_test_save_screenshot (GTK_WIDGET (e2e->window), "e2e-failed.png");
          g_error ("%s: not within %u s", what, seconds);
        }
      dockyard_ui_test_iterate ();
    }
}

static GObject *
page_child (E2e        *e2e,
            const char *name)
{
  GtkWidget *page = dockyard_ui_test_find_widget (GTK_WIDGET (e2e->window),
                                                  DOCKYARD_TYPE_DOCKERFILE_PAGE);
  GObject *child;

  g_assert_nonnull (page);
  child = gtk_widget_get_template_child (page, DOCKYARD_TYPE_DOCKERFILE_PAGE, name);
  g_assert_nonnull (child);
  return child;
}

static DockyardDockerfilePage *
dockerfile_page (E2e *e2e)
{
  return DOCKYARD_DOCKERFILE_PAGE (dockyard_ui_test_find_widget (GTK_WIDGET (e2e->window),
                                                                 DOCKYARD_TYPE_DOCKERFILE_PAGE));
}

static char *
preview_text (E2e *e2e)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (page_child (e2e, "preview_view")));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static const char *
visible_page (E2e *e2e)
{
  AdwViewStack *stack = ADW_VIEW_STACK (dockyard_ui_test_find_widget (GTK_WIDGET (e2e->window),
                                                                      ADW_TYPE_VIEW_STACK));

  return adw_view_stack_get_visible_child_name (stack);
}

static gboolean
shows_dockerfile_page (E2e *e2e)
{
  return g_strcmp0 (visible_page (e2e), "dockerfile") == 0 &&
         !dockyard_dockerfile_page_get_busy (dockerfile_page (e2e));
}

static gboolean
preview_has_base_image (E2e *e2e)
{
  g_autofree char *preview = preview_text (e2e);
  g_autofree char *from = g_strdup_printf ("FROM %s\n", g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE"));

  return g_str_has_prefix (preview, from);
}

static gboolean
saved (E2e *e2e)
{
  DockyardDockerfilePage *page = dockerfile_page (e2e);
  DockyardProject *project = dockyard_window_get_project (e2e->window);

  /* The window re-reads the project once the files are written. */
  return !dockyard_dockerfile_page_get_busy (page) && !dockyard_dockerfile_page_get_dirty (page) &&
         project != NULL && dockyard_project_get_has_dockerfile (project);
}

static gboolean
dev_running (E2e *e2e)
{
  DockyardDevSession *session = dockyard_window_get_dev_session (e2e->window);

  return session != NULL && dockyard_dev_session_get_state (session) == DOCKYARD_DEV_SESSION_RUNNING;
}

/* A second terminal tab, an exec shell in the dev container, shows. */
static gboolean
exec_tab_shows (E2e *e2e)
{
  DockyardTerminal *second = dockyard_window_get_terminal (e2e->window, 1);

  return second != NULL &&
         gtk_widget_has_focus (GTK_WIDGET (dockyard_terminal_get_vte (second)));
}

static gboolean
lab_started (E2e *e2e)
{
  DockyardLabSession *lab = dockyard_window_get_lab_session (e2e->window);

  return lab != NULL && dockyard_lab_session_get_state (lab) != DOCKYARD_LAB_SESSION_STARTING &&
         dockyard_lab_session_get_state (lab) != DOCKYARD_LAB_SESSION_READY;
}

static gboolean
lab_stopped (E2e *e2e)
{
  DockyardLabSession *lab = dockyard_window_get_lab_session (e2e->window);

  return dockyard_lab_session_get_state (lab) == DOCKYARD_LAB_SESSION_STOPPED;
}

static char *
read_project_file (E2e        *e2e,
                   const char *name)
{
  g_autofree char *path = g_build_filename (e2e->project, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

/* The test --------------------------------------------------------------------- */

static void
start (E2e *e2e)
{
  g_autofree char *owner = NULL;
  g_autofree char *app_owner = NULL;
  g_autoptr(GError) error = NULL;

  e2e->urls = dockyard_ui_test_register_browser ();
  e2e->engine = connect_engine ();
  e2e->remote = connect_remote ();

  /* An empty folder, with a space in its name as users' folders have. */
  e2e->dir = g_dir_make_tmp ("dockyard-e2e-XXXXXX", &error);
  g_assert_no_error (error);
  e2e->project = g_build_filename (e2e->dir, "E2E Demo Project", NULL);
  g_assert_cmpint (g_mkdir (e2e->project, 0755), ==, 0);
  dockyard_ui_test_remove_image ("e2e-demo-project:dev");

  /* As the installed app starts: unique, owning its name on the bus. */
  e2e->app = dockyard_application_new ();
  owner = name_owner (e2e->remote, g_application_get_application_id (G_APPLICATION (e2e->app)));
  if (owner != NULL)
    g_error ("%s is already owned on this bus (%s): run the test with its own session bus "
             "(dbus-run-session)", g_application_get_application_id (G_APPLICATION (e2e->app)),
             owner);
  g_application_register (G_APPLICATION (e2e->app), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (e2e->app)));
  app_owner = name_owner (e2e->remote, g_application_get_application_id (G_APPLICATION (e2e->app)));
  g_assert_cmpstr (app_owner, ==,
                   g_dbus_connection_get_unique_name (g_application_get_dbus_connection (G_APPLICATION (e2e->app))));
}

/* Opens the empty folder over D-Bus; the app makes the window. */
static void
open_project (E2e *e2e)
{
  GtkWindow *active;

  activate_over_dbus (e2e, "open-project", g_variant_new_string (e2e->project));
  active = gtk_application_get_active_window (GTK_APPLICATION (e2e->app));
  g_assert_true (DOCKYARD_IS_WINDOW (active));
  e2e->window = DOCKYARD_WINDOW (g_object_ref (active));
  dockyard_ui_test_wait_for_page (e2e->window, "project");
  g_assert_false (dockyard_project_get_has_dockerfile (dockyard_window_get_project (e2e->window)));
}

/* Keyboard focus goes where the pointer is (no window manager). */
static void
point_at_window (E2e *e2e)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (e2e->window));
  g_autofree char *xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  g_autofree char *y = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (gtk_widget_get_height (GTK_WIDGET (e2e->window)) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_iterate ();
    }
  y = g_strdup_printf ("%d", gtk_widget_get_height (GTK_WIDGET (e2e->window)) / 2);

  /* The left edge: no widget there to show hover or a tooltip. */
  g_assert_true (dockyard_ui_test_xdotool ((const char *[]) { "mousemove", "--window", xid, "1", y, NULL }));
  dockyard_ui_test_settle (200);
}

static void
fill_form (E2e *e2e)
{
  const char *python = g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE");
  g_autofree char *repository = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *requirements = NULL;
  g_autofree char *ignore = NULL;
  const char *colon = strrchr (python, ':');

  g_assert_nonnull (colon);
  repository = g_strndup (python, colon - python);

  /* A folder without a Dockerfile opens on the form. */
  wait_until (e2e, shows_dockerfile_page, 30, "the Dockerfile page");
  dockyard_ui_test_settle (300);

  type_into (e2e, GTK_WIDGET (page_child (e2e, "image_row")), repository);
  type_into (e2e, GTK_WIDGET (page_child (e2e, "version_row")), colon + 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (page_child (e2e, "requirements_row"))), ==,
                   "requirements.txt");

  /* The live preview follows, and the image is known to be local. */
  wait_until (e2e, preview_has_base_image, 30, "the preview shows the base image");
  g_assert_null (dockyard_dockerfile_page_get_error (dockerfile_page (e2e)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (page_child (e2e, "local_row"))));
  g_assert_true (dockyard_dockerfile_page_get_dirty (dockerfile_page (e2e)));

  press ("ctrl+s");
  wait_until (e2e, saved, 30, "Ctrl+S saves");
  dockyard_ui_test_settle (400);
  g_free (dockyard_ui_test_wait_for_label_text (GTK_WIDGET (e2e->window), "Saved"));
  dockyard_ui_test_save_screenshot (GTK_WIDGET (e2e->window), "e2e-1-form.png");

  expected = g_strdup_printf ("FROM %s\n"
                              "WORKDIR /usr/src/app\n"
                              "COPY requirements.txt .\n"
                              "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
                              python);
  dockerfile = read_project_file (e2e, "Dockerfile");
  g_assert_cmpstr (dockerfile, ==, expected);
  /* Nothing to download: the build stays offline. */
  requirements = read_project_file (e2e, "requirements.txt");
  g_assert_cmpstr (requirements, ==, "");
  ignore = read_project_file (e2e, ".dockerignore");
  g_assert_nonnull (ignore);
}

static void
build (E2e *e2e)
{
  DockyardBuild *build;
  guint n_steps;

  activate_over_dbus (e2e, "build", NULL);
  dockyard_ui_test_wait_for_build_end (e2e->window);
  build = dockyard_window_get_build (e2e->window);
  if (dockyard_build_get_state (build) != DOCKYARD_BUILD_SUCCEEDED)
    g_error ("the build failed: %s", dockyard_build_get_error_message (build));
  g_assert_cmpstr (dockyard_build_get_tag (build), ==, "e2e-demo-project:dev");

  /* Every step done, none left waiting or running. */
  n_steps = g_list_model_get_n_items (G_LIST_MODEL (build));
  g_assert_cmpuint (n_steps, >, 0);
  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(DockyardBuildStep) step = g_list_model_get_item (G_LIST_MODEL (build), i);
      DockyardBuildStepState state = dockyard_build_step_get_state (step);

      if (state != DOCKYARD_BUILD_STEP_DONE && state != DOCKYARD_BUILD_STEP_CACHED)
        g_error ("step “%s” is in state %d", dockyard_build_step_get_name (step), state);
    }

  g_assert_cmpstr (visible_page (e2e), ==, "build");
  g_free (dockyard_ui_test_wait_for_label_text (GTK_WIDGET (e2e->window),
                                                "Built e2e-demo-project:dev"));
  dockyard_ui_test_settle (400);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (e2e->window), "e2e-2-build.png");
}

static void
dev (E2e *e2e)
{
  DockyardTerminal *terminal;
  DockyardTerminal *second;
  g_autofree char *path = NULL;
  GStatBuf st;

  activate_over_dbus (e2e, "dev", NULL);
  wait_until (e2e, dev_running, 60, "the dev container runs");
  g_assert_cmpstr (visible_page (e2e), ==, "terminal");
  terminal = dockyard_window_get_terminal (e2e->window, 0);
  g_assert_nonnull (terminal);
  /* The app labels its container as the project's (what the end checks). */
  wait_for_project_containers (e2e, 1);

  /* The terminal has the keyboard as soon as it shows. */
  dockyard_ui_test_settle (300);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (dockyard_terminal_get_vte (terminal))));
  g_assert_true (dockyard_ui_test_type_line ("echo $((6*7))"));
  dockyard_ui_test_wait_for_terminal_text (terminal, "\n42");

  /* A file the dev shell writes into the project folder belongs to the
   * user running Dockyard, on every engine (rootless ones included). */
  g_assert_true (dockyard_ui_test_type_line ("echo made-in-dev > made-in-dev.txt && echo written"));
  dockyard_ui_test_wait_for_terminal_text (terminal, "\nwritten");
  path = g_build_filename (e2e->project, "made-in-dev.txt", NULL);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_uid, ==, getuid ());
  g_assert_cmpuint (st.st_gid, ==, getgid ());

  /* A further shell (an exec tab, by its shortcut) sees it. */
  press ("ctrl+shift+t");
  wait_until (e2e, exec_tab_shows, 60, "the exec tab shows with the keyboard");
  second = dockyard_window_get_terminal (e2e->window, 1);
  dockyard_ui_test_settle (300);
  g_assert_true (dockyard_ui_test_type_line ("cat made-in-dev.txt"));
  dockyard_ui_test_wait_for_terminal_text (second, "\nmade-in-dev");

  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (e2e->window), "e2e-3-dev.png");
}

static void
lab (E2e *e2e)
{
  DockyardLabSession *lab;
  g_autofree char *opened = NULL;
  g_autofree char *shown = NULL;

  activate_over_dbus (e2e, "lab", NULL);
  lab = dockyard_window_get_lab_session (e2e->window);
  g_assert_nonnull (lab);
  wait_until (e2e, lab_started, 180, "Jupyter starts");
  if (dockyard_lab_session_get_state (lab) != DOCKYARD_LAB_SESSION_RUNNING)
    g_error ("the lab failed: %s", dockyard_lab_session_get_error_message (lab));
  g_assert_cmpstr (visible_page (e2e), ==, "lab");

  /* What the app handed to the browser: Jupyter, on loopback, with its token. */
  opened = dockyard_ui_test_wait_for_opened_url (e2e->urls);
  /* The address without its token: test logs are kept. */
  g_test_message ("the browser was asked to open %.*s…", (int) strcspn (opened, "?"), opened);
  g_assert_cmpstr (opened, ==, dockyard_lab_session_get_url (lab));
  g_assert_true (g_str_has_prefix (opened, "http://127.0.0.1:"));
  g_assert_nonnull (strstr (opened, "token="));
  g_assert_cmpuint (http_status (opened), ==, 200);
  /* Dev and lab; the probe for Jupyter is removed. */
  wait_for_project_containers (e2e, 2);

  shown = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (e2e->window), "Jupyter Is Running");
  dockyard_ui_test_settle (400);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (e2e->window), "e2e-4-lab.png");
}

static void
stop_lab (E2e *e2e)
{
  g_autofree char *shown = NULL;

  activate_over_dbus (e2e, "stop-lab", NULL);
  wait_until (e2e, lab_stopped, 60, "the lab stops");
  shown = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (e2e->window), "The Lab Is Stopped");
  /* Only the dev container is left. */
  wait_for_project_containers (e2e, 1);
  dockyard_ui_test_settle (400);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (e2e->window), "e2e-5-stopped.png");
}

static void
finish (E2e *e2e)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", e2e->dir);

  /* As the window's close button does; nothing is left unsaved.  The
   * window first asks the dev container what its shells run (issue 18):
   * at their prompts, it closes without a question, a moment later. */
  {
    gpointer window = g_steal_pointer (&e2e->window);
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    g_object_add_weak_pointer (window, &window);
    g_object_unref (window);
    gtk_window_close (GTK_WINDOW (window));
    while (window != NULL)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        dockyard_ui_test_iterate ();
      }
  }

  /* Quitting waits for the engine to remove the dev container. */
  dockyard_ui_test_quit_app (g_steal_pointer (&e2e->app));
  g_assert_cmpuint (count_project_containers (e2e), ==, 0);

  g_dbus_connection_close_sync (e2e->remote, NULL, NULL);
  g_clear_object (&e2e->remote);
  g_clear_object (&e2e->engine);
  dockyard_ui_test_remove_image ("e2e-demo-project:dev");
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  g_clear_pointer (&e2e->dir, g_free);
  g_clear_pointer (&e2e->project, g_free);
  g_clear_pointer (&e2e->urls, g_free);
}

static void
test_workflow (void)
{
  E2e e2e = { 0 };
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");

  if (dockyard_test_engine_socket () == NULL || g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE") == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine or test image: run the suite with tests/run");
      return;
    }
  if (xdotool == NULL || !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      dockyard_test_skip_unless_ci ("no xdotool or no X server: no real input");
      return;
    }
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      dockyard_test_skip_unless_ci ("no session bus: run under dbus-run-session");
      return;
    }

  start (&e2e);
  open_project (&e2e);
  point_at_window (&e2e);
  fill_form (&e2e);
  build (&e2e);
  dev (&e2e);
  lab (&e2e);
  stop_lab (&e2e);
  finish (&e2e);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);
  /* xdotool speaks to the X server. */
  gdk_set_allowed_backends ("x11");
  gtk_init ();
  adw_init ();

  g_test_add_func ("/e2e/workflow", test_workflow);

  return g_test_run ();
}
