/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

#include "dockyard-build-context.h"
#include "dockyard-dockerfile.h"
#include "dockyard-dockerfile-context.h"

/* libFuzzer target: the build context's path handling (issue 16, item 1).
 * The input is three parts: the Dockerfile's name as the context is told
 * it (first line), the Dockerfile (up to a line "%%"), and .dockerignore
 * (the rest).  As a build does, the Dockerfile's COPY/ADD/mount sources
 * narrow the context, which is then walked and archived.  The project has
 * links out of it (to a sibling folder, to its parent, to /etc), link loops
 * and a FIFO; nothing outside may be opened (inotify watches the sibling
 * and the parent), and every tar entry must be a clean relative path of
 * something in the project, links sent as links.  Built and run by
 * tests/fuzz/run-fuzzer context-walk. */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* The most of the tar read back: the project is small. */
#define MAX_TAR (8 * 1024 * 1024)

static char *top;
static char *project;
static int watch_fd = -1;

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (!g_file_set_contents (path, text, -1, NULL))
    __builtin_trap ();
}

static void
link_file (const char *dir,
           const char *name,
           const char *target)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (symlink (target, path) != 0)
    __builtin_trap ();
}

static void
make_project (void)
{
  g_autofree char *outside = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *deep = NULL;
  g_autofree char *fifo = NULL;

  top = g_dir_make_tmp ("dockyard-fuzz-walk-XXXXXX", NULL);
  if (top == NULL)
    __builtin_trap ();
  outside = g_build_filename (top, "outside", NULL);
  project = g_build_filename (top, "proj", NULL);
  sub = g_build_filename (project, "sub", NULL);
  deep = g_build_filename (sub, "deep", NULL);
  g_mkdir_with_parents (deep, 0700);
  g_mkdir_with_parents (outside, 0700);

  write_file (outside, "secret", "SECRET-OUTSIDE\n");
  write_file (outside, "Dockerfile", "FROM scratch\nCOPY secret /\n");
  write_file (outside, "Dockerfile.dockerignore", "*\n");
  write_file (top, "secret", "SECRET-TOP\n");
  write_file (top, "Dockerfile.dockerignore", "*\n");

  write_file (project, "app.py", "print(1)\n");
  write_file (project, "requirements.txt", "flask==3.0.0\n");
  write_file (sub, "data.txt", "data\n");
  write_file (sub, "Dockerfile", "FROM scratch\n");
  write_file (deep, "x", "x\n");
  link_file (project, "out", "../outside");
  link_file (project, "out.txt", "../outside/secret");
  link_file (project, "up", "..");
  link_file (project, "etc", "/etc");
  link_file (project, "self", ".");
  link_file (project, "ping", "pong");
  link_file (project, "pong", "ping");
  link_file (sub, "back", "../..");
  link_file (sub, "in", "data.txt");
  fifo = g_build_filename (project, "fifo", NULL);
  if (mkfifo (fifo, 0600) != 0)
    __builtin_trap ();

  /* Any open of what is outside the project shows up here. */
  watch_fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  if (watch_fd < 0 ||
      inotify_add_watch (watch_fd, outside, IN_OPEN | IN_ACCESS) < 0 ||
      inotify_add_watch (watch_fd, top, IN_OPEN | IN_ACCESS) < 0)
    __builtin_trap ();
}

/* Traps on an open of anything outside the project since the last call;
 * the project folder itself, seen from its parent, is allowed. */
