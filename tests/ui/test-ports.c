/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Ports panel (issue 19): a server started in the dev container is
 * listed with the address to open, which answers; the Overview's ports. */
#include "config.h"

#include <libsoup/soup.h>

#include "dockyard-exec-collect.h"
#include "dockyard-ports-panel.h"
#include "dockyard-terminal-page.h"
#include "dockyard-test-utils.h"
#include "ui-test-utils.h"

static void
wait_for_session_state (DockyardDevSession      *session,
                        DockyardDevSessionState  state)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (dockyard_dev_session_get_state (session) != state)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_iterate ();
    }
}

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The entry row or action row titled @title under @widget. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
wait_for_row (GtkWidget  *widget,
              const char *title)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  GtkWidget *row;

  while ((row = find_row (widget, title)) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("No row “%s” in the Ports panel", title);
      dockyard_ui_test_settle (100);
    }
  return row;
}

/* The row's button with @tooltip. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *tooltip)
{
  const char *text = gtk_widget_get_tooltip_text (widget);

  if (GTK_IS_BUTTON (widget) && g_strcmp0 (text, tooltip) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, tooltip);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
http_get (const char *uri,
          guint      *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;

  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL,
                                    dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  body = soup_session_send_and_read_finish (session, result, NULL);
  *status = soup_message_get_status (message);
  return body != NULL ? g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body))
                      : NULL;
}

static void
test_ports_panel (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  DockyardDevSession *session;
  DockyardTerminalPage *page;
  GtkWidget *ports_button, *popover, *panel, *row, *entry, *copy;
  g_autofree char *dockerfile = NULL;
  g_autofree char *index = NULL;
  g_autofree char *served = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *title = NULL;
  g_autofree char *address = NULL;
  g_autofree char *body = NULL;
  g_autofree char *note = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *output = NULL;
  g_autofree char *urls = NULL;
  g_autofree char *opened = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  DockyardDevNetwork network;
  guint status = 0;
  int exit_status = -1;
  guint16 number;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  urls = dockyard_ui_test_register_browser ();
  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  f = dockyard_ui_test_project_new ("Ports Test", dockerfile);
  dockyard_ui_test_project_open (f, 1100, 700);
  window = f->window;

  number = free_port ();
  served = g_strdup_printf ("the Ports panel's server on %u\n", number);
  index = g_build_filename (f->project, "index.html", NULL);
  g_assert_true (g_file_set_contents (index, served, -1, NULL));
  g_chmod (index, 0644);

  /* The Overview's list: a word that is no port is refused, a port kept. */
  entry = find_row (GTK_WIDGET (window), "Ports to Publish");
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "5999, http");
  g_signal_emit_by_name (entry, "apply");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "5999 5999,");
  g_signal_emit_by_name (entry, "apply");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "5999");
  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "ports-overview.png");

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "build", NULL);
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_SUCCEEDED);
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "dev", NULL);
  session = dockyard_window_get_dev_session (window);
  g_assert_nonnull (session);
  wait_for_session_state (session, DOCKYARD_DEV_SESSION_RUNNING);
  page = DOCKYARD_TERMINAL_PAGE (dockyard_ui_test_find_widget (GTK_WIDGET (window),
                                                               DOCKYARD_TYPE_TERMINAL_PAGE));
  /* With the host's network, what listens before the first reading is the
   * host's own and not listed: the server starts after it. */
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    while (!dockyard_dev_ports_get_has_read (dockyard_terminal_page_get_dev_ports (page)))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        dockyard_ui_test_settle (50);
      }
  }

  /* A server started in the dev container, nothing configured for it. */
  listen = g_strdup_printf ("127.0.0.1:%u", number);
  dockyard_engine_exec_collect_async (dockyard_dev_session_get_engine (session),
                                      dockyard_dev_session_get_container_id (session),
                                      (const char * const []) { "httpd", "-p", listen, "-h",
                                                                "/usr/src/app", NULL },
                                      NULL, NULL, NULL, 4096, NULL,
                                      dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  output = dockyard_engine_exec_collect_finish (dockyard_dev_session_get_engine (session), result,
                                                &exit_status, &error);
  g_assert_no_error (error);
  g_assert_cmpint (exit_status, ==, 0);

  ports_button = dockyard_terminal_page_get_ports_button (page);
  gtk_menu_button_popup (GTK_MENU_BUTTON (ports_button));
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (ports_button)));
  panel = dockyard_ui_test_find_widget (popover, DOCKYARD_TYPE_PORTS_PANEL);
  g_assert_nonnull (panel);

  title = g_strdup_printf ("Port %u", number);
  row = wait_for_row (panel, title);
  network = dockyard_dev_ports_get_network (dockyard_terminal_page_get_dev_ports (page));
  /* The listed port is there too, nothing listening on it. */
  g_assert_nonnull (find_row (panel, "Port 5999"));

  if (network == DOCKYARD_DEV_NETWORK_HOST)
    {
      address = g_strdup_printf ("http://127.0.0.1:%u/", number);
      g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), address));
      note = dockyard_ui_test_find_label_text (panel, "reached from the network");
      g_assert_nonnull (note);

      /* The address Dockyard shows answers with the server's page. */
      body = http_get (address, &status);
      g_assert_cmpuint (status, ==, 200);
      g_assert_cmpstr (body, ==, served);

      /* Copy Address puts it on the clipboard. */
      copy = find_button (row, "Copy Address");
      g_assert_nonnull (copy);
      g_assert_nonnull (find_button (row, "Open in Browser"));
      g_signal_emit_by_name (copy, "clicked");
      {
        g_autoptr(GAsyncResult) read = NULL;

        gdk_clipboard_read_text_async (gtk_widget_get_clipboard (copy), NULL,
                                       dockyard_test_store_result_cb, &read);
        dockyard_test_wait_for_async (&read);
        copied = gdk_clipboard_read_text_finish (gtk_widget_get_clipboard (copy), read, NULL);
      }
      g_assert_cmpstr (copied, ==, address);

      /* Open in Browser hands it to the desktop's browser. */
      g_signal_emit_by_name (find_button (row, "Open in Browser"), "clicked");
      opened = dockyard_ui_test_wait_for_opened_url (urls);
      g_assert_cmpstr (opened, ==, address);
      /* The launcher holds the window until the browser was started. */
      dockyard_ui_test_settle (1000);
    }
  else
    {
      /* Rootless engines here give the dev container no network: the panel
       * says so, and offers no address. */
      g_assert_cmpint (network, ==, DOCKYARD_DEV_NETWORK_NONE);
      g_assert_null (find_button (row, "Open in Browser"));
      note = dockyard_ui_test_find_label_text (panel, "has no network");
      g_assert_nonnull (note);
    }

  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (popover, "ports-panel.png");
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "ports-window.png");
  gtk_popover_popdown (GTK_POPOVER (popover));

  dockyard_ui_test_project_close (f);
  dockyard_ui_test_remove_image ("ports-test:dev");
  dockyard_ui_test_project_free (f);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_ui_test_init (&argc, &argv);

  g_test_add_func ("/ports/panel", test_ports_panel);

  return g_test_run ();
}
