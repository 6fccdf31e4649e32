/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The project window at phone and desktop widths (issue 15): on libadwaita
 * >= 1.4 it fits 360 px with its narrow layout, below the breakpoint of
 * app/ui/dockyard-adaptive.c; on 1.2 it keeps its one layout and its
 * minimum size.  Screenshots of every page, light and dark, at 360 and
 * 1024 px: artifacts/adaptive-WIDTH-PAGE[-dark].png. */
#include "config.h"

#include <adwaita.h>

#include "dockyard-adaptive.h"
#include "dockyard-build.h"
#include "dockyard-dockerfile-page.h"
#include "dockyard-test-utils.h"
#include "dockyard-window.h"
#include "ui-test-utils.h"

#define HEIGHT 720
/* DOCKYARD_NARROW_CONDITION: below it the header has no room for the
 * switcher beside the labelled buttons and the project's name. */
#define NARROW_BELOW 1200

static const char * const pages[] = { "overview", "dockerfile", "build", "terminal", "lab" };

static gboolean
has_breakpoints (void)
{
  return adw_get_major_version () > 1 || adw_get_minor_version () >= 4;
}

static GtkWidget *
template_child (DockyardWindow *window,
                const char     *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), DOCKYARD_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* Nothing of @widget's content is cut: what it needs at least fits what it
 * has, across and, at that width, down. */
static void
assert_fits (GtkWidget  *window,
             GtkWidget  *widget,
             const char *page)
{
  /* The window's content is allocated at least its minimum, even when the
   * window is narrower (libadwaita >= 1.4 then warns and clips it).  Without
   * breakpoints the window grows for a page that needs more, once the X
   * server has answered (slowly under ASan). */
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  int width, height;
  int min_width, min_height;

  for (;;)
    {
      width = gtk_widget_get_width (window);
      height = gtk_widget_get_height (window);
      gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, width, &min_height, NULL, NULL, NULL);
      if ((min_width <= width && min_height <= height) || g_get_monotonic_time () > deadline)
        break;
      dockyard_ui_test_iterate ();
    }
  g_test_message ("%s: %d×%d px, needs at least %d×%d", page, width, height, min_width, min_height);
  g_assert_cmpint (min_width, <=, width);
  g_assert_cmpint (min_height, <=, height);
}

static const char *
button_label (DockyardWindow *window,
              const char     *name)
{
  GtkWidget *button = template_child (window, name);

  return adw_button_content_get_label (ADW_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (button))));
}

/* The narrow layout: the view switcher at the bottom, icon-only header
 * buttons, no title (the Overview page names the project), the Dockerfile
 * form over its preview. */
static void
assert_layout (DockyardWindow *window,
               gboolean        narrow)
{
  AdwViewSwitcherBar *switcher_bar = ADW_VIEW_SWITCHER_BAR (template_child (window, "switcher_bar"));
  GtkWidget *paned = dockyard_ui_test_find_widget (template_child (window, "dockerfile_page"),
                                                   GTK_TYPE_PANED);

  g_test_message ("window %d px wide, narrow layout %s", gtk_widget_get_width (GTK_WIDGET (window)),
                  narrow ? "expected" : "not expected");
  g_assert_nonnull (paned);
  /* (libadwaita 1.2 reveals it when the title has no room for its switcher.) */
  if (has_breakpoints ())
    g_assert_cmpint (adw_view_switcher_bar_get_reveal (switcher_bar), ==, narrow);
  g_assert_cmpint (gtk_orientable_get_orientation (GTK_ORIENTABLE (paned)), ==,
                   narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  g_assert_cmpint (gtk_widget_get_visible (template_child (window, "open_button")), ==, !narrow);
  g_assert_cmpint (gtk_widget_get_visible (template_child (window, "switcher_title")), ==, !narrow);
  g_assert_cmpstr (button_label (window, "build_button"), ==, narrow ? "" : "_Build");
  g_assert_cmpstr (button_label (window, "dev_button"), ==, narrow ? "" : "_Terminal");
  g_assert_cmpstr (button_label (window, "lab_button"), ==, narrow ? "" : "_Lab");
}

static void
show_pages (DockyardWindow *window,
            int             width,
            gboolean        dark)
{
  AdwViewStack *project_stack = ADW_VIEW_STACK (template_child (window, "project_stack"));
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("adaptive-%d-%s%s.png", width, pages[i],
                                               dark ? "-dark" : "");

      adw_view_stack_set_visible_child_name (project_stack, pages[i]);
      dockyard_ui_test_settle (300);
      assert_fits (GTK_WIDGET (window), content, pages[i]);
      dockyard_ui_test_save_screenshot (GTK_WIDGET (window), name);
    }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
test_width (gconstpointer data)
{
  int width = GPOINTER_TO_INT (data);
  g_autofree char *dockerfile = NULL;
  DockyardUiTestProject *f;
  DockyardWindow *window;
  int window_min;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  dockerfile = g_strdup_printf ("FROM %s\n"
                                "WORKDIR /usr/src/app\n"
                                "RUN echo a step with a long name, to see how the build page "
                                "shows it in a narrow window %" G_GINT64_FORMAT "\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"), g_get_real_time ());
  f = dockyard_ui_test_project_new ("Adaptive Layout", dockerfile);
  dockyard_ui_test_project_open (f, width, HEIGHT);
  window = f->window;
  dockyard_ui_test_settle (400);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.build", NULL));
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_SUCCEEDED);
  /* The build's toast goes after 5 s: the screenshots are of the pages. */
  dockyard_ui_test_settle (5500);

  /* With breakpoints the window may be as narrow as a phone, and is what
   * was asked; without, it is at least as wide as its one layout needs (a
   * GtkWindow grows for a page that needs more, and stays so). */
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1,
                      &window_min, NULL, NULL, NULL);
  g_test_message ("libadwaita %u.%u, window %d×%d px asked, %d×%d px got, minimum width %d",
                  adw_get_major_version (), adw_get_minor_version (), width, HEIGHT,
                  gtk_widget_get_width (GTK_WIDGET (window)),
                  gtk_widget_get_height (GTK_WIDGET (window)), window_min);
  /* (The default size includes the frame's resize border on Xvfb.) */
  if (has_breakpoints ())
    {
      g_assert_cmpint (window_min, <=, 360);
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, width);
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), >=, width - 20);
    }
  else
    {
      /* The measured minimum counts the frame's resize border (10 px on
       * Xvfb), the width does not: a window at its minimum is 10 px less. */
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), >=, window_min - 20);
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), >=, width - 20);
    }

  assert_layout (window, has_breakpoints () && width < NARROW_BELOW);
  show_pages (window, width, FALSE);
  show_pages (window, width, TRUE);

  /* Resized by the user: the layout follows, both ways. */
  if (has_breakpoints ())
    {
      int other = width < NARROW_BELOW ? 1280 : 360;

      gtk_window_set_default_size (GTK_WINDOW (window), other, HEIGHT);
      dockyard_ui_test_settle (600);
      assert_layout (window, other < NARROW_BELOW);
      gtk_window_set_default_size (GTK_WINDOW (window), width, HEIGHT);
      dockyard_ui_test_settle (600);
      assert_layout (window, width < NARROW_BELOW);
    }

  dockyard_ui_test_remove_image ("adaptive-layout:dev");
  dockyard_ui_test_project_free (f);
}

