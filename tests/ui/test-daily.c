/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 18, "a daily tool": the window as people use it all day, through
 * the real window (Xvfb, the app's actions, xdotool where it is there). */
#include "config.h"

#include <adwaita.h>

#include <vte/vte.h>

#include "dockyard-application.h"
#include "dockyard-build-step-row.h"
#include "dockyard-build-view.h"
#include "dockyard-dockerfile-page.h"
#include "dockyard-lab-page.h"
#include "dockyard-test-utils.h"
#include "dockyard-window.h"
#include "ui-test-utils.h"

static GtkWidget *
window_child (DockyardWindow *window,
              const char     *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window), DOCKYARD_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

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

/* The message dialog over @parent with @heading, once it shows. */
static AdwMessageDialog *
wait_for_dialog (GtkWindow  *parent,
                 const char *heading)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

      for (GList *l = toplevels; l != NULL; l = l->next)
        if (ADW_IS_MESSAGE_DIALOG (l->data) &&
            gtk_window_get_transient_for (l->data) == parent &&
            gtk_widget_get_mapped (l->data) &&
            g_strcmp0 (adw_message_dialog_get_heading (l->data), heading) == 0)
          {
            dockyard_ui_test_settle (300);
            return l->data;
          }

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_iterate ();
    }
}

static gboolean
has_dialog (GtkWindow *parent)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_window_get_transient_for (l->data) == parent &&
        gtk_widget_get_visible (l->data))
      return TRUE;
  return FALSE;
}

static guint
n_tabs (DockyardWindow *window)
{
  guint n = 0;

  while (dockyard_window_get_terminal (window, n) != NULL)
    n++;
  return n;
}

static AdwTabView *
tab_view (DockyardWindow *window)
{
  GtkWidget *view = dockyard_ui_test_find_widget (window_child (window, "terminal_page"),
                                                  ADW_TYPE_TAB_VIEW);

  g_assert_nonnull (view);
  return ADW_TAB_VIEW (view);
}

static void
close_tab (DockyardWindow *window,
           guint           index)
{
  AdwTabView *view = tab_view (window);

  adw_tab_view_close_page (view, adw_tab_view_get_nth_page (view, index));
}

/* Once the shell's stream is there (keys typed before go nowhere). */
static void
wait_for_dirty (GtkWidget *page,
                gboolean   dirty)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (dockyard_dockerfile_page_get_dirty (DOCKYARD_DOCKERFILE_PAGE (page)) != dirty)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_iterate ();
    }
}

static void
type_into (DockyardTerminal *terminal,
           const char       *text)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (dockyard_terminal_get_stream (terminal) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_iterate ();
    }
  vte_terminal_feed_child (dockyard_terminal_get_vte (terminal), text, -1);
}

/* The header, the terminal's names and its empty state, the Built toast,
 * shells that ended and what is asked before work is thrown away
 * (items 3, 7, 11, 17). */
