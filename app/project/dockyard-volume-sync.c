/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "dockyard-build-context.h"
#include "dockyard-container-spec.h"
#include "dockyard-dockerignore.h"
#include "dockyard-volume-sync.h"

/* A file bigger than this in the container is not fetched (an error):
 * the tar's header is the engine's word, not to be trusted blindly. */
#define MAX_FILE_SIZE ((gint64) 64 << 30)
#define MAX_PATH_LENGTH 4096
#define MAX_MANIFEST_SIZE (256 << 20)
#define MAX_IGNORE_SIZE (1 << 20)
#define CHUNK_SIZE (64 * 1024)
#define DOWNLOAD_CHUNK_SIZE (1024 * 1024)
/* More changed files than this are sent by sending everything. */
#define MAX_SOURCES 2000
/* Paths given to one `rm` in the helper container. */
#define RM_BATCH 200
/* A volume's id, made when it is: a volume removed and made again is
 * another, and a manifest of the old one says nothing about it.  (Its
 * CreatedAt is no id: Docker's local driver gives the folder's mtime.) */
#define SYNC_ID_LABEL "io.github.dockyardapp.sync-id"

/**
 * DockyardVolumeSync:
 *
 * The project's files on an engine on another computer, which cannot see
 * the project folder: a named volume on the engine, `dockyard-sync-<id>`
 * (labelled as Dockyard's), which the dev container mounts at its work
 * folder.
 *
 * A sync goes both ways, through a short-lived helper container that
 * mounts the volume and never runs (no network): the volume's files come
 * back with `GET /containers/{id}/archive` and those changed in the
 * container are written into the project folder (atomically); the files
 * changed here go up with `PUT /containers/{id}/archive`, only what
 * `.dockerignore` keeps, in the tar a build sends.  What changed is told by
 * a manifest (size, mtime and SHA-256 of each file at the last sync) kept
 * in the user's state folder for the project and engine.
 *
 * Nothing is lost: a file changed on both sides keeps the local version
 * under its name, and the container's copy beside it as `NAME.remote`
 * (on both sides after the sync), listed by
 * dockyard_volume_sync_get_conflicts().  A file deleted on one side only
 * is listed (dockyard_volume_sync_get_deleted_here() and
 * dockyard_volume_sync_get_deleted_there()) and deleted on the other side
 * only by dockyard_volume_sync_apply_deletions_async(), once the user has
 * said so; until then it stays, and is listed again by the next sync.  A
 * file deleted on one side and changed on the other comes back.
 */
struct _DockyardVolumeSync
{
  GObject         parent_instance;

  DockyardEngine *engine;
  GFile          *directory;
  char           *root;
  char           *volume;
  char           *manifest_path;
  char           *image;
  char           *user;

  GHashTable     *manifest;  /* path -> Entry, after the last sync */
  char           *volume_id;
  GStrv           conflicts;
  GStrv           deleted_here;
  GStrv           deleted_there;
  guint           pulled;
  guint           pushed;
  gboolean        busy;
};

G_DEFINE_FINAL_TYPE (DockyardVolumeSync, dockyard_volume_sync, G_TYPE_OBJECT)

typedef struct
{
  gint64 size;
  gint64 mtime;   /* here, in nanoseconds */
  gint64 rmtime;  /* in the volume, in seconds */
  char   hash[65];
} Entry;

static Entry *
entry_dup (const Entry *entry)
{
  return g_memdup2 (entry, sizeof *entry);
}

static GHashTable *
entries_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* ------------------------------------------------------------------------ */
/* Names                                                                     */

static char *
sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static void
dockyard_volume_sync_finalize (GObject *object)
{
  DockyardVolumeSync *self = DOCKYARD_VOLUME_SYNC (object);

  g_clear_object (&self->engine);
  g_clear_object (&self->directory);
  g_free (self->root);
  g_free (self->volume);
  g_free (self->manifest_path);
  g_free (self->image);
  g_free (self->user);
  g_free (self->volume_id);
  g_clear_pointer (&self->manifest, g_hash_table_unref);
  g_strfreev (self->conflicts);
  g_strfreev (self->deleted_here);
  g_strfreev (self->deleted_there);

  G_OBJECT_CLASS (dockyard_volume_sync_parent_class)->finalize (object);
}

static void
dockyard_volume_sync_class_init (DockyardVolumeSyncClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dockyard_volume_sync_finalize;
}

static void
dockyard_volume_sync_init (DockyardVolumeSync *self)
{
}

/**
 * dockyard_volume_sync_new:
 * @engine: a connected engine
 * @directory: the project folder (a local path)
 *
 * Does no I/O.
 *
 * Returns: (transfer full): the sync of @directory with its volume on @engine
 */
