/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The baseline of tests/bench/bench-startup: the smallest libadwaita app
 * that looks like an app, an AdwApplicationWindow of Dockyard's default size
 * with an AdwHeaderBar and an AdwStatusPage (icon, title, description and a
 * button), owning its name on the session bus as Dockyard does. Prints the
 * renderer GTK chose on stderr.
 *
 *   dockyard-bench-startup-baseline
 */
#include <adwaita.h>

/* What GTK chose (the bench prints it): the default depends on the GL
 * driver found, and GSK_DEBUG=renderer says nothing in release builds. */
static void
map_cb (GtkWidget *window)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  g_printerr ("renderer: %s\n", renderer != NULL ? G_OBJECT_TYPE_NAME (renderer) : "none");
}

static void
activate_cb (GtkApplication *app)
{
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *header;
  GtkWidget *status;
  GtkWidget *button;

  window = adw_application_window_new (app);
  gtk_window_set_title (GTK_WINDOW (window), "Baseline");
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);

  status = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (status), "network-offline-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (status), "No Container Engine Found");
  adw_status_page_set_description (ADW_STATUS_PAGE (status),
                                   "Start Docker or Podman, or choose its socket in the preferences.");
  button = gtk_button_new_with_mnemonic ("_Retry");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "suggested-action");
  adw_status_page_set_child (ADW_STATUS_PAGE (status), button);
  gtk_widget_set_vexpand (status, TRUE);
  gtk_box_append (GTK_BOX (box), status);

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  g_signal_connect (window, "map", G_CALLBACK (map_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;

  app = adw_application_new ("io.github.dockyardapp.BenchStartupBaseline", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
