/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/xattr.h>

#include <glib/gi18n.h>

#include "dockyard-host-path.h"

/*
 * The container engine runs on the host and bind-mounts host paths.  Inside
 * a Flatpak sandbox the folders the app sees are mostly the host's, at the
 * same paths, except:
 *
 *  - folders picked through the FileChooser portal without filesystem access
 *    come back from the document portal as $XDG_RUNTIME_DIR/doc/ID/NAME/...,
 *    a FUSE view whose real location the portal tells us (an xattr on the
 *    entry, or Documents.GetHostPaths over D-Bus);
 *  - the sandbox's own /app, /usr, /etc, /tmp, /var and /run are not the
 *    host's, so a folder there cannot be mounted at all.
 */

#define DEFAULT_FLATPAK_INFO "/.flatpak-info"
#define HOST_PATH_XATTR      "user.document-portal.host-path"

#define DOCUMENTS_BUS_NAME   "org.freedesktop.portal.Documents"
#define DOCUMENTS_PATH       "/org/freedesktop/portal/documents"
#define DOCUMENTS_INTERFACE  "org.freedesktop.portal.Documents"
#define DOCUMENTS_TIMEOUT_MS 5000

typedef struct
{
  char     *flatpak_info;
  char     *runtime_dir;
  gboolean  use_portal;
} Sandbox;

/* Test overrides; read in one place, sandbox_get(). */
G_LOCK_DEFINE_STATIC (testing);
static char     *testing_flatpak_info;
static char     *testing_runtime_dir;
static gboolean  testing_no_portal;

static void
sandbox_clear (Sandbox *sandbox)
{
  g_clear_pointer (&sandbox->flatpak_info, g_free);
  g_clear_pointer (&sandbox->runtime_dir, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sandbox, sandbox_clear)

static void
sandbox_get (Sandbox *sandbox)
{
  G_LOCK (testing);
  sandbox->flatpak_info = g_strdup (testing_flatpak_info != NULL ? testing_flatpak_info
                                                                  : DEFAULT_FLATPAK_INFO);
  sandbox->runtime_dir = g_strdup (testing_runtime_dir != NULL ? testing_runtime_dir
                                                                : g_get_user_runtime_dir ());
  sandbox->use_portal = !testing_no_portal;
  G_UNLOCK (testing);
}

static gboolean
sandbox_is_active (const Sandbox *sandbox)
{
  return g_file_test (sandbox->flatpak_info, G_FILE_TEST_EXISTS);
}

/**
 * dockyard_host_path_set_sandbox_for_testing:
 * @flatpak_info: (nullable): the file whose presence means "sandboxed"
 *   (/.flatpak-info when %NULL)
 * @runtime_dir: (nullable): stands for $XDG_RUNTIME_DIR, whose doc/ folder
 *   is the document portal (the real one when %NULL)
 * @use_portal: whether to ask the Documents portal over D-Bus when the
 *   xattr is missing
 *
 * For tests only.
 */
void
dockyard_host_path_set_sandbox_for_testing (const char *flatpak_info,
                                            const char *runtime_dir,
                                            gboolean    use_portal)
{
  G_LOCK (testing);
  g_free (testing_flatpak_info);
  testing_flatpak_info = g_strdup (flatpak_info);
  g_free (testing_runtime_dir);
  testing_runtime_dir = g_strdup (runtime_dir);
  testing_no_portal = !use_portal;
  G_UNLOCK (testing);
}

/**
 * dockyard_host_path_is_sandboxed:
 *
 * Returns: whether Dockyard runs inside a Flatpak sandbox
 */
gboolean
dockyard_host_path_is_sandboxed (void)
{
  g_auto(Sandbox) sandbox = { 0 };

  sandbox_get (&sandbox);
  return sandbox_is_active (&sandbox);
}

/* The part of @path below @dir, "" for @dir itself, or NULL when @path is
 * not inside @dir. */
static const char *
path_below (const char *path,
            const char *dir)
{
  size_t len = strlen (dir);

  while (len > 1 && dir[len - 1] == '/')
    len--;

  if (strncmp (path, dir, len) != 0)
    return NULL;
  if (path[len] == '\0')
    return path + len;
  if (path[len] != '/' && !(len == 1 && dir[0] == '/'))
    return NULL;

  while (path[len] == '/')
    len++;

  return path + len;
}

static const char *
below_home (const char *path)
{
  const char *home = g_get_home_dir ();

  /* A home of "/" (some service accounts) would take in everything. */
  if (home == NULL || g_str_equal (home, "/"))
    return NULL;

  return path_below (path, home);
}

static char *
read_host_path_xattr (const char *path)
{
  /* The size can change between the two calls if the folder moves. */
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autofree char *value = NULL;
      ssize_t size;

      size = getxattr (path, HOST_PATH_XATTR, NULL, 0);
      if (size < 0)
        {
          g_debug ("No %s on %s: %s", HOST_PATH_XATTR, path, g_strerror (errno));
          return NULL;
        }

      value = g_malloc0 (size + 1);
      size = getxattr (path, HOST_PATH_XATTR, value, size);
      if (size < 0 && errno == ERANGE)
        continue;
      if (size < 0)
        {
          g_debug ("Cannot read %s of %s: %s", HOST_PATH_XATTR, path, g_strerror (errno));
          return NULL;
        }

      /* The portal sends the bytes without a terminating NUL; be lenient
       * about one anyway. */
      value[size] = '\0';
      if (!g_path_is_absolute (value))
        return NULL;

      return g_steal_pointer (&value);
    }

  return NULL;
}

