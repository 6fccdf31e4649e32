/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include <adwaita.h>

#include "dockyard-project-picker.h"
#include "dockyard-resources.h"
#include "dockyard-test-utils.h"
#include "ui-test-utils.h"

/* A drawable button by its label ("_Open Folder…") or action target. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label,
             const char *action_target)
{
  if (!gtk_widget_is_drawable (widget))
    return NULL;

  if (GTK_IS_BUTTON (widget))
    {
      GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));

      if (label != NULL && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
        return widget;
      if (action_target != NULL && target != NULL &&
          g_variant_is_of_type (target, G_VARIANT_TYPE_STRING) &&
          g_str_equal (g_variant_get_string (target, NULL), action_target))
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label, action_target);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Rows the user sees (the placeholder is not a row). */
static guint
count_rows (GtkListBox *list_box)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_ACTION_ROW (child) && gtk_widget_get_visible (child))
      n++;

  return n;
}

/* The search entry reports changes after a delay, and a loaded machine can
 * be slow to re-filter: wait for the expected count rather than a fixed time. */
static guint
wait_for_rows (GtkListBox *list_box,
               guint       expected)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (count_rows (list_box) != expected && g_get_monotonic_time () < deadline)
    dockyard_ui_test_settle (50);

  return count_rows (list_box);
}

static AdwActionRow *
find_row (GtkListBox *list_box,
          const char *title)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_ACTION_ROW (child) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)), title) == 0)
      return ADW_ACTION_ROW (child);

  return NULL;
}

/* Fixture ------------------------------------------------------------------- */

typedef struct
{
  GSettingsBackend       *backend;
  GSettings              *settings;
  DockyardRecentProjects *recent;
  GtkWindow              *window;
  DockyardProjectPicker  *picker;
  GtkListBox             *list_box;
  char                   *dir;
  guint                   open_folder;
  guint                   new_project;
  GPtrArray              *opened;
} Fixture;

static void
count_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  (*(guint *) user_data)++;
}

static void
open_project_cb (DockyardProjectPicker *picker,
                 GFile                 *directory,
                 Fixture               *f)
{
  g_assert_true (G_IS_FILE (directory));
  g_ptr_array_add (f->opened, g_object_ref (directory));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) open_folder = g_simple_action_new ("open-folder", NULL);
  g_autoptr(GSimpleAction) new_project = g_simple_action_new ("new-project", NULL);
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("dockyard-picker-XXXXXX", &error);
  g_assert_no_error (error);
  f->opened = g_ptr_array_new_with_free_func (g_object_unref);
  f->backend = g_memory_settings_backend_new ();
  f->settings = g_settings_new_with_backend (APP_ID, f->backend);
  f->recent = dockyard_recent_projects_new (f->settings);

  /* The window's actions, as DockyardWindow provides them. */
  g_signal_connect (open_folder, "activate", G_CALLBACK (count_action_cb), &f->open_folder);
  g_signal_connect (new_project, "activate", G_CALLBACK (count_action_cb), &f->new_project);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (open_folder));
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (new_project));

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 720, 760);
  gtk_widget_insert_action_group (GTK_WIDGET (f->window), "win", G_ACTION_GROUP (group));

  f->picker = DOCKYARD_PROJECT_PICKER (dockyard_project_picker_new ());
  g_object_ref (f->picker);
  dockyard_project_picker_set_recent_projects (f->picker, f->recent);
  dockyard_project_picker_set_engine_status (f->picker,
                                             "Docker Engine 20.10.24 · /run/docker.sock");
  g_signal_connect (f->picker, "open-project", G_CALLBACK (open_project_cb), f);
  gtk_window_set_child (f->window, GTK_WIDGET (f->picker));
  f->list_box = GTK_LIST_BOX (dockyard_ui_test_find_widget (GTK_WIDGET (f->picker), GTK_TYPE_LIST_BOX));
  g_assert_nonnull (f->list_box);

  gtk_window_present (f->window);
  dockyard_ui_test_settle (300);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GtkWindow *window = f->window;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_signal_handlers_disconnect_by_data (f->picker, f);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (window);
  g_assert_null (window);
  /* Lookups cancelled at dispose still hold the picker until they return. */
  dockyard_ui_test_settle (100);
  g_assert_finalize_object (f->picker);
  g_assert_finalize_object (f->recent);
  g_clear_object (&f->settings);
  g_clear_object (&f->backend);
  g_clear_pointer (&f->opened, g_ptr_array_unref);
  remove_tree (f->dir);
  g_clear_pointer (&f->dir, g_free);
}

