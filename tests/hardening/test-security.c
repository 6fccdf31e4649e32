/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Security checks against the real engine: no command line is ever built
 * from a project's path, Jupyter is reachable from this machine only, and
 * the lab token stays out of Dockyard's logs and settings. */
#include "config.h"

#include <unistd.h>
#include <sys/wait.h>

#include "dockyard-dev-session.h"
#include "dockyard-lab-session.h"
#include "dockyard-recent-projects.h"
#include "dockyard-test-utils.h"

/* Everything Dockyard logs while the tests run, whatever the level. */
static GString *log_text;
static guint n_log_messages;
static GMutex log_lock;

static GLogWriterOutput
writer_cb (GLogLevelFlags   level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  g_mutex_lock (&log_lock);
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") || g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      {
        if (fields[i].length < 0)
          g_string_append (log_text, fields[i].value);
        else
          g_string_append_len (log_text, fields[i].value, fields[i].length);
        g_string_append_c (log_text, ' ');
      }
  g_string_append_c (log_text, '\n');
  n_log_messages++;
  g_mutex_unlock (&log_lock);

  /* Debug chatter is only collected; real problems still show. */
  if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) != 0)
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

/* No argv from user input ----------------------------------------------------- */

/* The dev container's command (app/project/dockyard-dev-session.c): a fixed
 * script that takes the shell from the environment, never from the path. */
static const char * const dev_launcher[] = {
  "/bin/sh", "-c",
  "if [ \"$1\" = lifecycle ]; then "
  "while [ ! -e \"$DOCKYARD_LIFECYCLE_MARK\" ]; do sleep 0.2 2>/dev/null || sleep 1; done; fi; "
  "if [ -n \"$DOCKYARD_WAIT_PASSWD\" ]; then i=0; "
  "while [ \"$i\" -lt 30 ] && { ! n=$(id -un 2>/dev/null) || [ \"$n\" = \"$(id -u)\" ]; }; "
  "do sleep 0.1; i=$((i+1)); done; fi; "
  "unset DOCKYARD_WAIT_PASSWD; "
  "if [ ! -d \"$HOME\" ] || [ ! -w \"$HOME\" ]; then export HOME=/tmp; fi; "
  "if command -v \"$DOCKYARD_SHELL\" >/dev/null 2>&1; then exec \"$DOCKYARD_SHELL\"; fi; "
  "exec /bin/sh",
  NULL
};

/* Shell syntax in every component of the project's path; each payload would
 * create a file named dockyard-pwned* somewhere if any of it reached a
 * shell, on the host or in a container.  No "/" can be in a file name, so
 * the absolute payloads span several folders. */
static char *
make_hostile_project (const char *parent,
                      char      **marker)
{
  g_autofree char *path = NULL;
  g_autofree char *file = NULL;
  g_autofree char *dockerfile = NULL;
  int pid = getpid ();

  *marker = g_strdup_printf ("dockyard-pwned-%d", pid);
  path = g_strdup_printf ("%s/x $(touch /tmp/%s-a) ; touch /tmp/%s-b 'q\" `touch /tmp/%s-c`"
                          "/$(touch %s-d) `touch %s-e` ; touch %s-f ; echo 'q\"",
                          parent, *marker, *marker, *marker, *marker, *marker, *marker);
  g_assert_no_errno (g_mkdir_with_parents (path, 0755));

  dockerfile = g_strdup_printf ("FROM %s\nCOPY . /src/\nRUN ls /src >/dev/null\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  file = g_build_filename (path, "Dockerfile", NULL);
  g_assert_true (g_file_set_contents (file, dockerfile, -1, NULL));
  g_free (file);
  file = g_strdup_printf ("%s/$(touch %s-g) `touch %s-h`", path, *marker, *marker);
  g_assert_true (g_file_set_contents (file, "data\n", -1, NULL));

  return g_steal_pointer (&path);
}

/* What a payload creates: MARKER-a ... MARKER-h, exactly (the folders of
 * the project's path hold the marker too, followed by more text). */
static gboolean
is_created_name (const char *name,
                 const char *marker)
{
  gsize len = strlen (marker);

  return g_str_has_prefix (name, marker) && strlen (name) == len + 2 && name[len] == '-';
}

/* Any file or folder whose name holds @marker, below @dir (not following links). */
static void
find_marker (const char *dir,
             const char *marker,
             gboolean    recursive,
             GPtrArray  *found)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (is_created_name (name, marker))
        g_ptr_array_add (found, g_strdup (path));
      if (recursive && g_file_test (path, G_FILE_TEST_IS_DIR) &&
          !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        find_marker (path, marker, TRUE, found);
    }
}