DockyardVolumeSync *
dockyard_volume_sync_new (DockyardEngine *engine,
                          GFile          *directory)
{
  DockyardVolumeSync *self;
  g_autofree char *id = NULL;
  g_autofree char *key = NULL;
  g_autofree char *key_hash = NULL;
  g_autofree char *file_name = NULL;

  g_return_val_if_fail (DOCKYARD_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  self = g_object_new (DOCKYARD_TYPE_VOLUME_SYNC, NULL);
  self->engine = g_object_ref (engine);
  self->directory = g_object_ref (directory);
  self->root = g_file_get_path (directory);
  if (self->root == NULL)
    self->root = g_file_get_uri (directory);

  id = sha256_hex (self->root);
  id[16] = '\0';
  self->volume = g_strdup_printf ("dockyard-sync-%s", id);

  key = g_strconcat (self->root, "\n", dockyard_engine_get_address (engine), NULL);
  key_hash = sha256_hex (key);
  file_name = g_strconcat (key_hash, ".json", NULL);
  self->manifest_path = g_build_filename (g_get_user_state_dir (), "dockyard", "sync", file_name, NULL);

  return self;
}

/**
 * dockyard_volume_sync_get_volume_name:
 *
 * Returns: the volume's name, `dockyard-sync-` and an id of the project's path
 */
const char *
dockyard_volume_sync_get_volume_name (DockyardVolumeSync *self)
{
  g_return_val_if_fail (DOCKYARD_IS_VOLUME_SYNC (self), NULL);
  return self->volume;
}

/**
 * dockyard_volume_sync_set_image:
 * @image: the image the helper container is made from (the dev image)
 */
void
dockyard_volume_sync_set_image (DockyardVolumeSync *self,
                                const char         *image)
{
  g_return_if_fail (DOCKYARD_IS_VOLUME_SYNC (self));
  g_free (self->image);
  self->image = g_strdup (image);
}

/**
 * dockyard_volume_sync_set_user:
 * @user: (nullable): who owns the files in the volume: the dev container's
 *   user ("uid:gid"), %NULL for root
 */
void
dockyard_volume_sync_set_user (DockyardVolumeSync *self,
                               const char         *user)
{
  g_return_if_fail (DOCKYARD_IS_VOLUME_SYNC (self));
  g_free (self->user);
  self->user = g_strdup (user);
}

/**
 * dockyard_volume_sync_get_busy:
 *
 * Returns: whether a sync or deletion runs
 */
gboolean
dockyard_volume_sync_get_busy (DockyardVolumeSync *self)
{
  g_return_val_if_fail (DOCKYARD_IS_VOLUME_SYNC (self), FALSE);
  return self->busy;
}

/**
 * dockyard_volume_sync_get_conflicts:
 *
 * Returns: (transfer none) (array zero-terminated=1): the files changed on
 *   both sides at the last sync: the `NAME.remote` copies written beside
 *   them, relative to the project folder
 */
const char * const *
dockyard_volume_sync_get_conflicts (DockyardVolumeSync *self)
{
  g_return_val_if_fail (DOCKYARD_IS_VOLUME_SYNC (self), NULL);
  return (const char * const *) self->conflicts;
}

/**
 * dockyard_volume_sync_get_deleted_here:
 *
 * Returns: (transfer none) (array zero-terminated=1): files deleted in the
 *   project folder, still in the volume
 */
const char * const *
dockyard_volume_sync_get_deleted_here (DockyardVolumeSync *self)
{
  g_return_val_if_fail (DOCKYARD_IS_VOLUME_SYNC (self), NULL);
  return (const char * const *) self->deleted_here;
}

/**
 * dockyard_volume_sync_get_deleted_there:
 *
 * Returns: (transfer none) (array zero-terminated=1): files deleted in the
 *   container, still in the project folder
 */
const char * const *
dockyard_volume_sync_get_deleted_there (DockyardVolumeSync *self)
{
  g_return_val_if_fail (DOCKYARD_IS_VOLUME_SYNC (self), NULL);
  return (const char * const *) self->deleted_there;
}

/**
 * dockyard_volume_sync_get_pulled:
 *
 * Returns: how many files the last sync wrote into the project folder
 */
guint
dockyard_volume_sync_get_pulled (DockyardVolumeSync *self)
{
  g_return_val_if_fail (DOCKYARD_IS_VOLUME_SYNC (self), 0);
  return self->pulled;
}

/**
 * dockyard_volume_sync_get_pushed:
 *
 * Returns: how many files the last sync sent to the volume
 */
guint
dockyard_volume_sync_get_pushed (DockyardVolumeSync *self)
{
  g_return_val_if_fail (DOCKYARD_IS_VOLUME_SYNC (self), 0);
  return self->pushed;
}

/* ------------------------------------------------------------------------ */
/* The manifest                                                              */

static GHashTable *
manifest_load (const char  *path,
               char       **volume_id)
{
  g_autoptr(GHashTable) entries = entries_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *contents = NULL;
  gsize length;
  JsonNode *root;
  JsonObject *object;
  JsonObject *files;
  g_autoptr(GList) names = NULL;

  *volume_id = NULL;
  if (!g_file_get_contents (path, &contents, &length, NULL) || length > MAX_MANIFEST_SIZE ||
      !json_parser_load_from_data (parser, contents, length, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (json_object_get_int_member_with_default (object, "version", 0) != 1 ||
      !json_object_has_member (object, "files") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "files")))
    return NULL;

  *volume_id = g_strdup (json_object_get_string_member_with_default (object, "volume-id", ""));
  files = json_object_get_object_member (object, "files");
  names = json_object_get_members (files);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (files, l->data);
      JsonArray *array;
      Entry entry = { 0 };
      const char *hash;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        continue;
      array = json_node_get_array (node);
      if (json_array_get_length (array) != 4)
        continue;
      entry.size = json_array_get_int_element (array, 0);
      entry.mtime = json_array_get_int_element (array, 1);
      entry.rmtime = json_array_get_int_element (array, 2);
      hash = json_array_get_string_element (array, 3);
      if (hash == NULL || strlen (hash) != 64)
        continue;
      memcpy (entry.hash, hash, 65);
      g_hash_table_insert (entries, g_strdup (l->data), entry_dup (&entry));
    }

  return g_steal_pointer (&entries);
}

static gboolean
manifest_save (const char  *path,
               const char  *volume_id,
               GHashTable  *entries,
               GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  GHashTableIter iter;
  gpointer key, value;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "volume-id");
  json_builder_add_string_value (builder, volume_id != NULL ? volume_id : "");
  json_builder_set_member_name (builder, "files");
  json_builder_begin_object (builder);
  g_hash_table_iter_init (&iter, entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Entry *entry = value;

      json_builder_set_member_name (builder, key);
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, entry->size);
      json_builder_add_int_value (builder, entry->mtime);
      json_builder_add_int_value (builder, entry->rmtime);
      json_builder_add_string_value (builder, entry->hash);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot keep the state of the sync in “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/* ------------------------------------------------------------------------ */
/* Files here                                                                */

static gint64
stat_mtime_ns (const struct stat *st)
{
  return (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec;
}

static gboolean
hash_fd (int       fd,
         char      hash[65],
         GError  **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (CHUNK_SIZE);

  for (;;)
    {
      gssize n = read (fd, buffer, CHUNK_SIZE);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, n);
    }

  g_strlcpy (hash, g_checksum_get_string (checksum), 65);
  return TRUE;
}

/* Opens the folder @dir (relative, clean) under @root_fd, one component at
 * a time and never through a link; with @create, makes what is missing. */
