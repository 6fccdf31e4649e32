/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "dockyard-preferences-window.h"
#include "dockyard-resources.h"
#include "dockyard-test-utils.h"

/* The preferences window edits the app's settings (memory backend here). */

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;
  guint tick = g_timeout_add (16, tick_cb, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = dockyard_test_artifact_path (name);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));
  int width = 0;
  int height = 0;

  for (guint attempt = 0; attempt < 20 && node == NULL; attempt++)
    {
      GtkSnapshot *snapshot;

      settle (100);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static GtkWidget *
find_row (GtkWidget  *root,
          GType       type,
          const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title))
    return root;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_row (c, type, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The mapped label showing @text under @widget, or NULL. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The lab's network mode: the row shows the setting and writes it back;
 * the explanation is the group's, so the value is shown whole (issue 18). */
static void
test_lab_network (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *network = NULL;
  DockyardPreferencesWindow *window;
  AdwPreferencesGroup *group;
  AdwComboRow *row;
  GtkWidget *value;
  int natural;

  g_settings_set_string (settings, "lab-network", "published");
  window = dockyard_preferences_window_new (settings);
  gtk_window_present (GTK_WINDOW (window));
  settle (100);

  row = ADW_COMBO_ROW (find_row (GTK_WIDGET (window), ADW_TYPE_COMBO_ROW, "_Network"));
  g_assert_nonnull (row);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 1);
  group = ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (GTK_WIDGET (row),
                                                          ADW_TYPE_PREFERENCES_GROUP));
  g_assert_nonnull (strstr (adw_preferences_group_get_description (group), "bridge network"));
  value = find_label (GTK_WIDGET (row), "Published Port");
  g_assert_nonnull (value);
  gtk_widget_measure (value, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  g_assert_cmpint (gtk_widget_get_width (value), >=, natural);

  adw_combo_row_set_selected (row, 2);
  network = g_settings_get_string (settings, "lab-network");
  g_assert_cmpstr (network, ==, "host");
  g_assert_nonnull (strstr (adw_preferences_group_get_description (group), "127.0.0.1"));
  save_screenshot (GTK_WIDGET (window), "preferences-lab-network.png");

  g_settings_reset (settings, "lab-network");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

/* Docker contexts: listed from the docker CLI's folder, chosen only when
 * the engine is not found automatically, written to engine-context. */
static void
test_docker_context (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *config = g_dir_make_tmp ("dockyard-docker-config-XXXXXX", NULL);
  g_autofree char *ctl = g_build_filename (g_getenv ("DOCKYARD_SOURCE_DIR"), "tests", "engine",
                                           "dockyard-test-context", NULL);
  g_autofree char *chosen = NULL;
  const char *contexts[][2] = {
    { "gpu-box", "ssh://me@gpu-box" },
    { "build-box", "tcp://build-box.example:2376" },
  };
  DockyardPreferencesWindow *window;
  AdwComboRow *row;
  GtkWidget *address_row;
  GListModel *model;

  for (guint i = 0; i < G_N_ELEMENTS (contexts); i++)
    {
      const char *argv[] = { ctl, config, contexts[i][0], contexts[i][1], NULL };
      int status;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                                   NULL, &status, NULL));
      g_assert_true (g_spawn_check_wait_status (status, NULL));
    }
  g_setenv ("DOCKER_CONFIG", config, TRUE);

  g_settings_set_boolean (settings, "engine-automatic", TRUE);
  window = dockyard_preferences_window_new (settings);
  gtk_window_present (GTK_WINDOW (window));
  settle (100);

  row = ADW_COMBO_ROW (find_row (GTK_WIDGET (window), ADW_TYPE_COMBO_ROW, "Docker _Context"));
  address_row = find_row (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, "Engine Address");
  g_assert_nonnull (row);
  g_assert_nonnull (address_row);
  model = adw_combo_row_get_model (row);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 1), ==, "build-box");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 2), ==, "gpu-box");
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (row)));

  g_settings_set_boolean (settings, "engine-automatic", FALSE);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (row)));
  g_assert_true (gtk_widget_get_sensitive (address_row));

  adw_combo_row_set_selected (row, 2);
  chosen = g_settings_get_string (settings, "engine-context");
  g_assert_cmpstr (chosen, ==, "gpu-box");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "ssh://me@gpu-box");
  /* The address is not used while a context is. */
  g_assert_false (gtk_widget_get_sensitive (address_row));
  save_screenshot (GTK_WIDGET (window), "preferences-docker-context.png");

  adw_combo_row_set_selected (row, 0);
  g_free (chosen);
  chosen = g_settings_get_string (settings, "engine-context");
  g_assert_cmpstr (chosen, ==, "");

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
  g_settings_reset (settings, "engine-automatic");
  g_unsetenv ("DOCKER_CONFIG");
  dockyard_test_remove_tree (config);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();
  dockyard_register_resource ();

  g_test_add_func ("/preferences-window/lab-network", test_lab_network);
  g_test_add_func ("/preferences-window/docker-context", test_docker_context);

  return g_test_run ();
}