static char *
make_project (Fixture    *f,
              const char *name,
              gboolean    with_dockerfile)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  if (with_dockerfile)
    {
      g_autofree char *dockerfile = g_build_filename (path, "Dockerfile", NULL);
      g_autoptr(GError) error = NULL;

      g_file_set_contents (dockerfile, "FROM python:3.11.9\n", -1, &error);
      g_assert_no_error (error);
    }

  return path;
}

static void
add_project (Fixture    *f,
             const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  dockyard_recent_projects_add (f->recent, file);
}

static void
wait_for_checked (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->recent));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DockyardRecentProject) item = g_list_model_get_item (G_LIST_MODEL (f->recent), i);

      while (!dockyard_recent_project_get_checked (item))
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          dockyard_ui_test_settle (20);
        }
    }
  dockyard_ui_test_settle (300);
}

static void
wait_for_label (GtkWidget  *widget,
                const char *needle)
{
  g_free (dockyard_ui_test_wait_for_label_text (widget, needle));
}

static void
assert_label (GtkWidget  *widget,
              const char *needle,
              gboolean    shown)
{
  g_autofree char *found = dockyard_ui_test_find_label_text (widget, needle);

  if (shown && found == NULL)
    g_error ("“%s” is not shown", needle);
  if (!shown && found != NULL)
    g_error ("“%s” is shown: “%s”", needle, found);
}

/* Light and dark, as users with either see it. */
static void
screenshots (Fixture    *f,
             const char *name)
{
  g_autofree char *light = g_strdup_printf ("project-picker-%s.png", name);
  g_autofree char *dark = g_strdup_printf ("project-picker-%s-dark.png", name);
  AdwStyleManager *style = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (f->window), light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (f->window), dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  dockyard_ui_test_settle (100);
}

static gboolean
pointer_over_window (void)
{
  /* No window manager: keyboard focus follows the pointer. */
  return dockyard_ui_test_xdotool ((const char *[]) { "mousemove", "200", "200", NULL });
}