static int
open_dir_at (int          root_fd,
             const char  *dir,
             gboolean     create)
{
  g_auto(GStrv) parts = NULL;
  int fd = dup (root_fd);

  if (fd < 0 || dir == NULL || *dir == '\0' || g_str_equal (dir, "."))
    return fd;

  parts = g_strsplit (dir, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      int next = openat (fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      if (next < 0 && errno == ENOENT && create)
        {
          if (mkdirat (fd, parts[i], 0755) != 0 && errno != EEXIST)
            {
              int saved_errno = errno;

              close (fd);
              errno = saved_errno;
              return -1;
            }
          next = openat (fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
      if (next < 0)
        {
          int saved_errno = errno;

          close (fd);
          errno = saved_errno;
          return -1;
        }
      close (fd);
      fd = next;
    }

  return fd;
}

/* The regular file @rel under @root_fd, not through a link. */
static gboolean
stat_file (int          root_fd,
           const char  *rel,
           struct stat *st)
{
  g_autofree char *dir = g_path_get_dirname (rel);
  g_autofree char *base = g_path_get_basename (rel);
  int dir_fd = open_dir_at (root_fd, dir, FALSE);
  gboolean ok;

  if (dir_fd < 0)
    return FALSE;
  ok = fstatat (dir_fd, base, st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st->st_mode);
  close (dir_fd);
  return ok;
}

static gboolean
hash_file (int          root_fd,
           const char  *rel,
           struct stat *st,
           char         hash[65],
           GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (rel);
  g_autofree char *base = g_path_get_basename (rel);
  int dir_fd = open_dir_at (root_fd, dir, FALSE);
  int fd = -1;
  gboolean ok = FALSE;

  if (dir_fd >= 0)
    fd = openat (dir_fd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd >= 0 && fstat (fd, st) == 0 && S_ISREG (st->st_mode))
    ok = hash_fd (fd, hash, error);
  else if (error != NULL && *error == NULL)
    {
      int saved_errno = fd >= 0 ? EINVAL : errno;
      g_autofree char *display = g_filename_display_name (rel);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot read “%s”: %s"), display, g_strerror (saved_errno));
    }
  else if (!ok && error != NULL && *error != NULL)
    {
      g_autofree char *display = g_filename_display_name (rel);

      g_prefix_error (error, _("Cannot read “%s”: "), display);
    }

  if (fd >= 0)
    close (fd);
  if (dir_fd >= 0)
    close (dir_fd);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* A sync                                                                    */

typedef struct
{
  char                 *root;
  char                 *manifest_path;
  char                 *volume_id;
  GHashTable           *manifest;  /* before */
  GHashTable           *local;     /* path -> Entry (size, mtime, hash) */
  char                **listed;
  DockyardDockerignore *ignore;
  char                 *helper_id;
  GFile                *download;
  GFileIOStream        *download_io;
  guint8               *download_buffer;
  GHashTable           *next;      /* the manifest after */
  GHashTable           *pushed;    /* path -> Entry for the manifest once sent */
  GPtrArray            *conflicts;
  GPtrArray            *deleted_here;
  GPtrArray            *deleted_there;
  guint                 pulled;
  gboolean              first;
  GError               *error;
} RunState;

static void
run_state_free (RunState *state)
{
  g_free (state->root);
  g_free (state->manifest_path);
  g_free (state->volume_id);
  g_clear_pointer (&state->manifest, g_hash_table_unref);
  g_clear_pointer (&state->local, g_hash_table_unref);
  g_strfreev (state->listed);
  g_clear_pointer (&state->ignore, dockyard_dockerignore_unref);
  g_free (state->helper_id);
  if (state->download != NULL)
    g_file_delete (state->download, NULL, NULL);
  g_clear_object (&state->download_io);
  g_free (state->download_buffer);
  g_clear_object (&state->download);
  g_clear_pointer (&state->next, g_hash_table_unref);
  g_clear_pointer (&state->pushed, g_hash_table_unref);
  g_clear_pointer (&state->conflicts, g_ptr_array_unref);
  g_clear_pointer (&state->deleted_here, g_ptr_array_unref);
  g_clear_pointer (&state->deleted_there, g_ptr_array_unref);
  g_clear_error (&state->error);
  g_free (state);
}

static JsonNode *
helper_config (DockyardVolumeSync *self,
               const char * const *cmd,
               const char         *user)
{
  DockyardContainerSpec spec = {
    .image = self->image,
    .cmd = cmd,
    .working_dir = DOCKYARD_VOLUME_SYNC_MOUNT,
    .user = user,
    .role = "sync",
    .project_path = self->root,
    .no_network = TRUE,
    .volume = self->volume,
    .mount_target = DOCKYARD_VOLUME_SYNC_MOUNT,
  };

  return dockyard_container_spec_to_json (&spec);
}

/* Running a command in a helper container: chown, rm ---------------------- */

typedef struct
{
  char  *id;
  int    status;
  GError *error;
} CommandState;

static void
command_state_free (CommandState *state)
{
  g_free (state->id);
  g_clear_error (&state->error);
  g_free (state);
}

static void
command_removed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CommandState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!dockyard_engine_remove_container_finish (DOCKYARD_ENGINE (object), result, &error) &&
      state->error == NULL)
    state->error = g_steal_pointer (&error);

  if (state->error != NULL)
    g_task_return_error (task, g_steal_pointer (&state->error));
  else if (state->status != 0)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("The helper container of the sync ended with status %d"),
                             state->status);
  else
    g_task_return_boolean (task, TRUE);
}

static void
command_done (GTask  *task,
              GError *error)
{
  DockyardVolumeSync *self = g_task_get_source_object (task);
  CommandState *state = g_task_get_task_data (task);

  if (error != NULL && state->error == NULL)
    state->error = error;
  else if (error != NULL)
    g_error_free (error);

  dockyard_engine_remove_container_async (self->engine, state->id, command_removed_cb, task);
}

static void
command_waited_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  CommandState *state = g_task_get_task_data (task);
  GError *error = NULL;

  state->status = dockyard_engine_wait_container_finish (DOCKYARD_ENGINE (object), result, &error);
  command_done (task, error);
}

static void
command_started_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  CommandState *state = g_task_get_task_data (task);
  GError *error = NULL;

  if (!dockyard_engine_start_container_finish (DOCKYARD_ENGINE (object), result, &error))
    {
      command_done (task, error);
      return;
    }

  dockyard_engine_wait_container_async (DOCKYARD_ENGINE (object), state->id,
                                        g_task_get_cancellable (task), command_waited_cb, task);
}

static void
command_created_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  CommandState *state = g_task_get_task_data (task);
  GError *error = NULL;

  state->id = dockyard_engine_create_container_finish (DOCKYARD_ENGINE (object), result, &error);
  if (state->id == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  dockyard_engine_start_container_async (DOCKYARD_ENGINE (object), state->id,
                                         g_task_get_cancellable (task), command_started_cb, task);
}

/* Runs @cmd (an argv) as @user in a helper container with the volume, and
 * removes the container afterwards, also after an error or a cancel. */
