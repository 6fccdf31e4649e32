/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dockyard-project-files.h"

/* Every temporary file Dockyard writes in a project folder is named
 * ".NAME.dockyard-XXXXXX" (NAME the file it becomes, XXXXXX six letters or
 * digits from mkstemp()), so that one left by a killed Dockyard can be told
 * apart from the user's files and removed. */
#define TEMP_INFIX       ".dockyard-"
#define TEMP_RANDOM_LEN  6
/* A temporary file younger than this may belong to a save in progress
 * (another Dockyard window, or the command line); saves take milliseconds. */
#define STALE_AFTER_SECONDS 60

static char *
temp_template (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);

  return g_strdup_printf ("%s/.%s" TEMP_INFIX "XXXXXX", dir, base);
}

/* Writes all of @contents to @fd, flushes it to the disk and closes it.
 * Returns 0 or an errno. */
static int
write_and_close (int         fd,
                 const char *contents,
                 gsize       length)
{
  gsize written = 0;
  int saved_errno = 0;

  while (written < length && saved_errno == 0)
    {
      ssize_t n = write (fd, contents + written, length - written);

      if (n >= 0)
        written += n;
      else if (errno != EINTR)
        saved_errno = errno;
    }
  if (saved_errno == 0 && fsync (fd) != 0)
    saved_errno = errno;
  if (close (fd) != 0 && saved_errno == 0)
    saved_errno = errno;

  return saved_errno;
}

/* Writes @contents to a hidden temporary file next to @path, then links it
 * to @path: the file appears whole or not at all (a kill in the middle
 * leaves no empty or cut file that would then count as existing), and
 * link() never replaces an existing file.  Returns 0, EEXIST, or another
 * errno after which the caller takes the plain way (it reports errors, and
 * works on file systems without hard links). */
static int
create_whole (const char *path,
              const char *contents)
{
  g_autofree char *tmp = temp_template (path);
  gsize length = strlen (contents);
  int saved_errno = 0;
  int fd;

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    return errno;

  saved_errno = write_and_close (fd, contents, length);
  if (saved_errno == 0 && link (tmp, path) != 0)
    saved_errno = errno;

  g_unlink (tmp);
  return saved_errno;
}

/**
 * dockyard_project_create_file:
 * @dir: the project folder
 * @name: the file's name in @dir
 * @contents: what to write
 * @existed: (out): set to %TRUE when the file was already there
 *
 * Creates @name in @dir with @contents unless it exists: an existing file
 * is never touched.  The file appears whole or not at all, even if the
 * process is killed while writing it.  Blocking: call it from a thread in
 * the UI.
 *
 * Returns: %FALSE with @error set if the file could not be created
 */
