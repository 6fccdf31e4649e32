/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Folders picked inside the Flatpak sandbox, mapped to the paths the
 * container engine on the host can bind-mount.  The sandbox is simulated: a
 * marker file stands for /.flatpak-info and a temporary folder for
 * $XDG_RUNTIME_DIR, whose doc/ entries carry the document portal's
 * user.document-portal.host-path xattr. */
#include "config.h"

#include <errno.h>
#include <sys/xattr.h>

#include "dockyard-host-path.h"
#include "dockyard-test-utils.h"

#define HOST_PATH_XATTR "user.document-portal.host-path"

static char *root;          /* on a file system with user xattrs */
static char *flatpak_info;  /* the sandbox marker */
static char *runtime_dir;   /* stands for $XDG_RUNTIME_DIR */

static gboolean
set_host_path (const char *path,
               const char *host_path)
{
  /* As the portal does: the bytes of the path, no terminating NUL. */
  return setxattr (path, HOST_PATH_XATTR, host_path, strlen (host_path), 0) == 0;
}

static char *
make_xattr_root (void)
{
  const char *candidates[] = { g_get_tmp_dir (), "/var/tmp", "/dev/shm" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *template = g_build_filename (candidates[i], "dockyard-host-path-XXXXXX", NULL);
      char *dir = g_mkdtemp (template) != NULL ? g_strdup (template) : NULL;

      if (dir == NULL)
        continue;
      if (set_host_path (dir, "/probe"))
        {
          removexattr (dir, HOST_PATH_XATTR);
          return dir;
        }

      g_debug ("%s has no user xattrs: %s", candidates[i], g_strerror (errno));
      g_rmdir (dir);
      g_free (dir);
    }

  return NULL;
}