static void
run_command_async (DockyardVolumeSync  *self,
                   const char * const  *cmd,
                   const char          *user,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonNode) config = helper_config (self, cmd, user);

  g_task_set_source_tag (task, run_command_async);
  g_task_set_task_data (task, g_new0 (CommandState, 1), (GDestroyNotify) command_state_free);
  /* Not cancellable: a container created under a cancel would be lost. */
  dockyard_engine_create_container_async (self->engine, NULL, config, NULL,
                                          command_created_cb, task);
}

static gboolean
run_command_finish (DockyardVolumeSync  *self,
                    GAsyncResult        *result,
                    GError             **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The steps of a sync ------------------------------------------------------ */

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardVolumeSync *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (object != NULL && !dockyard_engine_remove_container_finish (DOCKYARD_ENGINE (object), result, &error) &&
      state->error == NULL)
    state->error = g_steal_pointer (&error);

  self->busy = FALSE;
  if (state->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&state->error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* Ends the sync, with @error or not, once the helper container is gone. */
static void
run_finish_with (GTask  *task,
                 GError *error)
{
  DockyardVolumeSync *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);

  if (error != NULL && state->error == NULL)
    state->error = error;
  else if (error != NULL)
    g_error_free (error);

  if (state->helper_id != NULL)
    dockyard_engine_remove_container_async (self->engine, state->helper_id, run_done_cb, task);
  else
    run_done_cb (NULL, NULL, task);
}

static GStrv
strv_from_array (GPtrArray *array)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < array->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (array, i));
  return g_strv_builder_end (builder);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
run_succeeded (GTask *task)
{
  DockyardVolumeSync *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);
  GHashTableIter iter;
  gpointer key, value;
  GError *error = NULL;

  /* What was sent is as it is here; the volume has the tar's mtime. */
  self->pushed = g_hash_table_size (state->pushed);
  g_hash_table_iter_init (&iter, state->pushed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_debug ("Sent to the volume: %s", (const char *) key);
  g_hash_table_iter_init (&iter, state->pushed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (state->next, g_strdup (key), entry_dup (value));

  g_ptr_array_sort (state->conflicts, compare_strings);
  g_ptr_array_sort (state->deleted_here, compare_strings);
  g_ptr_array_sort (state->deleted_there, compare_strings);
  g_strfreev (self->conflicts);
  self->conflicts = strv_from_array (state->conflicts);
  g_strfreev (self->deleted_here);
  self->deleted_here = strv_from_array (state->deleted_here);
  g_strfreev (self->deleted_there);
  self->deleted_there = strv_from_array (state->deleted_there);
  self->pulled = state->pulled;
  g_free (self->volume_id);
  self->volume_id = g_strdup (state->volume_id);
  g_clear_pointer (&self->manifest, g_hash_table_unref);
  self->manifest = g_hash_table_ref (state->next);

  manifest_save (self->manifest_path, self->volume_id, self->manifest, &error);
  run_finish_with (task, error);
}

static void
chowned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!run_command_finish (DOCKYARD_VOLUME_SYNC (object), result, &error))
    {
      run_finish_with (task, error);
      return;
    }
  run_succeeded (task);
}

/* What the tar brought is root's (the engine's `copyUIDGID` wants a user
 * in the image's passwd, which a host uid is not): the dev container's
 * user gets it, and the volume's folder when it is new. */
static void
give_to_user (GTask *task)
{
  DockyardVolumeSync *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);

  if ((state->first || g_hash_table_size (state->pushed) > 0) &&
      !dockyard_container_user_is_root (self->user))
    {
      const char *cmd[] = { "chown", "-R", self->user, DOCKYARD_VOLUME_SYNC_MOUNT, NULL };

      run_command_async (self, cmd, "0:0", g_task_get_cancellable (task), chowned_cb, task);
      return;
    }

  run_succeeded (task);
}

static void
put_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GInputStream) stream = NULL;
  GError *error = NULL;

  stream = dockyard_engine_open_stream_finish (DOCKYARD_ENGINE (object), result, &error);
  if (stream == NULL)
    {
      run_finish_with (task, error);
      return;
    }
  g_input_stream_close (stream, NULL, NULL);
  g_debug ("Sync of %s: sent", DOCKYARD_VOLUME_SYNC (g_task_get_source_object (task))->volume);
  give_to_user (task);
}

static void
push (GTask *task)
{
  DockyardVolumeSync *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);
  g_autoptr(DockyardBuildContext) context = dockyard_build_context_new (self->directory, NULL);
  g_autoptr(GInputStream) tar = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;

  if (g_hash_table_size (state->pushed) == 0)
    {
      give_to_user (task);
      return;
    }

  if (g_hash_table_size (state->pushed) <= MAX_SOURCES)
    {
      g_autofree const char **sources = (const char **) g_hash_table_get_keys_as_array (state->pushed, NULL);

      dockyard_build_context_set_sources (context, sources);
    }

  tar = dockyard_build_context_open_tar_stream (context, g_task_get_cancellable (task), &error);
  if (tar == NULL)
    {
      run_finish_with (task, error);
      return;
    }

  path = g_strdup_printf ("/containers/%s/archive?path=%s", state->helper_id, DOCKYARD_VOLUME_SYNC_MOUNT);
  message = dockyard_engine_new_message (self->engine, "PUT", path);
  soup_message_set_request_body (message, "application/x-tar", tar, -1);
  dockyard_engine_open_stream_async (self->engine, message, g_task_get_cancellable (task),
                                     put_cb, task);
}

/* Whether @rel, from the container, is one to bring here: clean, inside,
 * and kept by .dockerignore. */
static gboolean
path_is_wanted (RunState   *state,
                const char *rel)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) prefix = g_string_new (NULL);

  if (*rel == '\0' || *rel == '/' || strlen (rel) > MAX_PATH_LENGTH)
    return FALSE;

  parts = g_strsplit (rel, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
        return FALSE;
      if (prefix->len > 0)
        g_string_append_c (prefix, '/');
      g_string_append (prefix, parts[i]);
      if (state->ignore != NULL && dockyard_dockerignore_matches (state->ignore, prefix->str))
        return FALSE;
    }

  return TRUE;
}

/* Writes the entry's data to a new file beside @rel, hashing it; returns
 * the folder's fd and the temporary name. */