gboolean
dockyard_project_create_file (GFile         *dir,
                              const char    *name,
                              const char    *contents,
                              gboolean      *existed,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (dir), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);
  g_return_val_if_fail (existed != NULL, FALSE);

  *existed = FALSE;
  file = g_file_get_child (dir, name);

  path = g_file_get_path (file);
  if (path != NULL)
    {
      int result = create_whole (path, contents);

      if (result == 0 || result == EEXIST)
        {
          *existed = result == EEXIST;
          return TRUE;
        }
    }

  stream = g_file_create (file, G_FILE_CREATE_NONE, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          *existed = TRUE;
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), contents, strlen (contents), NULL,
                                  cancellable, error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, error))
    {
      g_file_delete (file, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

/**
 * dockyard_project_replace_file:
 * @path: a local file
 * @contents: (array length=length): what to write
 * @length: its length in bytes
 *
 * Replaces @path with @contents atomically: they are written to a hidden
 * temporary file beside it, flushed to the disk and renamed over @path, so
 * that a crash leaves the old file or the new one, whole.  A temporary
 * file left by a kill is removed the next time the project is opened
 * (dockyard_project_remove_stale_temp_files()).  Blocking.
 *
 * Returns: %FALSE with @error (in %G_FILE_ERROR, naming @path) on failure
 */
gboolean
dockyard_project_replace_file (const char  *path,
                               const char  *contents,
                               gsize        length,
                               GError     **error)
{
  g_autofree char *tmp = NULL;
  g_autofree char *display = NULL;
  int saved_errno;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL || length == 0, FALSE);

  tmp = temp_template (path);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    saved_errno = errno;
  else
    {
      struct stat st;

      /* The new version keeps the permissions of the old one. */
      if (stat (path, &st) == 0 && S_ISREG (st.st_mode))
        fchmod (fd, st.st_mode & 07777);
      saved_errno = write_and_close (fd, contents, length);
      if (saved_errno == 0 && rename (tmp, path) != 0)
        saved_errno = errno;
      if (saved_errno != 0)
        g_unlink (tmp);
    }

  if (saved_errno == 0)
    return TRUE;

  display = g_filename_display_name (path);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               /* Translators: the first %s is a file, the second why, e.g. "Permission denied" */
               _("Cannot save “%s”: %s"), display, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
path_is_inside (const char *path,
                const char *root)
{
  gsize len = strlen (root);

  if (g_str_equal (root, "/"))
    return TRUE;
  return strncmp (path, root, len) == 0 && (path[len] == '\0' || path[len] == '/');
}

/**
 * dockyard_project_resolve_write_path:
 * @root: the project folder
 * @file: a file Dockyard is about to write (it may not exist yet)
 * @rel: (out) (optional) (transfer full): @file relative to @root, for
 *   what the user is shown
 *
 * Where a write of @file must go so that it lands inside @root: @file's own
 * path, with every folder on the way resolved inside @root; or, when @file
 * is a symbolic link to a file inside @root, the link's target, so that a
 * save writes through the link instead of replacing it.  `..`, an absolute
 * path, a folder that is a link out of the project and a link to a file
 * outside it are refused.  Blocking.
 *
 * Returns: (transfer full): the path to write, or %NULL with @error set
 */
char *
dockyard_project_resolve_write_path (GFile   *root,
                                     GFile   *file,
                                     char   **rel,
                                     GError **error)
{
  g_autofree char *relative = NULL;
  g_autofree char *root_path = NULL;
  g_autofree char *real_root = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *real_dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *display = NULL;
  struct stat st;

  g_return_val_if_fail (G_IS_FILE (root), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  relative = g_file_get_relative_path (root, file);
  root_path = g_file_get_path (root);
  path = g_file_get_path (file);
  if (path == NULL || root_path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("The project folder is not a local folder."));
      return NULL;
    }
  display = g_filename_display_name (relative != NULL ? relative : path);
  if (relative == NULL)
    goto outside;

  real_root = realpath (root_path, NULL);
  dir = g_path_get_dirname (path);
  real_dir = realpath (dir, NULL);
  if (real_root == NULL || real_dir == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot save “%s”: %s"), display, g_strerror (saved_errno));
      return NULL;
    }
  if (!path_is_inside (real_dir, real_root))
    goto outside;

  base = g_path_get_basename (path);
  g_free (path);
  path = g_build_filename (real_dir, base, NULL);

  if (lstat (path, &st) == 0 && S_ISLNK (st.st_mode))
    {
      g_autofree char *target = realpath (path, NULL);

      /* A dangling link, a link to a folder or out of the project. */
      if (target == NULL || stat (target, &st) != 0 || !S_ISREG (st.st_mode)
          || !path_is_inside (target, real_root))
        goto outside;
      g_free (path);
      path = g_steal_pointer (&target);
    }

  if (rel != NULL)
    *rel = g_steal_pointer (&relative);
  return g_steal_pointer (&path);

outside:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
               /* Translators: %s is a file name */
               _("Dockyard does not write “%s”: it is outside the project folder"), display);
  return NULL;
}

/* How many numbered backups (NAME.2.orig, NAME.3.orig, ...) are kept
 * besides the first original, NAME.orig, which is never replaced. */
#define MAX_NUMBERED_BACKUPS 10

/* Whether the file at @path holds exactly @contents. */
static gboolean
file_holds (const char *path,
            const char *contents,
            gsize       length)
{
  g_autofree char *current = NULL;
  gsize current_length;
  GStatBuf st;

  if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || (gsize) st.st_size != length)
    return FALSE;
  if (!g_file_get_contents (path, &current, &current_length, NULL))
    return FALSE;
  return current_length == length && memcmp (current, contents, length) == 0;
}

