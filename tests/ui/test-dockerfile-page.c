/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "dockyard-adaptive.h"
#include "dockyard-build.h"
#include "dockyard-build-context.h"
#include "dockyard-dockerfile-page.h"
#include "dockyard-finding.h"
#include "dockyard-image.h"
#include "dockyard-lint.h"
#include "dockyard-object-list-private.h"
#include "dockyard-resources.h"
#include "dockyard-test-utils.h"
#include "ui-test-utils.h"

/* The Dockerfile form on its own, in a plain window: no engine needed,
 * except for Pin Requirements, which reads the versions from a real image. */

#define PIP_MOUNT "--mount=type=cache,target=/root/.cache/pip"

/* Iterates until the page has caught up: file read, preview, findings. */
static void
wait_idle (DockyardDockerfilePage *page)
{
  dockyard_ui_test_wait_for_page_idle (page, 30);
}

static GObject *
child (DockyardDockerfilePage *page,
       const char             *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (page), DOCKYARD_TYPE_DOCKERFILE_PAGE, name);

  g_assert_nonnull (object);
  return object;
}

static void
set_field (DockyardDockerfilePage *page,
           const char             *name,
           const char             *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (page, name)), text);
}

static char *
preview_text (DockyardDockerfilePage *page)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (page, "preview_view")));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
save_enabled (DockyardDockerfilePage *page)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (child (page, "save_button")));
}