static gboolean
write_temporary (struct archive  *archive,
                 int              root_fd,
                 const char      *rel,
                 mode_t           mode,
                 int             *dir_fd_out,
                 char           **tmp_name_out,
                 char             hash[65],
                 GError         **error)
{
  g_autofree char *dir = g_path_get_dirname (rel);
  g_autofree char *base = g_path_get_basename (rel);
  g_autofree char *tmp_name = g_strdup_printf (".%s.dockyard-sync-%08x", base, g_random_int ());
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *display = g_filename_display_name (rel);
  int dir_fd = open_dir_at (root_fd, dir, TRUE);
  int fd;

  if (dir_fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }

  fd = openat (dir_fd, tmp_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
               (mode & 0111) ? 0755 : 0644);
  if (fd < 0)
    {
      int saved_errno = errno;

      close (dir_fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write “%s”: %s"), display, g_strerror (saved_errno));
      return FALSE;
    }

  for (;;)
    {
      const void *buffer;
      size_t size;
      la_int64_t offset;
      int ret = archive_read_data_block (archive, &buffer, &size, &offset);
      const guint8 *p = buffer;

      if (ret == ARCHIVE_EOF)
        break;
      if (ret < ARCHIVE_WARN)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The files from the container are not a valid archive: %s"),
                       archive_error_string (archive));
          goto fail;
        }
      g_checksum_update (checksum, buffer, size);
      while (size > 0)
        {
          gssize n = write (fd, p, size);

          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            {
              int saved_errno = errno;

              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           _("Cannot write “%s”: %s"), display, g_strerror (saved_errno));
              goto fail;
            }
          p += n;
          size -= n;
        }
    }

  if (close (fd) != 0)
    {
      int saved_errno = errno;

      fd = -1;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write “%s”: %s"), display, g_strerror (saved_errno));
      goto fail;
    }

  g_strlcpy (hash, g_checksum_get_string (checksum), 65);
  *dir_fd_out = dir_fd;
  *tmp_name_out = g_steal_pointer (&tmp_name);
  return TRUE;

fail:
  if (fd >= 0)
    close (fd);
  unlinkat (dir_fd, tmp_name, 0);
  close (dir_fd);
  return FALSE;
}