static void
assert_nothing_created (const char *parent,
                        const char *marker)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cwd = g_get_current_dir ();
  g_autoptr(GDir) tmp = g_dir_open ("/tmp", 0, NULL);
  const char *name;

  while (tmp != NULL && (name = g_dir_read_name (tmp)) != NULL)
    if (is_created_name (name, marker))
      g_ptr_array_add (found, g_build_filename ("/tmp", name, NULL));
  find_marker (parent, marker, TRUE, found);
  find_marker (g_get_home_dir (), marker, TRUE, found);
  find_marker (cwd, marker, FALSE, found);
  for (guint i = 0; i < found->len; i++)
    g_test_message ("created by an injected command: %s", (char *) g_ptr_array_index (found, i));
  g_assert_cmpuint (found->len, ==, 0);
}

static gboolean
output_has_marker (gpointer data)
{
  return strstr (((GString *) data)->str, "marker-42") != NULL;
}

static void
stop_lab (DockyardLabSession *lab)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dockyard_lab_session_stop_async (lab, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_lab_session_stop_finish (lab, result, &error));
  g_assert_no_error (error);
}

static void
start_lab (DockyardLabSession *lab)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dockyard_lab_session_set_image (lab, g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE"));
  dockyard_lab_session_start_async (lab, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  dockyard_lab_session_start_finish (lab, result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dockyard_lab_session_get_state (lab), ==, DOCKYARD_LAB_SESSION_RUNNING);
}

/* The container's configuration as the engine has it: the project's folder
 * bind-mounted from exactly its path, and a command that is a fixed argv
 * in which the path appears nowhere (neither whole nor any component). */
static JsonArray *
inspect_container (DockyardEngine *engine,
                   const char     *id,
                   const char     *folder,
                   JsonNode      **node_out)
{
  g_autofree char *path = g_strdup_printf ("/containers/%s/json", id);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) components = g_strsplit (folder, "/", -1);
  JsonObject *root, *config, *host_config;
  JsonArray *mounts, *cmd;
  JsonNode *entrypoint;
  guint n_binds = 0;

  *node_out = dockyard_test_request (engine, "GET", path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (*node_out);
  config = json_object_get_object_member (root, "Config");
  host_config = json_object_get_object_member (root, "HostConfig");

  /* The mount as requested and as the engine made it: byte for byte. */
  mounts = json_object_get_array_member (host_config, "Mounts");
  g_assert_cmpuint (json_array_get_length (mounts), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (mounts, 0), "Type"),
                   ==, "bind");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (mounts, 0), "Source"),
                   ==, folder);
  mounts = json_object_get_array_member (root, "Mounts");
  for (guint i = 0; i < json_array_get_length (mounts); i++)
    {
      JsonObject *mount = json_array_get_object_element (mounts, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (mount, "Type", NULL), "bind") != 0)
        continue;
      n_binds++;
      g_assert_cmpstr (json_object_get_string_member (mount, "Source"), ==, folder);
    }
  g_assert_cmpuint (n_binds, ==, 1);
  /* Binds (the "SRC:DST" strings, which a colon in the path would split)
   * are not used at all. */
  g_assert_true (!json_object_has_member (host_config, "Binds") ||
                 JSON_NODE_HOLDS_NULL (json_object_get_member (host_config, "Binds")));

  /* No entrypoint of ours (the test images have none either), and the path
   * in no element of the command. */
  entrypoint = json_object_get_member (config, "Entrypoint");
  g_assert_true (entrypoint == NULL || JSON_NODE_HOLDS_NULL (entrypoint) ||
                 json_array_get_length (json_node_get_array (entrypoint)) == 0);
  cmd = json_object_get_array_member (config, "Cmd");
  for (guint i = 0; i < json_array_get_length (cmd); i++)
    {
      const char *arg = json_array_get_string_element (cmd, i);

      g_test_message ("Cmd[%u] = %s", i, arg);
      for (guint j = 0; components[j] != NULL; j++)
        if (strlen (components[j]) > 3)
          g_assert_null (strstr (arg, components[j]));
    }

  return cmd;
}