static char *
ask_documents_portal (const char *doc_id)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) paths = NULL;
  g_autoptr(GError) error = NULL;
  const char *ids[] = { doc_id, NULL };
  g_autofree char *host_path = NULL;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_debug ("No session bus to ask the Documents portal: %s", error->message);
      return NULL;
    }

  /* GetHostPaths is in version 5 of the interface; older portals answer
   * with an UnknownMethod error, which simply means "do not know". */
  reply = g_dbus_connection_call_sync (bus, DOCUMENTS_BUS_NAME, DOCUMENTS_PATH,
                                       DOCUMENTS_INTERFACE, "GetHostPaths",
                                       g_variant_new ("(^as)", ids),
                                       G_VARIANT_TYPE ("(a{say})"),
                                       G_DBUS_CALL_FLAGS_NONE, DOCUMENTS_TIMEOUT_MS,
                                       NULL, &error);
  if (reply == NULL)
    {
      g_debug ("Documents.GetHostPaths failed: %s", error->message);
      return NULL;
    }

  paths = g_variant_get_child_value (reply, 0);
  if (!g_variant_lookup (paths, doc_id, "^ay", &host_path) ||
      !g_path_is_absolute (host_path))
    return NULL;

  return g_steal_pointer (&host_path);
}

static char *
resolve_document (const Sandbox  *sandbox,
                  const char     *doc_dir,
                  const char     *below,
                  const char     *display,
                  GError        **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) top = g_ptr_array_new ();
  g_autofree char *top_below = NULL;
  g_autofree char *top_path = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *host = NULL;
  const char *doc_id;
  guint i = 0;

  parts = g_strsplit (below, "/", -1);

  /* $XDG_RUNTIME_DIR/doc/by-app/APP_ID/ID/... is the same document. */
  if (parts[0] != NULL && g_str_equal (parts[0], "by-app"))
    {
      if (parts[1] == NULL)
        goto unknown;
      g_ptr_array_add (top, parts[0]);
      g_ptr_array_add (top, parts[1]);
      i = 2;
    }

  /* ID alone is the portal's own folder, not something the user picked. */
  if (parts[i] == NULL || parts[i + 1] == NULL || *parts[i] == '\0' || *parts[i + 1] == '\0')
    goto unknown;

  doc_id = parts[i];
  g_ptr_array_add (top, parts[i]);
  g_ptr_array_add (top, parts[i + 1]);
  g_ptr_array_add (top, NULL);

  top_below = g_strjoinv ("/", (char **) top->pdata);
  top_path = g_build_filename (doc_dir, top_below, NULL);
  if (parts[i + 2] != NULL)
    rest = g_strjoinv ("/", parts + i + 2);

  host = read_host_path_xattr (top_path);
  if (host == NULL && sandbox->use_portal)
    host = ask_documents_portal (doc_id);
  if (host == NULL)
    goto unknown;

  if (rest != NULL && *rest != '\0')
    return g_build_filename (host, rest, NULL);
  return g_steal_pointer (&host);