static void
test_terminal_day (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *found = NULL;
  DockyardDevSession *session;
  DockyardTerminal *first;
  DockyardTerminal *second;
  AdwMessageDialog *dialog;
  GtkWidget *build_button;
  int idle_width;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  /* A build long enough to look at the header while it runs. */
  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\nRUN sleep 2 && echo %" G_GINT64_FORMAT "\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"), g_get_real_time ());
  f = dockyard_ui_test_project_new ("Daily Terminal", dockerfile);
  dockyard_ui_test_remove_image ("daily-terminal:dev");
  dockyard_ui_test_project_open (f, 1280, 800);
  window = f->window;
  dockyard_ui_test_settle (400);

  /* The title names the project, and so does the header beside the
   * switcher (item 11). */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Daily Terminal");
  {
    AdwViewSwitcherTitle *title = ADW_VIEW_SWITCHER_TITLE (window_child (window, "switcher_title"));

    /* Wide or narrow, the label beside the switcher names the project. */
    g_assert_true (gtk_widget_get_visible (window_child (window, "project_title_label")));
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (window_child (window, "project_title_label"))), ==,
                     "Daily Terminal");
    /* The window is wide enough for the switcher in the header (not
     * asserted: it depends on fonts and the window buttons). */
    g_test_message ("switcher title visible: %d", adw_view_switcher_title_get_title_visible (title));
    dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "daily-header.png");
  }

  /* Terminal before the image exists: "Image Not Built Yet". */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "dev", NULL);
  found = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "build it first");
  g_clear_pointer (&found, g_free);

  /* The header's buttons do not move while "Building…" (item 17). */
  build_button = window_child (window, "build_button");
  idle_width = gtk_widget_get_width (build_button);
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "build", NULL);
  found = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "Building…");
  g_clear_pointer (&found, g_free);
  dockyard_ui_test_settle (200);
  g_assert_cmpint (gtk_widget_get_width (build_button), ==, idle_width);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "daily-building.png");
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_SUCCEEDED);
  g_assert_cmpint (gtk_widget_get_width (build_button), ==, idle_width);

  /* The Built toast is about the Build page: it goes when the terminal shows. */
  found = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "Built daily-terminal:dev");
  g_clear_pointer (&found, g_free);
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "dev", NULL);
  session = dockyard_window_get_dev_session (window);
  wait_for_session_state (session, DOCKYARD_DEV_SESSION_RUNNING);
  dockyard_ui_test_settle (1500);
  found = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "Built daily-terminal:dev");
  g_assert_null (found);

  /* One name: the button, the page and the first tab say "Terminal"/"Shell". */
  first = dockyard_window_get_terminal (window, 0);
  g_assert_cmpstr (adw_tab_page_get_title (adw_tab_view_get_nth_page (tab_view (window), 0)), ==,
                   "Shell 1");
  type_into (first, "echo first-$((2*21))\r");
  dockyard_ui_test_wait_for_terminal_text (first, "first-42");

  /* A second shell that ends gets Restart and Close (item 17). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-terminal", NULL));
  second = dockyard_window_get_terminal (window, 1);
  dockyard_ui_test_settle (500);
  type_into (second, "exit 4\r");
  found = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (second), "status 4");
  g_clear_pointer (&found, g_free);
  dockyard_ui_test_settle (400);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "daily-shell-ended.png");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (second),
                                                                                    DOCKYARD_TYPE_TERMINAL,
                                                                                    "restart_button"))));
  /* Restart: a new shell in the same tab. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "term.restart", NULL));
  type_into (second, "echo again-$((5*5))\r");
  dockyard_ui_test_wait_for_terminal_text (second, "again-25");
  type_into (second, "exit 5\r");
  found = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (second), "status 5");
  g_clear_pointer (&found, g_free);
  /* Close: the tab goes, the container stays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "term.close", NULL));
  dockyard_ui_test_settle (300);
  g_assert_cmpuint (n_tabs (window), ==, 1);
  g_assert_cmpint (dockyard_dev_session_get_state (session), ==, DOCKYARD_DEV_SESSION_RUNNING);

  /* An idle second shell closes without a question (item 7). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-terminal", NULL));
  second = dockyard_window_get_terminal (window, 1);
  dockyard_ui_test_settle (800);
  type_into (second, "echo idle-$((3*3))\r");
  dockyard_ui_test_wait_for_terminal_text (second, "idle-9");
  close_tab (window, 1);
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    while (n_tabs (window) != 1)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_assert_false (has_dialog (GTK_WINDOW (window)));
        dockyard_ui_test_iterate ();
      }
  }

  /* sleep 300 in the first shell: closing its tab asks, naming it. */
  type_into (first, "sleep 300\r");
  dockyard_ui_test_settle (2000);
  close_tab (window, 0);
  dialog = wait_for_dialog (GTK_WINDOW (window), "Close Terminal?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "sleep (Shell 1)"));
  dockyard_ui_test_save_screenshot (GTK_WIDGET (dialog), "daily-close-terminal.png");
  adw_message_dialog_response (dialog, "cancel");
  dockyard_ui_test_settle (300);
  g_assert_cmpuint (n_tabs (window), ==, 1);
  g_assert_cmpint (dockyard_dev_session_get_state (session), ==, DOCKYARD_DEV_SESSION_RUNNING);

  /* Closing the window asks too, naming the program and the container. */
  gtk_window_close (GTK_WINDOW (window));
  dialog = wait_for_dialog (GTK_WINDOW (window), "Close Window?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "sleep (Shell 1)"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 shell"));
  dockyard_ui_test_save_screenshot (GTK_WIDGET (dialog), "daily-close-window.png");
  adw_message_dialog_response (dialog, "cancel");
  dockyard_ui_test_settle (300);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpint (dockyard_dev_session_get_state (session), ==, DOCKYARD_DEV_SESSION_RUNNING);

  /* Another folder opened from this window gets a window of its own: the
   * terminal here keeps running (item 7). */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *other = g_dir_make_tmp ("dockyard-other-XXXXXX", &error);
    GList *windows;

    g_assert_no_error (error);
    g_action_group_activate_action (G_ACTION_GROUP (f->app), "open-project",
                                    g_variant_new_string (other));
    dockyard_ui_test_settle (800);
    windows = gtk_application_get_windows (GTK_APPLICATION (f->app));
    g_assert_cmpuint (g_list_length (windows), ==, 2);
    g_assert_cmpint (dockyard_dev_session_get_state (session), ==, DOCKYARD_DEV_SESSION_RUNNING);
    for (GList *l = windows; l != NULL; l = l->next)
      if (l->data != window)
        {
          dockyard_ui_test_destroy_window (l->data);
          break;
        }
    g_rmdir (other);
  }

  /* Closing the first shell's tab, confirmed: the container goes, and the
   * empty page says so, not "Image Not Built Yet" (item 3). */
  close_tab (window, 0);
  dialog = wait_for_dialog (GTK_WINDOW (window), "Close Terminal?");
  adw_message_dialog_response (dialog, "close");
  found = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "No Terminal Open");
  g_clear_pointer (&found, g_free);
  g_assert_null (dockyard_ui_test_find_label_text (GTK_WIDGET (window), "Image Not Built Yet"));
  dockyard_ui_test_settle (400);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "daily-terminal-closed.png");

  dockyard_ui_test_project_close (f);
  dockyard_ui_test_remove_image ("daily-terminal:dev");
  dockyard_ui_test_project_free (f);
}

