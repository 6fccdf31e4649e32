/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "dockyard-application.h"
#include "dockyard-test-utils.h"
#include "dockyard-window.h"
#include "ui-test-utils.h"

/* The app in German (LANGUAGE=de) with the catalogue the build just made:
 * the visible labels are German, none is a translatable English string left
 * untranslated, and the screenshots show whether German text fits. */

/* TRUE when @text is an English message of the app's catalogue that has a
 * different German translation: shown as is, it was not translated. */
static gboolean
is_untranslated (const char *text)
{
  const char *translated;

  if (text == NULL || *text == '\0')
    return FALSE;

  translated = g_dgettext (GETTEXT_PACKAGE, text);
  return translated != text && g_strcmp0 (translated, text) != 0;
}

/* Walks the drawable widgets under @widget: collects the labels and tooltips
 * still in English, and logs the ellipsized labels that do not get the width
 * their text needs (German is longer than English). */
static void
scan_widget (GtkWidget *widget,
             GPtrArray *english,
             GPtrArray *cut)
{
  const char *tooltip;

  if (!gtk_widget_is_drawable (widget))
    return;

  if (GTK_IS_LABEL (widget))
    {
      GtkLabel *label = GTK_LABEL (widget);
      const char *text = gtk_label_get_text (label);

      if (is_untranslated (text) || is_untranslated (gtk_label_get_label (label)))
        g_ptr_array_add (english, g_strdup (gtk_label_get_label (label)));

      if (gtk_label_get_ellipsize (label) != PANGO_ELLIPSIZE_NONE && *text != '\0' &&
          gtk_widget_get_width (widget) > 0)
        {
          int natural = 0;

          /* measure() counts the margins, get_width() does not. */
          gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
          natural -= gtk_widget_get_margin_start (widget) + gtk_widget_get_margin_end (widget);
          if (natural > gtk_widget_get_width (widget))
            g_ptr_array_add (cut, g_strdup_printf ("“%s” (%d of %d px)", text,
                                                   gtk_widget_get_width (widget), natural));
        }
    }

  tooltip = gtk_widget_get_tooltip_text (widget);
  if (is_untranslated (tooltip))
    g_ptr_array_add (english, g_strdup_printf ("tooltip “%s”", tooltip));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    scan_widget (child, english, cut);
}

/* Fails on any English label; reports cut-off labels for a person to judge
 * (paths are ellipsized by design). */
static void
assert_german (GtkWidget  *widget,
               const char *where)
{
  g_autoptr(GPtrArray) english = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) cut = g_ptr_array_new_with_free_func (g_free);

  scan_widget (widget, english, cut);

  if (GTK_IS_WINDOW (widget) && is_untranslated (gtk_window_get_title (GTK_WINDOW (widget))))
    g_ptr_array_add (english, g_strdup_printf ("title “%s”", gtk_window_get_title (GTK_WINDOW (widget))));

  for (guint i = 0; i < cut->len; i++)
    g_test_message ("%s: ellipsized: %s", where, (char *) g_ptr_array_index (cut, i));

  for (guint i = 0; i < english->len; i++)
    g_test_message ("%s: still English: %s", where, (char *) g_ptr_array_index (english, i));
  g_assert_cmpuint (english->len, ==, 0);
}

static void
test_catalogue (void)
{
  /* Without the catalogue every other check here would pass vacuously. */
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "No Container Engine Found"), ==,
                   "Keine Container-Engine gefunden");
}

static void
test_no_engine (void)
{
  DockyardUiTestBareWindow *bare;
  DockyardWindow *window;
  g_autofree char *title = NULL;
  g_autofree char *retry = NULL;
  g_autofree char *english = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("DOCKER_HOST"));

  g_setenv ("DOCKER_HOST", "unix:///nonexistent/dockyard-test.sock", TRUE);

  /* The window alone, no application registered. */
  bare = dockyard_ui_test_bare_window_new (NULL);
  window = bare->window;
  dockyard_ui_test_wait_for_page (window, "no-engine");
  dockyard_ui_test_settle (400);

  title = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "Keine Container-Engine gefunden");
  g_assert_nonnull (title);
  retry = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "Erneut versuchen");
  g_assert_nonnull (retry);
  english = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "No Container Engine Found");
  g_assert_null (english);
  assert_german (GTK_WIDGET (window), "no-engine page");
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-de.png");

  dockyard_ui_test_bare_window_free (bare);

  if (saved != NULL)
    g_setenv ("DOCKER_HOST", saved, TRUE);
  else
    g_unsetenv ("DOCKER_HOST");
}

/* Opens the toplevel of @type that @action shows, in a new app's window,
 * and checks that it speaks German and has the texts @needles (NULL-
 * terminated); saves it as @name. */