unknown:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("Dockyard cannot tell where “%s” is on your computer, so the container "
                 "engine cannot mount it. Choose a folder under your home folder."),
               display);
  return NULL;
}

static gboolean
granted_by_flatpak_info (const Sandbox *sandbox,
                         const char    *path)
{
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_auto(GStrv) filesystems = NULL;

  if (!g_key_file_load_from_file (info, sandbox->flatpak_info, G_KEY_FILE_NONE, NULL))
    return FALSE;

  filesystems = g_key_file_get_string_list (info, "Context", "filesystems", NULL, NULL);
  for (guint i = 0; filesystems != NULL && filesystems[i] != NULL; i++)
    {
      g_autofree char *grant = g_strdup (filesystems[i]);
      char *mode = strrchr (grant, ':');

      if (mode != NULL)
        *mode = '\0';

      if (g_path_is_absolute (grant) && path_below (path, grant) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* The sandbox's own directories: a folder there is not the host's folder of
 * the same name. */
static gboolean
is_sandbox_private (const char *path)
{
  static const char * const private_dirs[] = {
    "/app", "/bin", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/run",
    "/sbin", "/sys", "/tmp", "/usr", "/var",
  };

  /* Removable drives appear at the host's path with --filesystem=host. */
  if (path_below (path, "/run/media") != NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (private_dirs); i++)
    if (path_below (path, private_dirs[i]) != NULL)
      return TRUE;

  return g_str_equal (path, "/");
}

static char *
resolve (const Sandbox  *sandbox,
         GFile          *file,
         GError        **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *display = g_file_get_parse_name (file);
  g_autofree char *doc_dir = NULL;
  const char *below;

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("“%s” is not a local folder, so the container engine cannot mount it."),
                   display);
      return NULL;
    }

  if (!sandbox_is_active (sandbox))
    return g_steal_pointer (&path);

  doc_dir = g_build_filename (sandbox->runtime_dir, "doc", NULL);
  below = path_below (path, doc_dir);
  if (below != NULL)
    return resolve_document (sandbox, doc_dir, below, display, error);

  /* Home is the host's home at the same path (--filesystem=home). */
  if (below_home (path) != NULL ||
      !is_sandbox_private (path) ||
      granted_by_flatpak_info (sandbox, path))
    return g_steal_pointer (&path);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("“%s” is inside Dockyard’s sandbox, where the container engine cannot "
                 "see it. Choose a folder under your home folder."),
               display);
  return NULL;
}

/**
 * dockyard_host_path_resolve:
 * @file: a folder as Dockyard sees it
 * @error: set when the folder has no path the engine's host can see
 *
 * The path the container engine's host knows @file by, for bind mounts.
 * Outside a sandbox that is @file's own path. Inside Flatpak a
 * document-portal path is mapped back to the host's folder; a folder
 * that exists only inside the sandbox is an error that tells the user to
 * pick one under their home folder.
 *
 * Blocks on a FUSE lookup and possibly a D-Bus call: use
 * dockyard_host_path_resolve_async() on the main thread.
 *
 * Returns: (transfer full) (nullable): the host path
 */