static char *
make_document (const char *below_doc,
               const char *host_path)
{
  char *path = g_build_filename (runtime_dir, "doc", below_doc, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  if (host_path != NULL)
    g_assert_true (set_host_path (path, host_path));

  return path;
}

static void
enter_sandbox (void)
{
  dockyard_host_path_set_sandbox_for_testing (flatpak_info, runtime_dir, FALSE);
}

static void
leave_sandbox (void)
{
  g_autofree char *missing = g_build_filename (root, "no-flatpak-info", NULL);

  dockyard_host_path_set_sandbox_for_testing (missing, runtime_dir, FALSE);
}

static char *
resolve_path (const char  *path,
              GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return dockyard_host_path_resolve (file, error);
}

static gboolean
need_root (void)
{
  if (root != NULL)
    return TRUE;

  dockyard_test_skip_unless_ci ("no file system here stores user xattrs");
  return FALSE;
}

static void
test_outside_sandbox_is_identity (void)
{
  g_autofree char *doc = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *usr = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_root ())
    return;

  doc = make_document ("a1b2c3/plain", "/home/alice/elsewhere");
  leave_sandbox ();

  g_assert_false (dockyard_host_path_is_sandboxed ());

  /* Even a path that looks like a portal path is taken as it is. */
  resolved = resolve_path (doc, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (resolved, ==, doc);

  usr = resolve_path ("/usr/share/projects/demo", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (usr, ==, "/usr/share/projects/demo");

  g_assert_null (dockyard_flatpak_override_hint ("/run/docker.sock"));
}

static void
test_document_folder (void)
{
  g_autofree char *doc = NULL;
  g_autofree char *resolved = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_root ())
    return;

  doc = make_document ("d0c1/demo", "/home/alice/Projects/demo");
  enter_sandbox ();

  g_assert_true (dockyard_host_path_is_sandboxed ());
  resolved = resolve_path (doc, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (resolved, ==, "/home/alice/Projects/demo");
}

static void
test_document_nested (void)
{
  g_autofree char *doc = NULL;
  g_autofree char *nested = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *by_app = NULL;
  g_autofree char *by_app_nested = NULL;
  g_autofree char *resolved_by_app = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_root ())
    return;

  /* A folder inside the picked one: the xattr of the picked folder plus
   * the rest; the rest need not exist yet. */
  doc = make_document ("d0c2/My Project", "/home/alice/Work/My Project");
  nested = g_build_filename (doc, "src", "pkg", NULL);
  enter_sandbox ();

  resolved = resolve_path (nested, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (resolved, ==, "/home/alice/Work/My Project/src/pkg");

  /* The same document seen through doc/by-app/APP_ID/. */
  by_app = make_document ("by-app/io.github.dockyardapp.Dockyard/d0c2/My Project",
                          "/home/alice/Work/My Project");
  by_app_nested = g_build_filename (by_app, "notebooks", NULL);
  resolved_by_app = resolve_path (by_app_nested, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (resolved_by_app, ==, "/home/alice/Work/My Project/notebooks");
}

static void
test_document_unknown (void)
{
  g_autofree char *doc = NULL;
  g_autofree char *doc_root = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *resolved_root = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_root ())
    return;

  /* No xattr and (here) no portal to ask: the user must be told what to do. */
  doc = make_document ("d0c3/lost", NULL);
  enter_sandbox ();

  resolved = resolve_path (doc, &error);
  g_assert_null (resolved);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "under your home folder"));
  g_assert_nonnull (strstr (error->message, "lost"));
  g_clear_error (&error);

  /* The portal's own per-document folder is not something a user picked. */
  doc_root = g_build_filename (runtime_dir, "doc", "d0c3", NULL);
  resolved_root = resolve_path (doc_root, &error);
  g_assert_null (resolved_root);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

static void
test_sandbox_paths (void)
{
  g_autofree char *in_home = g_build_filename (g_get_home_dir (), "Projects", "demo", NULL);
  g_autofree char *resolved = NULL;
  g_autofree char *media = NULL;
  g_autofree char *granted = NULL;
  g_autofree char *private = NULL;
  g_autofree char *tmp = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_root ())
    return;

  enter_sandbox ();

  /* --filesystem=home: the same path on both sides. */
  resolved = resolve_path (in_home, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (resolved, ==, in_home);

  media = resolve_path ("/run/media/alice/usb/demo", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (media, ==, "/run/media/alice/usb/demo");

  /* Granted in the sandbox's [Context] (a `flatpak override`). */
  granted = resolve_path ("/var/lib/projects/demo", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (granted, ==, "/var/lib/projects/demo");

  /* The sandbox's own /usr and /tmp are not the host's. */
  private = resolve_path ("/usr/share/demo", &error);
  g_assert_null (private);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "under your home folder"));
  g_clear_error (&error);

  tmp = resolve_path ("/tmp/demo", &error);
  g_assert_null (tmp);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

/* A stand-in for xdg-document-portal's GetHostPaths, on a private bus. */
static const char documents_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Documents'>"
  "    <method name='GetHostPaths'>"
  "      <arg type='as' name='doc_ids' direction='in'/>"
  "      <arg type='a{say}' name='paths' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
documents_method_call (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *object_path,
                       const char            *interface_name,
                       const char            *method_name,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  g_autofree const char **ids = NULL;
  GVariantBuilder paths;

  g_assert_cmpstr (method_name, ==, "GetHostPaths");
  g_variant_get (parameters, "(^a&s)", &ids);

  g_variant_builder_init (&paths, G_VARIANT_TYPE ("a{say}"));
  for (guint i = 0; ids[i] != NULL; i++)
    if (g_str_equal (ids[i], "d0c4"))
      g_variant_builder_add (&paths, "{s@ay}", ids[i],
                             g_variant_new_bytestring ("/home/bob/From Portal"));

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a{say})", &paths));
}

static void
test_documents_portal (void)
{
  static const GDBusInterfaceVTable vtable = { documents_method_call, NULL, NULL, { 0 } };
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GDBusConnection) service = NULL;
  g_autoptr(GDBusNodeInfo) node = NULL;
  g_autoptr(GVariant) owned = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *doc = NULL;
  g_autofree char *nested = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *dbus_daemon = g_find_program_in_path ("dbus-daemon");
  guint object_id;

  if (!need_root ())
    return;
  if (dbus_daemon == NULL)
    {
      dockyard_test_skip_unless_ci ("dbus-daemon is not installed");
      return;
    }

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  service = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                    G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                    NULL, NULL, &error);
  g_assert_no_error (error);
  node = g_dbus_node_info_new_for_xml (documents_xml, &error);
  g_assert_no_error (error);
  object_id = g_dbus_connection_register_object (service, "/org/freedesktop/portal/documents",
                                                 node->interfaces[0], &vtable,
                                                 NULL, NULL, &error);
  g_assert_no_error (error);
  owned = g_dbus_connection_call_sync (service, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.portal.Documents", 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);

  /* No xattr (an older FUSE view, say): the portal is asked instead. */
  doc = make_document ("d0c4/From Portal", NULL);
  nested = g_build_filename (doc, "data", NULL);
  dockyard_host_path_set_sandbox_for_testing (flatpak_info, runtime_dir, TRUE);

  /* Asynchronously, so that this thread can answer as the portal. */
  file = g_file_new_for_path (nested);
  dockyard_host_path_resolve_async (file, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  resolved = dockyard_host_path_resolve_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (resolved, ==, "/home/bob/From Portal/data");

  g_dbus_connection_unregister_object (service, object_id);
  g_dbus_connection_close_sync (service, NULL, NULL);
  g_clear_object (&service);
  g_test_dbus_down (bus);
}

static void
test_override_hint (void)
{
  g_autofree char *rootful = NULL;
  g_autofree char *var_run = NULL;
  g_autofree char *rootless_path = g_build_filename (runtime_dir, "docker.sock", NULL);
  g_autofree char *rootless = NULL;
  g_autofree char *podman_path = g_build_filename (runtime_dir, "podman", "podman.sock", NULL);
  g_autofree char *podman = NULL;
  g_autofree char *desktop_path = g_build_filename (g_get_home_dir (), ".docker", "desktop",
                                                    "docker.sock", NULL);
  g_autofree char *desktop = NULL;
  g_autofree char *spaced = NULL;

  if (!need_root ())
    return;

  enter_sandbox ();

  rootful = dockyard_flatpak_override_hint ("/run/docker.sock");
  g_assert_cmpstr (rootful, ==,
                   "flatpak override --user --filesystem=/run/docker.sock io.github.dockyardapp.Dockyard");

  /* /var/run is Flatpak's own link to /run inside the sandbox. */
  var_run = dockyard_flatpak_override_hint ("unix:///var/run/docker.sock");
  g_assert_cmpstr (var_run, ==, rootful);

  rootless = dockyard_flatpak_override_hint (rootless_path);
  g_assert_cmpstr (rootless, ==,
                   "flatpak override --user --filesystem=xdg-run/docker.sock io.github.dockyardapp.Dockyard");

  podman = dockyard_flatpak_override_hint (podman_path);
  g_assert_cmpstr (podman, ==,
                   "flatpak override --user --filesystem=xdg-run/podman io.github.dockyardapp.Dockyard");

  desktop = dockyard_flatpak_override_hint (desktop_path);
  g_assert_cmpstr (desktop, ==,
                   "flatpak override --user --filesystem=~/.docker/desktop/docker.sock "
                   "io.github.dockyardapp.Dockyard");

  /* Ready to paste into a shell. */
  spaced = dockyard_flatpak_override_hint ("/srv/my engine/docker.sock");
  g_assert_cmpstr (spaced, ==,
                   "flatpak override --user '--filesystem=/srv/my engine/docker.sock' "
                   "io.github.dockyardapp.Dockyard");
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          remove_tree (child);
        else
          g_unlink (child);
      }

  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  dockyard_test_init (&argc, &argv);

  root = make_xattr_root ();
  if (root != NULL)
    {
      g_autoptr(GError) error = NULL;

      flatpak_info = g_build_filename (root, "flatpak-info", NULL);
      runtime_dir = g_build_filename (root, "runtime", NULL);
      g_mkdir_with_parents (runtime_dir, 0700);
      g_file_set_contents (flatpak_info,
                           "[Application]\n"
                           "name=io.github.dockyardapp.Dockyard\n"
                           "\n"
                           "[Context]\n"
                           "shared=network;ipc;\n"
                           "filesystems=/run/docker.sock;xdg-run/podman;home;/var/lib/projects:ro;\n",
                           -1, &error);
      g_assert_no_error (error);
    }

  g_test_add_func ("/host-path/outside-sandbox-is-identity", test_outside_sandbox_is_identity);
  g_test_add_func ("/host-path/document-folder", test_document_folder);
  g_test_add_func ("/host-path/document-nested", test_document_nested);
  g_test_add_func ("/host-path/document-unknown", test_document_unknown);
  g_test_add_func ("/host-path/sandbox-paths", test_sandbox_paths);
  g_test_add_func ("/host-path/documents-portal", test_documents_portal);
  g_test_add_func ("/host-path/override-hint", test_override_hint);

  ret = g_test_run ();

  dockyard_host_path_set_sandbox_for_testing (NULL, NULL, TRUE);
  if (root != NULL)
    remove_tree (root);
  g_clear_pointer (&root, g_free);
  g_clear_pointer (&flatpak_info, g_free);
  g_clear_pointer (&runtime_dir, g_free);

  return ret;
}
