/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "dockyard-recent-projects.h"
#include "dockyard-test-utils.h"

/* A copy of the model kept up to date only through items-changed: if the
 * signals are wrong, it drifts from the model and check_mirror() says so. */
typedef struct
{
  GPtrArray *items;
} Mirror;

static void
mirror_items_changed_cb (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         Mirror     *mirror)
{
  g_assert_cmpuint (position + removed, <=, mirror->items->len);
  g_ptr_array_remove_range (mirror->items, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror->items, position + i, g_list_model_get_item (model, position + i));
}

static void
mirror_init (Mirror     *mirror,
             GListModel *model)
{
  mirror->items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (mirror->items, g_list_model_get_item (model, i));
  g_signal_connect (model, "items-changed", G_CALLBACK (mirror_items_changed_cb), mirror);
}

static void
check_mirror (Mirror     *mirror,
              GListModel *model)
{
  g_assert_cmpuint (mirror->items->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < mirror->items->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_true (item == g_ptr_array_index (mirror->items, i));
    }
}

static void
mirror_clear (Mirror     *mirror,
              GListModel *model)
{
  g_signal_handlers_disconnect_by_data (model, mirror);
  g_clear_pointer (&mirror->items, g_ptr_array_unref);
}

static GSettings *
new_settings (GSettingsBackend *backend)
{
  return g_settings_new_with_backend (APP_ID, backend);
}

static DockyardRecentProject *
nth (DockyardRecentProjects *recent,
     guint                   i)
{
  g_autoptr(DockyardRecentProject) item = g_list_model_get_item (G_LIST_MODEL (recent), i);

  g_assert_nonnull (item);
  /* The model holds a reference: borrowed is safe while it is listed. */
  return item;
}

static void
add_path (DockyardRecentProjects *recent,
          const char             *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  dockyard_recent_projects_add (recent, file);
}

static char *
make_dir (const char *parent,
          const char *name,
          const char *dockerfile)
{
  char *path = g_build_filename (parent, name, NULL);

  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  if (dockerfile != NULL)
    {
      g_autofree char *file = g_build_filename (path, "Dockerfile", NULL);
      g_autoptr(GError) error = NULL;

      g_file_set_contents (file, dockerfile, -1, &error);
      g_assert_no_error (error);
    }

  return path;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_for_checked (DockyardRecentProject *item,
                  gboolean               missing)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (20, tick_cb, NULL);

  while (!dockyard_recent_project_get_checked (item) ||
         dockyard_recent_project_get_missing (item) != missing)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (tick);
}

static void
test_add_order_dedup (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = new_settings (backend);
  g_autoptr(DockyardRecentProjects) recent = dockyard_recent_projects_new (settings);
  g_autoptr(GVariant) stored = NULL;
  Mirror mirror;
  const char *path;
  gint64 last_opened;
  const char *state;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recent)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (recent)) ==
                 DOCKYARD_TYPE_RECENT_PROJECT);
  mirror_init (&mirror, G_LIST_MODEL (recent));

  add_path (recent, "/nonexistent/dockyard/alpha");
  add_path (recent, "/nonexistent/dockyard/beta");
  add_path (recent, "/nonexistent/dockyard/gamma");

  /* Most recent first. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recent)), ==, 3);
  g_assert_cmpstr (dockyard_recent_project_get_name (nth (recent, 0)), ==, "gamma");
  g_assert_cmpstr (dockyard_recent_project_get_name (nth (recent, 1)), ==, "beta");
  g_assert_cmpstr (dockyard_recent_project_get_name (nth (recent, 2)), ==, "alpha");
  g_assert_cmpstr (dockyard_recent_project_get_path (nth (recent, 2)), ==,
                   "/nonexistent/dockyard/alpha");
  g_assert_cmpint (dockyard_recent_project_get_last_opened (nth (recent, 0)), >=, before);
  check_mirror (&mirror, G_LIST_MODEL (recent));

  /* Opening a listed folder again (spelled differently) moves it to the top. */
  add_path (recent, "/nonexistent/dockyard/./alpha/");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recent)), ==, 3);
  g_assert_cmpstr (dockyard_recent_project_get_name (nth (recent, 0)), ==, "alpha");
  g_assert_cmpstr (dockyard_recent_project_get_name (nth (recent, 1)), ==, "gamma");
  g_assert_cmpstr (dockyard_recent_project_get_name (nth (recent, 2)), ==, "beta");
  check_mirror (&mirror, G_LIST_MODEL (recent));

  /* What the settings hold: paths, times and build states, in order. */
  stored = g_settings_get_value (settings, "recent-projects");
  g_assert_cmpuint (g_variant_n_children (stored), ==, 3);
  g_variant_get_child (stored, 0, "(&sx&s)", &path, &last_opened, &state);
  g_assert_cmpstr (path, ==, "/nonexistent/dockyard/alpha");
  g_assert_cmpint (last_opened, >=, before);
  g_assert_cmpstr (state, ==, "none");

  mirror_clear (&mirror, G_LIST_MODEL (recent));
}