char *
dockyard_host_path_resolve (GFile   *file,
                            GError **error)
{
  g_auto(Sandbox) sandbox = { 0 };

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sandbox_get (&sandbox);
  return resolve (&sandbox, file, error);
}

static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GFile *file = task_data;
  GError *error = NULL;
  char *host_path;

  host_path = dockyard_host_path_resolve (file, &error);
  if (host_path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, host_path, g_free);
}

/**
 * dockyard_host_path_resolve_async:
 * @file: a folder as Dockyard sees it
 *
 * Runs dockyard_host_path_resolve() in a worker thread.
 */
void
dockyard_host_path_resolve_async (GFile               *file,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_host_path_resolve_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, resolve_thread);
}

/**
 * dockyard_host_path_resolve_finish:
 *
 * Returns: (transfer full) (nullable): the host path
 */
char *
dockyard_host_path_resolve_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
sandbox_app_id (const Sandbox *sandbox)
{
  g_autoptr(GKeyFile) info = g_key_file_new ();
  char *name;

  if (g_key_file_load_from_file (info, sandbox->flatpak_info, G_KEY_FILE_NONE, NULL) &&
      (name = g_key_file_get_string (info, "Application", "name", NULL)) != NULL)
    return name;

  return g_strdup (APP_ID);
}

/**
 * dockyard_flatpak_override_hint:
 * @socket_path: the engine's socket, as a path or a unix:// address
 *
 * The command a user runs on the host to let the sandboxed app reach
 * @socket_path, in the form the manifest itself grants: xdg-run/NAME for
 * the user's runtime folder, ~/PATH under home, /run/... for /var/run/...
 * (inside the sandbox /var/run is Flatpak's own link to /run).
 *
 * Returns: (transfer full) (nullable): e.g. "flatpak override --user
 *   --filesystem=/run/docker.sock io.github.dockyardapp.Dockyard", or %NULL
 *   outside Flatpak
 */
char *
dockyard_flatpak_override_hint (const char *socket_path)
{
  g_auto(Sandbox) sandbox = { 0 };
  g_autofree char *path = NULL;
  g_autofree char *grant = NULL;
  g_autofree char *argument = NULL;
  g_autofree char *app_id = NULL;
  const char *below;

  g_return_val_if_fail (socket_path != NULL, NULL);

  sandbox_get (&sandbox);
  if (!sandbox_is_active (&sandbox))
    return NULL;

  if (g_str_has_prefix (socket_path, "unix://"))
    socket_path += strlen ("unix://");
  if (!g_path_is_absolute (socket_path))
    return NULL;

  path = g_canonicalize_filename (socket_path, "/");
  if ((below = path_below (path, "/var/run")) != NULL)
    {
      g_autofree char *run = g_build_filename ("/run", below, NULL);
      g_free (path);
      path = g_steal_pointer (&run);
    }

  if ((below = path_below (path, sandbox.runtime_dir)) != NULL && *below != '\0')
    {
      /* The first component: docker.sock itself, or the podman/ folder. */
      g_autofree char *first = g_strdup (below);
      char *slash = strchr (first, '/');

      if (slash != NULL)
        *slash = '\0';
      grant = g_strconcat ("xdg-run/", first, NULL);
    }
  else if ((below = below_home (path)) != NULL && *below != '\0')
    grant = g_strconcat ("~/", below, NULL);
  else
    grant = g_strdup (path);

  argument = g_strconcat ("--filesystem=", grant, NULL);
  if (strpbrk (argument, " \t\n'\"\\$`*?[]{}()<>|&;!#") != NULL)
    {
      g_autofree char *quoted = g_shell_quote (argument);
      g_free (argument);
      argument = g_steal_pointer (&quoted);
    }

  app_id = sandbox_app_id (&sandbox);
  return g_strdup_printf ("flatpak override --user %s %s", argument, app_id);
}