/* The keyboard: the image field is the next stop after the Dockerfile row,
 * rows that do nothing take no focus, Ctrl+N is New Project and the menu
 * shows Ctrl+O (item 16). */
static void
test_keyboard (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  GtkWidget *dockerfile_row;
  GtkWidget *focus;
  g_auto(GStrv) accels = NULL;
  GMenuModel *menu;
  gboolean open_shown = FALSE;
  gboolean new_shown = FALSE;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  f = dockyard_ui_test_project_new ("Daily Keys", "FROM python:3.11.9\n");
  dockyard_ui_test_project_open (f, 1280, 800);
  window = f->window;
  dockyard_ui_test_settle (400);

  g_assert_false (gtk_widget_get_focusable (window_child (window, "project_folder_row")));
  g_assert_false (gtk_widget_get_focusable (window_child (window, "engine_row")));

  dockerfile_row = window_child (window, "project_dockerfile_row");
  g_assert_true (gtk_widget_grab_focus (dockerfile_row));
  /* What Tab does. */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (focus == window_child (window, "project_image_row") ||
                 gtk_widget_is_ancestor (focus, window_child (window, "project_image_row")));
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "daily-focus-image-field.png");

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app), "win.new-project-key");
  g_assert_cmpstr (accels[0], ==, "<Control>n");

  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (dockyard_ui_test_find_widget (GTK_WIDGET (window),
                                                                                        GTK_TYPE_MENU_BUTTON)));
  for (int s = 0; s < g_menu_model_get_n_items (menu); s++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, s, G_MENU_LINK_SECTION);

      for (int i = 0; section != NULL && i < g_menu_model_get_n_items (section); i++)
        {
          g_autofree char *action = NULL;
          g_autofree char *accel = NULL;

          g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
          g_menu_model_get_item_attribute (section, i, "accel", "s", &accel);
          if (g_strcmp0 (action, "win.open-folder") == 0)
            open_shown = g_strcmp0 (accel, "<Control>o") == 0;
          if (g_strcmp0 (action, "win.new-project") == 0)
            new_shown = g_strcmp0 (accel, "<Control>n") == 0;
        }
    }
  g_assert_true (open_shown);
  g_assert_true (new_shown);

  dockyard_ui_test_project_free (f);
}

