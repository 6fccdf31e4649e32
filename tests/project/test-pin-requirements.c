/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Pin Requirements" against the real engine: the project's image is built
 * FROM the test Python image (Debian's python3-pip with the notebook stack
 * installed), pip freeze runs in a short-lived container of it, and the
 * file is rewritten byte for byte where it must and nowhere else. */
#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>

#include "dockyard-container-spec.h"
#include "dockyard-pin-requirements.h"
#include "dockyard-test-utils.h"

/* Pinned, comment, names in other case and with "_" for "-", extras and a
 * marker, an inline comment, a CRLF line, a package that is not installed,
 * an editable install, and a last line without a line ending. */
static const char requirements[] =
  "# Tools for the analysis\n"
  "Jinja2==3.1.2\n"
  "markupsafe\n"
  "Jupyter_Core>=4\r\n"
  "Prompt_Toolkit[extra] ; python_version >= \"3.8\"  # the shell\n"
  "pyzmq  # messaging\n"
  "\n"
  "dockyard-not-installed-anywhere>=1.0\n"
  "-e ./vendor/local-lib\n"
  "six";

static const char pinned[] =
  "# Tools for the analysis\n"
  "Jinja2==3.1.2\n"
  "markupsafe==2.1.2\n"
  "Jupyter_Core==4.12.0\r\n"
  "Prompt_Toolkit[extra]==3.0.36 ; python_version >= \"3.8\"  # the shell\n"
  "pyzmq==24.0.1  # messaging\n"
  "\n"
  "dockyard-not-installed-anywhere>=1.0\n"
  "-e ./vendor/local-lib\n"
  "six==1.16.0";

typedef struct
{
  DockyardEngine  *engine;
  char            *folder;
  DockyardProject *project;
} Fixture;