static void
check_nothing_outside_opened (void)
{
  char buffer[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  ssize_t n;

  while ((n = read (watch_fd, buffer, sizeof buffer)) > 0)
    {
      for (char *p = buffer; p < buffer + n; )
        {
          const struct inotify_event *event = (const struct inotify_event *) p;

          if (event->len == 0 || strcmp (event->name, "proj") != 0)
            __builtin_trap ();
          p += sizeof (struct inotify_event) + event->len;
        }
    }
}

/* A clean relative path: not empty, no leading or doubled '/', no "." or
 * ".." component. */
static gboolean
clean_relative (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (*path == '\0' || *path == '/' || g_str_has_suffix (path, "/"))
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
      return FALSE;
  return TRUE;
}

static void
check_tar (const guint8 *tar,
           gsize         length)
{
  struct archive *archive = archive_read_new ();
  struct archive_entry *entry;
  int status;

  archive_read_support_format_tar (archive);
  if (archive_read_open_memory (archive, tar, length) != ARCHIVE_OK)
    __builtin_trap ();

  while ((status = archive_read_next_header (archive, &entry)) == ARCHIVE_OK)
    {
      const char *name = archive_entry_pathname (entry);
      g_autofree char *trimmed = NULL;
      g_autofree char *path = NULL;
      struct stat st;
      char data[4096];
      la_ssize_t n;

      if (name == NULL)
        __builtin_trap ();
      /* Folders are sent as "name/". */
      trimmed = g_strdup (name);
      if (archive_entry_filetype (entry) == AE_IFDIR && g_str_has_suffix (trimmed, "/"))
        trimmed[strlen (trimmed) - 1] = '\0';
      if (!clean_relative (trimmed))
        __builtin_trap ();

      /* It is in the project, as what it is there: a link stays a link. */
      path = g_build_filename (project, trimmed, NULL);
      if (lstat (path, &st) != 0)
        __builtin_trap ();
      if (S_ISLNK (st.st_mode) != (archive_entry_filetype (entry) == AE_IFLNK))
        __builtin_trap ();
      if (S_ISDIR (st.st_mode) != (archive_entry_filetype (entry) == AE_IFDIR))
        __builtin_trap ();

      while ((n = archive_read_data (archive, data, sizeof data)) > 0)
        if (g_strstr_len (data, n, "SECRET") != NULL)
          __builtin_trap ();
    }

  if (status != ARCHIVE_EOF)
    __builtin_trap ();
  archive_read_free (archive);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = g_strndup ((const char *) data, size);
  g_autoptr(GFile) directory = NULL;
  g_autoptr(DockyardBuildContext) context = NULL;
  g_autoptr(DockyardDockerfile) dockerfile = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sources = NULL;
  const char *name = input;
  char *text = NULL;
  char *ignore = NULL;
  char *cut;

  if (project == NULL)
    make_project ();

  /* name \n Dockerfile \n%%\n .dockerignore (an embedded NUL ends it all) */
  if ((cut = strchr (input, '\n')) != NULL)
    {
      *cut = '\0';
      text = cut + 1;
      if ((cut = strstr (text, "\n%%\n")) != NULL)
        {
          *cut = '\0';
          ignore = cut + 4;
        }
    }

  {
    g_autofree char *path = g_build_filename (project, "Dockerfile", NULL);
    g_autofree char *ignore_path = g_build_filename (project, ".dockerignore", NULL);

    if (!g_file_set_contents (path, text != NULL ? text : "", -1, NULL))
      __builtin_trap ();
    if (ignore != NULL)
      {
        if (!g_file_set_contents (ignore_path, ignore, -1, NULL))
          __builtin_trap ();
      }
    else
      g_unlink (ignore_path);
  }

  dockerfile = dockyard_dockerfile_new_from_data (text != NULL ? text : "", -1, NULL);
  if (dockerfile != NULL)
    sources = dockyard_dockerfile_dup_context_sources (dockerfile);

  directory = g_file_new_for_path (project);
  context = dockyard_build_context_new (directory, *name != '\0' ? name : NULL);
  dockyard_build_context_set_sources (context, (const char * const *) sources);

  stream = dockyard_build_context_open_tar_stream (context, NULL, &error);
  if (stream != NULL)
    {
      guint8 buffer[64 * 1024];
      gssize n;

      while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, &error)) > 0)
        {
          if (tar->len + n > MAX_TAR)
            __builtin_trap ();
          g_byte_array_append (tar, buffer, n);
        }
      /* A context that cannot be read (a bad pattern, say) is an error,
       * never a half tar taken for a whole one. */
      if (n == 0)
        check_tar (tar->data, tar->len);
      else if (error == NULL)
        __builtin_trap ();
      g_input_stream_close (stream, NULL, NULL);
    }
  else if (error == NULL)
    __builtin_trap ();

  check_nothing_outside_opened ();
  return 0;
}