static char *
make_project_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("dockyard-page-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static gboolean
file_exists (const char *dir,
             const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
remove_dir (const char *dir)
{
  const char *names[] = { "Dockerfile", "Dockerfile.orig", ".dockerignore", "requirements.txt",
                          "requirements.txt.orig", "Dockerfile.image" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_unlink (path);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static DockyardProject *
open_project (const char *dir)
{
  g_autoptr(GFile) file = g_file_new_for_path (dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  DockyardProject *project;

  dockyard_project_open_async (file, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  project = dockyard_project_open_finish (result, &error);
  g_assert_no_error (error);
  return project;
}

typedef struct
{
  GtkWindow              *window;
  DockyardDockerfilePage *page;
  DockyardProject        *project;
} Fixture;

static void
show_page (Fixture    *fixture,
           const char *dir,
           GListModel *images)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 1200, 860);
  fixture->page = DOCKYARD_DOCKERFILE_PAGE (dockyard_dockerfile_page_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->page));
  fixture->project = open_project (dir);
  dockyard_dockerfile_page_set_images (fixture->page, images);
  dockyard_dockerfile_page_set_project (fixture->page, fixture->project);
  gtk_window_present (fixture->window);
  wait_idle (fixture->page);
  dockyard_ui_test_settle (100);
}

/* Closes the window and proves that nothing keeps the page alive. */
static void
close_page (Fixture *fixture)
{
  wait_idle (fixture->page);
  g_object_ref (fixture->window);
  g_object_ref (fixture->page);
  gtk_window_destroy (fixture->window);
  /* The window lets go of its child when it is finalized. */
  g_assert_finalize_object (fixture->window);
  g_assert_finalize_object (fixture->page);
  g_assert_finalize_object (fixture->project);
}

/* A question on show: the save confirmations are dockyard_alert_new()'s
 * (an AdwAlertDialog from libadwaita 1.5), Pin Requirements' an
 * AdwMessageDialog. */
static GtkWidget *
find_dialog (void)
{
  return dockyard_ui_test_find_alert ();
}

static GtkWidget *
wait_for_dialog (void)
{
  return dockyard_ui_test_wait_for_alert (30);
}

static GListModel *
make_images (void)
{
  static const char *json[] = {
    "{\"Id\":\"sha256:1111111111111111111111111111111111111111111111111111111111111111\","
    "\"RepoTags\":[\"python:3.8.8\"],\"Created\":1,\"Size\":1}",
    "{\"Id\":\"sha256:2222222222222222222222222222222222222222222222222222222222222222\","
    "\"RepoTags\":[\"python:3.8.10\",\"python:3.8\"],\"Created\":2,\"Size\":1}",
    "{\"Id\":\"sha256:3333333333333333333333333333333333333333333333333333333333333333\","
    "\"RepoTags\":[\"python:3.11.2\",\"node:20.11.1\"],\"Created\":3,\"Size\":1}",
  };
  GListStore *store = g_list_store_new (G_TYPE_OBJECT);

  for (guint i = 0; i < G_N_ELEMENTS (json); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (json[i], NULL);
      g_autoptr(GObject) image = _dockyard_image_new_from_json (json_node_get_object (node));

      g_list_store_append (store, image);
    }

  return G_LIST_MODEL (store);
}

static guint
count_buttons (GtkWidget *box)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (box); c != NULL; c = gtk_widget_get_next_sibling (c))
    n++;
  return n;
}

/* A new project: a floating tag is refused with the reason and local exact
 * versions are offered; fields update the preview; Save creates the files. */
static void
test_new_project (void)
{
  Fixture fixture = { 0 };
  g_autofree char *dir = make_project_dir ();
  g_autoptr(GListModel) images = make_images ();
  g_autofree char *text = NULL;
  g_autofree char *preview = NULL;
  g_autofree char *ignore = NULL;
  g_autofree char *requirements = NULL;
  const char *error;
  GtkWidget *candidates_box;

  show_page (&fixture, dir, images);

  /* Defaults, but no version yet: nothing to save. */
  g_assert_false (dockyard_dockerfile_page_get_dirty (fixture.page));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (fixture.page, "image_row"))), ==, "python");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (fixture.page, "workdir_row"))), ==, "/usr/src/app");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (fixture.page, "requirements_row"))), ==,
                   "requirements.txt");
  g_assert_nonnull (dockyard_dockerfile_page_get_error (fixture.page));
  g_assert_false (save_enabled (fixture.page));

  /* python:3.8 floats: refused, with the reason, and 3.8.x from local images. */
  set_field (fixture.page, "version_row", "3.8");
  wait_idle (fixture.page);
  error = dockyard_dockerfile_page_get_error (fixture.page);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, "no exact release"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (fixture.page, "version_error"))));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child (fixture.page, "version_error"))), ==, error);
  g_assert_false (save_enabled (fixture.page));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (fixture.page, "candidates_row"))));
  candidates_box = GTK_WIDGET (child (fixture.page, "candidates_box"));
  g_assert_cmpuint (count_buttons (candidates_box), ==, 2);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (gtk_widget_get_first_child (candidates_box))), ==, "3.8.10");
  dockyard_ui_test_save_screenshot (GTK_WIDGET (fixture.window), "dockerfile-page-invalid-version.png");

  /* Saving is refused while the version floats. */
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.save", NULL);
  wait_idle (fixture.page);
  g_assert_false (file_exists (dir, "Dockerfile"));

  /* Picking a suggestion makes it valid; the image is known locally. */
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.set-version", "s", "3.8.10");
  wait_idle (fixture.page);
  g_assert_null (dockyard_dockerfile_page_get_error (fixture.page));
  g_assert_true (save_enabled (fixture.page));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (child (fixture.page, "version_error"))));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (fixture.page, "local_row"))));

  /* The preview follows the fields. */
  set_field (fixture.page, "workdir_row", "/srv/app");
  set_field (fixture.page, "apt_row", "curl=7.88.1-10+deb12u5");
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.add-jupyterlab", NULL);
  set_field (fixture.page, "command_row", "jupyter lab --ip 0.0.0.0");
  wait_idle (fixture.page);
  preview = preview_text (fixture.page);
  g_assert_nonnull (strstr (preview, "FROM python:3.8.10\nWORKDIR /srv/app\n"));
  g_assert_nonnull (strstr (preview, "curl=7.88.1-10+deb12u5"));
  g_assert_nonnull (strstr (preview, "RUN " PIP_MOUNT " pip install jupyterlab==4.2.5\n"));
  g_assert_nonnull (strstr (preview, "CMD [\"jupyter\", \"lab\", \"--ip\", \"0.0.0.0\"]\n"));
  g_assert_cmpstr (preview, ==, dockyard_dockerfile_page_get_text (fixture.page, NULL));
  g_assert_true (dockyard_dockerfile_page_get_dirty (fixture.page));
  /* What the form generates has nothing to fix. */
  g_assert_cmpuint (g_list_model_get_n_items (dockyard_dockerfile_page_get_findings (fixture.page)), ==, 0);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (fixture.window), "dockerfile-page-new.png");

  /* Back to the plain layout of DESIGN.md, then save. */
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.remove-jupyterlab", NULL);
  set_field (fixture.page, "workdir_row", "/usr/src/app");
  set_field (fixture.page, "apt_row", "");
  set_field (fixture.page, "command_row", "");
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.save", NULL);
  wait_idle (fixture.page);

  text = read_file (dir, "Dockerfile");
  g_assert_cmpstr (text, ==,
                   "FROM python:3.8.10\n"
                   "WORKDIR /usr/src/app\n"
                   "COPY requirements.txt .\n"
                   "RUN " PIP_MOUNT " pip install -r requirements.txt\n");
  g_assert_false (file_exists (dir, "Dockerfile.orig"));
  ignore = read_file (dir, ".dockerignore");
  g_assert_nonnull (ignore);
  g_assert_nonnull (strstr (ignore, ".git\n"));
  requirements = read_file (dir, "requirements.txt");
  g_assert_cmpstr (requirements, ==, "");
  g_assert_false (dockyard_dockerfile_page_get_dirty (fixture.page));
  g_assert_false (save_enabled (fixture.page));

  close_page (&fixture);
  remove_dir (dir);
}