static GtkWidget *
page_child (GtkWidget  *page,
            GType       type,
            const char *name)
{
  GObject *object = gtk_widget_get_template_child (page, type, name);

  g_assert_nonnull (object);
  return GTK_WIDGET (object);
}

/* The Dockerfile page and the build log, as used all day: the preview
 * marks lines it wraps, Reload From Disk asks before discarding, the image
 * menu starts with the engine's images, and a step's output gets the
 * whole page with search (items 13, 14, 17). */
static void
test_dockerfile_and_log (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *found = NULL;
  GtkWidget *page;
  GtkTextView *preview;
  GtkTextBuffer *buffer;
  GtkTextIter iter;
  GdkRectangle first, wrapped;
  AdwMessageDialog *dialog;
  GMenuModel *menu;
  g_autofree char *first_label = NULL;
  gboolean has_test_image = FALSE;
  GtkWidget *build_view;
  GtkWidget *run_row = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  dockerfile = g_strdup_printf ("FROM %s\n"
                                "RUN echo a long line that the preview has to wrap at this width %s && "
                                "for i in $(seq 1 300); do echo \"log line $i\"; done # %" G_GINT64_FORMAT "\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"),
                                "0123456789 0123456789 0123456789 0123456789 0123456789 0123456789 "
                                "0123456789 0123456789 0123456789 0123456789 0123456789 0123456789",
                                /* Not from the cache: a cached step has no output. */
                                g_get_real_time ());
  f = dockyard_ui_test_project_new ("Daily Log", dockerfile);
  dockyard_ui_test_project_open (f, 1280, 800);
  window = f->window;
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (window_child (window, "project_stack")),
                                         "dockerfile");
  page = window_child (window, "dockerfile_page");
  dockyard_ui_test_settle (1500);

  /* The RUN line wraps: its second display line starts further right. */
  preview = GTK_TEXT_VIEW (page_child (page, DOCKYARD_TYPE_DOCKERFILE_PAGE, "preview_view"));
  buffer = gtk_text_view_get_buffer (preview);
  /* The view lays its text out in idle time: on a loaded machine (CI,
   * sanitizers) 1.5 s may not be enough, so wait for the layout, not for a
   * fixed time. */
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    for (;;)
      {
        gtk_text_buffer_get_iter_at_line (buffer, &iter, 1);
        gtk_text_view_get_iter_location (preview, &iter, &first);
        if (gtk_text_view_forward_display_line (preview, &iter) &&
            gtk_text_iter_get_line (&iter) == 1)
          break;
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        dockyard_ui_test_settle (100);
      }
  }
  gtk_text_view_get_iter_location (preview, &iter, &wrapped);
  g_assert_cmpint (wrapped.x, >=, first.x + 16);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "daily-preview-wrap.png");

  /* The image menu: the engine's images first (the test image among
   * them), then the common ones. */
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (page_child (page, DOCKYARD_TYPE_DOCKERFILE_PAGE,
                                                                      "image_menu_button")));
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_LABEL, "s", &first_label));
  g_assert_cmpstr (first_label, ==, "On the Engine");
  {
    g_autoptr(GMenuModel) local = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);

    for (int i = 0; i < g_menu_model_get_n_items (local); i++)
      {
        g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (local, i, G_MENU_ATTRIBUTE_TARGET,
                                                                            G_VARIANT_TYPE_STRING);

        if (g_strcmp0 (g_variant_get_string (target, NULL), g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE")) == 0)
          has_test_image = TRUE;
      }
  }
  g_assert_true (has_test_image);
  /* Picked, it fills the image and its exact version. */
  g_assert_true (gtk_widget_activate_action (page, "dockerfile.set-base", "s",
                                             g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE")));
  dockyard_ui_test_settle (500);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (page_child (page, DOCKYARD_TYPE_DOCKERFILE_PAGE,
                                                                    "version_row"))), ==, "1.35.0");

  /* Unsaved changes: Reload From Disk asks first. */
  gtk_editable_set_text (GTK_EDITABLE (page_child (page, DOCKYARD_TYPE_DOCKERFILE_PAGE, "version_row")),
                         "1.36.1");
  wait_for_dirty (page, TRUE);
  g_assert_true (gtk_widget_activate_action (page, "dockerfile.reload", NULL));
  dialog = wait_for_dialog (GTK_WINDOW (window), "Discard Your Changes?");
  dockyard_ui_test_save_screenshot (GTK_WIDGET (dialog), "daily-reload-asks.png");
  adw_message_dialog_response (dialog, "cancel");
  dockyard_ui_test_settle (500);
  g_assert_true (dockyard_dockerfile_page_get_dirty (DOCKYARD_DOCKERFILE_PAGE (page)));
  g_assert_true (gtk_widget_activate_action (page, "dockerfile.reload", NULL));
  dialog = wait_for_dialog (GTK_WINDOW (window), "Discard Your Changes?");
  adw_message_dialog_response (dialog, "reload");
  wait_for_dirty (page, FALSE);

  /* The step's whole output on its own page, with search. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "build", NULL);
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_SUCCEEDED);
  build_view = window_child (window, "build_view");
  {
    GtkWidget *list = page_child (build_view, DOCKYARD_TYPE_BUILD_VIEW, "steps_list");

    for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
         row = gtk_widget_get_next_sibling (row))
      if (DOCKYARD_IS_BUILD_STEP_ROW (row) &&
          strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "RUN") != NULL)
        run_row = row;
  }
  g_assert_nonnull (run_row);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (run_row), TRUE);
  dockyard_ui_test_settle (500);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "daily-build-step.png");
  g_signal_emit_by_name (run_row, "show-full-log");
  dockyard_ui_test_settle (300);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (page_child (build_view, DOCKYARD_TYPE_BUILD_VIEW,
                                                                            "stack"))), ==, "log");
  g_assert_cmpint (gtk_widget_get_height (page_child (build_view, DOCKYARD_TYPE_BUILD_VIEW, "log_full_view")),
                   >=, 500);
  gtk_editable_set_text (GTK_EDITABLE (page_child (build_view, DOCKYARD_TYPE_BUILD_VIEW, "log_search")),
                         "LOG LINE 250");
  found = dockyard_ui_test_wait_for_label_text (build_view, "1 match");
  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "daily-build-log-search.png");

  dockyard_ui_test_project_free (f);
}

/* Without an engine the project opens: the Dockerfile page works (it is
 * edited and saved), Build, Terminal, Lab and Pin are off, and a bar says
 * why, with Retry (item 15). */
static void
test_no_engine (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("DOCKER_HOST"));
  g_autofree char *bar = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  DockyardUiTestProject *f;
  DockyardWindow *window;
  GtkWidget *page;
  gint64 deadline;

  g_setenv ("DOCKER_HOST", "unix:///nonexistent/dockyard-daily.sock", TRUE);
  f = dockyard_ui_test_project_new ("Daily Offline", "FROM python:3.11.9\n");
  dockyard_ui_test_project_open (f, 1280, 800);
  window = f->window;
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (window_child (window, "project_stack")),
                                         "dockerfile");
  bar = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "need the engine");
  g_assert_nonnull (strstr (bar, "No Container Engine Found"));
  g_assert_true (gtk_widget_get_visible (window_child (window, "engine_retry_button")));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.build", NULL);
  g_assert_null (dockyard_window_get_build (window));
  g_assert_false (gtk_widget_get_sensitive (window_child (window, "build_button")));
  g_assert_false (gtk_widget_get_sensitive (window_child (window, "dev_button")));
  g_assert_false (gtk_widget_get_sensitive (window_child (window, "lab_button")));

  /* The Dockerfile is edited and saved. */
  page = window_child (window, "dockerfile_page");
  dockyard_ui_test_settle (800);
  gtk_editable_set_text (GTK_EDITABLE (page_child (page, DOCKYARD_TYPE_DOCKERFILE_PAGE, "workdir_row")),
                         "/srv/offline");
  wait_for_dirty (page, TRUE);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "daily-no-engine.png");
  g_assert_true (gtk_widget_activate_action (page, "dockerfile.save", NULL));
  path = g_build_filename (f->project, "Dockerfile", NULL);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (;;)
    {
      g_clear_pointer (&text, g_free);
      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      if (strstr (text, "WORKDIR /srv/offline") != NULL)
        break;
      /* A hand-written Dockerfile: the save asks first. */
      if (has_dialog (GTK_WINDOW (window)))
        {
          g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

          for (GList *l = toplevels; l != NULL; l = l->next)
            if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
              adw_message_dialog_response (l->data, "save");
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_settle (100);
    }

  /* The window reads the saved project again (it holds itself meanwhile). */
  dockyard_ui_test_settle (1500);
  dockyard_ui_test_project_free (f);
  if (saved != NULL)
    g_setenv ("DOCKER_HOST", saved, TRUE);
  else
    g_unsetenv ("DOCKER_HOST");
}