/* Tests ----------------------------------------------------------------------- */

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  GtkWidget *button;

  /* Nothing opened yet: an invitation, the two ways in, and the engine. */
  assert_label (GTK_WIDGET (f->window), "Open a Project Folder", TRUE);
  assert_label (GTK_WIDGET (f->window), "drop a folder here", TRUE);
  assert_label (GTK_WIDGET (f->window), "Docker Engine 20.10.24", TRUE);
  screenshots (f, "empty");

  button = find_button (GTK_WIDGET (f->window), "_Open Folder…", NULL);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  /* A button activated from the keyboard clicks after its press animation. */
  gtk_widget_activate (button);
  dockyard_ui_test_settle (400);
  g_assert_cmpuint (f->open_folder, ==, 1);

  button = find_button (GTK_WIDGET (f->window), "_New Project…", NULL);
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  dockyard_ui_test_settle (400);
  g_assert_cmpuint (f->new_project, ==, 1);

  /* The engine line goes when there is nothing to say. */
  dockyard_project_picker_set_engine_status (f->picker, NULL);
  dockyard_ui_test_settle (50);
  assert_label (GTK_WIDGET (f->window), "Docker Engine", FALSE);
  g_assert_null (dockyard_project_picker_get_engine_status (f->picker));
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *api = make_project (f, "web-api", TRUE);
  g_autofree char *notebooks = make_project (f, "notebooks", FALSE);
  g_autofree char *old = make_project (f, "old-experiment", TRUE);
  /* Under the home folder, shown as ~/… */
  g_autofree char *fresh = g_build_filename (g_get_home_dir (), "src", "fresh", NULL);
  g_autoptr(GFile) api_file = g_file_new_for_path (api);
  g_autoptr(GFile) notebooks_file = g_file_new_for_path (notebooks);
  g_autoptr(GFile) old_file = g_file_new_for_path (old);
  g_autoptr(GVariant) stored = NULL;
  AdwActionRow *row;
  GtkWidget *button;

  g_assert_cmpint (g_mkdir_with_parents (fresh, 0755), ==, 0);
  add_project (f, old);
  add_project (f, notebooks);
  add_project (f, fresh);
  add_project (f, api);
  dockyard_recent_projects_set_build_state (f->recent, api_file, DOCKYARD_RECENT_BUILD_SUCCEEDED);
  dockyard_recent_projects_set_build_state (f->recent, notebooks_file,
                                            DOCKYARD_RECENT_BUILD_FAILED);
  /* Deleted behind the app's back. */
  remove_tree (old);
  dockyard_recent_projects_refresh (f->recent);
  wait_for_checked (f);
  {
    DockyardRecentProject *item = dockyard_recent_projects_lookup (f->recent, old_file);
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    /* The look taken when it was added may have seen it still there. */
    while (!dockyard_recent_project_get_missing (item))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        dockyard_ui_test_settle (20);
      }
    dockyard_ui_test_settle (100);
  }

  /* Every project, most recent first, with what the user needs to pick. */
  g_assert_cmpuint (count_rows (f->list_box), ==, 4);
  row = ADW_ACTION_ROW (gtk_list_box_get_row_at_index (f->list_box, 0));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "web-api");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), api));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Has a Dockerfile"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Opened today"));
  row = find_row (f->list_box, "notebooks");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "No Dockerfile yet"));
  row = find_row (f->list_box, "fresh");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row), "~/src/fresh\n"));
  assert_label (GTK_WIDGET (f->list_box), "Built", TRUE);
  assert_label (GTK_WIDGET (f->list_box), "Build failed", TRUE);
  assert_label (GTK_WIDGET (f->window), "Docker Engine 20.10.24", TRUE);
  /* Few projects: no search field until one types. */
  g_assert_false (gtk_widget_get_visible (dockyard_ui_test_find_widget (GTK_WIDGET (f->picker),
                                                       GTK_TYPE_SEARCH_ENTRY)));

  /* The missing folder says so and cannot be opened. */
  row = find_row (f->list_box, "old-experiment");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Folder not found"));
  g_assert_false (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  screenshots (f, "list");

  /* As narrow as the window goes (a phone, a tiled half screen). */
  gtk_window_set_default_size (f->window, 360, 760);
  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (f->window), "project-picker-list-narrow.png");
  gtk_window_set_default_size (f->window, 720, 760);
  dockyard_ui_test_settle (300);

  gtk_widget_activate (GTK_WIDGET (row));
  g_assert_cmpuint (f->opened->len, ==, 0);

  /* Activating a row opens that folder. */
  row = find_row (f->list_box, "notebooks");
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (row)));
  gtk_widget_activate (GTK_WIDGET (row));
  g_assert_cmpuint (f->opened->len, ==, 1);
  g_assert_true (g_file_equal (g_ptr_array_index (f->opened, 0), notebooks_file));

  /* The missing one can be removed from the list (not from the disk). */
  button = find_button (GTK_WIDGET (f->list_box), NULL, old);
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Remove From List");
  gtk_widget_grab_focus (button);
  gtk_widget_activate (button);
  dockyard_ui_test_settle (400);
  g_assert_null (find_row (f->list_box, "old-experiment"));
  g_assert_null (dockyard_recent_projects_lookup (f->recent, old_file));
  g_assert_cmpuint (count_rows (f->list_box), ==, 3);
  assert_label (GTK_WIDGET (f->list_box), "Folder not found", FALSE);
  stored = g_settings_get_value (f->settings, "recent-projects");
  g_assert_cmpuint (g_variant_n_children (stored), ==, 3);
  /* The keyboard stays in the list. */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         GTK_WIDGET (f->list_box)));

  /* A build elsewhere updates the row in place. */
  dockyard_recent_projects_set_build_state (f->recent, notebooks_file,
                                            DOCKYARD_RECENT_BUILD_SUCCEEDED);
  dockyard_ui_test_settle (50);
  assert_label (GTK_WIDGET (f->list_box), "Build failed", FALSE);

  /* Removing everything brings the invitation back. */
  while (g_list_model_get_n_items (G_LIST_MODEL (f->recent)) > 0)
    {
      g_autoptr(DockyardRecentProject) item = g_list_model_get_item (G_LIST_MODEL (f->recent), 0);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->picker), "picker.remove", "s",
                                                 dockyard_recent_project_get_path (item)));
    }
  dockyard_ui_test_settle (400);
  assert_label (GTK_WIDGET (f->window), "Open a Project Folder", TRUE);
}