static const char hand_written[] =
  "# syntax=docker/dockerfile:1\n"
  "# Our app, by hand.\n"
  "FROM python:3.11.2\n"
  "\n"
  "WORKDIR /usr/src/app\n"
  "ENV PYTHONUNBUFFERED=1\n"
  "COPY requirements.txt .\n"
  "RUN pip install -r requirements.txt\n"
  "\n"
  "COPY . .\n"
  "CMD [\"python\", \"app.py\"]\n";

static guint
find_rule (DockyardDockerfilePage *page,
           const char             *rule)
{
  GListModel *findings = dockyard_dockerfile_page_get_findings (page);

  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(DockyardFinding) finding = g_list_model_get_item (findings, i);

      if (g_str_equal (dockyard_finding_get_rule (finding), rule))
        return i;
    }
  return G_MAXUINT;
}

/* A finding's Fix button edits the text; saving a hand-written file asks
 * first, keeps the previous version, and leaves the other lines alone. */
static void
test_fix_and_confirm (void)
{
  Fixture fixture = { 0 };
  g_autofree char *dir = make_project_dir ();
  g_autofree char *expected = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *orig = NULL;
  g_autofree char *unchanged = NULL;
  g_autoptr(GString) fixed = NULL;
  GtkWidget *dialog;
  guint index;

  write_file (dir, "Dockerfile", hand_written);
  write_file (dir, "requirements.txt", "requests\nflask==3.0.0\n");
  show_page (&fixture, dir, NULL);

  /* Read as is; the lines the form cannot show are listed verbatim. */
  g_assert_cmpstr (dockyard_dockerfile_page_get_text (fixture.page, NULL), ==, hand_written);
  g_assert_false (dockyard_dockerfile_page_get_dirty (fixture.page));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (fixture.page, "other_group"))));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (child (fixture.page, "other_label"))),
                            "ENV PYTHONUNBUFFERED=1"));
  g_assert_cmpuint (find_rule (fixture.page, DOCKYARD_RULE_REQUIREMENT_UNPINNED), !=, G_MAXUINT);
  index = find_rule (fixture.page, DOCKYARD_RULE_PIP_CACHE_MOUNT);
  g_assert_cmpuint (index, !=, G_MAXUINT);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (fixture.window), "dockerfile-page-findings-light.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (fixture.window), "dockerfile-page-findings-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.fix", "u", index);
  wait_idle (fixture.page);

  /* One line changed, everything else byte-identical. */
  fixed = g_string_new (hand_written);
  g_string_replace (fixed, "RUN pip install", "RUN " PIP_MOUNT " pip install", 1);
  expected = g_strdup (fixed->str);
  g_assert_cmpstr (dockyard_dockerfile_page_get_text (fixture.page, NULL), ==, expected);
  g_assert_true (dockyard_dockerfile_page_get_dirty (fixture.page));
  g_assert_cmpuint (find_rule (fixture.page, DOCKYARD_RULE_PIP_CACHE_MOUNT), ==, G_MAXUINT);
  /* The fixed install is one the form knows now. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (fixture.page, "requirements_row"))), ==,
                   "requirements.txt");

  /* A hand-written file: asked first; cancelling leaves it alone. */
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.save", NULL);
  dialog = wait_for_dialog ();
  dockyard_ui_test_settle (200);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (gtk_widget_get_root (dialog)),
                                    "dockerfile-page-confirm.png");
  /* As a click on its button would, which also closes the dialog. */
  dockyard_alert_response (dialog, "cancel");
  wait_idle (fixture.page);
  unchanged = read_file (dir, "Dockerfile");
  g_assert_cmpstr (unchanged, ==, hand_written);
  g_assert_false (file_exists (dir, "Dockerfile.orig"));
  g_assert_true (dockyard_dockerfile_page_get_dirty (fixture.page));

  /* Confirmed: saved, the previous version kept. */
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.save", NULL);
  dialog = wait_for_dialog ();
  dockyard_alert_response (dialog, "save");
  wait_idle (fixture.page);
  saved = read_file (dir, "Dockerfile");
  g_assert_cmpstr (saved, ==, expected);
  orig = read_file (dir, "Dockerfile.orig");
  g_assert_cmpstr (orig, ==, hand_written);
  g_assert_false (dockyard_dockerfile_page_get_dirty (fixture.page));

  close_page (&fixture);
  remove_dir (dir);
}