/* Closing a window with unsaved Dockerfile changes asks first; Cancel keeps
 * the window and the changes, Save saves them. */
static void
test_close_unsaved (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  DockyardDockerfilePage *page;
  GtkWidget *alert;
  g_autofree char *path = NULL;
  g_autofree char *saved = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  f = dockyard_ui_test_project_new ("Close Unsaved", "FROM python:3.11.9\nWORKDIR /usr/src/app\n");
  dockyard_ui_test_project_open (f, 360, HEIGHT);
  window = f->window;
  page = DOCKYARD_DOCKERFILE_PAGE (template_child (window, "dockerfile_page"));
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (template_child (window, "project_stack")),
                                         "dockerfile");
  dockyard_ui_test_settle (300);
  dockyard_ui_test_wait_for_page_idle (page, 30);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                                      DOCKYARD_TYPE_DOCKERFILE_PAGE,
                                                                      "workdir_row")),
                         "/srv/app");
  dockyard_ui_test_wait_for_page_idle (page, 30);
  g_assert_true (dockyard_dockerfile_page_get_dirty (page));

  gtk_window_close (GTK_WINDOW (window));
  alert = dockyard_ui_test_wait_for_alert (30);
  g_assert_cmpstr (dockyard_alert_get_heading (alert), ==, "Save Changes to the Dockerfile?");
  dockyard_ui_test_settle (600);  /* its fade-in */
  /* On the window from libadwaita 1.5, a window of its own before. */
  dockyard_ui_test_save_screenshot (GTK_WIDGET (gtk_widget_get_root (alert)),
                                    "adaptive-360-close-unsaved.png");
  dockyard_alert_response (alert, "cancel");
  dockyard_ui_test_settle (300);
  g_assert_null (dockyard_ui_test_find_alert ());
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (dockyard_dockerfile_page_get_dirty (page));

  gtk_window_close (GTK_WINDOW (window));
  alert = dockyard_ui_test_wait_for_alert (30);
  dockyard_alert_response (alert, "save");
  dockyard_ui_test_settle (300);
  dockyard_ui_test_wait_for_page_idle (page, 30);
  g_assert_false (dockyard_dockerfile_page_get_dirty (page));
  path = g_build_filename (f->project, "Dockerfile", NULL);
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "WORKDIR /srv/app\n"));

  dockyard_ui_test_project_free (f);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_ui_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  g_test_add_data_func ("/adaptive/360", GINT_TO_POINTER (360), test_width);
  g_test_add_data_func ("/adaptive/1024", GINT_TO_POINTER (1024), test_width);
  g_test_add_func ("/adaptive/close-unsaved", test_close_unsaved);

  return g_test_run ();
}
