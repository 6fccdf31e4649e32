/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dockyard-container-spec.h"
#include "dockyard-gpu.h"

static void
add_strv (JsonBuilder        *builder,
          const char         *name,
          const char * const *strv)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

static void
add_boolean (JsonBuilder *builder,
             const char  *name,
             gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/**
 * dockyard_container_spec_to_json:
 *
 * Returns: (transfer full): the container's configuration for the engine
 */
JsonNode *
dockyard_container_spec_to_json (const DockyardContainerSpec *spec)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *owner = dockyard_container_owner_label ();
  g_autoptr(GPtrArray) ports = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (spec->image != NULL && spec->cmd != NULL, NULL);

  if (spec->publish_port != 0)
    g_ptr_array_add (ports, g_strdup_printf ("%u/tcp", spec->publish_port));
  for (gsize i = 0; i < spec->n_publish_ports; i++)
    if (spec->publish_ports[i] != 0 && spec->publish_ports[i] != spec->publish_port)
      g_ptr_array_add (ports, g_strdup_printf ("%u/tcp", spec->publish_ports[i]));

  json_builder_begin_object (builder);
  add_string (builder, "Image", spec->image);
  add_strv (builder, "Cmd", spec->cmd);
  add_strv (builder, "Env", spec->env);
  add_string (builder, "WorkingDir", spec->working_dir);
  if (spec->user != NULL)
    add_string (builder, "User", spec->user);
  add_boolean (builder, "Tty", spec->tty);
  add_boolean (builder, "OpenStdin", spec->tty);
  add_boolean (builder, "AttachStdin", spec->tty);
  add_boolean (builder, "AttachStdout", TRUE);
  add_boolean (builder, "AttachStderr", TRUE);

  if (ports->len > 0)
    {
      json_builder_set_member_name (builder, "ExposedPorts");
      json_builder_begin_object (builder);
      for (guint i = 0; i < ports->len; i++)
        {
          json_builder_set_member_name (builder, g_ptr_array_index (ports, i));
          json_builder_begin_object (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "Labels");
  json_builder_begin_object (builder);
  add_string (builder, DOCKYARD_LABEL_ROLE, spec->role);
  add_string (builder, DOCKYARD_LABEL_PROJECT, spec->project_path);
  add_string (builder, DOCKYARD_LABEL_OWNER, owner);
  if (spec->devcontainer != NULL)
    dockyard_devcontainer_add_labels (spec->devcontainer, builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "HostConfig");
  json_builder_begin_object (builder);
  add_boolean (builder, "AutoRemove", spec->auto_remove);
  if (spec->userns_mode != NULL)
    add_string (builder, "UsernsMode", spec->userns_mode);

  /* Mounts, not Binds: a path with a colon or a comma stays one path. */
  json_builder_set_member_name (builder, "Mounts");
  json_builder_begin_array (builder);
  if (!spec->no_project_mount && spec->volume != NULL)
    {
      /* An engine elsewhere: the volume the project's files are copied
       * into.  Never filled from the image: it holds the project only. */
      json_builder_begin_object (builder);
      add_string (builder, "Type", "volume");
      add_string (builder, "Source", spec->volume);
      add_string (builder, "Target", spec->mount_target ? spec->mount_target : spec->working_dir);
      json_builder_set_member_name (builder, "VolumeOptions");
      json_builder_begin_object (builder);
      add_boolean (builder, "NoCopy", TRUE);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  else if (!spec->no_project_mount)
    {
      json_builder_begin_object (builder);
      add_string (builder, "Type", "bind");
      add_string (builder, "Source", spec->project_path);
      add_string (builder, "Target", spec->mount_target ? spec->mount_target : spec->working_dir);
      json_builder_end_object (builder);
    }
  if (spec->devcontainer != NULL)
    dockyard_devcontainer_add_mounts (spec->devcontainer, builder);
  json_builder_end_array (builder);
  if (spec->devcontainer != NULL)
    dockyard_devcontainer_add_host_config (spec->devcontainer, builder);
  if (spec->gpu_device != NULL)
    dockyard_gpu_add_host_config (spec->gpu_cdi, spec->gpu_device, builder);

  if (spec->no_network)
    add_string (builder, "NetworkMode", "none");
  else if (spec->host_network)
    add_string (builder, "NetworkMode", "host");
  else if (ports->len > 0)
    {
      /* Loopback only, on ports the engine picks: never on all interfaces. */
      json_builder_set_member_name (builder, "PortBindings");
      json_builder_begin_object (builder);
      for (guint i = 0; i < ports->len; i++)
        {
          json_builder_set_member_name (builder, g_ptr_array_index (ports, i));
          json_builder_begin_array (builder);
          json_builder_begin_object (builder);
          add_string (builder, "HostIp", "127.0.0.1");
          add_string (builder, "HostPort", "");
          json_builder_end_object (builder);
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The image's "Config" object, or NULL. */
static JsonObject *
inspect_config (JsonNode *inspect)
{
  JsonObject *root;

  if (inspect == NULL || !JSON_NODE_HOLDS_OBJECT (inspect))
    return NULL;

  root = json_node_get_object (inspect);
  if (!json_object_has_member (root, "Config") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "Config")))
    return NULL;

  return json_object_get_object_member (root, "Config");
}

/**
 * dockyard_image_inspect_working_dir:
 * @inspect: the answer of `GET /images/{name}/json`
 *
 * Returns: where to mount the project: the image's WORKDIR, or
 *   %DOCKYARD_DEFAULT_WORKING_DIR when it has none (or "/", which the
 *   folder would hide the whole system behind)
 */
const char *
dockyard_image_inspect_working_dir (JsonNode *inspect)
{
  JsonObject *config = inspect_config (inspect);
  const char *working_dir = NULL;

  if (config != NULL)
    working_dir = json_object_get_string_member_with_default (config, "WorkingDir", NULL);

  if (working_dir == NULL || *working_dir == '\0' || g_str_equal (working_dir, "/"))
    return DOCKYARD_DEFAULT_WORKING_DIR;

  return working_dir;
}

/**
 * dockyard_image_inspect_has_onbuild:
 * @inspect: the answer of `GET /images/{name}/json`
 *
 * Returns: whether the image has ONBUILD triggers, which run (and may copy
 *   from the build context) in every build that starts from it
 */
gboolean
dockyard_image_inspect_has_onbuild (JsonNode *inspect)
{
  JsonObject *config = inspect_config (inspect);
  JsonNode *onbuild;

  if (config == NULL || !json_object_has_member (config, "OnBuild"))
    return FALSE;

  onbuild = json_object_get_member (config, "OnBuild");
  return JSON_NODE_HOLDS_ARRAY (onbuild) && json_array_get_length (json_node_get_array (onbuild)) > 0;
}

static char *
read_boot_id (void)
{
  g_autofree char *boot_id = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &boot_id, NULL, NULL))
    return g_strdup ("unknown");

  return g_strdup (g_strstrip (boot_id));
}

/* Who owns a container, in a way that holds across PID namespaces (the
 * Flatpak sandbox runs Dockyard in its own, where the host's pids mean
 * nothing): each instance has a random id, written in its containers'
 * owner label, and holds an flock() on a file named after it, in a folder
 * that a sandboxed and a native Dockyard both see (the app's folder in
 * the user's runtime dir, which Flatpak shares with the host).  The lock
 * goes when the process does, however it ends; a sweep that can take it
 * knows the owner is gone. */

#define INSTANCE_ID_LEN 32

static char *
owner_lock_dir (void)
{
  return g_build_filename (g_get_user_runtime_dir (), "app", BASE_APP_ID, "owners", NULL);
}

static char *
owner_lock_path (const char *instance)
{
  g_autofree char *dir = owner_lock_dir ();
  g_autofree char *name = g_strconcat (instance, ".lock", NULL);

  return g_build_filename (dir, name, NULL);
}

/* This process's instance id, its lock taken on first use and held (the
 * descriptor is never closed) for the life of the process. */
static const char *
instance_id (void)
{
  static gsize once;
  static char *id;

  if (g_once_init_enter (&once))
    {
      guint8 bytes[INSTANCE_ID_LEN / 2];
      g_autofree char *dir = owner_lock_dir ();
      g_autofree char *path = NULL;
      GString *hex = g_string_new (NULL);
      gsize got = 0;
      int fd;

      while (got < sizeof bytes)
        {
          ssize_t n = getrandom (bytes + got, sizeof bytes - got, 0);

          if (n > 0)
            got += n;
        }
      for (guint i = 0; i < sizeof bytes; i++)
        g_string_append_printf (hex, "%02x", bytes[i]);
      id = g_string_free (hex, FALSE);

      path = owner_lock_path (id);
      if (g_mkdir_with_parents (dir, 0700) != 0
          || (fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0
          || flock (fd, LOCK_EX | LOCK_NB) != 0)
        g_warning ("Cannot hold the owner lock %s: %s; another Dockyard may take this one’s "
                   "containers for orphans", path, g_strerror (errno));

      g_once_init_leave (&once, 1);
    }

  return id;
}

/**
 * dockyard_container_owner_label:
 *
 * Returns: (transfer full): the value of %DOCKYARD_LABEL_OWNER for the
 *   containers this process starts: the boot and this instance's id
 */
char *
dockyard_container_owner_label (void)
{
  g_autofree char *boot_id = read_boot_id ();

  return g_strdup_printf ("%s/%s", boot_id, instance_id ());
}

static gboolean
is_instance_id (const char *text)
{
  if (strlen (text) != INSTANCE_ID_LEN)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

/* An instance whose lock can be taken is gone: its file is removed then.
 * No file: nothing is known (a Dockyard that cannot see this folder), so
 * the owner counts as alive. */
static gboolean
instance_is_gone (const char *instance)
{
  g_autofree char *path = owner_lock_path (instance);
  int fd = open (path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  gboolean gone;

  if (fd < 0)
    return FALSE;

  gone = flock (fd, LOCK_EX | LOCK_NB) == 0;
  if (gone)
    unlink (path);
  close (fd);
  return gone;
}

/**
 * dockyard_container_owner_is_gone:
 * @owner: (nullable): a %DOCKYARD_LABEL_OWNER value
 *
 * Returns: whether the Dockyard that started the container no longer runs
 *   (another boot, or its owner lock is free), so the container is an
 *   orphan.  Labels of older versions ("BOOT/PID") are judged by the pid.
 */
gboolean
dockyard_container_owner_is_gone (const char *owner)
{
  g_autofree char *boot_id = read_boot_id ();
  const char *slash;
  guint64 pid;

  if (owner == NULL || (slash = strrchr (owner, '/')) == NULL)
    return FALSE;

  if (strlen (boot_id) != (gsize) (slash - owner) || strncmp (owner, boot_id, slash - owner) != 0)
    return TRUE;

  if (is_instance_id (slash + 1))
    return instance_is_gone (slash + 1);

  if (!g_ascii_string_to_unsigned (slash + 1, 10, 1, G_MAXINT, &pid, NULL))
    return FALSE;

  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

/**
 * dockyard_container_user_is_root:
 * @user: (nullable): a container user: %NULL (the image's, root as a rule),
 *   "root", or "uid:gid"
 *
 * Returns: whether @user is root inside the container
 */
gboolean
dockyard_container_user_is_root (const char *user)
{
  return user == NULL || g_str_equal (user, "root") || g_str_equal (user, "0") ||
         g_str_has_prefix (user, "0:");
}

/**
 * dockyard_container_user_for_engine:
 * @engine: a connected engine
 * @user: (nullable): who a session runs as: "uid:gid" (the host user, by
 *   default), or root (%NULL, "root", "0:0": the "run as root" switch)
 * @userns_mode: (out) (optional) (transfer none): where to store the
 *   HostConfig.UsernsMode to ask for, or %NULL
 *
 * Chooses the container user for @engine, so that files created in the
 * project folder belong to the person running Dockyard:
 *
 * - rootful Docker or Podman: @user as it is (the host uid:gid);
 * - rootless Docker: container root, which is that person on the host
 *   (a uid:gid inside would be a subordinate uid, a stranger);
 * - rootless Podman: no user, and UsernsMode "keep-id", which runs the
 *   process as the host user's uid, mapped to itself.
 *
 * Root stays root inside the container on every engine.
 *
 * Returns: (nullable) (transfer none): the User for the container or exec
 *   session, %NULL for the image's (or keep-id's) user
 */
const char *
dockyard_container_user_for_engine (DockyardEngine  *engine,
                                    const char      *user,
                                    const char     **userns_mode)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (engine), user);

  if (userns_mode != NULL)
    *userns_mode = NULL;

  if (dockyard_container_user_is_root (user) || !dockyard_engine_get_rootless (engine))
    return user;

  if (dockyard_engine_get_is_podman (engine) && userns_mode != NULL)
    *userns_mode = "keep-id";

  return NULL;
}