/* Issue 16, item 5: the file is changed on disk while the confirmation is
 * open.  Confirming does not overwrite that newer text unasked: the save
 * starts over and asks about the changed file; confirmed again, the newer
 * text is what Dockerfile.orig keeps. */
static void
test_changed_while_asked (void)
{
  static const char newer[] = "FROM python:3.11.2\n# edited while Dockyard asked\n";
  Fixture fixture = { 0 };
  g_autofree char *dir = make_project_dir ();
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  GtkWidget *dialog;
  guint index;

  write_file (dir, "Dockerfile", hand_written);
  write_file (dir, "requirements.txt", "requests==2.31.0\n");
  show_page (&fixture, dir, NULL);

  index = find_rule (fixture.page, DOCKYARD_RULE_PIP_CACHE_MOUNT);
  g_assert_cmpuint (index, !=, G_MAXUINT);
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.fix", "u", index);
  wait_idle (fixture.page);
  expected = g_strdup (dockyard_dockerfile_page_get_text (fixture.page, NULL));

  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.save", NULL);
  dialog = wait_for_dialog ();
  g_assert_cmpstr (dockyard_alert_get_heading (dialog), ==, "Change the Hand-Written Dockerfile?");
  write_file (dir, "Dockerfile", newer);
  dockyard_alert_response (dialog, "save");

  dialog = wait_for_dialog ();
  g_assert_cmpstr (dockyard_alert_get_heading (dialog), ==, "Replace the Changed Dockerfile?");
  text = read_file (dir, "Dockerfile");
  g_assert_cmpstr (text, ==, newer);
  g_assert_false (file_exists (dir, "Dockerfile.orig"));
  dockyard_alert_response (dialog, "save");
  wait_idle (fixture.page);

  g_free (text);
  text = read_file (dir, "Dockerfile");
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
  text = read_file (dir, "Dockerfile.orig");
  g_assert_cmpstr (text, ==, newer);

  close_page (&fixture);
  remove_dir (dir);
}

/* Opening and saving without a change never rewrites the file; a form
 * change edits only its own line; undoing it makes the page clean again. */
