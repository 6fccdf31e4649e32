/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dockyard-launch-page.h"

/* A browser is started with the address to open on its command line, and
 * every local user can read a process's command line (/proc/PID/cmdline).
 * An address that carries a secret (Jupyter's token) is therefore handed
 * over as a small page, readable by the user alone, that sends the browser
 * on; Jupyter's own launcher does the same. */

#define LAUNCH_PAGE_FOLDER "dockyard"

/**
 * dockyard_launch_page_write:
 * @url: the address to send the browser to
 * @error: return location for a #GError
 *
 * Writes a page that redirects to @url into a folder of the user's runtime
 * directory that only the user can enter, readable by the user alone.  The
 * caller removes it (g_unlink()) once the address is no longer valid.
 *
 * Returns: (transfer full): the page's path, or %NULL with @error set
 */
char *
dockyard_launch_page_write (const char  *url,
                            GError     **error)
{
  g_autofree char *folder = g_build_filename (g_get_user_runtime_dir (), LAUNCH_PAGE_FOLDER, NULL);
  g_autofree char *path = g_build_filename (folder, "open-XXXXXX.html", NULL);
  g_autofree char *escaped = NULL;
  g_autofree char *page = NULL;
  gsize length;
  gsize written = 0;
  int fd;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_mkdir_with_parents (folder, 0700) != 0 || g_chmod (folder, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not make the folder %s: %s"), folder, g_strerror (saved));
      return NULL;
    }

  fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not write a page in %s: %s"), folder, g_strerror (saved));
      return NULL;
    }

  escaped = g_markup_escape_text (url, -1);
  page = g_strdup_printf ("<!DOCTYPE html>\n"
                          "<html><head><meta charset=\"utf-8\">\n"
                          "<meta http-equiv=\"refresh\" content=\"0;url=%s\">\n"
                          "<title>Jupyter</title></head>\n"
                          "<body><p><a href=\"%s\">Jupyter</a></p></body></html>\n",
                          escaped, escaped);
  length = strlen (page);
  while (written < length)
    {
      gssize n = write (fd, page + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : EIO;

          close (fd);
          g_unlink (path);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not write a page in %s: %s"), folder, g_strerror (saved));
          return NULL;
        }
      written += n;
    }

  if (close (fd) != 0)
    {
      int saved = errno;

      g_unlink (path);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not write a page in %s: %s"), folder, g_strerror (saved));
      return NULL;
    }

  return g_steal_pointer (&path);
}
