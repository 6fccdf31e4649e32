/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one way Dockyard reads a project's text files (Dockerfile,
 * .dockerignore, requirements): nothing outside the project folder, regular
 * files only, never blocking on a FIFO and never more than a bound. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dockyard-read-file.h"

/* Opens @rel one component at a time, never following a symbolic link:
 * for kernels without openat2(). */
static int
open_beneath_by_components (int         root_fd,
                            const char *rel,
                            int         flags)
{
  g_auto(GStrv) parts = g_strsplit (rel, "/", -1);
  int dir_fd = dup (root_fd);
  guint n = g_strv_length (parts);

  if (dir_fd < 0)
    return -1;

  for (guint i = 0; i < n; i++)
    {
      gboolean last = i + 1 == n;
      int fd;

      if (*parts[i] == '\0' || g_str_equal (parts[i], "."))
        {
          if (!last)
            continue;
          fd = openat (dir_fd, ".", flags | O_NOFOLLOW);
        }
      else if (g_str_equal (parts[i], ".."))
        {
          close (dir_fd);
          errno = EXDEV;
          return -1;
        }
      else
        fd = openat (dir_fd, parts[i],
                     last ? flags | O_NOFOLLOW
                          : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      close (dir_fd);
      if (fd < 0)
        return -1;
      dir_fd = fd;
    }

  return dir_fd;
}

/**
 * dockyard_open_beneath:
 * @root_fd: an open folder
 * @rel: a path relative to it
 * @flags: open() flags (O_CLOEXEC is added)
 *
 * Opens @rel so that whatever it names, and every link on the way, stays
 * inside @root_fd: `..` above it, absolute paths and links that lead out
 * fail with EXDEV (or ELOOP where openat2() is missing: links are then
 * refused altogether).
 *
 * Returns: a file descriptor, or -1 with @error set
 */
int
dockyard_open_beneath (int          root_fd,
                       const char  *rel,
                       int          flags,
                       GError     **error)
{
  struct open_how how = { 0 };
  int fd;

  g_return_val_if_fail (rel != NULL, -1);

  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;

  do
    fd = syscall (SYS_openat2, root_fd, rel, &how, sizeof how);
  while (fd < 0 && errno == EINTR);

  if (fd < 0 && (errno == ENOSYS || errno == EPERM))
    fd = open_beneath_by_components (root_fd, rel, flags | O_CLOEXEC);

  if (fd < 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (rel);

      if (saved_errno == EXDEV || saved_errno == ELOOP)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                     /* Translators: %s is a file name */
                     _("“%s” is outside the project folder"), display);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     _("Cannot open “%s”: %s"), display, g_strerror (saved_errno));
    }

  return fd;
}

/**
 * dockyard_read_fd:
 * @fd: an open file (not closed)
 * @display_name: the file's name for messages
 * @max_size: the most to read
 *
 * Reads a regular file up to @max_size bytes; anything else (a device, a
 * FIFO, a folder) and anything bigger is an error that says so.
 *
 * Returns: %TRUE with @contents (nul-terminated) and @length set
 */
gboolean
dockyard_read_fd (int          fd,
                  const char  *display_name,
                  gsize        max_size,
                  char       **contents,
                  gsize       *length,
                  GError     **error)
{
  g_autofree char *buffer = NULL;
  struct stat st;
  gsize filled = 0;

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot read “%s”: %s"), display_name, g_strerror (saved_errno));
      return FALSE;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   /* Translators: %s is a file name */
                   _("“%s” is not a regular file"), display_name);
      return FALSE;
    }

  if ((guint64) st.st_size > max_size)
    {
      g_autofree char *size = g_format_size (st.st_size);
      g_autofree char *limit = g_format_size (max_size);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   /* Translators: “requirements.txt” is 12.0 MB; files over 4.2 MB are refused */
                   _("“%s” is %s; files over %s are refused"), display_name, size, limit);
      return FALSE;
    }

  /* The file may grow after fstat(): read one byte past the bound to tell. */
  buffer = g_malloc (st.st_size + 2);
  for (;;)
    {
      gsize room = (gsize) st.st_size + 1 - filled;
      gssize n;

      if (room == 0)
        {
          g_autofree char *limit = g_format_size (max_size);

          if (filled > max_size)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                           _("“%s” is over %s; files that big are refused"), display_name, limit);
              return FALSE;
            }
          st.st_size = MIN (max_size + 1, (gsize) st.st_size * 2 + 4096);
          buffer = g_realloc (buffer, st.st_size + 2);
          continue;
        }

      n = read (fd, buffer + filled, room);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot read “%s”: %s"), display_name, g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      filled += n;
    }

  buffer[filled] = '\0';
  *contents = g_steal_pointer (&buffer);
  if (length != NULL)
    *length = filled;
  return TRUE;
}