static void
assert_cmd (JsonArray          *cmd,
            const char * const *expected)
{
  g_assert_cmpuint (json_array_get_length (cmd), ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (json_array_get_string_element (cmd, i), ==, expected[i]);
}

static void
test_no_shell_injection (void)
{
  g_autoptr(DockyardEngine) engine = dockyard_test_connect_engine ();
  g_autofree char *parent = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *binary = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected_list = NULL;
  g_auto(GStrv) quiet_env = NULL;
  g_autoptr(DockyardProject) project = NULL;
  g_autoptr(JsonNode) dev_inspect = NULL;
  g_autoptr(JsonNode) lab_inspect = NULL;
  g_autoptr(DockyardDevSession) dev = NULL;
  g_autoptr(DockyardLabSession) lab = NULL;
  g_autoptr(DockyardTtyStream) stream = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  const char *argv[] = { NULL, "--build", NULL, NULL };
  const char *command = "ls -a / /tmp; echo marker-$((40+2))\n";
  int status;

  DOCKYARD_TEST_REQUIRE_ENGINE (engine);

  parent = dockyard_test_make_shared_dir ("dockyard-hardening");
  folder = make_hostile_project (parent, &marker);
  g_test_message ("project folder: %s", folder);

  binary = g_build_filename (g_getenv ("DOCKYARD_BUILD_DIR"), "app", "dockyard", NULL);
  argv[0] = binary;
  argv[2] = folder;

  /* 0. dockyard --context-list DIR: what a build sends, names as they are
   * (GLib's debug messages would go to the same stdout). */
  argv[1] = "--context-list";
  quiet_env = g_environ_unsetenv (g_get_environ (), "G_MESSAGES_DEBUG");
  g_spawn_sync (NULL, (char **) argv, quiet_env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  expected_list = g_strdup_printf ("$(touch %s-g) `touch %s-h`\nDockerfile\n", marker, marker);
  g_assert_cmpstr (out, ==, expected_list);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  assert_nothing_created (parent, marker);

  /* 1. dockyard --build DIR: the whole build path, context included. */
  argv[1] = "--build";
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("dockyard --build failed on the hostile folder:\n%s%s", out, err);
  assert_nothing_created (parent, marker);

  /* 2. A dev session with the folder bind-mounted, and a shell in it. */
  project = dockyard_test_open_project (folder);
  dev = dockyard_dev_session_new (project, engine);
  dockyard_dev_session_set_image (dev, g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  dockyard_dev_session_set_user (dev, "1000:1000");
  dockyard_dev_session_start_async (dev, 24, 200, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  stream = dockyard_dev_session_start_finish (dev, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  dockyard_test_collect_tty (stream, output, NULL);
  dockyard_tty_stream_write (stream, command, strlen (command));
  if (!dockyard_test_wait_until (output_has_marker, output, 30))
    g_error ("the dev shell did not answer:\n%s", output->str);
  /* Nothing was created in the container's / or /tmp either. */
  g_assert_null (strstr (output->str, marker));
  /* The folder went to the engine as one path, the command is the fixed
   * launcher. */
  g_assert_cmpstr (dockyard_project_get_host_path (project), ==, folder);
  assert_cmd (inspect_container (engine, dockyard_dev_session_get_container_id (dev), folder,
                                 &dev_inspect),
              dev_launcher);
  dockyard_dev_session_stop_async (dev, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_dev_session_stop_finish (dev, result, &error));
  g_clear_object (&result);
  g_signal_handlers_disconnect_by_data (stream, output);
  assert_nothing_created (parent, marker);

  /* 3. A lab session: Jupyter serving the folder. */
  lab = dockyard_lab_session_new (project, engine);
  start_lab (lab);
  {
    g_autofree char *port = g_strdup_printf ("--port=%u", dockyard_lab_session_get_port (lab));
    JsonArray *cmd = inspect_container (engine, dockyard_lab_session_get_container_id (lab),
                                        folder, &lab_inspect);
    g_autofree char *jupyter = g_path_get_basename (json_array_get_string_element (cmd, 0));
    /* Jupyter's own options only.  On the host's network (an engine without
     * a bridge) it listens on loopback itself; in its own namespace the
     * engine publishes it on loopback.  It never moves to another port
     * (issue 16, item 14). */
    const char *expected[] = { json_array_get_string_element (cmd, 0), "--no-browser",
                               dockyard_engine_get_has_bridge (engine) ? "--ip=0.0.0.0"
                                                                       : "--ip=127.0.0.1",
                               port, "--port-retries=0", "--allow-root", NULL };

    g_assert_true (g_str_has_prefix (jupyter, "jupyter"));
    assert_cmd (cmd, expected);
  }
  stop_lab (lab);
  assert_nothing_created (parent, marker);

  g_assert_cmpuint (dockyard_test_count_containers (engine, folder), ==, 0);
  dockyard_test_remove_tree (parent);
}

/* Jupyter on loopback only --------------------------------------------------- */

/* Local addresses of the sockets listening on @port, from /proc/net/tcp{,6}
 * (the lab shares this network namespace in host mode). */
static GPtrArray *
listening_addresses (guint port)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_free);
  const char *files[] = { "/proc/net/tcp", "/proc/net/tcp6" };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (files[f], &contents, NULL, NULL))
        continue;
      lines = g_strsplit (contents, "\n", -1);
      /* "  sl  local_address rem_address   st ..."; "0100007F:22B8 00000000:0000 0A" */
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_auto(GStrv) cols = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
          g_autoptr(GPtrArray) words = g_ptr_array_new ();
          const char *colon;

          for (guint j = 0; cols[j] != NULL; j++)
            if (*cols[j] != '\0')
              g_ptr_array_add (words, cols[j]);
          if (words->len < 4 || !g_str_equal (g_ptr_array_index (words, 3), "0A"))
            continue;
          colon = strchr (g_ptr_array_index (words, 1), ':');
          if (colon == NULL || g_ascii_strtoull (colon + 1, NULL, 16) != port)
            continue;
          g_ptr_array_add (addresses, g_strndup (g_ptr_array_index (words, 1),
                                                 colon - (const char *) g_ptr_array_index (words, 1)));
        }
    }

  return addresses;
}