/* A name beside @rel for the container's copy that is not taken. */
static char *
free_remote_name (int         root_fd,
                  const char *rel)
{
  struct stat st;

  for (guint i = 1; ; i++)
    {
      g_autofree char *name = i == 1 ? g_strconcat (rel, ".remote", NULL)
                                     : g_strdup_printf ("%s.remote%u", rel, i);
      g_autofree char *dir = g_path_get_dirname (name);
      g_autofree char *base = g_path_get_basename (name);
      int dir_fd = open_dir_at (root_fd, dir, FALSE);
      gboolean taken;

      if (dir_fd < 0)
        return g_steal_pointer (&name);
      taken = fstatat (dir_fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
      close (dir_fd);
      if (!taken)
        return g_steal_pointer (&name);
    }
}

static void
note_local_entry (int          dir_fd,
                  const char  *base,
                  const char  *hash,
                  gint64       rmtime,
                  Entry       *entry)
{
  struct stat st;

  memset (entry, 0, sizeof *entry);
  if (fstatat (dir_fd, base, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      entry->size = st.st_size;
      entry->mtime = stat_mtime_ns (&st);
    }
  entry->rmtime = rmtime;
  g_strlcpy (entry->hash, hash, sizeof entry->hash);
}

/* In a worker thread: reads the volume's tar, brings the files changed in
 * the container here, and works out what to send and what to ask about. */
static void
pull_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  RunState *state = task_data;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *download = g_file_get_path (state->download);
  struct archive *archive = archive_read_new ();
  struct archive_entry *entry;
  const char *prefix = DOCKYARD_VOLUME_SYNC_MOUNT + 1;
  gsize prefix_len = strlen (prefix);
  GError *error = NULL;
  GHashTableIter iter;
  gpointer key, value;
  int root_fd;
  int ret;

  root_fd = open (state->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    {
      int saved_errno = errno;

      archive_read_free (archive);
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot open the project folder: %s"), g_strerror (saved_errno));
      return;
    }

  archive_read_support_format_tar (archive);
  if (archive_read_open_filename (archive, download, CHUNK_SIZE) != ARCHIVE_OK)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The files from the container are not a valid archive: %s"),
                   archive_error_string (archive));
      goto out;
    }

  while ((ret = archive_read_next_header (archive, &entry)) == ARCHIVE_OK || ret == ARCHIVE_WARN)
    {
      const char *name = archive_entry_pathname (entry);
      const char *rel;
      Entry *old;
      Entry *here;
      gint64 size = archive_entry_size (entry);
      gint64 rmtime = archive_entry_mtime (entry);
      g_autofree char *tmp_name = NULL;
      g_autofree char *base = NULL;
      char hash[65];
      int dir_fd = -1;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        goto out;

      /* "dockyard-sync/PATH": anything else is not the volume's. */
      if (name == NULL || strncmp (name, prefix, prefix_len) != 0 || name[prefix_len] != '/')
        continue;
      rel = name + prefix_len + 1;
      /* Regular files only: folders come with their files, links are not
       * followed nor brought here. */
      if (archive_entry_filetype (entry) != AE_IFREG || !path_is_wanted (state, rel))
        continue;
      /* A further name of a file seen: there, and not fetched again (a
       * file sent with a hard link beside it comes back as one). */
      if (archive_entry_hardlink (entry) != NULL)
        {
          Entry *old_link = g_hash_table_lookup (state->manifest, rel);
          Entry *here_link = g_hash_table_lookup (state->local, rel);

          g_hash_table_add (seen, g_strdup (rel));
          if (here_link != NULL && (old_link == NULL || !g_str_equal (here_link->hash, old_link->hash)))
            {
              Entry sent = *here_link;

              sent.rmtime = here_link->mtime / G_GINT64_CONSTANT (1000000000);
              g_hash_table_replace (state->pushed, g_strdup (rel), entry_dup (&sent));
            }
          else if (old_link != NULL)
            g_hash_table_replace (state->next, g_strdup (rel), entry_dup (old_link));
          continue;
        }
      if (size < 0 || size > MAX_FILE_SIZE)
        {
          g_autofree char *display = g_filename_display_name (rel);

          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” in the container is too big to fetch"), display);
          goto out;
        }

      g_hash_table_add (seen, g_strdup (rel));
      old = g_hash_table_lookup (state->manifest, rel);
      here = g_hash_table_lookup (state->local, rel);

      /* Unchanged in the container since the last sync. */
      if (old != NULL && old->size == size && old->rmtime == rmtime)
        {
          Entry next = *old;

          if (here == NULL)
            {
              /* Deleted here: asked about; the entry stays. */
              g_ptr_array_add (state->deleted_here, g_strdup (rel));
              g_hash_table_replace (state->next, g_strdup (rel), entry_dup (&next));
            }
          else if (g_str_equal (here->hash, old->hash))
            {
              next.mtime = here->mtime;
              g_hash_table_replace (state->next, g_strdup (rel), entry_dup (&next));
            }
          /* Changed here only: sent. */
          else
            {
              Entry sent = *here;

              sent.rmtime = here->mtime / G_GINT64_CONSTANT (1000000000);
              g_hash_table_replace (state->pushed, g_strdup (rel), entry_dup (&sent));
            }
          continue;
        }

      if (!write_temporary (archive, root_fd, rel, archive_entry_mode (entry),
                            &dir_fd, &tmp_name, hash, &error))
        goto out;
      base = g_path_get_basename (rel);

      if (old != NULL && g_str_equal (hash, old->hash))
        {
          /* Touched but the same: as above, with the new mtime. */
          Entry next = *old;

          unlinkat (dir_fd, tmp_name, 0);
          next.rmtime = rmtime;
          if (here == NULL)
            g_ptr_array_add (state->deleted_here, g_strdup (rel));
          else if (g_str_equal (here->hash, old->hash))
            {
              next.mtime = here->mtime;
              g_hash_table_replace (state->next, g_strdup (rel), entry_dup (&next));
            }
          else
            {
              Entry sent = *here;

              sent.rmtime = here->mtime / G_GINT64_CONSTANT (1000000000);
              g_hash_table_replace (state->pushed, g_strdup (rel), entry_dup (&sent));
            }
          /* A pending deletion keeps the old entry, with the volume's mtime. */
          if (here == NULL)
            g_hash_table_replace (state->next, g_strdup (rel), entry_dup (&next));
        }
      else if (here != NULL && g_str_equal (here->hash, hash))
        {
          /* Changed the same way on both sides. */
          Entry next;

          unlinkat (dir_fd, tmp_name, 0);
          note_local_entry (dir_fd, base, hash, rmtime, &next);
          g_hash_table_replace (state->next, g_strdup (rel), entry_dup (&next));
        }
      else if (here == NULL || (old != NULL && g_str_equal (here->hash, old->hash)))
        {
          /* Changed in the container only (or deleted here and changed
           * there: it comes back). */
          Entry next;

          if (renameat (dir_fd, tmp_name, dir_fd, base) != 0)
            {
              int saved_errno = errno;
              g_autofree char *display = g_filename_display_name (rel);

              unlinkat (dir_fd, tmp_name, 0);
              close (dir_fd);
              g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           _("Cannot write “%s”: %s"), display, g_strerror (saved_errno));
              goto out;
            }
          note_local_entry (dir_fd, base, hash, rmtime, &next);
          g_hash_table_replace (state->next, g_strdup (rel), entry_dup (&next));
          state->pulled++;
        }
      else
        {
          /* Changed on both sides: the container's copy beside, and both
           * sent, so that both sides have both. */
          g_autofree char *remote_name = free_remote_name (root_fd, rel);
          g_autofree char *remote_base = g_path_get_basename (remote_name);
          Entry sent = *here;
          Entry copy;

          if (renameat (dir_fd, tmp_name, dir_fd, remote_base) != 0)
            {
              int saved_errno = errno;
              g_autofree char *display = g_filename_display_name (remote_name);

              unlinkat (dir_fd, tmp_name, 0);
              close (dir_fd);
              g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           _("Cannot write “%s”: %s"), display, g_strerror (saved_errno));
              goto out;
            }
          note_local_entry (dir_fd, remote_base, hash, 0, &copy);
          copy.rmtime = copy.mtime / G_GINT64_CONSTANT (1000000000);
          g_hash_table_replace (state->pushed, g_strdup (remote_name), entry_dup (&copy));
          sent.rmtime = here->mtime / G_GINT64_CONSTANT (1000000000);
          g_hash_table_replace (state->pushed, g_strdup (rel), entry_dup (&sent));
          g_ptr_array_add (state->conflicts, g_steal_pointer (&remote_name));
          state->pulled++;
        }
      close (dir_fd);
    }

  if (ret != ARCHIVE_EOF)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The files from the container are not a valid archive: %s"),
                   archive_error_string (archive));
      goto out;
    }

  /* Here and not in the volume. */
  g_hash_table_iter_init (&iter, state->local);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Entry *here = value;
      Entry *old = g_hash_table_lookup (state->manifest, key);

      if (g_hash_table_contains (seen, key))
        continue;

      if (old != NULL && g_str_equal (old->hash, here->hash))
        {
          /* Deleted in the container: asked about; the entry stays. */
          Entry next = *old;

          next.mtime = here->mtime;
          g_ptr_array_add (state->deleted_there, g_strdup (key));
          g_hash_table_replace (state->next, g_strdup (key), entry_dup (&next));
        }
      else
        {
          /* New here, or changed here (and deleted there: it goes back). */
          Entry sent = *here;

          sent.rmtime = here->mtime / G_GINT64_CONSTANT (1000000000);
          g_hash_table_replace (state->pushed, g_strdup (key), entry_dup (&sent));
        }
    }

out:
  archive_read_free (archive);
  close (root_fd);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
pulled_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      run_finish_with (task, error);
      return;
    }
  g_debug ("Sync of %s: compared, %u files here", DOCKYARD_VOLUME_SYNC (g_task_get_source_object (task))->volume,
           ((RunState *) g_task_get_task_data (task))->pulled);
  push (task);
}

static void
downloaded (GTask *task)
{
  DockyardVolumeSync *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);
  g_autoptr(GTask) thread_task = NULL;
  GError *error = NULL;

  if (!g_io_stream_close (G_IO_STREAM (state->download_io), NULL, &error))
    {
      run_finish_with (task, error);
      return;
    }
  g_debug ("Sync of %s: the volume's files fetched", self->volume);

  thread_task = g_task_new (self, g_task_get_cancellable (task), pulled_cb, task);
  g_task_set_source_tag (thread_task, pull_thread);
  g_task_set_task_data (thread_task, state, NULL);
  g_task_run_in_thread (thread_task, pull_thread);
}

/* The response read in big pieces into one buffer (a splice's 8 KiB reads
 * made a 100 MB volume take seconds longer), each written to the file at
 * once. */