static void
test_round_trip (void)
{
  static const char odd[] =
    "# A file with its own habits\r\n"
    "from python:3.11.2\r\n"
    "\r\n"
    "workdir /usr/src/app   \r\n"
    "RUN echo hello \\\r\n"
    "    && echo world\r\n"
    "COPY requirements.txt .\r\n"
    "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\r\n";
  Fixture fixture = { 0 };
  g_autofree char *dir = make_project_dir ();
  g_autofree char *path = g_build_filename (dir, "Dockerfile", NULL);
  g_autofree char *after = NULL;
  g_autoptr(GString) expected = NULL;
  GStatBuf before_stat, after_stat;

  write_file (dir, "Dockerfile", odd);
  write_file (dir, "requirements.txt", "");
  g_assert_cmpint (g_stat (path, &before_stat), ==, 0);
  show_page (&fixture, dir, NULL);

  g_assert_cmpstr (dockyard_dockerfile_page_get_text (fixture.page, NULL), ==, odd);
  g_assert_false (dockyard_dockerfile_page_get_dirty (fixture.page));
  g_assert_false (save_enabled (fixture.page));

  /* Save with nothing changed: the file is not touched. */
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.save", NULL);
  wait_idle (fixture.page);
  g_assert_null (find_dialog ());
  after = read_file (dir, "Dockerfile");
  g_assert_cmpstr (after, ==, odd);
  g_assert_cmpint (g_stat (path, &after_stat), ==, 0);
  g_assert_cmpint (before_stat.st_ino, ==, after_stat.st_ino);
  g_assert_cmpint (before_stat.st_mtime, ==, after_stat.st_mtime);
  g_assert_false (file_exists (dir, "Dockerfile.orig"));

  /* A new version: only the tag changes. */
  set_field (fixture.page, "version_row", "3.11.9");
  wait_idle (fixture.page);
  expected = g_string_new (odd);
  g_string_replace (expected, "3.11.2", "3.11.9", 1);
  g_assert_cmpstr (dockyard_dockerfile_page_get_text (fixture.page, NULL), ==, expected->str);
  g_assert_true (dockyard_dockerfile_page_get_dirty (fixture.page));

  /* Work dir changed too: that line only, the rest untouched. */
  set_field (fixture.page, "workdir_row", "/app");
  wait_idle (fixture.page);
  g_string_replace (expected, "workdir /usr/src/app   \r\n", "workdir /app\r\n", 1);
  g_assert_cmpstr (dockyard_dockerfile_page_get_text (fixture.page, NULL), ==, expected->str);

  /* Undone by hand: clean again, byte for byte. */
  set_field (fixture.page, "version_row", "3.11.2");
  set_field (fixture.page, "workdir_row", "/usr/src/app");
  wait_idle (fixture.page);
  g_assert_cmpstr (dockyard_dockerfile_page_get_text (fixture.page, NULL), ==, odd);
  g_assert_false (dockyard_dockerfile_page_get_dirty (fixture.page));

  close_page (&fixture);
  remove_dir (dir);
}

