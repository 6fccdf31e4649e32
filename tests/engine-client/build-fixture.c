/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "build-fixture.h"
#include "dockyard-test-utils.h"

/**
 * build_fixture_init:
 * @engine: (transfer full) (nullable): the engine to build on; %NULL: none
 * @prefix: the context folder's name, before its random part
 * @tag: (transfer full): the image the builds make
 */
void
build_fixture_init (BuildFixture   *fixture,
                    DockyardEngine *engine,
                    const char     *prefix,
                    char           *tag)
{
  g_autofree char *template = g_strdup_printf ("%s-XXXXXX", prefix);
  g_autoptr(GError) error = NULL;

  fixture->engine = engine;
  fixture->dir = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  fixture->tag = tag;
}

static void
remove_image (DockyardEngine *engine,
              const char     *tag)
{
  g_autofree char *path = g_strdup_printf ("/images/%s?force=1", tag);
  g_autoptr(JsonNode) node = NULL;

  /* Failed builds leave no image to remove: ignore the error. */
  node = dockyard_test_request (engine, "DELETE", path, NULL);
}

void
build_fixture_clear (BuildFixture *fixture)
{
  if (fixture->engine != NULL)
    remove_image (fixture->engine, fixture->tag);
  if (fixture->tar != NULL)
    {
      g_subprocess_force_exit (fixture->tar);
      g_subprocess_wait (fixture->tar, NULL, NULL);
    }
  g_clear_object (&fixture->tar);
  g_clear_object (&fixture->engine);
  dockyard_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->tag, g_free);
}

void
build_fixture_write_file (BuildFixture *fixture,
                          const char   *name,
                          const char   *contents)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

/* The context as a stream: tar(1) writes it while the build reads it. */
GInputStream *
build_fixture_context_stream (BuildFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->tar);
  fixture->tar = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                   "tar", "-C", fixture->dir, "-cf", "-", ".", NULL);
  g_assert_no_error (error);

  return g_subprocess_get_stdout_pipe (fixture->tar);
}

/* Runs @build on the folder's context; returns the image id. */
char *
build_fixture_run (BuildFixture   *fixture,
                   DockyardBuild  *build,
                   GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_build_run_async (build, build_fixture_context_stream (fixture), NULL,
                            dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  return dockyard_build_run_finish (build, result, error);
}