/* "Add JupyterLab" only where it works: an image without pip whose
 * Dockerfile installs no requirements file is offered the Dockerfile
 * change, shown in the preview and not saved; no requirements.txt is
 * written (item 4). */
static void
test_add_jupyterlab (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *found = NULL;
  g_autofree char *requirements = NULL;
  g_autofree char *preview = NULL;
  GtkWidget *page;
  GtkWidget *button;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\n", g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  f = dockyard_ui_test_project_new ("Daily Lab", dockerfile);
  dockyard_ui_test_project_open (f, 1280, 800);
  window = f->window;
  page = window_child (window, "dockerfile_page");
  dockyard_ui_test_settle (800);
  g_assert_cmpint (dockyard_dockerfile_page_get_jupyterlab_route (DOCKYARD_DOCKERFILE_PAGE (page)), ==,
                   DOCKYARD_JUPYTERLAB_ROUTE_DOCKERFILE);

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "build", NULL);
  dockyard_ui_test_wait_for_build_end (window);
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "lab", NULL);
  found = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "No Jupyter in the Image");
  g_clear_pointer (&found, g_free);
  found = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "installs no requirements file");
  dockyard_ui_test_settle (400);
  button = page_child (window_child (window, "lab_page"), DOCKYARD_TYPE_LAB_PAGE, "add_jupyter_button");
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Add JupyterLab to the Dockerfile…");
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "daily-lab-add-jupyter.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-jupyterlab", NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (window_child (window, "project_stack"))),
                   ==, "dockerfile");
  /* The preview follows the form a moment later (slowly under ASan). */
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (!dockyard_dockerfile_page_get_dirty (DOCKYARD_DOCKERFILE_PAGE (page)))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        dockyard_ui_test_iterate ();
      }
  }
  dockyard_ui_test_settle (500);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (page_child (page, DOCKYARD_TYPE_DOCKERFILE_PAGE, "preview_view")));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  preview = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_nonnull (strstr (preview, "jupyterlab=="));
  requirements = g_build_filename (f->project, "requirements.txt", NULL);
  g_assert_false (g_file_test (requirements, G_FILE_TEST_EXISTS));
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "daily-lab-jupyter-in-form.png");

  dockyard_ui_test_project_close (f);
  dockyard_ui_test_remove_image ("daily-lab:dev");
  dockyard_ui_test_project_free (f);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/daily/terminal-day", test_terminal_day);
  g_test_add_func ("/daily/keyboard", test_keyboard);
  g_test_add_func ("/daily/dockerfile-and-log", test_dockerfile_and_log);
  g_test_add_func ("/daily/no-engine", test_no_engine);
  g_test_add_func ("/daily/add-jupyterlab", test_add_jupyterlab);

  return g_test_run ();
}