static void
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (fixture->folder, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static char *
read_file (Fixture    *fixture,
           const char *name)
{
  g_autofree char *path = g_build_filename (fixture->folder, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dockerfile = NULL;

  fixture->engine = dockyard_test_connect_engine ();
  if (fixture->engine == NULL)
    return;

  /* The folder's name makes the image's: one per test run. */
  fixture->folder = g_dir_make_tmp ("dockyard-pin-XXXXXX", &error);
  g_assert_no_error (error);
  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\n",
                                g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE"));
  write_file (fixture, "Dockerfile", dockerfile);
  write_file (fixture, "requirements.txt", requirements);

  fixture->project = dockyard_test_open_project (fixture->folder);
}

static void
remove_image (Fixture *fixture)
{
  g_autofree char *image = dockyard_project_dup_image_name (fixture->project);
  g_autofree char *escaped = g_uri_escape_string (image, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/images/%s?force=1", escaped);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;

  dockyard_engine_request_async (fixture->engine, "DELETE", path, NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (fixture->engine, result, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->project != NULL)
    remove_image (fixture);

  if (fixture->folder != NULL)
    dockyard_test_remove_tree (fixture->folder);

  g_clear_object (&fixture->project);
  g_clear_object (&fixture->engine);
  g_free (fixture->folder);
}

static void
build_image (Fixture *fixture)
{
  g_autoptr(DockyardBuild) build = dockyard_project_new_build (fixture->project, fixture->engine);
  g_autoptr(GInputStream) context = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  dockyard_project_open_context_async (fixture->project, fixture->engine, NULL,
                                       dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  context = dockyard_project_open_context_finish (fixture->project, result, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  dockyard_build_run_async (build, context, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  id = dockyard_build_run_finish (build, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
}

/* Containers of this project that pinning made, running or not. */
static guint
count_pin_containers (Fixture *fixture)
{
  g_autofree char *filters = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  filters = g_strdup_printf ("{\"label\":[\"%s=pin-requirements\",\"%s=%s\"]}",
                             DOCKYARD_LABEL_ROLE, DOCKYARD_LABEL_PROJECT,
                             dockyard_project_get_host_path (fixture->project));
  escaped = g_uri_escape_string (filters, NULL, FALSE);
  path = g_strdup_printf ("/containers/json?all=1&filters=%s", escaped);
  dockyard_engine_request_async (fixture->engine, "GET", path, NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));

  return json_array_get_length (json_node_get_array (node));
}

static DockyardPinPlan *
pin_file (Fixture       *fixture,
          const char    *file_name,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_pin_requirements_async (fixture->project, fixture->engine, file_name,
                                   cancellable, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  return dockyard_pin_requirements_finish (result, error);
}

static DockyardPinPlan *
pin (Fixture       *fixture,
     GCancellable  *cancellable,
     GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_pin_requirements_async (fixture->project, fixture->engine, "requirements.txt",
                                   cancellable, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  return dockyard_pin_requirements_finish (result, error);
}

static void
apply (DockyardPinPlan  *plan,
       GError          **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_pin_plan_apply_async (plan, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  dockyard_pin_plan_apply_finish (result, error);
}

static const DockyardRequirementPin *
find_pin (DockyardPinPlan *plan,
          const char      *name)
{
  for (guint i = 0; i < dockyard_pin_plan_get_n_pins (plan); i++)
    if (g_str_equal (dockyard_pin_plan_get_pin (plan, i)->name, name))
      return dockyard_pin_plan_get_pin (plan, i);
  return NULL;
}

static void
test_pin_from_image (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(DockyardPinPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  g_autofree char *backup = NULL;
  const DockyardRequirementPin *p;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  build_image (fixture);
  plan = pin (fixture, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);

  for (guint i = 0; i < dockyard_pin_plan_get_n_pins (plan); i++)
    g_test_message ("line %u: %s -> %s", dockyard_pin_plan_get_pin (plan, i)->line,
                    dockyard_pin_plan_get_pin (plan, i)->old_text,
                    dockyard_pin_plan_get_pin (plan, i)->new_text);

  /* What the review dialog lists: five lines change, one stays. */
  g_assert_cmpuint (dockyard_pin_plan_get_n_changes (plan), ==, 5);
  g_assert_cmpuint (dockyard_pin_plan_get_n_pins (plan), ==, 6);
  p = find_pin (plan, "Jupyter_Core");
  g_assert_nonnull (p);
  g_assert_cmpuint (p->line, ==, 4);
  g_assert_cmpstr (p->old_text, ==, "Jupyter_Core>=4");
  g_assert_cmpstr (p->new_text, ==, "Jupyter_Core==4.12.0");
  p = find_pin (plan, "dockyard-not-installed-anywhere");
  g_assert_nonnull (p);
  g_assert_null (p->new_text);
  g_assert_null (p->version);
  g_assert_null (find_pin (plan, "Jinja2"));

  /* Nothing written before Apply, and no container left behind. */
  written = read_file (fixture, "requirements.txt");
  g_assert_cmpstr (written, ==, requirements);
  g_clear_pointer (&written, g_free);
  g_assert_cmpuint (count_pin_containers (fixture), ==, 0);

  apply (plan, &error);
  g_assert_no_error (error);
  written = read_file (fixture, "requirements.txt");
  g_assert_cmpstr (written, ==, pinned);
  backup = read_file (fixture, "requirements.txt.orig");
  g_assert_cmpstr (backup, ==, requirements);

  /* Pinning again finds only what the image lacks. */
  g_clear_pointer (&plan, dockyard_pin_plan_unref);
  plan = pin (fixture, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dockyard_pin_plan_get_n_changes (plan), ==, 0);
  g_assert_cmpuint (dockyard_pin_plan_get_n_pins (plan), ==, 1);
  g_assert_cmpuint (count_pin_containers (fixture), ==, 0);
}

static void
test_changed_before_apply (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(DockyardPinPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  build_image (fixture);
  plan = pin (fixture, NULL, &error);
  g_assert_no_error (error);

  /* Someone edits the file while the dialog is open: Apply writes nothing. */
  write_file (fixture, "requirements.txt", "requests\n");
  apply (plan, &error);
  g_assert_error (error, DOCKYARD_PIN_ERROR, DOCKYARD_PIN_ERROR_CHANGED);
  written = read_file (fixture, "requirements.txt");
  g_assert_cmpstr (written, ==, "requests\n");
}

static void
test_not_built (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(DockyardPinPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  plan = pin (fixture, NULL, &error);
  g_assert_error (error, DOCKYARD_PIN_ERROR, DOCKYARD_PIN_ERROR_NO_IMAGE);
  g_assert_nonnull (strstr (error->message, "not built yet"));
  g_assert_null (plan);
  g_assert_cmpuint (count_pin_containers (fixture), ==, 0);
}

static void
test_no_pip (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(DockyardPinPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *written = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  dockerfile = g_strdup_printf ("FROM %s\n", g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  write_file (fixture, "Dockerfile", dockerfile);
  build_image (fixture);

  plan = pin (fixture, NULL, &error);
  g_assert_error (error, DOCKYARD_PIN_ERROR, DOCKYARD_PIN_ERROR_NO_PIP);
  g_assert_nonnull (strstr (error->message, "has no pip"));
  g_assert_cmpuint (count_pin_containers (fixture), ==, 0);
  written = read_file (fixture, "requirements.txt");
  g_assert_cmpstr (written, ==, requirements);
}

static void
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
}

/* Cancelled at every step in turn: however far it got, the container goes. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  build_image (fixture);

  for (guint iterations = 0; iterations < 12; iterations++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(DockyardPinPlan) plan = NULL;
      g_autoptr(GError) error = NULL;
      guint spins = 0;

      dockyard_pin_requirements_async (fixture->project, fixture->engine, "requirements.txt",
                                       cancellable, dockyard_test_store_result_cb, &result);
      /* Let it get a little further each time before cancelling. */
      while (result == NULL && spins < iterations * 3)
        {
          g_main_context_iteration (NULL, TRUE);
          spins++;
        }
      cancel_cb (cancellable);
      dockyard_test_wait_for_async (&result);
      plan = dockyard_pin_requirements_finish (result, &error);
      g_assert_true (plan != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
      g_assert_cmpuint (count_pin_containers (fixture), ==, 0);
    }
}

/* Issue 16, item 3: the requirements path comes from the Dockerfile.
 * "../victim/requirements.txt", an absolute path and a folder that is a link
 * out of the project are refused, nothing outside is rewritten and no .orig
 * appears there; a file in a subfolder is pinned and named by its path
 * relative to the project; a folder swapped for a link between the review
 * and Apply makes Apply refuse. */
static void
test_outside_project (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *victim = NULL;
  g_autofree char *victim_file = NULL;
  g_autofree char *victim_base = NULL;
  g_autofree char *link = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *sub_moved = NULL;
  g_autofree char *text = NULL;
  g_autoptr(DockyardPinPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  build_image (fixture);

  victim = g_strconcat (fixture->folder, "-victim", NULL);
  g_assert_no_errno (g_mkdir (victim, 0755));
  victim_file = g_build_filename (victim, "requirements.txt", NULL);
  g_assert_true (g_file_set_contents (victim_file, requirements, -1, NULL));
  victim_base = g_path_get_basename (victim);
  link = g_build_filename (fixture->folder, "linked", NULL);
  g_assert_no_errno (symlink (victim, link));

  {
    g_autofree char *up = g_build_filename ("..", victim_base, "requirements.txt", NULL);
    g_autofree char *linked = g_build_filename ("linked", "requirements.txt", NULL);
    const char *names[] = { up, victim_file, linked };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autoptr(DockyardPinPlan) refused = pin_file (fixture, names[i], NULL, &error);

        g_test_message ("%s: %s", names[i], error != NULL ? error->message : "accepted");
        g_assert_null (refused);
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
        g_clear_error (&error);
      }
  }
  g_assert_true (g_file_get_contents (victim_file, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, requirements);
  {
    g_autofree char *orig = g_strconcat (victim_file, ".orig", NULL);

    g_assert_false (g_file_test (orig, G_FILE_TEST_EXISTS));
  }

  /* Inside, in a subfolder: pinned, and named by its relative path. */
  sub = g_build_filename (fixture->folder, "sub", NULL);
  g_assert_no_errno (g_mkdir (sub, 0755));
  write_file (fixture, "sub/requirements.txt", requirements);
  plan = pin_file (fixture, "sub/requirements.txt", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dockyard_pin_plan_get_display_name (plan), ==, "sub/requirements.txt");
  apply (plan, &error);
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  text = read_file (fixture, "sub/requirements.txt");
  g_assert_cmpstr (text, ==, pinned);
  g_clear_pointer (&plan, dockyard_pin_plan_unref);

  /* Reviewed inside, then the folder becomes a link out before Apply. */
  write_file (fixture, "sub/requirements.txt", requirements);
  plan = pin_file (fixture, "sub/requirements.txt", NULL, &error);
  g_assert_no_error (error);
  sub_moved = g_strconcat (sub, "-moved", NULL);
  g_assert_no_errno (g_rename (sub, sub_moved));
  g_assert_no_errno (symlink (victim, sub));
  apply (plan, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (victim_file, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, requirements);

  dockyard_test_remove_tree (victim);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add ("/pin-requirements/from-image", Fixture, NULL,
              fixture_setup, test_pin_from_image, fixture_teardown);
  g_test_add ("/pin-requirements/changed-before-apply", Fixture, NULL,
              fixture_setup, test_changed_before_apply, fixture_teardown);
  g_test_add ("/pin-requirements/not-built", Fixture, NULL,
              fixture_setup, test_not_built, fixture_teardown);
  g_test_add ("/pin-requirements/no-pip", Fixture, NULL,
              fixture_setup, test_no_pip, fixture_teardown);
  g_test_add ("/pin-requirements/outside-project", Fixture, NULL,
              fixture_setup, test_outside_project, fixture_teardown);
  g_test_add ("/pin-requirements/cancel", Fixture, NULL,
              fixture_setup, test_cancel, fixture_teardown);

  return g_test_run ();
}