static DockyardEngine *
connect_engine (void)
{
  const char *socket = dockyard_test_engine_socket ();
  g_autoptr(DockyardEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (socket == NULL)
    return NULL;

  engine = dockyard_engine_new (socket);
  dockyard_engine_connect_async (engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_engine_connect_finish (engine, result, &error));
  return g_steal_pointer (&engine);
}

static void
build_project_image (DockyardProject *project,
                     DockyardEngine  *engine)
{
  g_autoptr(DockyardBuild) build = dockyard_project_new_build (project, engine);
  g_autoptr(DockyardBuildContext) build_context = NULL;
  g_autoptr(GInputStream) context = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  /* The image without the pip step: the test index is not running, and
   * one requirement exists nowhere. */
  dockyard_build_set_dockerfile (build, "Dockerfile.image");
  build_context = dockyard_build_context_new (dockyard_project_get_directory (project),
                                              "Dockerfile.image");
  context = dockyard_build_context_open_tar_stream (build_context, NULL, &error);
  g_assert_no_error (error);
  dockyard_build_run_async (build, context, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  id = dockyard_build_run_finish (build, result, &error);
  g_assert_no_error (error);
}

static void
remove_project_image (DockyardProject *project,
                      DockyardEngine  *engine)
{
  g_autofree char *image = dockyard_project_dup_image_name (project);
  g_autofree char *escaped = g_uri_escape_string (image, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/images/%s?force=1", escaped);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;

  dockyard_engine_request_async (engine, "DELETE", path, NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (engine, result, NULL);
}

/* The rows of the review dialog's list, as "title | subtitle". */
static GPtrArray *
dialog_rows (AdwMessageDialog *dialog)
{
  GtkWidget *scrolled = adw_message_dialog_get_extra_child (dialog);
  GtkWidget *list = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);

  if (GTK_IS_VIEWPORT (list))
    list = gtk_viewport_get_child (GTK_VIEWPORT (list));
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row))
      g_ptr_array_add (rows, g_strdup_printf ("%s | %s",
                                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                              adw_action_row_get_subtitle (ADW_ACTION_ROW (row))));
  return rows;
}

static void
wait_for_no_dialog_busy (DockyardDockerfilePage *page)
{
  wait_idle (page);
}

/* Pin Requirements: not built yet offers Build; once built, the dialog
 * shows each line old -> new, Cancel writes nothing, Apply writes the file. */
static void
test_pin_requirements (void)
{
  g_autoptr(DockyardEngine) engine = connect_engine ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *written = NULL;
  g_autofree char *backup = NULL;
  Fixture fixture = { 0 };
  AdwMessageDialog *dialog;
  static const char requirements[] =
    "# notebook tools\n"
    "MarkupSafe\n"
    "jupyter_client>=7  # kernels\r\n"
    "dockyard-not-in-the-image\n"
    "six==1.16.0\n";

  if (engine == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
      return;
    }

  dir = make_project_dir ();
  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\n", g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE"));
  write_file (dir, "Dockerfile.image", dockerfile);
  g_clear_pointer (&dockerfile, g_free);
  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\nCOPY requirements.txt .\n"
                                "RUN " PIP_MOUNT " pip install -r requirements.txt\n",
                                g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE"));
  write_file (dir, "Dockerfile", dockerfile);
  write_file (dir, "requirements.txt", requirements);
  show_page (&fixture, dir, NULL);
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (child (fixture.page, "pin_button"))));
  dockyard_dockerfile_page_set_engine (fixture.page, engine);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (child (fixture.page, "pin_button"))));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (child (fixture.page, "unpinned_row")), TRUE);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (fixture.window), "dockerfile-page-unpinned.png");

  /* No image yet: the dialog says so and offers to build it. */
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.pin-requirements", NULL);
  dialog = ADW_MESSAGE_DIALOG (wait_for_dialog ());
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Image Is Not Built Yet");
  g_assert_true (adw_message_dialog_has_response (dialog, "build"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_for_no_dialog_busy (fixture.page);

  build_project_image (fixture.project, engine);

  /* Built: the review lists every unpinned line. */
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.pin-requirements", NULL);
  dialog = ADW_MESSAGE_DIALOG (wait_for_dialog ());
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Pin Requirements?");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "apply"));
  rows = dialog_rows (dialog);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (rows, 0), ==, "MarkupSafe → MarkupSafe==2.1.2 | Line 2");
  g_assert_cmpstr (g_ptr_array_index (rows, 1), ==,
                   "jupyter_client>=7  # kernels → jupyter_client==7.4.9  # kernels | Line 3");
  g_assert_cmpstr (g_ptr_array_index (rows, 2), ==,
                   "dockyard-not-in-the-image | Line 4 · not installed in the image: stays as it is");
  dockyard_ui_test_save_screenshot (GTK_WIDGET (dialog), "dockerfile-page-pin-requirements.png");

  /* Cancel: nothing written. */
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_idle (fixture.page);
  written = read_file (dir, "requirements.txt");
  g_assert_cmpstr (written, ==, requirements);
  g_clear_pointer (&written, g_free);
  g_assert_false (file_exists (dir, "requirements.txt.orig"));

  /* Apply: pinned, the rest byte for byte, the old file kept. */
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.pin-requirements", NULL);
  dialog = ADW_MESSAGE_DIALOG (wait_for_dialog ());
  adw_message_dialog_response (dialog, "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_idle (fixture.page);
  written = read_file (dir, "requirements.txt");
  g_assert_cmpstr (written, ==,
                   "# notebook tools\n"
                   "MarkupSafe==2.1.2\n"
                   "jupyter_client==7.4.9  # kernels\r\n"
                   "dockyard-not-in-the-image\n"
                   "six==1.16.0\n");
  backup = read_file (dir, "requirements.txt.orig");
  g_assert_cmpstr (backup, ==, requirements);

  /* The list of unpinned lines follows: only the one the image lacks. */
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (child (fixture.page, "unpinned_row"))), ==,
                   "1 requirement can change between builds: pin it with ==VERSION");

  /* And so do the findings: one unpinned requirement left. */
  {
    GListModel *findings = dockyard_dockerfile_page_get_findings (fixture.page);
    guint unpinned = 0;

    for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
      {
        g_autoptr(DockyardFinding) finding = g_list_model_get_item (findings, i);

        if (g_str_equal (dockyard_finding_get_rule (finding), "requirement-unpinned"))
          unpinned++;
      }
    g_assert_cmpuint (unpinned, ==, 1);
  }

  remove_project_image (fixture.project, engine);
  close_page (&fixture);
  remove_dir (dir);
}

