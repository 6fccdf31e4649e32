/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "dockyard-engine.h"
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

int
main (int   argc,
      char *argv[])
{
  const char *host = g_getenv ("DOCKER_HOST");
  const char *cert_path = g_getenv ("DOCKER_CERT_PATH");
  int status;

  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/remote/address/plain-tcp", test_plain_tcp_off_loopback_refused);
  g_test_add_func ("/remote/address/tls-without-ca", test_tls_without_ca);
  g_test_add_func ("/remote/refused", test_refused);
  g_test_add_func ("/remote/address/ssh", test_ssh_address);

  /* The TLS listener of the private engine (tests/run with DOCKYARD_TEST_TLS_PORT). */
  if (host != NULL && g_str_has_prefix (host, "tcp://") && cert_path != NULL &&
      g_getenv ("DOCKER_TLS_VERIFY") != NULL)
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

  status = g_test_run ();
  g_free (ssh_address);
  g_free (tls.address);
  g_free (tls.cert_path);
  g_free (tls.tls_root);
  return status;
}
