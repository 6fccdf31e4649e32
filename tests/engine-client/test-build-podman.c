/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Builds through Podman's compatible API (tests/engine/dockyard-test-podman,
 * started by tests/run): no BuildKit there, so this is the classic path,
 * where buildah's "STEP n/m:" lines become the steps. */
#include "config.h"

#include "build-fixture.h"
#include "dockyard-build.h"
#include "dockyard-engine.h"
#include "dockyard-test-utils.h"

typedef struct
{
  BuildFixture  build;
  const char   *base;
} Fixture;

static DockyardEngine *
connect_podman (void)
{
  const char *host = g_getenv ("DOCKYARD_TEST_PODMAN_HOST");

  if (host == NULL || !g_str_has_prefix (host, "unix://"))
    return NULL;

  return dockyard_test_connect_engine_at (host + strlen ("unix://"));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  static guint counter;

  build_fixture_init (&fixture->build, connect_podman (), "dockyard-podman",
                      g_strdup_printf ("localhost/dockyard-test-podman-%d-%u:dev",
                                       getpid (), counter++));
  fixture->base = g_getenv ("DOCKYARD_TEST_PODMAN_BUSYBOX_IMAGE");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  build_fixture_clear (&fixture->build);
}

#define REQUIRE_PODMAN(fixture) \
  G_STMT_START { \
    if ((fixture)->build.engine == NULL || (fixture)->base == NULL) \
      { \
        dockyard_test_skip_unless_ci ("no Podman service: run the suite with tests/run " \
                                      "(needs root and podman)"); \
        return; \
      } \
  } G_STMT_END

static DockyardBuild *
new_build (Fixture    *fixture,
           const char *network_mode)
{
  DockyardBuild *build = dockyard_build_new (fixture->build.engine, fixture->build.tag);

  dockyard_build_set_network_mode (build, network_mode);
  return build;
}

static DockyardBuildStep *
get_step (DockyardBuild *build,
          guint          position)
{
  g_autoptr(DockyardBuildStep) step = g_list_model_get_item (G_LIST_MODEL (build), position);

  g_assert_nonnull (step);
  /* The build holds its steps: a borrowed pointer is enough here. */
  return step;
}

static void
log_steps (DockyardBuild *build)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (build)); i++)
    {
      DockyardBuildStep *step = get_step (build, i);

      g_test_message ("%s: state=%d cached=%d\n%s", dockyard_build_step_get_name (step),
                      dockyard_build_step_get_state (step),
                      dockyard_build_step_get_cached (step),
                      dockyard_build_step_get_log (step));
    }
}

static void
test_engine (Fixture       *fixture,
             gconstpointer  data)
{
  REQUIRE_PODMAN (fixture);

  /* What the app shows, and what decides the classic build path. */
  g_assert_cmpstr (dockyard_engine_get_name (fixture->build.engine), ==, "Podman Engine");
  g_assert_false (dockyard_engine_get_has_buildkit (fixture->build.engine));
}

static char *
cache_dockerfile (Fixture    *fixture,
                  const char *cache_id,
                  const char *nonce)
{
  return g_strdup_printf ("FROM %s\n"
                          "COPY greeting /greeting\n"
                          "RUN --mount=type=cache,target=/cache,id=dockyard-test-%s "
                          "echo seen-%s >> /cache/seen && cat /cache/seen /greeting\n",
                          fixture->base, cache_id, nonce);
}

