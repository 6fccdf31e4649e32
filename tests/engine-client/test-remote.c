/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "dockyard-dev-session.h"
#include "dockyard-docker-context.h"
#include "dockyard-engine.h"
#include "dockyard-lab-session.h"
#include "dockyard-test-utils.h"

/* Engines on the network (issue 20): tcp:// addresses, TLS as the docker
 * CLI reads it, and errors that say which engine and what to fix.  The TLS
 * tests run when DOCKER_HOST is the private engine's TLS listener
 * (tests/run-engines docker-tls); the rest needs no engine. */

static DockyardEngine *
connect_at (const char  *address,
            GError     **error)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new_for_address (address, error);
  g_autoptr(GAsyncResult) result = NULL;

  if (engine == NULL)
    return NULL;

  dockyard_engine_connect_async (engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  if (!dockyard_engine_connect_finish (engine, result, error))
    return NULL;
  return g_steal_pointer (&engine);
}

/* A loopback port nothing listens on (just closed). */
static guint16
free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

static void
test_plain_tcp_off_loopback_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEngine) engine = NULL;
  g_autofree char *warning = NULL;

  g_unsetenv ("DOCKER_TLS_VERIFY");
  /* A documentation address: nothing is sent, the address alone is refused. */
  engine = dockyard_engine_new_for_address ("tcp://192.0.2.10:2375", &error);
  g_assert_null (engine);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT);
  g_assert_nonnull (strstr (error->message, "tcp://192.0.2.10:2375"));
  g_assert_nonnull (strstr (error->message, "only over TLS"));
  g_clear_error (&error);

  engine = dockyard_engine_new_for_address ("tcp://127.0.0.1", &error);
  g_assert_no_error (error);
  g_assert_true (dockyard_engine_get_is_remote (engine));
  g_assert_cmpstr (dockyard_engine_get_address (engine), ==, "tcp://127.0.0.1:2375");
  g_assert_null (dockyard_engine_get_socket_path (engine));
  /* Allowed on loopback, but the user is told (the window's engine row). */
  warning = dockyard_engine_dup_security_warning (engine);
  g_assert_nonnull (strstr (warning, "without TLS"));
  g_clear_object (&engine);

  engine = dockyard_engine_new_for_address ("tcp://[::1]:4000", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dockyard_engine_get_address (engine), ==, "tcp://[::1]:4000");
  g_clear_object (&engine);

  engine = dockyard_engine_new_for_address ("tcp://127.0.0.1:2375/some/path", &error);
  g_assert_null (engine);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT);
  g_clear_error (&error);

  engine = dockyard_engine_new_for_address ("/run/some.sock", &error);
  g_assert_no_error (error);
  g_assert_false (dockyard_engine_get_is_remote (engine));
  g_assert_null (dockyard_engine_dup_security_warning (engine));
  g_assert_cmpstr (dockyard_engine_get_address (engine), ==, "/run/some.sock");
}

static void
test_tls_without_ca (void)
{
  g_autofree char *folder = g_dir_make_tmp ("dockyard-certs-XXXXXX", NULL);
  g_autofree char *ca = g_build_filename (folder, "ca.pem", NULL);
  g_autofree char *cert = g_build_filename (folder, "cert.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEngine) engine = NULL;

  g_setenv ("DOCKER_TLS_VERIFY", "1", TRUE);
  g_setenv ("DOCKER_CERT_PATH", folder, TRUE);

  engine = dockyard_engine_new_for_address ("tcp://127.0.0.1:2376", &error);
  g_assert_null (engine);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT);
  g_assert_nonnull (strstr (error->message, ca));
  g_clear_error (&error);

  /* A CA that is no certificate, then a cert.pem without its key. */
  g_assert_true (g_file_set_contents (ca, "not a certificate\n", -1, NULL));
  engine = dockyard_engine_new_for_address ("tcp://127.0.0.1:2376", &error);
  g_assert_null (engine);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "cannot be read"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (cert, "x\n", -1, NULL));
  g_unlink (ca);
  dockyard_test_remove_tree (folder);
  g_unsetenv ("DOCKER_TLS_VERIFY");
  g_unsetenv ("DOCKER_CERT_PATH");
}