#define PYTHON_DIGEST "sha256:9c7b9e1a7e3c5d4b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b"

/* No registry is reachable here and images made locally have no
 * RepoDigests, so a pulled image is written down: this is the shape of an
 * entry of GET /images/json for a pulled image on Docker 20.10 (the
 * official image's familiar name, "python@sha256:..."), and of a locally
 * built one ("RepoDigests": []).  The digest itself is made up. */
static GListModel *
make_images_with_digests (void)
{
  static const char *json[] = {
    "{\"Containers\":-1,\"Created\":1678329000,"
    "\"Id\":\"sha256:4444444444444444444444444444444444444444444444444444444444444444\","
    "\"Labels\":null,\"ParentId\":\"\","
    "\"RepoDigests\":[\"python@" PYTHON_DIGEST "\"],"
    "\"RepoTags\":[\"python:3.11.2\"],\"SharedSize\":-1,\"Size\":924951016,\"VirtualSize\":924951016}",
    "{\"Containers\":-1,\"Created\":1678329001,"
    "\"Id\":\"sha256:5555555555555555555555555555555555555555555555555555555555555555\","
    "\"Labels\":null,\"ParentId\":\"\",\"RepoDigests\":[],"
    "\"RepoTags\":[\"python:3.8.8\"],\"SharedSize\":-1,\"Size\":1,\"VirtualSize\":1}",
  };
  GListStore *store = g_list_store_new (G_TYPE_OBJECT);

  for (guint i = 0; i < G_N_ELEMENTS (json); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (json[i], NULL);
      g_autoptr(GObject) image = _dockyard_image_new_from_json (json_node_get_object (node));

      g_list_store_append (store, image);
    }

  return G_LIST_MODEL (store);
}

static gboolean
digest_offered (DockyardDockerfilePage *page)
{
  return gtk_widget_get_visible (GTK_WIDGET (child (page, "digest_button"))) &&
         gtk_widget_get_visible (GTK_WIDGET (child (page, "local_row")));
}

/* A local image with a registry digest for the chosen repository: Pin to
 * Digest turns the FROM into name:tag@sha256:..., which lint and the form
 * accept as pinned.  Without a digest nothing is offered. */