static gboolean
is_loopback_hex (const char *hex)
{
  /* IPv4 127.x.x.x in /proc's little-endian hex, ::1, ::ffff:127.x.x.x */
  if (strlen (hex) == 8)
    return g_ascii_strcasecmp (hex + 6, "7F") == 0;
  return g_ascii_strcasecmp (hex, "00000000000000000000000001000000") == 0 ||
         (g_ascii_strncasecmp (hex, "0000000000000000FFFF0000", 24) == 0 &&
          g_ascii_strcasecmp (hex + 30, "7F") == 0);
}

static void
test_lab_loopback_only (void)
{
  g_autoptr(DockyardEngine) engine = dockyard_test_connect_engine ();
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autoptr(DockyardProject) project = NULL;
  g_autoptr(DockyardLabSession) lab = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *host_config;
  JsonNode *bindings;
  const char *network_mode;
  guint port;

  DOCKYARD_TEST_REQUIRE_ENGINE (engine);

  folder = dockyard_test_make_shared_dir ("dockyard-hardening");
  project = dockyard_test_open_project (folder);
  lab = dockyard_lab_session_new (project, engine);
  start_lab (lab);
  port = dockyard_lab_session_get_port (lab);

  path = g_strdup_printf ("/containers/%s/json", dockyard_lab_session_get_container_id (lab));
  node = dockyard_test_request (engine, "GET", path, &error);
  g_assert_no_error (error);
  host_config = json_object_get_object_member (json_node_get_object (node), "HostConfig");
  network_mode = json_object_get_string_member_with_default (host_config, "NetworkMode", "");
  bindings = json_object_get_member (host_config, "PortBindings");
  g_test_message ("lab container: NetworkMode %s, port %u", network_mode, port);

  if (g_str_equal (network_mode, "host"))
    {
      g_autoptr(GPtrArray) addresses = listening_addresses (port);

      /* Nothing published; Jupyter itself listens on loopback only. */
      g_assert_true (bindings == NULL || JSON_NODE_HOLDS_NULL (bindings) ||
                     json_object_get_size (json_node_get_object (bindings)) == 0);
      g_assert_cmpuint (addresses->len, >=, 1);
      for (guint i = 0; i < addresses->len; i++)
        {
          g_test_message ("listening on port %u at %s", port, (char *) g_ptr_array_index (addresses, i));
          g_assert_true (is_loopback_hex (g_ptr_array_index (addresses, i)));
        }
    }
  else
    {
      JsonObject *ports;
      GList *members;
      guint n = 0;

      /* Published, and on 127.0.0.1 only: never 0.0.0.0 or "" (all). */
      g_assert_true (bindings != NULL && JSON_NODE_HOLDS_OBJECT (bindings));
      ports = json_node_get_object (bindings);
      members = json_object_get_members (ports);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonArray *list = json_object_get_array_member (ports, l->data);

          for (guint i = 0; i < json_array_get_length (list); i++)
            {
              JsonObject *binding = json_array_get_object_element (list, i);

              g_assert_cmpstr (json_object_get_string_member_with_default (binding, "HostIp", ""),
                               ==, "127.0.0.1");
              n++;
            }
        }
      g_list_free (members);
      g_assert_cmpuint (n, >=, 1);
    }

  stop_lab (lab);
  dockyard_test_remove_tree (folder);
}

