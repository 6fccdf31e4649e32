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

/* The Dockerfile of the failing-run tests: its second step fails. */
char *
build_fixture_failing_dockerfile (const char *base,
                                  const char *more)
{
  return g_strdup_printf ("FROM %s\n"
                          "RUN echo first line; echo the-last-words; exit 3\n"
                          "%s", base, more);
}

/* A build of that Dockerfile failed at its RUN step, which keeps its last
 * words; returns (transfer none) the failed step. */
DockyardBuildStep *
build_fixture_assert_failed_run (DockyardBuild *build)
{
  g_autofree char *tail = NULL;
  DockyardBuildStep *failed;

  g_assert_cmpint (dockyard_build_get_state (build), ==, DOCKYARD_BUILD_FAILED);

  failed = dockyard_build_get_failed_step (build);
  g_assert_nonnull (failed);
  g_assert_cmpuint (dockyard_build_step_get_index (failed), ==, 2);
  g_assert_true (g_str_has_prefix (dockyard_build_step_get_instruction (failed), "RUN echo first"));
  g_assert_cmpint (dockyard_build_step_get_state (failed), ==, DOCKYARD_BUILD_STEP_FAILED);
  tail = dockyard_build_step_dup_log_tail (failed, 1);
  g_assert_cmpstr (tail, ==, "the-last-words");
  return failed;
}