static void
test_digest_offer (void)
{
  g_autoptr(GListModel) images = make_images_with_digests ();
  g_autofree char *dir = make_project_dir ();
  g_autofree char *preview = NULL;
  Fixture fixture = { 0 };

  write_file (dir, "Dockerfile", "FROM python:3.11.2\nWORKDIR /usr/src/app\n");
  show_page (&fixture, dir, images);

  g_assert_true (digest_offered (fixture.page));
  dockyard_ui_test_save_screenshot (GTK_WIDGET (fixture.window), "dockerfile-page-digest-offer.png");
  gtk_widget_activate_action (GTK_WIDGET (fixture.page), "dockerfile.pin-digest", NULL);
  wait_idle (fixture.page);

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (child (fixture.page, "version_row"))), ==,
                   "3.11.2@" PYTHON_DIGEST);
  preview = preview_text (fixture.page);
  g_assert_true (g_str_has_prefix (preview, "FROM python:3.11.2@" PYTHON_DIGEST "\n"));
  g_assert_null (dockyard_dockerfile_page_get_error (fixture.page));
  g_assert_cmpuint (find_rule (fixture.page, DOCKYARD_RULE_BASE_IMAGE_UNTAGGED), ==, G_MAXUINT);
  g_assert_cmpuint (find_rule (fixture.page, DOCKYARD_RULE_BASE_IMAGE_LATEST), ==, G_MAXUINT);
  g_assert_cmpuint (find_rule (fixture.page, DOCKYARD_RULE_BASE_IMAGE_FLOATING), ==, G_MAXUINT);
  g_assert_true (save_enabled (fixture.page));
  /* Pinned by digest now: still known to be local, nothing more to offer. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (fixture.page, "local_row"))));
  g_assert_false (digest_offered (fixture.page));
  dockyard_ui_test_save_screenshot (GTK_WIDGET (fixture.window), "dockerfile-page-digest-pinned.png");

  /* The same repository's other tag has no digest: not offered. */
  set_field (fixture.page, "version_row", "3.8.8");
  wait_idle (fixture.page);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (fixture.page, "local_row"))));
  g_assert_false (digest_offered (fixture.page));

  /* Another repository with the digest's tag: not this image's digest. */
  set_field (fixture.page, "image_row", "example.org/python");
  set_field (fixture.page, "version_row", "3.11.2");
  wait_idle (fixture.page);
  g_assert_false (digest_offered (fixture.page));

  close_page (&fixture);
  remove_dir (dir);
}

/* The real engine's images, as the app lists them: the test images were
 * imported locally, so the engine gives them no RepoDigests (neither in
 * /images/json nor in the inspect answer) and no digest is offered. */
static void
test_digest_real_engine (void)
{
  g_autoptr(DockyardEngine) engine = connect_engine ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) inspect = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) images = NULL;
  g_autoptr(GObject) inspected = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  const char *python = g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE");
  Fixture fixture = { 0 };
  gboolean found = FALSE;
  JsonArray *array;

  if (engine == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
      return;
    }

  dockyard_engine_request_async (engine, "GET", "/images/json", NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  list = dockyard_engine_request_finish (engine, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  images = g_list_store_new (G_TYPE_OBJECT);
  array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(GObject) image = _dockyard_image_new_from_json (json_array_get_object_element (array, i));

      g_assert_nonnull (image);
      if (dockyard_image_has_tag (DOCKYARD_IMAGE (image), python))
        {
          found = TRUE;
          g_assert_nonnull (dockyard_image_get_repo_digests (DOCKYARD_IMAGE (image)));
          g_assert_null (dockyard_image_get_repo_digests (DOCKYARD_IMAGE (image))[0]);
        }
      g_list_store_append (images, image);
    }
  g_assert_true (found);

  escaped = g_uri_escape_string (python, NULL, FALSE);
  path = g_strdup_printf ("/images/%s/json", escaped);
  dockyard_engine_request_async (engine, "GET", path, NULL, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  inspect = dockyard_engine_request_finish (engine, result, &error);
  g_assert_no_error (error);
  inspected = _dockyard_image_new_from_json (json_node_get_object (inspect));
  g_assert_true (dockyard_image_has_tag (DOCKYARD_IMAGE (inspected), python));
  g_assert_null (dockyard_image_get_repo_digests (DOCKYARD_IMAGE (inspected))[0]);

  dir = make_project_dir ();
  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\n", python);
  write_file (dir, "Dockerfile", dockerfile);
  show_page (&fixture, dir, G_LIST_MODEL (images));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (fixture.page, "local_row"))));
  g_assert_false (digest_offered (fixture.page));

  close_page (&fixture);
  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();
  dockyard_register_resource ();

  g_test_add_func ("/dockerfile-page/new-project", test_new_project);
  g_test_add_func ("/dockerfile-page/fix-and-confirm", test_fix_and_confirm);
  g_test_add_func ("/dockerfile-page/round-trip", test_round_trip);
  g_test_add_func ("/dockerfile-page/changed-while-asked", test_changed_while_asked);
  g_test_add_func ("/dockerfile-page/pin-requirements", test_pin_requirements);
  g_test_add_func ("/dockerfile-page/digest-offer", test_digest_offer);
  g_test_add_func ("/dockerfile-page/digest-real-engine", test_digest_real_engine);

  return g_test_run ();
}