/* N of "BASENAME.N.orig", or 0. */
static guint
backup_number (const char *name,
               const char *basename)
{
  gsize base_length = strlen (basename);
  const char *number;
  guint64 n;
  char *end;

  if (strncmp (name, basename, base_length) != 0 || name[base_length] != '.')
    return 0;
  number = name + base_length + 1;
  if (!g_ascii_isdigit (*number))
    return 0;
  n = g_ascii_strtoull (number, &end, 10);
  if (strcmp (end, ".orig") != 0 || n < 2 || n > G_MAXUINT)
    return 0;
  return n;
}

/* Where the version being replaced goes: NAME.orig, the first original,
 * when there is none yet; nowhere new when the first or the newest numbered
 * backup holds it already; else the next NAME.N.orig, the oldest numbered
 * ones beyond MAX_NUMBERED_BACKUPS removed. */
static char *
choose_backup (const char *path,
               const char *previous,
               gsize       previous_length,
               gboolean   *write)
{
  g_autofree char *first = g_strconcat (path, ".orig", NULL);
  g_autofree char *dir_path = g_path_get_dirname (path);
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *newest = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *name;
  guint highest = 1;

  GStatBuf st;

  *write = FALSE;
  /* Not there yet, or something that is no file (a folder, a link): that
   * one is written, and replaced (a link) or refused (a folder). */
  if (g_lstat (first, &st) != 0 || !S_ISREG (st.st_mode))
    {
      *write = TRUE;
      return g_steal_pointer (&first);
    }
  if (file_holds (first, previous, previous_length))
    return g_steal_pointer (&first);

  dir = g_dir_open (dir_path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      guint n = backup_number (name, basename);

      if (n == 0)
        continue;
      g_array_append_val (numbers, n);
      highest = MAX (highest, n);
    }

  if (highest >= 2)
    {
      g_autofree char *newest_name = g_strdup_printf ("%s.%u.orig", basename, highest);

      newest = g_build_filename (dir_path, newest_name, NULL);
      if (file_holds (newest, previous, previous_length))
        return g_steal_pointer (&newest);
    }

  for (guint i = 0; i < numbers->len; i++)
    {
      guint n = g_array_index (numbers, guint, i);

      if (n + MAX_NUMBERED_BACKUPS <= highest + 1)
        {
          g_autofree char *old_name = g_strdup_printf ("%s.%u.orig", basename, n);
          g_autofree char *old = g_build_filename (dir_path, old_name, NULL);

          if (g_lstat (old, &st) == 0 && S_ISREG (st.st_mode))
            g_unlink (old);
        }
    }

  *write = TRUE;
  {
    g_autofree char *next_name = g_strdup_printf ("%s.%u.orig", basename, highest + 1);

    return g_build_filename (dir_path, next_name, NULL);
  }
}

/**
 * dockyard_project_replace_keeping_orig:
 * @path: a local file the user owns (a Dockerfile, requirements.txt)
 * @previous: (nullable) (array length=previous_length): the version being
 *   replaced, kept as a backup beside @path; %NULL when there is none to keep
 * @previous_length: its length in bytes
 * @contents: (array length=length): the new version
 * @length: its length in bytes
 * @backup_path: (out) (optional) (transfer full): where @previous is kept,
 *   %NULL when there was none
 *
 * The one way Dockyard replaces a file of the user's: the previous version
 * first, as a backup beside it, then the new one, each through
 * dockyard_project_replace_file(), so that a crash leaves each file whole
 * (old or new) and a kill leaves only temporary files that opening the
 * project removes.  The first backup is NAME.orig and is never replaced, so
 * the original hand-written file stays; later versions are NAME.2.orig,
 * NAME.3.orig, ..., the newest ten kept (builds leave them out, with or
 * without a .dockerignore: see DockyardBuildContext).  Blocking: call it from a thread.
 *
 * Returns: %FALSE with @error set (in %G_FILE_ERROR) on failure; when
 *   the backup fails, @path is not touched
 */
