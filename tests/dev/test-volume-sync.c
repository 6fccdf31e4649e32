/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The project's volume on an engine on another computer, against the real
 * engine (any: the sync does not care where it runs): files both ways,
 * conflicts, deletions only once confirmed, a file a command typed in the
 * dev container made, a big file and many small ones. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "dockyard-dev-session.h"
#include "dockyard-test-utils.h"
#include "dockyard-volume-sync.h"

typedef struct
{
  DockyardEngine     *engine;
  char               *parent;
  char               *folder;
  DockyardVolumeSync *sync;
} Fixture;

static const char *
desktop_user (void)
{
  static char user[32];

  if (getuid () == 0)
    return "1000:1000";
  g_snprintf (user, sizeof user, "%u:%u", (guint) getuid (), (guint) getgid ());
  return user;
}

static void
write_file (Fixture    *fixture,
            const char *rel,
            const char *contents)
{
  g_autofree char *path = g_build_filename (fixture->folder, rel, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static char *
read_file (Fixture    *fixture,
           const char *rel)
{
  g_autofree char *path = g_build_filename (fixture->folder, rel, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GFile) directory = NULL;
  const char *user;

  fixture->engine = dockyard_test_connect_engine ();
  if (fixture->engine == NULL)
    return;

  fixture->parent = dockyard_test_make_shared_dir ("dockyard-sync");
  fixture->folder = g_build_filename (fixture->parent, "project", NULL);
  g_assert_cmpint (g_mkdir (fixture->folder, 0777), ==, 0);
  directory = g_file_new_for_path (fixture->folder);
  fixture->sync = dockyard_volume_sync_new (fixture->engine, directory);
  dockyard_volume_sync_set_image (fixture->sync, g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  user = dockyard_container_user_for_engine (fixture->engine, desktop_user (), NULL);
  dockyard_volume_sync_set_user (fixture->sync, user);
}

/* Runs @script (sh -c) as the dev user in a container with the volume at
 * /w, and returns what it printed. */
static char *
in_volume (Fixture    *fixture,
           const char *script)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) config = NULL;
  g_autofree char *id = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *user = dockyard_container_user_for_engine (fixture->engine, desktop_user (), NULL);
  int status;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Image");
  json_builder_add_string_value (builder, g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  json_builder_set_member_name (builder, "User");
  json_builder_add_string_value (builder, user != NULL ? user : "0:0");
  json_builder_set_member_name (builder, "Cmd");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "sh");
  json_builder_add_string_value (builder, "-c");
  json_builder_add_string_value (builder, script);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "Labels");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, DOCKYARD_LABEL_ROLE);
  json_builder_add_string_value (builder, "test");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "HostConfig");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "NetworkMode");
  json_builder_add_string_value (builder, "none");
  json_builder_set_member_name (builder, "Mounts");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Type");
  json_builder_add_string_value (builder, "volume");
  json_builder_set_member_name (builder, "Source");
  json_builder_add_string_value (builder, dockyard_volume_sync_get_volume_name (fixture->sync));
  json_builder_set_member_name (builder, "Target");
  json_builder_add_string_value (builder, "/w");
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  config = json_builder_get_root (builder);

  dockyard_engine_create_container_async (fixture->engine, NULL, config, NULL,
                                          dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  id = dockyard_engine_create_container_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  dockyard_engine_start_container_async (fixture->engine, id, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_engine_start_container_finish (fixture->engine, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  dockyard_engine_wait_container_async (fixture->engine, id, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  status = dockyard_engine_wait_container_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  dockyard_engine_read_container_logs_async (fixture->engine, id, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_engine_read_container_logs_finish (fixture->engine, result, &out, &err, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  dockyard_engine_remove_container_async (fixture->engine, id, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_engine_remove_container_finish (fixture->engine, result, &error));

  if (status != 0)
    g_test_message ("in the volume: %s: status %d, %s", script, status, err);
  return g_steal_pointer (&out);
}

static void
run_sync (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dockyard_volume_sync_run_async (fixture->sync, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  dockyard_volume_sync_run_finish (fixture->sync, result, &error);
  g_assert_no_error (error);
  g_assert_false (dockyard_volume_sync_get_busy (fixture->sync));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->engine != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/volumes/%s",
                                               dockyard_volume_sync_get_volume_name (fixture->sync));
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;

      /* No helper container is left. */
      g_assert_cmpuint (dockyard_test_count_labelled (fixture->engine, "io.github.dockyardapp.role", "sync"),
                        ==, 0);
      node = dockyard_test_request (fixture->engine, "DELETE", path, &error);
      g_assert_no_error (error);
    }

  if (fixture->parent != NULL)
    dockyard_test_remove_tree (fixture->parent);
  g_clear_object (&fixture->sync);
  g_clear_object (&fixture->engine);
  g_free (fixture->folder);
  g_free (fixture->parent);
}

static void
assert_strv (const char * const *strv,
             const char         *joined)
{
  g_autofree char *text = g_strjoinv (",", (char **) strv);

  g_assert_cmpstr (text, ==, joined);
}

static void
test_both_ways (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *b = NULL;
  g_autofree char *made = NULL;
  g_autofree char *ignored = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  write_file (fixture, "a.txt", "a1\n");
  write_file (fixture, "sub/b.txt", "b1\n");
  write_file (fixture, ".dockerignore", "ignored\n");
  write_file (fixture, "ignored/x", "not sent\n");
  run_sync (fixture);
  g_assert_cmpuint (dockyard_volume_sync_get_pushed (fixture->sync), ==, 3);
  g_assert_cmpuint (dockyard_volume_sync_get_pulled (fixture->sync), ==, 0);

  out = in_volume (fixture, "cat /w/a.txt /w/sub/b.txt; test -e /w/ignored/x || echo no-ignored; "
                            "test -w /w && echo writable");
  g_assert_cmpstr (out, ==, "a1\nb1\nno-ignored\nwritable\n");
  g_clear_pointer (&out, g_free);

  /* Nothing changed: nothing moves. */
  run_sync (fixture);
  g_assert_cmpuint (dockyard_volume_sync_get_pushed (fixture->sync), ==, 0);
  g_assert_cmpuint (dockyard_volume_sync_get_pulled (fixture->sync), ==, 0);

  /* Here: a.txt; there: sub/b.txt, a new file, one .dockerignore leaves out. */
  write_file (fixture, "a.txt", "a2 here\n");
  out = in_volume (fixture, "echo b2 there > /w/sub/b.txt && mkdir -p /w/new && echo made > /w/new/made.txt "
                            "&& mkdir -p /w/ignored && echo no > /w/ignored/y && echo ok");
  g_assert_cmpstr (out, ==, "ok\n");
  g_clear_pointer (&out, g_free);

  run_sync (fixture);
  g_assert_cmpuint (dockyard_volume_sync_get_pushed (fixture->sync), ==, 1);
  g_assert_cmpuint (dockyard_volume_sync_get_pulled (fixture->sync), ==, 2);
  assert_strv (dockyard_volume_sync_get_conflicts (fixture->sync), "");
  b = read_file (fixture, "sub/b.txt");
  made = read_file (fixture, "new/made.txt");
  ignored = read_file (fixture, "ignored/y");
  g_assert_cmpstr (b, ==, "b2 there\n");
  g_assert_cmpstr (made, ==, "made\n");
  g_assert_null (ignored);
  out = in_volume (fixture, "cat /w/a.txt");
  g_assert_cmpstr (out, ==, "a2 here\n");
}

static void
test_conflict (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *here = NULL;
  g_autofree char *remote = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  write_file (fixture, "c.txt", "base\n");
  run_sync (fixture);

  write_file (fixture, "c.txt", "edited here\n");
  out = in_volume (fixture, "echo 'edited there' > /w/c.txt && echo ok");
  g_assert_cmpstr (out, ==, "ok\n");
  g_clear_pointer (&out, g_free);

  run_sync (fixture);
  assert_strv (dockyard_volume_sync_get_conflicts (fixture->sync), "c.txt.remote");
  here = read_file (fixture, "c.txt");
  remote = read_file (fixture, "c.txt.remote");
  g_assert_cmpstr (here, ==, "edited here\n");
  g_assert_cmpstr (remote, ==, "edited there\n");
  /* Both versions on both sides. */
  out = in_volume (fixture, "cat /w/c.txt /w/c.txt.remote");
  g_assert_cmpstr (out, ==, "edited here\nedited there\n");

  /* And settled: the next sync finds nothing. */
  run_sync (fixture);
  assert_strv (dockyard_volume_sync_get_conflicts (fixture->sync), "");
  g_assert_cmpuint (dockyard_volume_sync_get_pushed (fixture->sync), ==, 0);
  g_assert_cmpuint (dockyard_volume_sync_get_pulled (fixture->sync), ==, 0);
}

static void
test_deletions (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *d1 = g_build_filename (fixture->folder ? fixture->folder : "", "d1", NULL);
  g_autofree char *d2 = g_build_filename (fixture->folder ? fixture->folder : "", "d2", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  write_file (fixture, "d1", "one\n");
  write_file (fixture, "d2", "two\n");
  write_file (fixture, "keep", "kept\n");
  run_sync (fixture);

  g_assert_cmpint (g_unlink (d1), ==, 0);
  out = in_volume (fixture, "rm /w/d2 && echo ok");
  g_assert_cmpstr (out, ==, "ok\n");
  g_clear_pointer (&out, g_free);

  /* Listed, and nothing deleted yet, also after another sync. */
  for (guint i = 0; i < 2; i++)
    {
      run_sync (fixture);
      assert_strv (dockyard_volume_sync_get_deleted_here (fixture->sync), "d1");
      assert_strv (dockyard_volume_sync_get_deleted_there (fixture->sync), "d2");
      g_assert_true (g_file_test (d2, G_FILE_TEST_EXISTS));
      out = in_volume (fixture, "ls /w");
      g_assert_cmpstr (out, ==, "d1\nkeep\n");
      g_clear_pointer (&out, g_free);
    }

  /* The user said yes. */
  dockyard_volume_sync_apply_deletions_async (fixture->sync, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_volume_sync_apply_deletions_finish (fixture->sync, result, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (d2, G_FILE_TEST_EXISTS));
  out = in_volume (fixture, "ls /w");
  g_assert_cmpstr (out, ==, "keep\n");

  run_sync (fixture);
  assert_strv (dockyard_volume_sync_get_deleted_here (fixture->sync), "");
  assert_strv (dockyard_volume_sync_get_deleted_there (fixture->sync), "");
}

static gboolean
output_has_done (gpointer data)
{
  GString *output = data;

  return strstr (output->str, "done") != NULL;
}

/* Through the dev session, as in the app: a command typed in the dev
 * container makes a file; it is here once the session stops. */
static void
test_dev_session (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(DockyardProject) project = NULL;
  g_autoptr(DockyardDevSession) session = NULL;
  g_autoptr(DockyardTtyStream) stream = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  g_autofree char *typed = NULL;
  gboolean closed = FALSE;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  write_file (fixture, "hello.txt", "from here\n");
  project = dockyard_test_open_project (fixture->folder);
  session = dockyard_dev_session_new (project, fixture->engine);
  dockyard_dev_session_set_image (session, g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  dockyard_dev_session_set_user (session, desktop_user ());

  dockyard_dev_session_start_async (session, 24, 80, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  stream = dockyard_dev_session_start_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (dockyard_dev_session_get_sync (session));
  g_clear_object (&result);

  dockyard_test_collect_tty (stream, output, &closed);
  {
    const char *typed_line = "cat hello.txt && echo typed > typed.txt && echo do''ne\n";

    dockyard_tty_stream_write (stream, typed_line, strlen (typed_line));
  }
  g_assert_true (dockyard_test_wait_until (output_has_done, output, 60));
  g_assert_nonnull (strstr (output->str, "from here"));

  dockyard_dev_session_stop_async (session, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_dev_session_stop_finish (session, result, &error));
  g_assert_no_error (error);
  dockyard_test_uncollect_tty (stream, output, &closed);

  typed = read_file (fixture, "typed.txt");
  g_assert_cmpstr (typed, ==, "typed\n");
  g_assert_cmpuint (dockyard_volume_sync_get_pulled (dockyard_dev_session_get_sync (session)), ==, 1);
}

/* A 100 MB file and 10,000 small ones: sent, then nothing to do. */
static void
test_big (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *big = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = g_malloc (100 << 20);
  gint64 start;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  for (gsize i = 0; i < (100 << 20); i++)
    contents[i] = (char) (i * 7 + i / 4096);
  big = g_build_filename (fixture->folder, "big.bin", NULL);
  g_file_set_contents (big, contents, 100 << 20, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *rel = g_strdup_printf ("many/%02u/file-%05u.txt", i % 100, i);
      g_autofree char *text = g_strdup_printf ("small file %u\n", i);

      write_file (fixture, rel, text);
    }

  start = g_get_monotonic_time ();
  run_sync (fixture);
  g_test_message ("first sync: %.2f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (dockyard_volume_sync_get_pushed (fixture->sync), ==, 10001);

  start = g_get_monotonic_time ();
  run_sync (fixture);
  g_test_message ("second sync, nothing changed: %.2f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (dockyard_volume_sync_get_pushed (fixture->sync), ==, 0);
  g_assert_cmpuint (dockyard_volume_sync_get_pulled (fixture->sync), ==, 0);

  out = in_volume (fixture, "find /w/many -type f | wc -l; md5sum < /w/big.bin");
  {
    g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_MD5, (guint8 *) contents, 100 << 20);
    g_autofree char *expected = g_strdup_printf ("10000\n%s  -\n", sum);

    g_assert_cmpstr (out, ==, expected);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state = g_dir_make_tmp ("dockyard-sync-state-XXXXXX", NULL);
  int ret;

  /* The manifests go here, not into the user's state folder. */
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("DOCKYARD_TREAT_ENGINE_AS_REMOTE", "1", TRUE);
  dockyard_test_init (&argc, &argv);

  g_test_add ("/volume-sync/both-ways", Fixture, NULL, fixture_setup, test_both_ways, fixture_teardown);
  g_test_add ("/volume-sync/conflict", Fixture, NULL, fixture_setup, test_conflict, fixture_teardown);
  g_test_add ("/volume-sync/deletions", Fixture, NULL, fixture_setup, test_deletions, fixture_teardown);
  g_test_add ("/volume-sync/dev-session", Fixture, NULL, fixture_setup, test_dev_session, fixture_teardown);
  if (g_strcmp0 (g_getenv ("DOCKYARD_TEST_SYNC_BIG"), "0") != 0)
    g_test_add ("/volume-sync/big", Fixture, NULL, fixture_setup, test_big, fixture_teardown);

  ret = g_test_run ();
  dockyard_test_remove_tree (state);
  return ret;
}