static void
check_dialog (const char         *action,
              GType               type,
              const char * const *needles,
              const char         *name)
{
  DockyardApplication *app = dockyard_ui_test_start_app ();
  DockyardWindow *window = dockyard_ui_test_new_window (app);
  GtkWindow *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  dialog = dockyard_ui_test_wait_for_toplevel (type, GTK_WINDOW (window), 10);
  dockyard_ui_test_settle (400);

  for (guint i = 0; needles[i] != NULL; i++)
    {
      g_autofree char *found = dockyard_ui_test_find_label_text (GTK_WIDGET (dialog), needles[i]);

      g_assert_nonnull (found);
    }
  assert_german (GTK_WIDGET (dialog), action);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (dialog), name);

  /* The application window owns its help overlay: hidden, not destroyed. */
  if (type == GTK_TYPE_SHORTCUTS_WINDOW)
    gtk_widget_set_visible (GTK_WIDGET (dialog), FALSE);
  else
    dockyard_ui_test_destroy_window (dialog);
  dockyard_ui_test_destroy_window (GTK_WINDOW (window));
  dockyard_ui_test_quit_app (app);
}

static void
test_preferences (void)
{
  check_dialog ("app.preferences", ADW_TYPE_PREFERENCES_WINDOW,
                (const char *[]) { "Container-Engine", "Engine automatisch finden", NULL },
                "preferences-de.png");
}

static void
test_shortcuts (void)
{
  check_dialog ("win.show-help-overlay", GTK_TYPE_SHORTCUTS_WINDOW,
                (const char *[]) { "Das Image des Projekts erstellen", NULL }, "shortcuts-de.png");
}

/* The build's banners and summary, and Dev before the image exists: the
 * longest German sentences of the main window. */
static void
test_build (void)
{
  const char *busybox = g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE");
  DockyardApplication *app;
  DockyardWindow *window;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *project = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *text = NULL;
  g_autofree char *failing = NULL;
  g_autofree char *passing = NULL;
  g_autofree char *command = NULL;

  if (dockyard_test_engine_socket () == NULL || busybox == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine or test image: run the suite with tests/run");
      return;
    }

  dir = g_dir_make_tmp ("dockyard-i18n-XXXXXX", &error);
  g_assert_no_error (error);
  project = g_build_filename (dir, "i18n-build", NULL);
  g_assert_cmpint (g_mkdir (project, 0755), ==, 0);
  dockerfile = g_build_filename (project, "Dockerfile", NULL);
  failing = g_strdup_printf ("# Ein Kommentar, dann eine fortgesetzte Zeile\n"
                             "FROM %s\n"
                             "RUN echo vorbereiten \\\n"
                             "    && echo der Schritt sagt warum; exit 3\n", busybox);
  g_file_set_contents (dockerfile, failing, -1, &error);
  g_assert_no_error (error);
  dockyard_ui_test_remove_image ("i18n-build:dev");

  app = dockyard_ui_test_start_app ();
  window = dockyard_ui_test_new_window (app);
  directory = g_file_new_for_path (project);
  dockyard_window_open_project (window, directory);
  dockyard_ui_test_wait_for_page (window, "project");

  /* Dev before the image exists. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.dev", NULL));
  text = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "Image noch nicht erstellt");
  g_clear_pointer (&text, g_free);
  dockyard_ui_test_settle (400);
  assert_german (GTK_WIDGET (window), "dev, not built");
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-de-dev-not-built.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.build", NULL));
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_FAILED);
  text = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "Zeile 3 des Dockerfiles ist fehlgeschlagen");
  g_clear_pointer (&text, g_free);
  dockyard_ui_test_settle (400);
  assert_german (GTK_WIDGET (window), "build failed");
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-de-build-failed.png");

  passing = g_strdup_printf ("FROM %s\nRUN echo hallo %" G_GINT64_FORMAT "\n", busybox,
                             g_get_real_time ());
  g_file_set_contents (dockerfile, passing, -1, &error);
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.build", NULL));
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_SUCCEEDED);
  text = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "i18n-build:dev erstellt");
  g_clear_pointer (&text, g_free);
  text = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "aus dem Cache");
  dockyard_ui_test_settle (400);
  assert_german (GTK_WIDGET (window), "build succeeded");
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-de-built.png");

  dockyard_ui_test_destroy_window (GTK_WINDOW (window));
  dockyard_ui_test_quit_app (app);

  dockyard_ui_test_remove_image ("i18n-build:dev");
  command = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
}

static char *recent_project;

static void
remove_recent_project (void)
{
  g_autofree char *parent = NULL;
  g_autofree char *command = NULL;

  if (recent_project == NULL)
    return;

  parent = g_path_get_dirname (recent_project);
  command = g_strdup_printf ("rm -rf '%s'", parent);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  g_clear_pointer (&recent_project, g_free);
}

static void
test_about (void)
{
  check_dialog ("app.about", ADW_TYPE_ABOUT_WINDOW,
                (const char *[]) { "Die Dockyard-Entwickler", NULL }, "about-de.png");
}

static void
test_welcome (void)
{
  DockyardApplication *app;
  DockyardWindow *window;
  g_autofree char *open = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  app = dockyard_ui_test_start_app ();
  window = dockyard_ui_test_new_window (app);
  dockyard_ui_test_wait_for_page (window, "welcome");
  dockyard_ui_test_settle (400);

  open = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "Ordner öffnen");
  g_assert_nonnull (open);
  if (recent_project != NULL)
    {
      /* The row learns about the folder in the background. */
      g_autofree char *row = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window),
                                                  "Hat ein Dockerfile · Heute geöffnet");

      dockyard_ui_test_settle (200);
    }
  assert_german (GTK_WIDGET (window), "welcome page");
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-de-welcome.png");

  dockyard_ui_test_destroy_window (GTK_WINDOW (window));
  dockyard_ui_test_quit_app (app);
}