static void
download_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  RunState *state = g_task_get_task_data (task);
  GInputStream *stream = G_INPUT_STREAM (object);
  GError *error = NULL;
  gssize size;

  size = g_input_stream_read_finish (stream, result, &error);
  if (size < 0)
    {
      g_object_unref (stream);
      run_finish_with (task, error);
      return;
    }

  if (size == 0)
    {
      g_input_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
      downloaded (task);
      return;
    }

  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (state->download_io)),
                                  state->download_buffer, size, NULL, NULL, &error))
    {
      g_object_unref (stream);
      run_finish_with (task, error);
      return;
    }

  g_input_stream_read_async (stream, state->download_buffer, DOWNLOAD_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), download_read_cb, task);
}

static void
got_archive_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  RunState *state = g_task_get_task_data (task);
  GInputStream *stream;
  GError *error = NULL;

  stream = dockyard_engine_open_stream_finish (DOCKYARD_ENGINE (object), result, &error);
  if (stream == NULL)
    {
      run_finish_with (task, error);
      return;
    }

  /* To a file first: the archive is read in a thread, and the response
   * belongs to the main context. */
  state->download = g_file_new_tmp ("dockyard-sync-XXXXXX.tar", &state->download_io, &error);
  if (state->download == NULL)
    {
      g_object_unref (stream);
      run_finish_with (task, error);
      return;
    }

  state->download_buffer = g_malloc (DOWNLOAD_CHUNK_SIZE);
  g_input_stream_read_async (stream, state->download_buffer, DOWNLOAD_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), download_read_cb, task);
}

static void
helper_created_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  DockyardVolumeSync *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;

  state->helper_id = dockyard_engine_create_container_finish (self->engine, result, &error);
  if (state->helper_id == NULL)
    {
      run_finish_with (task, error);
      return;
    }
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      run_finish_with (task, error);
      return;
    }

  g_debug ("Sync of %s: helper container made", self->volume);

  /* Never started: the archive calls mount its volume all the same. */
  path = g_strdup_printf ("/containers/%s/archive?path=%s", state->helper_id, DOCKYARD_VOLUME_SYNC_MOUNT);
  message = dockyard_engine_new_message (self->engine, "GET", path);
  dockyard_engine_open_stream_async (self->engine, message, g_task_get_cancellable (task),
                                     got_archive_cb, task);
}

static void
create_helper (GTask *task)
{
  DockyardVolumeSync *self = g_task_get_source_object (task);

  g_debug ("Sync of %s: %u files here looked at", self->volume,
           g_hash_table_size (((RunState *) g_task_get_task_data (task))->local));
  static const char * const cmd[] = { "true", NULL };
  g_autoptr(JsonNode) config = helper_config (self, cmd, self->user);

  /* Not cancellable: a container created under a cancel would be lost. */
  dockyard_engine_create_container_async (self->engine, NULL, config, NULL,
                                          helper_created_cb, task);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  RunState *state = task_data;
  g_autofree char *stored_created = NULL;
  g_autofree char *ignore_path = g_build_filename (state->root, ".dockerignore", NULL);
  g_autofree char *ignore_text = NULL;
  gsize ignore_length;
  GError *error = NULL;
  int root_fd;

  state->manifest = manifest_load (state->manifest_path, &stored_created);
  /* A manifest of another volume (removed and made again) says nothing. */
  if (state->manifest == NULL || g_strcmp0 (stored_created, state->volume_id) != 0)
    {
      g_debug ("No manifest of volume %s in %s (%s)", state->volume_id,
               state->manifest_path, stored_created);
      g_clear_pointer (&state->manifest, g_hash_table_unref);
      state->manifest = entries_new ();
      state->first = TRUE;
    }

  if (g_file_get_contents (ignore_path, &ignore_text, &ignore_length, NULL) &&
      ignore_length <= MAX_IGNORE_SIZE)
    state->ignore = dockyard_dockerignore_new_from_contents (ignore_text, ignore_length, NULL);

  root_fd = open (state->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot open the project folder: %s"), g_strerror (saved_errno));
      return;
    }

  for (guint i = 0; state->listed[i] != NULL; i++)
    {
      const char *rel = state->listed[i];
      Entry *old = g_hash_table_lookup (state->manifest, rel);
      Entry here = { 0 };
      struct stat st;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        break;
      /* Links are sent as links, but not kept track of. */
      if (!stat_file (root_fd, rel, &st))
        continue;
      here.size = st.st_size;
      here.mtime = stat_mtime_ns (&st);
      if (old != NULL && old->size == here.size && old->mtime == here.mtime)
        memcpy (here.hash, old->hash, sizeof here.hash);
      else if (!hash_file (root_fd, rel, &st, here.hash, &error))
        break;
      here.size = st.st_size;
      here.mtime = stat_mtime_ns (&st);
      g_hash_table_insert (state->local, g_strdup (rel), entry_dup (&here));
    }

  close (root_fd);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
scanned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      run_finish_with (task, error);
      return;
    }

  create_helper (task);
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  DockyardVolumeSync *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);
  g_autoptr(GTask) thread_task = NULL;
  GError *error = NULL;

  state->listed = dockyard_build_context_list_finish (DOCKYARD_BUILD_CONTEXT (object), result, &error);
  if (state->listed == NULL)
    {
      run_finish_with (task, error);
      return;
    }

  thread_task = g_task_new (self, g_task_get_cancellable (task), scanned_cb, task);
  g_task_set_source_tag (thread_task, scan_thread);
  g_task_set_task_data (thread_task, state, NULL);
  g_task_run_in_thread (thread_task, scan_thread);
}

static void
volume_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  DockyardVolumeSync *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(DockyardBuildContext) context = NULL;
  GError *error = NULL;

  node = dockyard_engine_request_finish (self->engine, result, &error);
  if (node == NULL)
    {
      run_finish_with (task, error);
      return;
    }
  /* The volume's id: ours if it is new, the one it was made with if not. */
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonNode *labels = json_object_get_member (json_node_get_object (node), "Labels");

      if (labels != NULL && JSON_NODE_HOLDS_OBJECT (labels))
        state->volume_id = g_strdup (json_object_get_string_member_with_default (json_node_get_object (labels),
                                                                                      SYNC_ID_LABEL, ""));
    }

  context = dockyard_build_context_new (self->directory, NULL);
  dockyard_build_context_list_async (context, g_task_get_cancellable (task), listed_cb, task);
}