/* The token stays secret -------------------------------------------------------- */

static void
check_settings_value (GSettings  *settings,
                      const char *key,
                      const char *token)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, key);
  g_autofree char *text = g_variant_print (value, FALSE);

  g_test_message ("settings %s = %s", key, text);
  g_assert_null (strstr (text, token));
}

static void
test_token_not_kept (void)
{
  g_autoptr(DockyardEngine) engine = dockyard_test_connect_engine ();
  g_autofree char *folder = NULL;
  g_autofree char *token = NULL;
  g_autoptr(DockyardProject) project = NULL;
  g_autoptr(DockyardLabSession) lab = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(DockyardRecentProjects) recent = NULL;
  g_autoptr(GFile) directory = NULL;
  g_auto(GStrv) keys = NULL;
  const char *url;
  guint before;

  DOCKYARD_TEST_REQUIRE_ENGINE (engine);

  /* The app keeps its recent projects in GSettings (the memory backend
   * here): open the project the way the app does. */
  settings = g_settings_new (APP_ID);
  recent = dockyard_recent_projects_new (settings);
  folder = dockyard_test_make_shared_dir ("dockyard-hardening");
  directory = g_file_new_for_path (folder);
  dockyard_recent_projects_add (recent, directory);

  g_mutex_lock (&log_lock);
  before = n_log_messages;
  g_mutex_unlock (&log_lock);

  project = dockyard_test_open_project (folder);
  lab = dockyard_lab_session_new (project, engine);
  start_lab (lab);
  url = dockyard_lab_session_get_url (lab);
  g_assert_nonnull (strstr (url, "token="));
  token = g_strdup (strstr (url, "token=") + strlen ("token="));
  g_assert_cmpuint (strlen (token), >=, 32);
  dockyard_recent_projects_set_build_state (recent, directory, DOCKYARD_RECENT_BUILD_SUCCEEDED);
  stop_lab (lab);

  /* Not in anything Dockyard logged, at any level (G_MESSAGES_DEBUG=all). */
  g_mutex_lock (&log_lock);
  g_test_message ("%u log messages while the lab ran", n_log_messages - before);
  g_assert_null (strstr (log_text->str, token));
  g_mutex_unlock (&log_lock);

  /* Not in any setting, the recent-projects list included. */
  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  g_assert_true (g_strv_contains ((const char * const *) keys, "recent-projects"));
  for (guint i = 0; keys[i] != NULL; i++)
    check_settings_value (settings, keys[i], token);

  dockyard_test_remove_tree (folder);
}

int
main (int   argc,
      char *argv[])
{
  /* Before anything can log: every message, debug included, is collected. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  log_text = g_string_new (NULL);
  g_log_set_writer_func (writer_cb, NULL, NULL);

  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/security/no-shell-injection", test_no_shell_injection);
  g_test_add_func ("/security/lab-loopback-only", test_lab_loopback_only);
  g_test_add_func ("/security/token-not-kept", test_token_not_kept);

  return g_test_run ();
}