static void
test_cap (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = new_settings (backend);
  g_autoptr(DockyardRecentProjects) recent = dockyard_recent_projects_new (settings);
  g_autoptr(GVariant) stored = NULL;
  Mirror mirror;
  guint n = DOCKYARD_RECENT_PROJECTS_MAX + 5;

  mirror_init (&mirror, G_LIST_MODEL (recent));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/nonexistent/dockyard/project-%02u", i);

      add_path (recent, path);
    }

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recent)), ==,
                    DOCKYARD_RECENT_PROJECTS_MAX);
  g_assert_cmpstr (dockyard_recent_project_get_name (nth (recent, 0)), ==, "project-34");
  /* The five oldest dropped off the end. */
  g_assert_cmpstr (dockyard_recent_project_get_name (nth (recent, DOCKYARD_RECENT_PROJECTS_MAX - 1)),
                   ==, "project-05");
  check_mirror (&mirror, G_LIST_MODEL (recent));

  stored = g_settings_get_value (settings, "recent-projects");
  g_assert_cmpuint (g_variant_n_children (stored), ==, DOCKYARD_RECENT_PROJECTS_MAX);

  mirror_clear (&mirror, G_LIST_MODEL (recent));
}

static void
test_remove (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = new_settings (backend);
  g_autoptr(DockyardRecentProjects) recent = dockyard_recent_projects_new (settings);
  g_autoptr(GFile) beta = g_file_new_for_path ("/nonexistent/dockyard/beta");
  g_autoptr(GFile) other = g_file_new_for_path ("/nonexistent/dockyard/other");
  g_autoptr(GVariant) stored = NULL;
  Mirror mirror;

  add_path (recent, "/nonexistent/dockyard/alpha");
  add_path (recent, "/nonexistent/dockyard/beta");
  add_path (recent, "/nonexistent/dockyard/gamma");
  mirror_init (&mirror, G_LIST_MODEL (recent));

  g_assert_nonnull (dockyard_recent_projects_lookup (recent, beta));
  g_assert_true (dockyard_recent_projects_remove (recent, beta));
  g_assert_null (dockyard_recent_projects_lookup (recent, beta));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recent)), ==, 2);
  g_assert_cmpstr (dockyard_recent_project_get_name (nth (recent, 0)), ==, "gamma");
  g_assert_cmpstr (dockyard_recent_project_get_name (nth (recent, 1)), ==, "alpha");
  check_mirror (&mirror, G_LIST_MODEL (recent));

  /* Removing what is not listed changes nothing. */
  g_assert_false (dockyard_recent_projects_remove (recent, beta));
  g_assert_false (dockyard_recent_projects_remove (recent, other));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recent)), ==, 2);

  stored = g_settings_get_value (settings, "recent-projects");
  g_assert_cmpuint (g_variant_n_children (stored), ==, 2);

  mirror_clear (&mirror, G_LIST_MODEL (recent));
}

static void
count_cb (guint *count)
{
  (*count)++;
}