static void
test_build_and_cache (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(DockyardBuild) first = NULL;
  g_autoptr(DockyardBuild) second = NULL;
  g_autoptr(DockyardBuild) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;
  g_autofree char *again_id = NULL;
  g_autofree char *changed_id = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *first_nonce = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());
  g_autofree char *second_nonce = g_strdup_printf ("%s-b", first_nonce);
  g_autofree char *first_seen = g_strdup_printf ("seen-%s\n", first_nonce);
  g_autofree char *second_seen = g_strdup_printf ("seen-%s\n", second_nonce);
  g_autofree char *greeting = NULL;
  DockyardBuildStep *step;

  REQUIRE_PODMAN (fixture);

  /* A cache id of its own: a fresh, empty cache mount for this test. */
  dockerfile = cache_dockerfile (fixture, first_nonce, first_nonce);
  build_fixture_write_file (&fixture->build, "Dockerfile", dockerfile);
  /* The nonce in the context too: podman's layer cache outlives a test run. */
  greeting = g_strdup_printf ("hello from the context %s\n", first_nonce);
  build_fixture_write_file (&fixture->build, "greeting", greeting);

  first = new_build (fixture, "none");
  image_id = build_fixture_run (&fixture->build, first, &error);
  log_steps (first);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (image_id, "sha256:"));
  g_assert_cmpint (dockyard_build_get_state (first), ==, DOCKYARD_BUILD_SUCCEEDED);
  g_assert_false (dockyard_build_get_buildkit (first));
  g_assert_null (dockyard_build_get_failed_step (first));

  /* One step per instruction, numbered as buildah numbers them. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (first)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      step = get_step (first, i);
      g_assert_cmpuint (dockyard_build_step_get_index (step), ==, i + 1);
      g_assert_cmpuint (dockyard_build_step_get_total (step), ==, 3);
      g_assert_cmpint (dockyard_build_step_get_state (step), ==, DOCKYARD_BUILD_STEP_DONE);
      g_assert_false (dockyard_build_step_get_cached (step));
    }
  g_assert_true (g_str_has_prefix (dockyard_build_step_get_instruction (get_step (first, 0)), "FROM "));
  g_assert_cmpstr (dockyard_build_step_get_instruction (get_step (first, 1)), ==,
                   "COPY greeting /greeting");
  step = get_step (first, 2);
  g_assert_true (g_str_has_prefix (dockyard_build_step_get_instruction (step),
                                   "RUN --mount=type=cache"));
  /* The step's own output is its log: the cache mount was empty. */
  g_assert_true (g_str_has_prefix (dockyard_build_step_get_log (step), first_seen));
  g_assert_nonnull (strstr (dockyard_build_step_get_log (step), greeting));
  g_assert_cmpint (dockyard_build_step_get_duration (step), >=, 0);

  /* Nothing changed: buildah says "Using cache" for every step after FROM. */
  second = new_build (fixture, "none");
  again_id = build_fixture_run (&fixture->build, second, &error);
  log_steps (second);
  g_assert_no_error (error);
  g_assert_cmpstr (again_id, ==, image_id);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (second)), ==, 3);
  for (guint i = 1; i < 3; i++)
    {
      step = get_step (second, i);
      g_assert_true (dockyard_build_step_get_cached (step));
      g_assert_cmpint (dockyard_build_step_get_state (step), ==, DOCKYARD_BUILD_STEP_CACHED);
      g_assert_nonnull (strstr (dockyard_build_step_get_log (step), "Using cache"));
    }
  /* The RUN did not run again: its output is not in the log. */
  g_assert_null (strstr (dockyard_build_step_get_log (get_step (second, 2)), "seen-"));

  /* A changed RUN runs again, and finds what the first run left in the
   * cache mount: the point of RUN --mount=type=cache. */
  g_free (dockerfile);
  dockerfile = cache_dockerfile (fixture, first_nonce, second_nonce);
  build_fixture_write_file (&fixture->build, "Dockerfile", dockerfile);
  third = new_build (fixture, "none");
  changed_id = build_fixture_run (&fixture->build, third, &error);
  log_steps (third);
  g_assert_no_error (error);
  g_assert_cmpstr (changed_id, !=, image_id);
  step = get_step (third, 1);
  g_assert_true (dockyard_build_step_get_cached (step));
  step = get_step (third, 2);
  g_assert_false (dockyard_build_step_get_cached (step));
  g_assert_cmpint (dockyard_build_step_get_state (step), ==, DOCKYARD_BUILD_STEP_DONE);
  g_assert_nonnull (strstr (dockyard_build_step_get_log (step), first_seen));
  g_assert_nonnull (strstr (dockyard_build_step_get_log (step), second_seen));
}

static void
index_cb (SoupServer        *server,
          SoupServerMessage *message,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  static const char body[] = "served-by-the-host\n";

  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC,
                                    body, strlen (body));
}

/* networkmode=host is how a build reaches a package index on the host's
 * loopback (the pip tests and benchmarks rely on it). */
static void
test_network_host (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;
  g_autofree char *dockerfile = NULL;
  GSList *uris;
  guint port;

  REQUIRE_PODMAN (fixture);

  soup_server_add_handler (server, "/", index_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  dockerfile = g_strdup_printf ("FROM %s\n"
                                "RUN echo %" G_GINT64_FORMAT " >/dev/null && "
                                "wget -q -O - http://127.0.0.1:%u/simple/\n",
                                fixture->base, g_get_real_time (), port);
  build_fixture_write_file (&fixture->build, "Dockerfile", dockerfile);
  build = new_build (fixture, "host");
  /* The server answers from this main context while the test waits. */
  image_id = build_fixture_run (&fixture->build, build, &error);
  log_steps (build);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (dockyard_build_step_get_log (get_step (build, 1)),
                            "served-by-the-host\n"));
}

static void
test_failing_run (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image_id = NULL;
  g_autofree char *dockerfile = NULL;
  DockyardBuildStep *failed;

  REQUIRE_PODMAN (fixture);

  dockerfile = build_fixture_failing_dockerfile (fixture->base, "RUN echo never\n");
  build_fixture_write_file (&fixture->build, "Dockerfile", dockerfile);

  build = new_build (fixture, "none");
  image_id = build_fixture_run (&fixture->build, build, &error);
  log_steps (build);
  g_assert_null (image_id);
  g_assert_nonnull (error);
  g_test_message ("podman says: %s", error->message);
  /* buildah: building at STEP "RUN ...": while running runtime: exit status 3 */
  g_assert_nonnull (strstr (error->message, "exit status 3"));
  g_assert_nonnull (strstr (dockyard_build_get_error_message (build), "exit status 3"));

  failed = build_fixture_assert_failed_run (build);
  g_assert_cmpuint (dockyard_build_step_get_total (failed), ==, 3);
  g_assert_nonnull (dockyard_build_step_get_error (failed));
  /* The step after it never started. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (build)), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add ("/build-podman/engine", Fixture, NULL, fixture_setup, test_engine, fixture_teardown);
  g_test_add ("/build-podman/build-and-cache", Fixture, NULL, fixture_setup, test_build_and_cache, fixture_teardown);
  g_test_add ("/build-podman/network-host", Fixture, NULL, fixture_setup, test_network_host, fixture_teardown);
  g_test_add ("/build-podman/failing-run", Fixture, NULL, fixture_setup, test_failing_run, fixture_teardown);

  return g_test_run ();
}