static void
test_keyboard (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *api = make_project (f, "web-api", TRUE);
  g_autofree char *notebooks = make_project (f, "notebooks", FALSE);
  g_autoptr(GFile) api_file = g_file_new_for_path (api);
  GtkSearchEntry *entry;
  GtkListBoxRow *row;

  add_project (f, notebooks);
  add_project (f, api);
  wait_for_checked (f);
  entry = GTK_SEARCH_ENTRY (dockyard_ui_test_find_widget (GTK_WIDGET (f->picker), GTK_TYPE_SEARCH_ENTRY));

  row = gtk_list_box_get_row_at_index (f->list_box, 0);
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (row)));

  if (!pointer_over_window ())
    {
      g_test_message ("no xdotool: typing not tested");
      return;
    }
  dockyard_ui_test_settle (200);

  /* Enter on a focused row opens it. */
  dockyard_ui_test_xdotool ((const char *[]) { "key", "Return", NULL });
  dockyard_ui_test_settle (200);
  g_assert_cmpuint (f->opened->len, ==, 1);
  g_assert_true (g_file_equal (g_ptr_array_index (f->opened, 0), api_file));

  /* Typing searches, even with the field hidden. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (entry)));
  dockyard_ui_test_xdotool ((const char *[]) { "type", "--delay", "30", "note", NULL });
  dockyard_ui_test_settle (400);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (entry)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "note");
  g_assert_cmpuint (count_rows (f->list_box), ==, 1);
  screenshots (f, "type-to-search");

  /* Down goes from the field to the results, Enter opens. */
  dockyard_ui_test_xdotool ((const char *[]) { "key", "Down", NULL });
  dockyard_ui_test_settle (200);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         GTK_WIDGET (f->list_box)) ||
                 gtk_root_get_focus (GTK_ROOT (f->window)) ==
                 GTK_WIDGET (gtk_list_box_get_row_at_index (f->list_box, 0)));
  dockyard_ui_test_xdotool ((const char *[]) { "key", "Return", NULL });
  dockyard_ui_test_settle (200);
  g_assert_cmpuint (f->opened->len, ==, 2);
  g_assert_nonnull (strstr (g_file_peek_path (g_ptr_array_index (f->opened, 1)), "notebooks"));

  /* Escape in the field ends the search. */
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  dockyard_ui_test_settle (100);
  dockyard_ui_test_xdotool ((const char *[]) { "key", "Escape", NULL });
  dockyard_ui_test_settle (400);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (entry)));
  g_assert_cmpuint (count_rows (f->list_box), ==, 2);

  /* Ctrl+F opens the field too. */
  dockyard_ui_test_xdotool ((const char *[]) { "key", "ctrl+f", NULL });
  dockyard_ui_test_settle (200);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (entry)));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)),
                                         GTK_WIDGET (entry)));
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  static const char *names[] = {
    "demo/api", "demo/frontend", "notebooks", "scraper", "ml-training",
    "website", "api-gateway", "infra",
  };
  GtkSearchEntry *entry;
  g_autofree char *gateway = NULL;
  g_autoptr(GFile) gateway_file = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = make_project (f, names[i], i % 2 == 0);

      add_project (f, path);
    }
  gateway = g_build_filename (f->dir, "api-gateway", NULL);
  gateway_file = g_file_new_for_path (gateway);
  wait_for_checked (f);

  /* A long list has its search field out. */
  entry = GTK_SEARCH_ENTRY (dockyard_ui_test_find_widget (GTK_WIDGET (f->picker), GTK_TYPE_SEARCH_ENTRY));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (entry)));
  g_assert_cmpuint (count_rows (f->list_box), ==, G_N_ELEMENTS (names));

  /* Name or path, any case. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "API");
  g_assert_cmpuint (wait_for_rows (f->list_box, 2), ==, 2);
  g_assert_nonnull (find_row (f->list_box, "api"));
  g_assert_nonnull (find_row (f->list_box, "api-gateway"));
  screenshots (f, "search");

  /* Every word must match: "demo api" is only demo/api. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "demo api");
  g_assert_cmpuint (wait_for_rows (f->list_box, 1), ==, 1);
  g_assert_nonnull (find_row (f->list_box, "api"));

  /* The folder part of the path counts: "demo" finds both demo projects. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "demo");
  g_assert_cmpuint (wait_for_rows (f->list_box, 2), ==, 2);

  gtk_editable_set_text (GTK_EDITABLE (entry), "nothing like this");
  g_assert_cmpuint (wait_for_rows (f->list_box, 0), ==, 0);
  assert_label (GTK_WIDGET (f->list_box), "No Matching Projects", TRUE);
  screenshots (f, "search-none");

  /* Enter in the field opens the first match. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "gateway");
  g_assert_cmpuint (wait_for_rows (f->list_box, 1), ==, 1);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (f->opened->len, ==, 1);
  g_assert_true (g_file_equal (g_ptr_array_index (f->opened, 0), gateway_file));

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_cmpuint (wait_for_rows (f->list_box, G_N_ELEMENTS (names)), ==, G_N_ELEMENTS (names));
}

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }

  return NULL;
}

static gboolean
drop (GtkDropTarget *target,
      const GValue  *value)
{
  gboolean accepted = FALSE;

  g_signal_emit_by_name (target, "drop", value, 100.0, 100.0, &accepted);
  return accepted;
}

static void
test_drop (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *project = make_project (f, "dropped project", TRUE);
  g_autofree char *file_path = g_build_filename (f->dir, "notes.txt", NULL);
  g_autofree char *nowhere = g_build_filename (f->dir, "nowhere", NULL);
  g_autoptr(GFile) project_file = g_file_new_for_path (project);
  g_autoptr(GFile) file = g_file_new_for_path (file_path);
  g_autoptr(GFile) missing = g_file_new_for_path (nowhere);
  g_autoptr(GError) error = NULL;
  GtkDropTarget *target = find_drop_target (GTK_WIDGET (f->picker));
  const GType *types;
  gsize n_types;
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_nonnull (target);
  types = gtk_drop_target_get_gtypes (target, &n_types);
  g_assert_cmpuint (n_types, ==, 2);
  g_assert_true (types[0] == GDK_TYPE_FILE_LIST);
  g_assert_true (types[1] == G_TYPE_FILE);
  g_file_set_contents (file_path, "not a project\n", -1, &error);
  g_assert_no_error (error);

  /* A file is refused, with a message that says why. */
  g_value_init (&value, G_TYPE_FILE);
  g_value_set_object (&value, file);
  g_assert_true (drop (target, &value));
  wait_for_label (GTK_WIDGET (f->window), "is not a folder");
  assert_label (GTK_WIDGET (f->window), "“notes.txt” is not a folder", TRUE);
  g_assert_cmpuint (f->opened->len, ==, 0);
  screenshots (f, "drop-refused");

  /* As is something that is not there any more. */
  g_value_set_object (&value, missing);
  g_assert_true (drop (target, &value));
  wait_for_label (GTK_WIDGET (f->window), "Cannot open");
  g_assert_cmpuint (f->opened->len, ==, 0);
  g_value_unset (&value);

  /* A folder, as a file manager drags it (a file list), opens. */
  {
    GSList *files = g_slist_append (NULL, project_file);

    g_value_init (&value, GDK_TYPE_FILE_LIST);
    g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
    g_slist_free (files);
  }
  g_assert_true (drop (target, &value));
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (f->opened->len == 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        dockyard_ui_test_settle (20);
      }
  }
  g_assert_cmpuint (f->opened->len, ==, 1);
  g_assert_true (g_file_equal (g_ptr_array_index (f->opened, 0), project_file));
}

static void
test_error_markup (Fixture       *f,
                   gconstpointer  data)
{
  /* A file name is text, not markup. */
  dockyard_project_picker_show_error (f->picker, "“R&D <draft>” is not a folder.");
  wait_for_label (GTK_WIDGET (f->window), "R&D <draft>");
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  dockyard_register_resource ();
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    RESOURCE_PREFIX "/icons");

  g_test_add ("/project-picker/empty", Fixture, NULL, fixture_set_up, test_empty,
              fixture_tear_down);
  g_test_add ("/project-picker/list", Fixture, NULL, fixture_set_up, test_list,
              fixture_tear_down);
  g_test_add ("/project-picker/search", Fixture, NULL, fixture_set_up, test_search,
              fixture_tear_down);
  g_test_add ("/project-picker/keyboard", Fixture, NULL, fixture_set_up, test_keyboard,
              fixture_tear_down);
  g_test_add ("/project-picker/drop", Fixture, NULL, fixture_set_up, test_drop,
              fixture_tear_down);
  g_test_add ("/project-picker/error-markup", Fixture, NULL, fixture_set_up, test_error_markup,
              fixture_tear_down);

  return g_test_run ();
}
