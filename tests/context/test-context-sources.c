/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The build context a project sends, against the real engine: only what
 * the Dockerfile reads when that is certain, the whole folder otherwise
 * (a wildcard, a base image with ONBUILD triggers, a base image that is
 * not there, a source behind a symbolic link), and the builds succeed
 * either way. */
#include "config.h"

#include "context-test-utils.h"
#include "dockyard-build.h"
#include "dockyard-engine.h"
#include "dockyard-project.h"
#include "dockyard-test-utils.h"

typedef struct
{
  DockyardEngine *engine;
  char           *dir;
  GPtrArray      *tags;  /* images to remove */
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *socket = dockyard_test_engine_socket ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fixture->tags = g_ptr_array_new_with_free_func (g_free);
  fixture->dir = context_test_make_dir ();
  if (socket == NULL)
    return;

  fixture->engine = dockyard_engine_new (socket);
  dockyard_engine_connect_async (fixture->engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  dockyard_engine_connect_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  for (guint i = 0; fixture->engine != NULL && i < fixture->tags->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/images/%s?force=1",
                                               (char *) g_ptr_array_index (fixture->tags, i));
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(JsonNode) node = NULL;

      dockyard_engine_request_async (fixture->engine, "DELETE", path, NULL, NULL,
                                     dockyard_test_store_result_cb, &result);
      dockyard_test_wait_for_async (&result);
      node = dockyard_engine_request_finish (fixture->engine, result, NULL);
    }
  context_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_clear_pointer (&fixture->tags, g_ptr_array_unref);
  g_clear_object (&fixture->engine);
}

static gboolean
have_engine (Fixture *fixture)
{
  if (fixture->engine != NULL)
    return TRUE;
  dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
  return FALSE;
}

/* The project in @sub of the fixture's folder, with @dockerfile and the
 * files every test has: an unused 1 MiB data folder and a few used ones. */
static DockyardProject *
make_project (Fixture    *fixture,
              const char *sub,
              const char *dockerfile)
{
  g_autofree char *root = g_build_filename (fixture->dir, sub, NULL);
  g_autoptr(GFile) directory = g_file_new_for_path (root);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (1 << 20, 'x');
  DockyardProject *project;

  context_test_mkdir (fixture->dir, sub);
  context_test_write (root, "Dockerfile", dockerfile);
  context_test_write (root, "requirements.txt", "flask==3.0.0\n");
  context_test_mkdir (root, "src");
  context_test_write (root, "src/app.py", "print('hi')\n");
  context_test_mkdir (root, "data");
  context_test_write (root, "data/big.bin", big);
  context_test_write (root, "data/marker", "m\n");
  context_test_write (root, "notes.txt", "not for the image\n");
  context_test_write (root, ".dockerignore", "*.log\n");

  dockyard_project_open_async (directory, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  project = dockyard_project_open_finish (result, &error);
  g_assert_no_error (error);
  return project;
}

/* Opens the context as a build would; @names gets the tar's entries. */
static GInputStream *
open_context (Fixture          *fixture,
              DockyardProject  *project,
              char           ***sources)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GInputStream *stream;

  dockyard_project_open_context_async (project, fixture->engine, NULL,
                                       dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  stream = dockyard_project_open_context_finish (project, result, sources, &error);
  g_assert_no_error (error);
  return stream;
}

static char *
tar_names (GInputStream *stream)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) tar = context_test_read_stream (stream, &error);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  g_assert_no_error (error);
  entries = context_test_read_tar (tar);
  for (guint i = 0; i < entries->len; i++)
    g_strv_builder_add (builder, ((TarEntry *) g_ptr_array_index (entries, i))->path);
  names = g_strv_builder_end (builder);
  return g_strjoinv (" ", names);
}