static void
test_refused (void)
{
  g_autofree char *address = g_strdup_printf ("tcp://127.0.0.1:%u", free_port ());
  g_autofree char *expected = g_strdup_printf ("The engine at %s refused the connection: ", address);
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEngine) engine = NULL;

  g_unsetenv ("DOCKER_TLS_VERIFY");
  engine = connect_at (address, &error);
  g_assert_null (engine);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NO_ENGINE);
  g_assert_true (g_str_has_prefix (error->message, expected));
}

/* TLS, against the private engine's listener ------------------------------- */

typedef struct
{
  char *address;
  char *cert_path;
  char *tls_root;
} Tls;

static Tls tls;

static void
test_tls_connects (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEngine) engine = NULL;

  g_setenv ("DOCKER_TLS_VERIFY", "1", TRUE);
  g_setenv ("DOCKER_CERT_PATH", tls.cert_path, TRUE);
  engine = connect_at (tls.address, &error);
  g_assert_no_error (error);
  g_assert_true (dockyard_engine_get_is_remote (engine));
  g_assert_cmpstr (dockyard_engine_get_address (engine), ==, tls.address);
  g_assert_nonnull (dockyard_engine_get_api_version (engine));
  g_assert_null (dockyard_engine_dup_security_warning (engine));
}

static void
test_tls_refused_plain (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEngine) engine = NULL;

  /* Plain HTTP to the TLS listener gets no engine either. */
  g_unsetenv ("DOCKER_TLS_VERIFY");
  engine = connect_at (tls.address, &error);
  g_assert_null (engine);
  g_assert_nonnull (error);
  g_test_message ("plain HTTP: %s", error->message);
  /* The engine's own words: "Client sent an HTTP request to an HTTPS server." */
  g_assert_nonnull (strstr (error->message, "HTTPS"));
}

static void
test_tls_wrong_ca (void)
{
  g_autofree char *folder = g_build_filename (tls.tls_root, "wrong-ca", NULL);
  g_autofree char *ca = g_build_filename (folder, "ca.pem", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEngine) engine = NULL;

  g_setenv ("DOCKER_TLS_VERIFY", "1", TRUE);
  g_setenv ("DOCKER_CERT_PATH", folder, TRUE);
  engine = connect_at (tls.address, &error);
  g_assert_null (engine);
  g_test_message ("wrong CA: %s", error->message);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TLS);
  expected = g_strdup_printf ("The engine at %s is not trusted: its certificate is not signed by "
                              "the CA in %s", tls.address, ca);
  g_assert_true (g_str_has_prefix (error->message, expected));
}

static void
test_tls_no_client_cert (void)
{
  g_autofree char *folder = g_build_filename (tls.tls_root, "no-client-cert", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEngine) engine = NULL;

  g_setenv ("DOCKER_TLS_VERIFY", "1", TRUE);
  g_setenv ("DOCKER_CERT_PATH", folder, TRUE);
  engine = connect_at (tls.address, &error);
  g_assert_null (engine);
  g_test_message ("no client certificate: %s", error->message);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TLS);
  expected = g_strdup_printf ("The engine at %s refused the TLS connection: it wants a client "
                              "certificate, and %s has no cert.pem and key.pem", tls.address,
                              folder);
  g_assert_true (g_str_has_prefix (error->message, expected));
}

/* ssh, through the suite's sshd ----------------------------------------- */

static char *ssh_address;

static void
test_ssh_address (void)
{
  const char *bad[] = {
    "ssh://-oProxyCommand=touch%20x",  /* would be an option of ssh */
    "ssh://-oProxyCommand=x@host",
    "ssh://me:secret@host",
    "ssh://host/some/path",
    "ssh://",
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(DockyardEngine) engine = dockyard_engine_new_for_address (bad[i], &error);

      g_assert_null (engine);
      g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT);
      g_clear_error (&error);
    }
}

static void
test_ssh_connects (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEngine) engine = connect_at (ssh_address, &error);

  g_assert_no_error (error);
  g_assert_true (dockyard_engine_get_is_remote (engine));
  g_assert_cmpstr (dockyard_engine_get_address (engine), ==, ssh_address);
  g_assert_null (dockyard_engine_get_socket_path (engine));
  g_assert_null (dockyard_engine_dup_security_warning (engine));
}