static void
test_build_state (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = new_settings (backend);
  g_autoptr(DockyardRecentProjects) recent = dockyard_recent_projects_new (settings);
  g_autoptr(GFile) alpha = g_file_new_for_path ("/nonexistent/dockyard/alpha");
  g_autoptr(GFile) unlisted = g_file_new_for_path ("/nonexistent/dockyard/unlisted");
  g_autoptr(GVariant) stored = NULL;
  DockyardRecentProject *item;
  const char *state;
  guint notified = 0;

  dockyard_recent_projects_add (recent, alpha);
  item = dockyard_recent_projects_lookup (recent, alpha);
  g_assert_cmpint (dockyard_recent_project_get_build_state (item), ==,
                   DOCKYARD_RECENT_BUILD_NONE);
  g_signal_connect_swapped (item, "notify::build-state", G_CALLBACK (count_cb), &notified);

  dockyard_recent_projects_set_build_state (recent, alpha, DOCKYARD_RECENT_BUILD_FAILED);
  g_assert_cmpint (dockyard_recent_project_get_build_state (item), ==,
                   DOCKYARD_RECENT_BUILD_FAILED);
  g_assert_cmpuint (notified, ==, 1);
  /* Notifies only on change. */
  dockyard_recent_projects_set_build_state (recent, alpha, DOCKYARD_RECENT_BUILD_FAILED);
  g_assert_cmpuint (notified, ==, 1);

  stored = g_settings_get_value (settings, "recent-projects");
  g_variant_get_child (stored, 0, "(&sx&s)", NULL, NULL, &state);
  g_assert_cmpstr (state, ==, "failed");

  /* Reopening keeps the last build state. */
  dockyard_recent_projects_set_build_state (recent, alpha, DOCKYARD_RECENT_BUILD_SUCCEEDED);
  dockyard_recent_projects_add (recent, alpha);
  g_assert_true (dockyard_recent_projects_lookup (recent, alpha) == item);
  g_assert_cmpint (dockyard_recent_project_get_build_state (item), ==,
                   DOCKYARD_RECENT_BUILD_SUCCEEDED);

  /* A folder that is not listed is not added by a build. */
  dockyard_recent_projects_set_build_state (recent, unlisted, DOCKYARD_RECENT_BUILD_SUCCEEDED);
  g_assert_null (dockyard_recent_projects_lookup (recent, unlisted));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recent)), ==, 1);
}

static void
test_persisted (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GFile) alpha = g_file_new_for_path ("/nonexistent/dockyard/alpha");
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  {
    g_autoptr(GSettings) settings = new_settings (backend);
    DockyardRecentProjects *recent = dockyard_recent_projects_new (settings);

    dockyard_recent_projects_add (recent, alpha);
    add_path (recent, "/nonexistent/dockyard/beta");
    dockyard_recent_projects_set_build_state (recent, alpha, DOCKYARD_RECENT_BUILD_SUCCEEDED);
    g_assert_finalize_object (recent);
  }

  /* A later run of the app, with its own settings object, finds the list. */
  {
    g_autoptr(GSettings) settings = new_settings (backend);
    g_autoptr(DockyardRecentProjects) recent = dockyard_recent_projects_new (settings);

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recent)), ==, 2);
    g_assert_cmpstr (dockyard_recent_project_get_path (nth (recent, 0)), ==,
                     "/nonexistent/dockyard/beta");
    g_assert_cmpstr (dockyard_recent_project_get_path (nth (recent, 1)), ==,
                     "/nonexistent/dockyard/alpha");
    g_assert_cmpint (dockyard_recent_project_get_build_state (nth (recent, 1)), ==,
                     DOCKYARD_RECENT_BUILD_SUCCEEDED);
    g_assert_cmpint (dockyard_recent_project_get_build_state (nth (recent, 0)), ==,
                     DOCKYARD_RECENT_BUILD_NONE);
    g_assert_cmpint (dockyard_recent_project_get_last_opened (nth (recent, 1)), >=, before);
  }
}

static void
test_external_change (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = new_settings (backend);
  g_autoptr(GSettings) other = new_settings (backend);
  g_autoptr(DockyardRecentProjects) recent = dockyard_recent_projects_new (settings);
  g_autoptr(GFile) alpha = g_file_new_for_path ("/nonexistent/dockyard/alpha");
  DockyardRecentProject *item;
  Mirror mirror;

  dockyard_recent_projects_add (recent, alpha);
  item = dockyard_recent_projects_lookup (recent, alpha);
  mirror_init (&mirror, G_LIST_MODEL (recent));

  /* Another instance of the app (or a hand edit) changes the key; entries
   * that make no sense are dropped: relative paths and duplicates. */
  g_settings_set_value (other, "recent-projects",
                        g_variant_new_parsed ("[('/nonexistent/dockyard/new', int64 100, 'none'),"
                                              " ('relative/path', int64 100, 'none'),"
                                              " ('/nonexistent/dockyard/alpha', int64 50, 'failed'),"
                                              " ('/nonexistent/dockyard/new', int64 20, 'none'),"
                                              " ('/nonexistent/dockyard/odd', int64 -5, 'bogus')]"));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recent)), ==, 3);
  g_assert_cmpstr (dockyard_recent_project_get_name (nth (recent, 0)), ==, "new");
  /* The entry already listed is the same object, updated. */
  g_assert_true (nth (recent, 1) == item);
  g_assert_cmpint (dockyard_recent_project_get_last_opened (item), ==, 50);
  g_assert_cmpint (dockyard_recent_project_get_build_state (item), ==,
                   DOCKYARD_RECENT_BUILD_FAILED);
  g_assert_cmpstr (dockyard_recent_project_get_name (nth (recent, 2)), ==, "odd");
  g_assert_cmpint (dockyard_recent_project_get_last_opened (nth (recent, 2)), ==, 0);
  g_assert_cmpint (dockyard_recent_project_get_build_state (nth (recent, 2)), ==,
                   DOCKYARD_RECENT_BUILD_NONE);
  check_mirror (&mirror, G_LIST_MODEL (recent));

  mirror_clear (&mirror, G_LIST_MODEL (recent));
}