/**
 * dockyard_read_file:
 * @root: (nullable): the project folder @file must stay inside
 * @file: a local file
 * @max_size: the most to read
 * @contents: (out) (transfer full): the text, nul-terminated
 * @length: (out) (optional): its length
 *
 * Reads @file with dockyard_read_fd()'s bounds.  With @root, @file is
 * opened with dockyard_open_beneath(): a path or a link that leads outside
 * @root is an error (G_IO_ERROR_PERMISSION_DENIED) and nothing is read.
 * Opening never blocks (O_NONBLOCK), so a FIFO is refused, not waited for.
 * Blocking I/O: call it in a thread.
 *
 * Returns: %TRUE on success
 */
gboolean
dockyard_read_file (GFile       *root,
                    GFile       *file,
                    gsize        max_size,
                    char       **contents,
                    gsize       *length,
                    GError     **error)
{
  const int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
  g_autofree char *display = NULL;
  g_autofree char *path = NULL;
  gboolean ok;
  int fd;

  g_return_val_if_fail (root == NULL || G_IS_FILE (root), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  *contents = NULL;
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Only local files can be read"));
      return FALSE;
    }
  display = g_filename_display_name (path);

  if (root != NULL)
    {
      g_autofree char *rel = g_file_get_relative_path (root, file);
      g_autofree char *root_path = g_file_get_path (root);
      int root_fd;

      if (rel == NULL || root_path == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                       _("“%s” is outside the project folder"), display);
          return FALSE;
        }

      root_fd = open (root_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (root_fd < 0)
        {
          int saved_errno = errno;
          g_autofree char *root_display = g_filename_display_name (root_path);

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot open “%s”: %s"), root_display, g_strerror (saved_errno));
          return FALSE;
        }
      fd = dockyard_open_beneath (root_fd, rel, flags, error);
      close (root_fd);
      if (fd < 0)
        return FALSE;
    }
  else
    {
      fd = open (path, flags);
      if (fd < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot open “%s”: %s"), display, g_strerror (saved_errno));
          return FALSE;
        }
    }

  ok = dockyard_read_fd (fd, display, max_size, contents, length, error);
  close (fd);

  return ok;
}

typedef struct
{
  GFile  *root;
  gsize   max_size;
  char   *contents;
  gsize   length;
} ReadData;

static void
read_data_free (ReadData *data)
{
  g_clear_object (&data->root);
  g_free (data->contents);
  g_free (data);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadData *data = task_data;
  GError *error = NULL;

  if (dockyard_read_file (data->root, G_FILE (source_object), data->max_size,
                          &data->contents, &data->length, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * dockyard_read_file_async:
 * @root: (nullable): the project folder @file must stay inside
 * @file: a local file: the source object of the result
 * @max_size: the most to read
 *
 * dockyard_read_file() in a thread.
 */
void
dockyard_read_file_async (GFile               *root,
                          GFile               *file,
                          gsize                max_size,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadData *data;

  g_return_if_fail (root == NULL || G_IS_FILE (root));
  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (ReadData, 1);
  data->root = root != NULL ? g_object_ref (root) : NULL;
  data->max_size = max_size;

  task = g_task_new (file, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_read_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, read_thread);
}

/**
 * dockyard_read_file_finish:
 * @contents: (out) (transfer full): the text, nul-terminated
 * @length: (out) (optional): its length
 *
 * Returns: %TRUE on success
 */
gboolean
dockyard_read_file_finish (GFile         *file,
                           GAsyncResult  *result,
                           char         **contents,
                           gsize         *length,
                           GError       **error)
{
  ReadData *data;

  g_return_val_if_fail (g_task_is_valid (result, file), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dockyard_read_file_async, FALSE);

  *contents = NULL;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  *contents = g_steal_pointer (&data->contents);
  if (length != NULL)
    *length = data->length;
  return TRUE;
}