static void
build (Fixture         *fixture,
       DockyardProject *project,
       const char      *tag)
{
  g_autoptr(DockyardBuild) build = dockyard_build_new (fixture->engine, tag);
  g_autoptr(GInputStream) context = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;

  g_ptr_array_add (fixture->tags, g_strdup (tag));
  dockyard_build_set_network_mode (build, "none");
  context = open_context (fixture, project, NULL);
  dockyard_build_run_async (build, context, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  image_id = dockyard_build_run_finish (build, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image_id);
}

static void
test_only_used (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(DockyardProject) project = NULL;
  g_autoptr(GInputStream) context = NULL;
  g_auto(GStrv) sources = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *names = NULL;
  g_autofree char *tag = g_strdup_printf ("dockyard-test-sources-%d:used", getpid ());

  if (!have_engine (fixture))
    return;

  dockerfile = g_strdup_printf ("FROM %s\n"
                                "WORKDIR /app\n"
                                "COPY requirements.txt ./\n"
                                "COPY src/ ./src/\n"
                                "RUN test -f /app/src/app.py && test -f requirements.txt && test ! -e data\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  project = make_project (fixture, "used", dockerfile);

  context = open_context (fixture, project, &sources);
  g_assert_nonnull (sources);
  names = g_strjoinv (" ", sources);
  g_assert_cmpstr (names, ==, "requirements.txt src");
  g_clear_pointer (&names, g_free);

  /* The megabyte under data/ and notes.txt stay at home. */
  names = tar_names (context);
  g_assert_cmpstr (names, ==, ".dockerignore Dockerfile requirements.txt src src/app.py");

  build (fixture, project, tag);
}

/* Each case: the Dockerfile after FROM, and why everything is sent. */
static void
check_sends_everything (Fixture    *fixture,
                        const char *sub,
                        const char *dockerfile)
{
  g_autoptr(DockyardProject) project = make_project (fixture, sub, dockerfile);
  g_autoptr(GInputStream) context = NULL;
  g_auto(GStrv) sources = NULL;
  g_autofree char *names = NULL;
  g_autofree char *tag = g_strdup_printf ("dockyard-test-sources-%d:%s", getpid (), sub);

  context = open_context (fixture, project, &sources);
  g_assert_null (sources);
  names = tar_names (context);
  g_assert_nonnull (strstr (names, "data/big.bin"));
  g_assert_nonnull (strstr (names, "notes.txt"));

  build (fixture, project, tag);
}

static void
test_wildcard (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *dockerfile = NULL;

  if (!have_engine (fixture))
    return;

  dockerfile = g_strdup_printf ("FROM %s\nCOPY *.txt /app/\nRUN test -f /app/notes.txt\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  check_sends_everything (fixture, "wildcard", dockerfile);
}

/* A base image whose ONBUILD copies from the context: the child's
 * Dockerfile names nothing, yet its build needs data/marker. */
static void
test_onbuild_base (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(DockyardProject) base = NULL;
  g_autofree char *base_tag = g_strdup_printf ("dockyard-test-sources-%d:onbuild", getpid ());
  g_autofree char *dockerfile = NULL;

  if (!have_engine (fixture))
    return;

  dockerfile = g_strdup_printf ("FROM %s\nONBUILD COPY data/marker /marker\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  base = make_project (fixture, "base", dockerfile);
  build (fixture, base, base_tag);

  g_clear_pointer (&dockerfile, g_free);
  dockerfile = g_strdup_printf ("FROM %s\nRUN test -f /marker\n", base_tag);
  check_sends_everything (fixture, "child", dockerfile);
}

/* COPY of a symbolic link to a folder: BuildKit follows it, so what it
 * points to must be there too. */
static void
test_symlink_source (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *dockerfile = NULL;
  g_autoptr(DockyardProject) project = NULL;
  g_autoptr(GInputStream) context = NULL;
  g_auto(GStrv) sources = NULL;
  g_autofree char *root = NULL;
  g_autofree char *tag = g_strdup_printf ("dockyard-test-sources-%d:symlink", getpid ());

  if (!have_engine (fixture))
    return;

  dockerfile = g_strdup_printf ("FROM %s\nCOPY current /app\nRUN test -f /app/marker\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  project = make_project (fixture, "symlink", dockerfile);
  root = g_build_filename (fixture->dir, "symlink", NULL);
  context_test_symlink (root, "current", "data");

  context = open_context (fixture, project, &sources);
  g_assert_null (sources);
  g_clear_object (&context);
  build (fixture, project, tag);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add ("/context-sources/only-used", Fixture, NULL,
              fixture_setup, test_only_used, fixture_teardown);
  g_test_add ("/context-sources/wildcard", Fixture, NULL,
              fixture_setup, test_wildcard, fixture_teardown);
  g_test_add ("/context-sources/onbuild-base", Fixture, NULL,
              fixture_setup, test_onbuild_base, fixture_teardown);
  g_test_add ("/context-sources/symlink-source", Fixture, NULL,
              fixture_setup, test_symlink_source, fixture_teardown);

  return g_test_run ();
}