static void
test_ssh_unknown_host_key (void)
{
  g_autoptr(GUri) uri = g_uri_parse (ssh_address, G_URI_FLAGS_NONE, NULL);
  g_autofree char *address = g_strdup_printf ("ssh://root@localhost:%d", g_uri_get_port (uri));
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEngine) engine = NULL;
  gint64 start = g_get_monotonic_time ();

  /* The test's ssh config knows 127.0.0.1's host key, not localhost's:
   * ssh must refuse, at once, instead of asking whether to trust it. */
  engine = connect_at (address, &error);
  g_assert_null (engine);
  g_test_message ("unknown host key: %s", error->message);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NO_ENGINE);
  expected = g_strdup_printf ("The engine at %s cannot be reached through ssh: ", address);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_assert_nonnull (strstr (error->message, "Host key verification failed."));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 9 * G_USEC_PER_SEC);
}

/* An engine on another computer cannot bind-mount the project folder: Dev
 * copies the project into a volume there instead (test-volume-sync), and
 * the Lab goes through a port relay, so here both fail only reaching the
 * engine (the ssh host does not exist). */
static void
test_not_on_this_computer (void)
{
  g_autofree char *folder = g_dir_make_tmp ("dockyard-remote-project-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEngine) engine = NULL;
  g_autoptr(DockyardEngine) local = NULL;
  g_autoptr(DockyardProject) project = NULL;
  g_autoptr(DockyardDevSession) dev = NULL;
  g_autoptr(DockyardLabSession) lab = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(DockyardTtyStream) stream = NULL;

  engine = dockyard_engine_new_for_address ("ssh://me@gpu-box.invalid", &error);
  g_assert_no_error (error);
  g_assert_true (dockyard_engine_get_is_remote (engine));
  g_assert_false (dockyard_engine_get_is_on_this_computer (engine));

  /* Loopback addresses are this computer (as the suite's TLS and ssh engines). */
  local = dockyard_engine_new_for_address ("ssh://root@127.0.0.1:2222", &error);
  g_assert_no_error (error);
  g_assert_true (dockyard_engine_get_is_on_this_computer (local));
  g_clear_object (&local);
  g_unsetenv ("DOCKER_TLS_VERIFY");
  local = dockyard_engine_new_for_address ("tcp://[::1]:2375", &error);
  g_assert_no_error (error);
  g_assert_true (dockyard_engine_get_is_on_this_computer (local));

  project = dockyard_test_open_project (folder);
  dev = dockyard_dev_session_new (project, engine);
  dockyard_dev_session_set_image (dev, "busybox:1.35.0");
  dockyard_dev_session_start_async (dev, 24, 80, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  stream = dockyard_dev_session_start_finish (dev, result, &error);
  g_assert_null (stream);
  /* Dev goes on with a volume there (test-volume-sync): here it fails
   * reaching the engine, not with a refusal. */
  g_assert_nonnull (error);
  g_test_message ("dev: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "The engine at ssh://me@gpu-box.invalid cannot be reached"));
  g_assert_cmpint (dockyard_dev_session_get_state (dev), ==, DOCKYARD_DEV_SESSION_FAILED);
  g_clear_error (&error);
  g_clear_object (&result);

  lab = dockyard_lab_session_new (project, engine);
  dockyard_lab_session_set_image (lab, "python:3.11.2");
  dockyard_lab_session_start_async (lab, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  /* The lab goes ahead (through a port relay, /lab-session/remote-relayed):
   * here it fails only because that host cannot be reached. */
  g_assert_false (dockyard_lab_session_start_finish (lab, result, &error));
  g_test_message ("lab: %s", error->message);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED));
  g_assert_nonnull (strstr (error->message, "ssh://me@gpu-box.invalid"));

  dockyard_test_remove_tree (folder);
}

/* Docker contexts ------------------------------------------------------- */

static void
write_context (const char *config,
               const char *name,
               const char *host,
               const char *cert_path)
{
  g_autofree char *ctl = g_build_filename (g_getenv ("DOCKYARD_SOURCE_DIR"), "tests", "engine",
                                           "dockyard-test-context", NULL);
  const char *argv[] = { ctl, config, name, host, cert_path, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
test_context_read (void)
{
  g_autofree char *config = g_dir_make_tmp ("dockyard-docker-config-XXXXXX", NULL);
  g_autofree char *config_json = g_build_filename (config, "config.json", NULL);
  g_autofree char *certs = g_dir_make_tmp ("dockyard-certs-XXXXXX", NULL);
  g_autofree char *ca = g_build_filename (certs, "ca.pem", NULL);
  g_autofree char *broken = NULL;
  g_autofree char *broken_id = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "broken", -1);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(DockyardDockerContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *current = NULL;
  DockyardDockerContext *first, *second;

  g_setenv ("DOCKER_CONFIG", config, TRUE);
  g_unsetenv ("DOCKER_CONTEXT");
  g_assert_true (g_file_set_contents (ca, "ca\n", -1, NULL));
  write_context (config, "gpu-box", "ssh://me@gpu-box:2222", NULL);
  write_context (config, "build-box", "tcp://build-box:2376", certs);
  broken = g_build_filename (config, "contexts", "meta", broken_id, NULL);
  g_assert_cmpint (g_mkdir_with_parents (broken, 0700), ==, 0);
  g_free (g_steal_pointer (&broken));
  broken = g_build_filename (config, "contexts", "meta", broken_id, "meta.json", NULL);
  g_assert_true (g_file_set_contents (broken, "{not json", -1, NULL));

  /* Listed by name; the unreadable one left out. */
  list = dockyard_docker_context_list ();
  g_assert_cmpuint (list->len, ==, 2);
  first = g_ptr_array_index (list, 0);
  second = g_ptr_array_index (list, 1);
  g_assert_cmpstr (first->name, ==, "build-box");
  g_assert_cmpstr (first->host, ==, "tcp://build-box:2376");
  g_assert_nonnull (first->tls_folder);
  g_assert_true (g_str_has_suffix (first->tls_folder, "/docker"));
  g_assert_cmpstr (first->description, ==, "Dockyard test engine");
  g_assert_cmpstr (second->name, ==, "gpu-box");
  g_assert_cmpstr (second->host, ==, "ssh://me@gpu-box:2222");
  g_assert_null (second->tls_folder);

  /* currentContext, then DOCKER_CONTEXT over it; "default" is none. */
  g_assert_null (dockyard_docker_context_current ());
  g_assert_true (g_file_set_contents (config_json, "{\"currentContext\": \"gpu-box\"}", -1, NULL));
  current = dockyard_docker_context_current ();
  g_assert_cmpstr (current, ==, "gpu-box");
  g_free (g_steal_pointer (&current));
  g_setenv ("DOCKER_CONTEXT", "build-box", TRUE);
  current = dockyard_docker_context_current ();
  g_assert_cmpstr (current, ==, "build-box");
  g_setenv ("DOCKER_CONTEXT", "default", TRUE);
  g_assert_null (dockyard_docker_context_current ());

  context = dockyard_docker_context_load ("nowhere", &error);
  g_assert_null (context);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT);
  g_assert_nonnull (strstr (error->message, "“nowhere”"));
  g_clear_error (&error);

  context = dockyard_docker_context_load ("broken", &error);
  g_assert_null (context);
  g_assert_nonnull (strstr (error->message, broken));

  g_unsetenv ("DOCKER_CONTEXT");
  g_unsetenv ("DOCKER_CONFIG");
  dockyard_test_remove_tree (config);
  dockyard_test_remove_tree (certs);
}

static char *remote_host;
static char *remote_cert_path;

/* The engine found through the current context, as the app finds it. */
static void
test_context_connect (void)
{
  g_autofree char *config = g_dir_make_tmp ("dockyard-docker-config-XXXXXX", NULL);
  g_autofree char *saved_host = g_strdup (g_getenv ("DOCKER_HOST"));
  g_autoptr(DockyardEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  write_context (config, "remote-test", remote_host,
                 remote_cert_path != NULL && *remote_cert_path != '\0' ? remote_cert_path : NULL);
  g_setenv ("DOCKER_CONFIG", config, TRUE);
  g_setenv ("DOCKER_CONTEXT", "remote-test", TRUE);
  g_unsetenv ("DOCKER_HOST");
  g_unsetenv ("DOCKER_TLS_VERIFY");
  g_unsetenv ("DOCKER_CERT_PATH");

  dockyard_engine_discover_async (NULL, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  engine = dockyard_engine_discover_finish (result, &error);
  g_assert_no_error (error);
  g_assert_true (dockyard_engine_get_is_remote (engine));
  g_assert_cmpstr (dockyard_engine_get_address (engine), ==, remote_host);
  g_clear_object (&engine);
  g_clear_object (&result);

  /* A context that does not check the engine's certificate is refused. */
  if (g_str_has_prefix (remote_host, "tcp://"))
    {
      g_autofree char *id = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "remote-test", -1);
      g_autofree char *meta = g_build_filename (config, "contexts", "meta", id, "meta.json", NULL);
      g_autofree char *text = NULL;
      g_autofree char *skipping = NULL;
      g_auto(GStrv) parts = NULL;

      g_assert_true (g_file_get_contents (meta, &text, NULL, NULL));
      parts = g_strsplit (text, "\"SkipTLSVerify\": false", -1);
      skipping = g_strjoinv ("\"SkipTLSVerify\": true", parts);
      g_assert_true (g_file_set_contents (meta, skipping, -1, NULL));
      engine = dockyard_engine_new_for_context ("remote-test", &error);
      g_assert_null (engine);
      g_assert_nonnull (strstr (error->message, "SkipTLSVerify"));
    }

  g_unsetenv ("DOCKER_CONTEXT");
  g_unsetenv ("DOCKER_CONFIG");
  if (saved_host != NULL)
    g_setenv ("DOCKER_HOST", saved_host, TRUE);
  dockyard_test_remove_tree (config);
}

int
main (int   argc,
      char *argv[])
{
  const char *host = g_getenv ("DOCKYARD_TEST_REMOTE_HOST");
  const char *cert_path = g_getenv ("DOCKYARD_TEST_REMOTE_CERT_PATH");
  int status;

  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/remote/address/plain-tcp", test_plain_tcp_off_loopback_refused);
  g_test_add_func ("/remote/address/tls-without-ca", test_tls_without_ca);
  g_test_add_func ("/remote/refused", test_refused);
  g_test_add_func ("/remote/address/ssh", test_ssh_address);
  g_test_add_func ("/remote/not-on-this-computer", test_not_on_this_computer);

  /* The TLS listener of the private engine (tests/run with DOCKYARD_TEST_TLS_PORT). */
  g_test_add_func ("/remote/context/read", test_context_read);

  if (host != NULL && g_str_has_prefix (host, "tcp://") && cert_path != NULL && *cert_path != '\0')
    {
      tls.address = g_strdup (host);
      tls.cert_path = g_strdup (cert_path);
      tls.tls_root = g_path_get_dirname (cert_path);
      g_test_add_func ("/remote/tls/connects", test_tls_connects);
      g_test_add_func ("/remote/tls/plain-http-to-tls", test_tls_refused_plain);
      g_test_add_func ("/remote/tls/wrong-ca", test_tls_wrong_ca);
      g_test_add_func ("/remote/tls/no-client-certificate", test_tls_no_client_cert);
    }

  /* The suite's sshd in front of the private engine (DOCKYARD_TEST_SSH_PORT). */
  if (host != NULL && g_str_has_prefix (host, "ssh://"))
    {
      ssh_address = g_strdup (host);
      g_test_add_func ("/remote/ssh/connects", test_ssh_connects);
      g_test_add_func ("/remote/ssh/unknown-host-key", test_ssh_unknown_host_key);
    }

  /* It changes the environment the other tests read, and puts it back. */
  if (host != NULL && *host != '\0')
    {
      remote_host = g_strdup (host);
      remote_cert_path = g_strdup (cert_path);
      g_test_add_func ("/remote/context/connect", test_context_connect);
    }

  status = g_test_run ();
  g_free (remote_host);
  g_free (remote_cert_path);
  g_free (ssh_address);
  g_free (tls.address);
  g_free (tls.cert_path);
  g_free (tls.tls_root);
  return status;
}
