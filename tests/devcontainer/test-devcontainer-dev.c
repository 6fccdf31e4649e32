/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A project with a devcontainer.json: its Dockerfile and context for the
 * build, and its dev container against the real engine: workspace folder,
 * environment, user, mounts, runArgs, and the lifecycle commands run
 * through exec with their output in the terminal. */
#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>

#include "dockyard-container-spec.h"
#include "dockyard-dev-session.h"
#include "dockyard-test-utils.h"

static const char config_text[] =
  "// As VS Code writes them: comments and trailing commas.\n"
  "{\n"
  "  \"build\": { \"dockerfile\": \"Dockerfile\", \"context\": \"..\", },\n"
  "  \"workspaceMount\": \"source=${localWorkspaceFolder},target=/work/${localWorkspaceFolderBasename},type=bind\",\n"
  "  \"workspaceFolder\": \"/work/${localWorkspaceFolderBasename}\",\n"
  "  \"containerEnv\": { \"FROM_CONTAINER_ENV\": \"yes\" },\n"
  "  \"remoteEnv\": { \"REMOTE_PATH\": \"${containerEnv:PATH}:/extra\" },\n"
  "  \"remoteUser\": \"%s\",\n"
  "  \"mounts\": [ { \"type\": \"tmpfs\", \"target\": \"/scratch\" } ],\n"
  "  \"runArgs\": [ \"--cap-add=SYS_PTRACE\", \"--label\", \"from.run.args=1\", \"--network=host\" ],\n"
  "  \"onCreateCommand\": \"echo on-create-$((1+1))\",\n"
  "  \"postCreateCommand\": { \"one\": [\"sh\", \"-c\", \"echo post-create > /tmp/pc\"], \"two\": \"exit 3\" },\n"
  "  \"postStartCommand\": \"echo never-runs\",\n"
  "}\n";

typedef struct
{
  DockyardEngine     *engine;
  char               *parent;
  char               *folder;
  DockyardProject    *project;
  DockyardDevSession *session;
  DockyardTtyStream  *stream;
  GString            *output;
  gboolean            closed;
} Fixture;

static const char *
test_user (void)
{
  static char user[32];

  if (getuid () == 0)
    return "1000:1000";
  g_snprintf (user, sizeof user, "%u:%u", (guint) getuid (), (guint) getgid ());
  return user;
}