gboolean
dockyard_project_replace_keeping_orig (const char  *path,
                                       const char  *previous,
                                       gsize        previous_length,
                                       const char  *contents,
                                       gsize        length,
                                       char       **backup_path,
                                       GError     **error)
{
  g_autofree char *backup = NULL;
  gboolean write = FALSE;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL || length == 0, FALSE);

  if (previous != NULL)
    backup = choose_backup (path, previous, previous_length, &write);
  if (write && !dockyard_project_replace_file (backup, previous, previous_length, error))
    return FALSE;

  if (!dockyard_project_replace_file (path, contents, length, error))
    return FALSE;

  if (backup_path != NULL)
    *backup_path = g_steal_pointer (&backup);
  return TRUE;
}

/* Whether @name is ".NAME.dockyard-XXXXXX" exactly. */
static gboolean
is_temp_name (const char *name)
{
  gsize length = strlen (name);
  const char *infix;

  /* ".", at least one character of NAME, the infix, the random part. */
  if (name[0] != '.' || length < 2 + strlen (TEMP_INFIX) + TEMP_RANDOM_LEN)
    return FALSE;

  infix = name + length - TEMP_RANDOM_LEN - strlen (TEMP_INFIX);
  if (strncmp (infix, TEMP_INFIX, strlen (TEMP_INFIX)) != 0)
    return FALSE;

  for (const char *p = name + length - TEMP_RANDOM_LEN; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;

  return TRUE;
}

/**
 * dockyard_project_remove_stale_temp_files:
 * @dir_path: a project folder
 *
 * Removes the temporary files that saves left in @dir_path when Dockyard was
 * killed in the middle of one: only regular files named exactly like
 * Dockyard's (".NAME.dockyard-XXXXXX"), owned by this user and unchanged for
 * a minute.  Symbolic links are neither followed nor removed, and nothing
 * outside @dir_path itself is looked at.  Blocking.
 *
 * Returns: how many files were removed, or -1 with @error set when the
 *   folder cannot be read
 */
int
dockyard_project_remove_stale_temp_files (const char  *dir_path,
                                          GError     **error)
{
  g_autofree char *display = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  struct dirent *entry;
  int removed = 0;
  int dir_fd;
  DIR *dir;

  g_return_val_if_fail (dir_path != NULL, -1);

  /* O_NOFOLLOW: the folder itself must not have become a link elsewhere. */
  dir_fd = open (dir_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir_fd < 0 || (dir = fdopendir (dir_fd)) == NULL)
    {
      int saved_errno = errno;

      if (dir_fd >= 0)
        close (dir_fd);
      display = g_filename_display_name (dir_path);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot open “%s”: %s"), display, g_strerror (saved_errno));
      return -1;
    }

  while ((entry = readdir (dir)) != NULL)
    {
      struct stat st;

      if (!is_temp_name (entry->d_name))
        continue;

      if (fstatat (dir_fd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
          !S_ISREG (st.st_mode) || st.st_uid != geteuid () ||
          now - (gint64) st.st_mtime < STALE_AFTER_SECONDS)
        continue;

      /* unlinkat() removes the name, never what a link would point to. */
      if (unlinkat (dir_fd, entry->d_name, 0) == 0)
        {
          g_debug ("Removed %s/%s, left by an interrupted save", dir_path, entry->d_name);
          removed++;
        }
      else
        g_debug ("Cannot remove %s/%s: %s", dir_path, entry->d_name, g_strerror (errno));
    }

  closedir (dir);
  return removed;
}