/**
 * dockyard_volume_sync_run_async:
 * @self: a volume sync with its image set
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the sync is over
 * @user_data: data for @callback
 *
 * Makes the volume if it is not there (`POST /volumes/create` answers
 * with the volume when it is) and syncs it with the project folder both
 * ways, as told in #DockyardVolumeSync.  The helper container is removed
 * before this finishes, after an error or a cancel too.
 */
void
dockyard_volume_sync_run_async (DockyardVolumeSync  *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  RunState *state;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *owner = dockyard_container_owner_label ();
  g_autofree char *sync_id = g_uuid_string_random ();

  g_return_if_fail (DOCKYARD_IS_VOLUME_SYNC (self));
  g_return_if_fail (self->image != NULL);
  g_return_if_fail (!self->busy);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_volume_sync_run_async);
  state = g_new0 (RunState, 1);
  state->root = g_strdup (self->root);
  state->manifest_path = g_strdup (self->manifest_path);
  state->local = entries_new ();
  state->next = entries_new ();
  state->pushed = entries_new ();
  state->conflicts = g_ptr_array_new_with_free_func (g_free);
  state->deleted_here = g_ptr_array_new_with_free_func (g_free);
  state->deleted_there = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, state, (GDestroyNotify) run_state_free);
  self->busy = TRUE;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Name");
  json_builder_add_string_value (builder, self->volume);
  json_builder_set_member_name (builder, "Labels");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, DOCKYARD_LABEL_ROLE);
  json_builder_add_string_value (builder, "sync");
  json_builder_set_member_name (builder, DOCKYARD_LABEL_PROJECT);
  json_builder_add_string_value (builder, self->root);
  json_builder_set_member_name (builder, DOCKYARD_LABEL_OWNER);
  json_builder_add_string_value (builder, owner);
  json_builder_set_member_name (builder, SYNC_ID_LABEL);
  json_builder_add_string_value (builder, sync_id);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  dockyard_engine_request_async (self->engine, "POST", "/volumes/create", body, cancellable,
                                 volume_cb, task);
}

/**
 * dockyard_volume_sync_run_finish:
 *
 * Returns: whether the sync went through; see the getters for what it
 *   found
 */
gboolean
dockyard_volume_sync_run_finish (DockyardVolumeSync  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  g_return_val_if_fail (DOCKYARD_IS_VOLUME_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Deletions, once the user has said so                                      */

typedef struct
{
  GPtrArray *paths;  /* volume paths still to remove */
  guint      next;
} DeleteState;

static void
delete_state_free (DeleteState *state)
{
  g_ptr_array_unref (state->paths);
  g_free (state);
}

static void delete_next_batch (GTask *task);

static void
deleted_batch_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  DockyardVolumeSync *self = DOCKYARD_VOLUME_SYNC (object);
  GError *error = NULL;

  if (!run_command_finish (self, result, &error))
    {
      self->busy = FALSE;
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  delete_next_batch (task);
}

static void
delete_next_batch (GTask *task)
{
  DockyardVolumeSync *self = g_task_get_source_object (task);
  DeleteState *state = g_task_get_task_data (task);
  g_autoptr(GPtrArray) cmd = g_ptr_array_new ();
  GError *error = NULL;

  if (state->next >= state->paths->len)
    {
      g_clear_pointer (&self->deleted_here, g_strfreev);
      self->deleted_here = g_new0 (char *, 1);
      self->busy = FALSE;
      if (!manifest_save (self->manifest_path, self->volume_id, self->manifest, &error))
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  g_ptr_array_add (cmd, (gpointer) "rm");
  g_ptr_array_add (cmd, (gpointer) "-f");
  g_ptr_array_add (cmd, (gpointer) "--");
  for (guint i = 0; i < RM_BATCH && state->next < state->paths->len; i++)
    g_ptr_array_add (cmd, g_ptr_array_index (state->paths, state->next++));
  g_ptr_array_add (cmd, NULL);

  run_command_async (self, (const char * const *) cmd->pdata, self->user,
                     g_task_get_cancellable (task), deleted_batch_cb, task);
}

/**
 * dockyard_volume_sync_apply_deletions_async:
 * @self: a volume sync after a sync
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Deletes what the last sync listed, once the user has agreed: the files
 * deleted in the container from the project folder (unless changed here
 * since), and the files deleted here from the volume (with `rm` in a
 * helper container).
 */
void
dockyard_volume_sync_apply_deletions_async (DockyardVolumeSync  *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  GTask *task;
  DeleteState *state;
  int root_fd;

  g_return_if_fail (DOCKYARD_IS_VOLUME_SYNC (self));
  g_return_if_fail (!self->busy);
  g_return_if_fail (self->manifest != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_volume_sync_apply_deletions_async);
  state = g_new0 (DeleteState, 1);
  state->paths = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, state, (GDestroyNotify) delete_state_free);
  self->busy = TRUE;

  root_fd = open (self->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (guint i = 0; root_fd >= 0 && self->deleted_there != NULL && self->deleted_there[i] != NULL; i++)
    {
      const char *rel = self->deleted_there[i];
      Entry *old = g_hash_table_lookup (self->manifest, rel);
      g_autofree char *dir = g_path_get_dirname (rel);
      g_autofree char *base = g_path_get_basename (rel);
      struct stat st;
      int dir_fd;

      /* Changed here since the sync: kept, and sent by the next one. */
      if (old == NULL || !stat_file (root_fd, rel, &st) || st.st_size != old->size ||
          stat_mtime_ns (&st) != old->mtime)
        continue;
      dir_fd = open_dir_at (root_fd, dir, FALSE);
      if (dir_fd >= 0 && unlinkat (dir_fd, base, 0) == 0)
        g_hash_table_remove (self->manifest, rel);
      if (dir_fd >= 0)
        close (dir_fd);
    }
  if (root_fd >= 0)
    close (root_fd);
  g_clear_pointer (&self->deleted_there, g_strfreev);
  self->deleted_there = g_new0 (char *, 1);

  for (guint i = 0; self->deleted_here != NULL && self->deleted_here[i] != NULL; i++)
    {
      g_ptr_array_add (state->paths, g_build_filename (DOCKYARD_VOLUME_SYNC_MOUNT,
                                                       self->deleted_here[i], NULL));
      g_hash_table_remove (self->manifest, self->deleted_here[i]);
    }

  delete_next_batch (task);
}

gboolean
dockyard_volume_sync_apply_deletions_finish (DockyardVolumeSync  *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  g_return_val_if_fail (DOCKYARD_IS_VOLUME_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