static void
write_file (const char *folder,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0777), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *config = g_strdup_printf (config_text, test_user ());

  fixture->output = g_string_new (NULL);
  fixture->parent = dockyard_test_make_shared_dir ("dockyard-devcontainer");
  fixture->folder = g_build_filename (fixture->parent, "proj", NULL);
  g_assert_cmpint (g_mkdir (fixture->folder, 0777), ==, 0);
  g_chmod (fixture->folder, 0777);
  write_file (fixture->folder, ".devcontainer/devcontainer.json", config);
  write_file (fixture->folder, ".devcontainer/Dockerfile", "FROM scratch\n");
  fixture->project = dockyard_test_open_project (fixture->folder);
  fixture->engine = dockyard_test_connect_engine ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->session != NULL)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *id = g_strdup (dockyard_dev_session_get_container_id (fixture->session));

      dockyard_dev_session_stop_async (fixture->session, dockyard_test_store_result_cb, &result);
      dockyard_test_wait_for_async (&result);
      g_assert_true (dockyard_dev_session_stop_finish (fixture->session, result, &error));
      if (id != NULL)
        g_assert_false (dockyard_test_container_exists (fixture->engine, id));
    }
  if (fixture->stream != NULL)
    dockyard_test_uncollect_tty (fixture->stream, fixture->output, &fixture->closed);
  g_clear_object (&fixture->stream);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->project);
  g_clear_object (&fixture->engine);
  dockyard_test_remove_tree (fixture->parent);
  g_string_free (fixture->output, TRUE);
  g_free (fixture->folder);
  g_free (fixture->parent);
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_for_output (GString    *output,
                 const char *needle)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);

  while (strstr (output->str, needle) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("“%s” never appeared; the terminal shows:\n%s", needle, output->str);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static void
test_build_paths (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *dockerfile = g_file_get_path (dockyard_project_get_dockerfile (fixture->project));
  g_autofree char *context = g_file_get_path (dockyard_project_get_context_directory (fixture->project));
  g_autofree char *expected = g_build_filename (fixture->folder, ".devcontainer", "Dockerfile", NULL);
  const char * const *notes = dockyard_project_get_devcontainer_notes (fixture->project);
  gboolean named = FALSE;

  g_assert_cmpstr (dockerfile, ==, expected);
  g_assert_cmpstr (context, ==, fixture->folder);
  g_assert_true (dockyard_project_get_has_dockerfile (fixture->project));
  for (guint i = 0; notes[i] != NULL; i++)
    named |= strstr (notes[i], "--network=host") != NULL;
  g_assert_true (named);
}

static void
test_dev_container (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) inspect = NULL;
  g_autofree char *path = NULL;
  g_autofree char *target = NULL;
  g_autofree char *json = NULL;
  const char *text = "pwd; echo \"env=$FROM_CONTAINER_ENV\"; echo \"remote=$REMOTE_PATH\"; cat /tmp/pc; "
                     "id -u; echo done-$((3*3))\r";

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  fixture->session = dockyard_dev_session_new (fixture->project, fixture->engine);
  dockyard_dev_session_set_image (fixture->session, g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  dockyard_dev_session_start_async (fixture->session, 24, 80, NULL,
                                    dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  fixture->stream = dockyard_dev_session_start_finish (fixture->session, result, &error);
  g_assert_no_error (error);
  dockyard_test_collect_tty (fixture->stream, fixture->output, &fixture->closed);

  /* The notes, then each command's output, the failure with its status,
   * and nothing after it. */
  wait_for_output (fixture->output, "--network=host");
  wait_for_output (fixture->output, "on-create-2");
  wait_for_output (fixture->output, "postCreateCommand failed with exit status 3.");
  g_assert_null (strstr (fixture->output->str, "never-runs"));

  /* Then the shell, in the workspace folder, with the environment. */
  dockyard_tty_stream_write (fixture->stream, text, strlen (text));
  wait_for_output (fixture->output, "done-9");
  target = g_strdup_printf ("\n/work/proj\r");
  g_assert_nonnull (strstr (fixture->output->str, target));
  g_assert_nonnull (strstr (fixture->output->str, "env=yes"));
  g_assert_nonnull (strstr (fixture->output->str, "remote=/usr/local/sbin:"));
  g_assert_nonnull (strstr (fixture->output->str, ":/extra\r"));
  g_assert_nonnull (strstr (fixture->output->str, "\npost-create\r"));
  g_assert_null (strstr (fixture->output->str, "never-runs"));

  /* As the engine has it: runArgs and mounts applied. */
  path = g_strdup_printf ("/containers/%s/json", dockyard_dev_session_get_container_id (fixture->session));
  inspect = dockyard_test_request (fixture->engine, "GET", path, &error);
  g_assert_no_error (error);
  json = json_to_string (inspect, FALSE);
  g_assert_nonnull (strstr (json, "\"CapAdd\":[\"SYS_PTRACE\"]"));
  g_assert_nonnull (strstr (json, "\"from.run.args\":\"1\""));
  g_assert_nonnull (strstr (json, "\"Target\":\"/scratch\""));
  g_assert_nonnull (strstr (json, "\"Type\":\"tmpfs\""));
  g_assert_nonnull (strstr (json, "\"Target\":\"/work/proj\""));
  g_assert_nonnull (strstr (json, "\"WorkingDir\":\"/work/proj\""));
  /* The engine runs the user as given; the files come out as Dockyard's own. */
  {
    g_autofree char *user = g_strdup_printf ("\"User\":\"%s\"", test_user ());
    g_assert_nonnull (strstr (json, user));
  }
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add ("/devcontainer-dev/build-paths", Fixture, NULL,
              fixture_setup, test_build_paths, fixture_teardown);
  g_test_add ("/devcontainer-dev/dev-container", Fixture, NULL,
              fixture_setup, test_dev_container, fixture_teardown);

  return g_test_run ();
}