static void
test_missing (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = new_settings (backend);
  g_autoptr(DockyardRecentProjects) recent = dockyard_recent_projects_new (settings);
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_dir_make_tmp ("dockyard-recent-XXXXXX", &error);
  g_autofree char *with = NULL;
  g_autofree char *without = NULL;
  g_autofree char *file = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *dockerfile = NULL;
  DockyardRecentProject *item;

  g_assert_no_error (error);
  with = make_dir (parent, "with Dockerfile", "FROM python:3.11.9\n");
  without = make_dir (parent, "without", NULL);
  file = g_build_filename (parent, "a-file", NULL);
  g_file_set_contents (file, "not a folder\n", -1, &error);
  g_assert_no_error (error);
  gone = g_build_filename (parent, "never-existed", NULL);

  add_path (recent, with);
  add_path (recent, without);
  add_path (recent, file);
  add_path (recent, gone);

  /* Looked at asynchronously: nothing is known right after adding. */
  item = nth (recent, 3);
  g_assert_cmpstr (dockyard_recent_project_get_name (item), ==, "with Dockerfile");
  wait_for_checked (item, FALSE);
  g_assert_true (dockyard_recent_project_get_has_dockerfile (item));

  item = nth (recent, 2);
  wait_for_checked (item, FALSE);
  g_assert_false (dockyard_recent_project_get_has_dockerfile (item));

  /* A file where a folder was, and a folder that does not exist: missing. */
  wait_for_checked (nth (recent, 1), TRUE);
  wait_for_checked (nth (recent, 0), TRUE);
  g_assert_false (dockyard_recent_project_get_has_dockerfile (nth (recent, 0)));

  /* The folder is deleted behind the app's back: the next look says so. */
  item = nth (recent, 3);
  dockerfile = g_build_filename (with, "Dockerfile", NULL);
  g_assert_cmpint (g_unlink (dockerfile), ==, 0);
  g_assert_cmpint (g_rmdir (with), ==, 0);
  dockyard_recent_projects_refresh (recent);
  wait_for_checked (item, TRUE);
  g_assert_false (dockyard_recent_project_get_has_dockerfile (item));
  /* Still listed: only the user removes it. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (recent)), ==, 4);

  /* And it comes back. */
  g_assert_cmpint (g_mkdir (with, 0755), ==, 0);
  dockyard_recent_projects_refresh (recent);
  wait_for_checked (item, FALSE);

  /* Deleted while the look taken when it was added may still be running:
   * that older look must not have the last word. */
  g_assert_cmpint (g_rmdir (with), ==, 0);
  g_assert_cmpint (g_mkdir (with, 0755), ==, 0);
  add_path (recent, with);
  g_assert_cmpint (g_rmdir (with), ==, 0);
  dockyard_recent_projects_refresh (recent);
  wait_for_checked (item, TRUE);
  {
    gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 5;

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_true (dockyard_recent_project_get_missing (item));

  g_rmdir (without);
  g_unlink (file);
  g_rmdir (parent);
}

static void
test_dispose_while_checking (void)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GSettings) settings = new_settings (backend);
  DockyardRecentProjects *recent = dockyard_recent_projects_new (settings);
  g_autoptr(DockyardRecentProject) item = NULL;
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

  add_path (recent, g_get_tmp_dir ());
  item = g_object_ref (nth (recent, 0));

  /* The store goes while its lookups run: they are cancelled, and the
   * entry (still referenced here) is simply left unchecked. */
  g_assert_finalize_object (recent);
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (dockyard_recent_project_get_checked (item));
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/recent-projects/add-order-dedup", test_add_order_dedup);
  g_test_add_func ("/recent-projects/cap", test_cap);
  g_test_add_func ("/recent-projects/remove", test_remove);
  g_test_add_func ("/recent-projects/build-state", test_build_state);
  g_test_add_func ("/recent-projects/persisted", test_persisted);
  g_test_add_func ("/recent-projects/external-change", test_external_change);
  g_test_add_func ("/recent-projects/missing", test_missing);
  g_test_add_func ("/recent-projects/dispose-while-checking", test_dispose_while_checking);

  return g_test_run ();
}