static GtkMenuButton *
find_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_widget_is_drawable (widget))
    return GTK_MENU_BUTTON (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkMenuButton *found = find_menu_button (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Opens the main menu and checks its items: the longest German labels. */
static void
check_main_menu (DockyardWindow *window)
{
  GtkMenuButton *button = find_menu_button (GTK_WIDGET (window));
  GtkPopover *popover;
  g_autofree char *item = NULL;

  g_assert_nonnull (button);
  gtk_menu_button_popup (button);
  dockyard_ui_test_settle (500);
  popover = gtk_menu_button_get_popover (button);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (popover)));

  item = dockyard_ui_test_find_label_text (GTK_WIDGET (popover), "Tastenkürzel");
  g_assert_nonnull (item);
  assert_german (GTK_WIDGET (popover), "main menu");
  dockyard_ui_test_save_screenshot (GTK_WIDGET (popover), "menu-de.png");
  gtk_menu_button_popdown (button);
  dockyard_ui_test_settle (200);
}

/* Shows each page of the project and saves window-de-PAGE@suffix.png. */
static void
shoot_pages (DockyardWindow *window,
             const char     *suffix)
{
  static const char *pages[] = { "overview", "dockerfile", "build", "terminal", "lab" };
  AdwViewStack *stack = ADW_VIEW_STACK (dockyard_ui_test_find_widget (GTK_WIDGET (window),
                                                                     ADW_TYPE_VIEW_STACK));

  g_assert_nonnull (stack);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("window-de-%s%s.png", pages[i], suffix);
      g_autofree char *where = g_strdup_printf ("%s%s page", pages[i], suffix);

      adw_view_stack_set_visible_child_name (stack, pages[i]);
      dockyard_ui_test_settle (500);
      assert_german (GTK_WIDGET (window), where);
      dockyard_ui_test_save_screenshot (GTK_WIDGET (window), name);
    }
}

static void
test_project_pages (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  g_autoptr(GError) error = NULL;
  g_autofree char *requirements = NULL;
  g_autofree char *found = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  f = dockyard_ui_test_project_new ("Übersetzungstest",
                                    "FROM python:3.11\nRUN pip install -r requirements.txt\n");
  requirements = g_build_filename (f->project, "requirements.txt", NULL);
  g_file_set_contents (requirements, "numpy\n", -1, &error);
  g_assert_no_error (error);

  dockyard_ui_test_project_open (f, 0, 0);
  window = f->window;
  dockyard_ui_test_settle (400);

  found = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "Erstellen");
  g_assert_nonnull (found);
  check_main_menu (window);

  shoot_pages (window, "");
  dockyard_ui_test_destroy_window (GTK_WINDOW (g_steal_pointer (&f->window)));

  /* As narrow as the metainfo promises (360 px): German is longer. */
  window = f->window = dockyard_ui_test_new_sized_window (f->app, 360, 720);
  dockyard_ui_test_open_project (f->app, window, f->project);
  dockyard_ui_test_settle (400);
  g_test_message ("narrow window: %d px wide", gtk_widget_get_width (GTK_WIDGET (window)));
  shoot_pages (window, "-narrow");

  /* The folder stays for the welcome page's list of recent projects. */
  recent_project = g_steal_pointer (&f->project);
  dockyard_ui_test_project_free (f);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  dockyard_ui_test_init (&argc, &argv);

  /* LANGUAGE picks the catalogue; it is ignored in the "C" locale (and in
   * C.UTF-8 by newer glibc), so the locale is German too: the one
   * tests/i18n/meson.build makes and names in LOCPATH. */
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LC_ALL", "de_DE.UTF-8", TRUE);
  if (setlocale (LC_ALL, "") == NULL)
    g_error ("no de_DE.UTF-8 locale in LOCPATH=%s", g_getenv ("LOCPATH"));
  bindtextdomain (GETTEXT_PACKAGE, DOCKYARD_BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_init ();
  adw_init ();

  g_test_add_func ("/i18n/catalogue", test_catalogue);
  g_test_add_func ("/i18n/no-engine", test_no_engine);
  g_test_add_func ("/i18n/preferences", test_preferences);
  g_test_add_func ("/i18n/shortcuts", test_shortcuts);
  g_test_add_func ("/i18n/about", test_about);
  /* After the project pages: the welcome page then lists that project. */
  g_test_add_func ("/i18n/project-pages", test_project_pages);
  g_test_add_func ("/i18n/welcome", test_welcome);
  g_test_add_func ("/i18n/build", test_build);

  status = g_test_run ();
  remove_recent_project ();

  return status;
}
