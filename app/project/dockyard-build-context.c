/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>

#include "dockyard-build-context.h"
#include "dockyard-dockerignore.h"
#include "dockyard-read-file.h"

/* File data goes into the tar this much at a time: the stream never holds
 * more than one chunk plus one header, whatever the size of the context. */
#define CHUNK_SIZE (64 * 1024)

/**
 * DockyardBuildContext:
 *
 * The files of a project folder that a build sends to the engine: the
 * folder minus what `.dockerignore` (or `<Dockerfile>.dockerignore` beside
 * the Dockerfile) excludes, walked and archived the way the classic
 * `docker build` client does it, so that a project builds the same here as
 * on the command line.
 *
 * One difference: Dockyard's own backups (NAME.orig and NAME.N.orig beside
 * NAME, see dockyard_project_replace_keeping_orig()) are never sent, with
 * or without a `.dockerignore`, so that `COPY . .` does not put them into
 * the image.
 *
 * The walk is sorted (byte order within each folder, depth first), so the
 * list and the tar are the same from one run to the next.
 */
struct _DockyardBuildContext
{
  GObject  parent_instance;

  GFile   *directory;
  char    *dockerfile_name;
  char   **sources;  /* NULL: everything */
};

G_DEFINE_FINAL_TYPE (DockyardBuildContext, dockyard_build_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_DOCKERFILE_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------------ */
/* The walk, shared by the list and the tar stream; runs off the main thread */

/* Each folder is held open while its entries are looked at, and everything
 * in it is opened relative to it with O_NOFOLLOW: when a folder is swapped
 * for a link while the walk runs (code in the dev container can do that),
 * the walk goes on in the folder it opened and never follows the link out
 * of the project. */
typedef struct
{
  char      *rel;      /* "" for the context folder itself */
  int        fd;
  GPtrArray *names;    /* sorted */
  guint      next;
  guint8    *matched;  /* the folder's .dockerignore results, for what is inside */
} Frame;

typedef struct
{
  char                 *root;
  char                 *dockerfile_name;
  DockyardDockerignore *ignore;
  char                **sources;  /* NULL: everything */
  GPtrArray            *stack;  /* of Frame */
  gboolean              started;
} Walker;

typedef struct
{
  char        *rel;
  char        *name;
  int          dir_fd;  /* borrowed from the walker, valid until its next step */
  struct stat  st;
} WalkEntry;

static void
frame_free (gpointer data)
{
  Frame *frame = data;

  g_free (frame->rel);
  g_free (frame->matched);
  if (frame->fd >= 0)
    close (frame->fd);
  g_ptr_array_unref (frame->names);
  g_free (frame);
}

static void
walk_entry_clear (WalkEntry *entry)
{
  g_clear_pointer (&entry->rel, g_free);
  g_clear_pointer (&entry->name, g_free);
}

static void
walker_free (Walker *walker)
{
  g_free (walker->root);
  g_free (walker->dockerfile_name);
  g_strfreev (walker->sources);
  g_clear_pointer (&walker->ignore, dockyard_dockerignore_unref);
  g_clear_pointer (&walker->stack, g_ptr_array_unref);
  g_free (walker);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Walker, walker_free)

/* Names the file in the message: "Permission denied" alone would not tell
 * the user which of thousands of files to fix. */
static void
set_error_from_errno (GError     **error,
                      int          saved_errno,
                      gboolean     folder,
                      const char  *rel)
{
  g_autofree char *display = g_filename_display_name (rel);

  if (folder)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Cannot read the folder “%s”: %s"), display, g_strerror (saved_errno));
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 _("Cannot read “%s”: %s"), display, g_strerror (saved_errno));
}

static Walker *
walker_new (DockyardBuildContext *self)
{
  Walker *walker = g_new0 (Walker, 1);

  walker->root = g_file_get_path (self->directory);
  walker->dockerfile_name = g_strdup (self->dockerfile_name);
  walker->sources = g_strdupv (self->sources);
  walker->stack = g_ptr_array_new_with_free_func (frame_free);

  return walker;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Opens the folder @name in @parent_fd (the context folder itself when
 * @parent_fd is -1) and lists it. */
static gboolean
walker_push (Walker      *walker,
             int          parent_fd,
             const char  *name,
             const char  *rel,
             guint8      *matched,
             GError     **error)
{
  g_autofree guint8 *owned_matched = matched;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  DIR *dir;
  struct dirent *dirent;
  Frame *frame;
  int fd;

  if (parent_fd < 0)
    fd = open (walker->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  else
    fd = openat (parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

  if (fd < 0 || (dir = fdopendir (dup (fd))) == NULL)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      /* Replaced by a link or a file since it was looked at: not a folder
       * of the context any more, so not walked. */
      if (parent_fd >= 0 && (saved_errno == ELOOP || saved_errno == ENOTDIR || saved_errno == ENOENT))
        return TRUE;
      set_error_from_errno (error, saved_errno, TRUE,
                            *rel != '\0' ? rel : walker->root);
      return FALSE;
    }

  errno = 0;
  while ((dirent = readdir (dir)) != NULL)
    {
      if (strcmp (dirent->d_name, ".") != 0 && strcmp (dirent->d_name, "..") != 0)
        g_ptr_array_add (names, g_strdup (dirent->d_name));
      errno = 0;
    }

  if (errno != 0)
    {
      int saved_errno = errno;

      closedir (dir);
      close (fd);
      set_error_from_errno (error, saved_errno, TRUE,
                            *rel != '\0' ? rel : walker->root);
      return FALSE;
    }
  closedir (dir);

  g_ptr_array_sort (names, compare_names);

  frame = g_new0 (Frame, 1);
  frame->rel = g_strdup (rel);
  frame->fd = fd;
  frame->names = g_steal_pointer (&names);
  frame->matched = g_steal_pointer (&owned_matched);
  g_ptr_array_add (walker->stack, frame);

  return TRUE;
}

/* Reads a file that may be absent; NULL without error if it is.  Like
 * every file Dockyard reads from a project: inside it, regular, bounded. */
static gboolean
read_optional_file (const char  *root,
                    const char  *rel,
                    char       **contents,
                    gsize       *length,
                    GError     **error)
{
  g_autoptr(GFile) root_file = g_file_new_for_path (root);
  g_autoptr(GFile) file = g_file_resolve_relative_path (root_file, rel);
  g_autoptr(GError) local_error = NULL;

  *contents = NULL;
  if (!dockyard_read_file (root_file, file, DOCKYARD_MAX_TEXT_FILE_SIZE,
                           contents, length, &local_error))
    {
      g_autofree char *display = g_filename_display_name (rel);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return TRUE;

      g_set_error (error, local_error->domain, local_error->code,
                   _("Cannot read “%s”: %s"), display, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Docker re-includes the files a build cannot do without, when the patterns
 * exclude them, by adding exceptions after the patterns. */
static gboolean
add_exception_if_excluded (GStrvBuilder  *builder,
                           const char   **patterns,
                           const char    *rel,
                           GError       **error)
{
  g_autoptr(DockyardDockerignore) ignore = NULL;
  g_autofree char *clean = dockyard_dockerignore_clean_path (rel);

  if (g_str_equal (clean, "."))
    return TRUE;

  if ((ignore = dockyard_dockerignore_new (patterns, error)) == NULL)
    return FALSE;

  if (dockyard_dockerignore_matches (ignore, clean))
    {
      g_autofree char *exception = g_strconcat ("!", clean, NULL);

      g_strv_builder_add (builder, exception);
    }

  return TRUE;
}

static gboolean
walker_load_ignore (Walker  *walker,
                    GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *specific = NULL;
  g_autofree char *dockerfile = NULL;
  const char *ignore_file = ".dockerignore";
  g_auto(GStrv) parsed = NULL;
  gsize length = 0;
  const char *keep[3];

  if (walker->dockerfile_name != NULL)
    dockerfile = dockyard_dockerignore_clean_path (walker->dockerfile_name);
  else
    {
      g_autofree char *upper = g_build_filename (walker->root, "Dockerfile", NULL);
      g_autofree char *lower = g_build_filename (walker->root, "dockerfile", NULL);

      /* Like the docker client: "dockerfile" when there is no "Dockerfile". */
      if (!g_file_test (upper, G_FILE_TEST_EXISTS) && g_file_test (lower, G_FILE_TEST_EXISTS))
        dockerfile = g_strdup ("dockerfile");
      else
        dockerfile = g_strdup ("Dockerfile");
    }

  /* A Dockerfile's own ignore file wins over the context's (BuildKit). */
  specific = g_strconcat (dockerfile, ".dockerignore", NULL);
  if (!read_optional_file (walker->root, specific, &contents, &length, error))
    return FALSE;
  if (contents != NULL)
    ignore_file = specific;
  else if (!read_optional_file (walker->root, ignore_file, &contents, &length, error))
    return FALSE;

  if (contents == NULL)
    return TRUE;

  parsed = dockyard_dockerignore_parse (contents, length);

  keep[0] = ".dockerignore";
  keep[1] = ignore_file;
  keep[2] = dockerfile;
  for (guint i = 0; i < G_N_ELEMENTS (keep); i++)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      g_strv_builder_addv (builder, (const char **) parsed);
      if (!add_exception_if_excluded (builder, (const char **) parsed, keep[i], error))
        return FALSE;
      g_strfreev (parsed);
      parsed = g_strv_builder_end (builder);
    }

  walker->ignore = dockyard_dockerignore_new ((const char * const *) parsed, error);

  return walker->ignore != NULL;
}

/* Whether @name, in the folder @dir_fd, is a regular file. */
static gboolean
is_regular_at (int         dir_fd,
               const char *name)
{
  struct stat st;

  return fstatat (dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st.st_mode);
}

/* Whether @name is one of Dockyard's backups: NAME.orig or NAME.N.orig
 * (N >= 2), with NAME a file beside it. */
static gboolean
is_dockyard_backup (int         dir_fd,
                    const char *name)
{
  gsize length = strlen (name);
  g_autofree char *base = NULL;
  char *dot;

  if (length <= strlen (".orig") || !g_str_has_suffix (name, ".orig"))
    return FALSE;
  base = g_strndup (name, length - strlen (".orig"));
  if (is_regular_at (dir_fd, base))
    return TRUE;

  dot = strrchr (base, '.');
  if (dot == NULL || dot == base || !g_ascii_isdigit (dot[1]))
    return FALSE;
  for (const char *p = dot + 1; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  if (g_ascii_strtoull (dot + 1, NULL, 10) < 2)
    return FALSE;
  *dot = '\0';
  return is_regular_at (dir_fd, base);
}

/* With sources set, only they and what is under them are sent, and the
 * folders on the way to them. */
static gboolean
walker_wants (Walker            *walker,
              const char        *rel,
              const struct stat *st)
{
  gsize len = strlen (rel);

  if (walker->sources == NULL)
    return TRUE;

  for (guint i = 0; walker->sources[i] != NULL; i++)
    {
      const char *source = walker->sources[i];
      gsize source_len = strlen (source);

      /* The source, or inside it. */
      if (strncmp (rel, source, source_len) == 0 && (rel[source_len] == '\0' || rel[source_len] == '/'))
        return TRUE;
      /* A folder on the way to it. */
      if (S_ISDIR (st->st_mode) && source_len > len &&
          strncmp (source, rel, len) == 0 && source[len] == '/')
        return TRUE;
    }

  return FALSE;
}

/* The next entry to send, in the order Docker sends them; FALSE with no
 * error at the end. */
static gboolean
walker_next (Walker        *walker,
             WalkEntry     *entry,
             GCancellable  *cancellable,
             GError       **error)
{
  if (!walker->started)
    {
      walker->started = TRUE;
      if (walker->root == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The build context must be a local folder"));
          return FALSE;
        }
      if (!walker_load_ignore (walker, error) || !walker_push (walker, -1, NULL, "", NULL, error))
        return FALSE;
    }

  while (walker->stack->len > 0)
    {
      Frame *frame = g_ptr_array_index (walker->stack, walker->stack->len - 1);
      g_autofree char *rel = NULL;
      g_autofree guint8 *matched = NULL;
      gboolean excluded = FALSE;
      const char *name;
      struct stat st;

      if (frame->next == frame->names->len)
        {
          g_ptr_array_set_size (walker->stack, walker->stack->len - 1);
          continue;
        }

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      name = g_ptr_array_index (frame->names, frame->next++);
      rel = *frame->rel != '\0' ? g_strconcat (frame->rel, "/", name, NULL) : g_strdup (name);

      if (fstatat (frame->fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        {
          int saved_errno = errno;

          /* Gone since the folder was listed: it is not part of the context. */
          if (saved_errno == ENOENT)
            continue;

          set_error_from_errno (error, saved_errno, FALSE, rel);
          return FALSE;
        }

      if (!walker_wants (walker, rel, &st))
        continue;

      if (S_ISREG (st.st_mode) && is_dockyard_backup (frame->fd, name))
        continue;

      if (walker->ignore != NULL
          && !dockyard_dockerignore_match (walker->ignore, rel, frame->matched,
                                           S_ISDIR (st.st_mode) ? &matched : NULL,
                                           &excluded, error))
        return FALSE;

      if (excluded)
        {
          /* Docker looks into an excluded folder only when an exception
           * names something inside it, and then sends no entry for the
           * folder itself. */
          if (S_ISDIR (st.st_mode)
              && dockyard_dockerignore_has_exceptions (walker->ignore)
              && dockyard_dockerignore_may_include_below (walker->ignore, rel)
              && !walker_push (walker, frame->fd, name, rel, g_steal_pointer (&matched), error))
            return FALSE;
          continue;
        }

      /* A tar cannot hold a socket; Docker leaves them out too. */
      if (S_ISSOCK (st.st_mode))
        continue;

      if (S_ISDIR (st.st_mode) && !walker_push (walker, frame->fd, name, rel, g_steal_pointer (&matched), error))
        return FALSE;

      /* walker_push() added a frame: @frame stays valid (the stack holds
       * pointers), and so does its fd until the next step pops it. */
      entry->rel = g_steal_pointer (&rel);
      entry->name = g_strdup (name);
      entry->dir_fd = frame->fd;
      entry->st = st;
      return TRUE;
    }

  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* The tar stream                                                            */

#define DOCKYARD_TYPE_CONTEXT_TAR_STREAM (dockyard_context_tar_stream_get_type ())

G_DECLARE_FINAL_TYPE (DockyardContextTarStream, dockyard_context_tar_stream,
                      DOCKYARD, CONTEXT_TAR_STREAM, GInputStream)

/* Pulls the tar out of libarchive one piece at a time: each read() makes
 * at most one header or one chunk of file data, so memory stays bounded and
 * there is no writer thread to stop when the reader goes away.  Reads do
 * blocking file I/O: read asynchronously (as libsoup does with a request
 * body), they run in GIO's thread pool. */
struct _DockyardContextTarStream
{
  GInputStream     parent_instance;

  Walker          *walker;
  struct archive  *archive;
  GByteArray      *out;
  gsize            out_pos;
  guint8          *chunk;
  GHashTable      *hard_links;  /* "dev:ino" -> first name */

  int              fd;
  char            *fd_rel;
  goffset          remaining;

  guint            finished : 1;
  guint            discarding : 1;
};

G_DEFINE_FINAL_TYPE (DockyardContextTarStream, dockyard_context_tar_stream, G_TYPE_INPUT_STREAM)

static la_ssize_t
archive_write_cb (struct archive *archive,
                  void           *user_data,
                  const void     *buffer,
                  size_t          length)
{
  DockyardContextTarStream *self = user_data;

  if (self->discarding)
    {
      archive_set_error (archive, ECANCELED, "The build context stream was closed");
      return -1;
    }

  g_byte_array_append (self->out, buffer, length);
  return length;
}

static void
tar_stream_release (DockyardContextTarStream *self)
{
  if (self->archive != NULL)
    {
      /* Not a complete archive: no padding or trailer after a failure or an
       * early close.  Failing the writes rather than archive_write_fail()
       * lets libarchive still free its output state, which it leaks after
       * archive_write_fail() (3.6). */
      self->discarding = TRUE;
      archive_write_free (self->archive);
      self->archive = NULL;
    }

  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }

  g_clear_pointer (&self->fd_rel, g_free);
  g_clear_pointer (&self->walker, walker_free);
  g_clear_pointer (&self->hard_links, g_hash_table_unref);
  g_clear_pointer (&self->chunk, g_free);
}

static gboolean
set_archive_error (DockyardContextTarStream  *self,
                   const char                *rel,
                   GError                   **error)
{
  g_autofree char *display = g_filename_display_name (rel);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("Cannot add “%s” to the build context: %s"),
               display, archive_error_string (self->archive));
  return FALSE;
}

static gboolean
write_entry (DockyardContextTarStream  *self,
             WalkEntry                 *walk_entry,
             GError                   **error)
{
  struct archive_entry *entry;
  struct stat *st = &walk_entry->st;
  const char *first_name = NULL;
  int fd = -1;
  int ret;

  if (S_ISREG (st->st_mode) && st->st_nlink > 1)
    {
      g_autofree char *key = g_strdup_printf ("%ju:%ju", (uintmax_t) st->st_dev,
                                              (uintmax_t) st->st_ino);

      /* Like Docker: later names of a hard-linked file are links to the first. */
      first_name = g_hash_table_lookup (self->hard_links, key);
      if (first_name == NULL)
        g_hash_table_insert (self->hard_links, g_steal_pointer (&key), g_strdup (walk_entry->rel));
    }

  if (S_ISREG (st->st_mode) && first_name == NULL)
    {
      fd = openat (walk_entry->dir_fd, walk_entry->name,
                   O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
      if (fd < 0 || fstat (fd, st) != 0)
        {
          set_error_from_errno (error, errno, FALSE, walk_entry->rel);
          if (fd >= 0)
            close (fd);
          return FALSE;
        }
      /* Swapped for a FIFO or a device since the walk looked at it. */
      if (!S_ISREG (st->st_mode))
        {
          close (fd);
          set_error_from_errno (error, EINVAL, FALSE, walk_entry->rel);
          return FALSE;
        }
    }

  entry = archive_entry_new2 (self->archive);
  archive_entry_copy_pathname (entry, walk_entry->rel);
  archive_entry_set_mode (entry, st->st_mode);
  archive_entry_set_mtime (entry, st->st_mtime, 0);
  archive_entry_set_uid (entry, 0);
  archive_entry_set_gid (entry, 0);
  archive_entry_set_size (entry, 0);

  if (first_name != NULL)
    archive_entry_copy_hardlink (entry, first_name);
  else if (S_ISREG (st->st_mode))
    archive_entry_set_size (entry, st->st_size);
  else if (S_ISLNK (st->st_mode))
    {
      g_autofree char *target = g_malloc (PATH_MAX + 1);
      gssize n = readlinkat (walk_entry->dir_fd, walk_entry->name, target, PATH_MAX);

      if (n < 0)
        {
          int saved_errno = errno;
          g_autofree char *display = g_filename_display_name (walk_entry->rel);

          archive_entry_free (entry);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot read the link “%s”: %s"), display, g_strerror (saved_errno));
          return FALSE;
        }
      target[n] = '\0';
      archive_entry_copy_symlink (entry, target);
    }
  else if (S_ISCHR (st->st_mode) || S_ISBLK (st->st_mode))
    {
      archive_entry_set_rdevmajor (entry, major (st->st_rdev));
      archive_entry_set_rdevminor (entry, minor (st->st_rdev));
    }

  ret = archive_write_header (self->archive, entry);
  archive_entry_free (entry);
  if (ret < ARCHIVE_WARN)
    {
      if (fd >= 0)
        close (fd);
      return set_archive_error (self, walk_entry->rel, error);
    }

  if (fd >= 0 && st->st_size > 0)
    {
      self->fd = fd;
      self->fd_rel = g_strdup (walk_entry->rel);
      self->remaining = st->st_size;
    }
  else if (fd >= 0)
    close (fd);

  return TRUE;
}

static gboolean
write_file_chunk (DockyardContextTarStream  *self,
                  GError                   **error)
{
  gssize n;

  do
    n = read (self->fd, self->chunk, MIN (CHUNK_SIZE, self->remaining));
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      set_error_from_errno (error, errno, FALSE, self->fd_rel);
      return FALSE;
    }

  /* The header promised st_size bytes; a file that shrinks while it is sent
   * would make a corrupt archive. */
  if (n == 0)
    {
      g_autofree char *display = g_filename_display_name (self->fd_rel);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("“%s” changed while it was being sent"), display);
      return FALSE;
    }

  if (archive_write_data (self->archive, self->chunk, n) < 0)
    return set_archive_error (self, self->fd_rel, error);

  self->remaining -= n;
  if (self->remaining == 0)
    {
      close (self->fd);
      self->fd = -1;
      g_clear_pointer (&self->fd_rel, g_free);
    }

  return TRUE;
}

/* Appends the next piece of the archive to self->out. */
static gboolean
produce (DockyardContextTarStream  *self,
         GCancellable              *cancellable,
         GError                   **error)
{
  WalkEntry entry = { 0 };
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  if (self->fd >= 0)
    return write_file_chunk (self, error);

  if (!walker_next (self->walker, &entry, cancellable, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if (archive_write_close (self->archive) != ARCHIVE_OK)
        return set_archive_error (self, ".", error);

      self->finished = TRUE;
      return TRUE;
    }

  ok = write_entry (self, &entry, error);
  walk_entry_clear (&entry);

  return ok;
}

static gssize
dockyard_context_tar_stream_read (GInputStream  *stream,
                                  void          *buffer,
                                  gsize          count,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  DockyardContextTarStream *self = DOCKYARD_CONTEXT_TAR_STREAM (stream);
  gsize n;

  while (self->out_pos == self->out->len)
    {
      g_byte_array_set_size (self->out, 0);
      self->out_pos = 0;

      if (self->finished)
        return 0;

      if (self->archive == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The build context stream failed earlier"));
          return -1;
        }

      if (g_cancellable_set_error_if_cancelled (cancellable, error)
          || !produce (self, cancellable, error))
        {
          /* A half-written archive cannot be resumed. */
          tar_stream_release (self);
          return -1;
        }
    }

  n = MIN (count, self->out->len - self->out_pos);
  memcpy (buffer, self->out->data + self->out_pos, n);
  self->out_pos += n;

  return n;
}

static gboolean
dockyard_context_tar_stream_close (GInputStream  *stream,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  tar_stream_release (DOCKYARD_CONTEXT_TAR_STREAM (stream));
  return TRUE;
}

static void
dockyard_context_tar_stream_finalize (GObject *object)
{
  DockyardContextTarStream *self = DOCKYARD_CONTEXT_TAR_STREAM (object);

  tar_stream_release (self);
  g_clear_pointer (&self->out, g_byte_array_unref);

  G_OBJECT_CLASS (dockyard_context_tar_stream_parent_class)->finalize (object);
}

static void
dockyard_context_tar_stream_class_init (DockyardContextTarStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = dockyard_context_tar_stream_finalize;
  stream_class->read_fn = dockyard_context_tar_stream_read;
  stream_class->close_fn = dockyard_context_tar_stream_close;
}

static void
dockyard_context_tar_stream_init (DockyardContextTarStream *self)
{
  self->fd = -1;
  self->out = g_byte_array_sized_new (CHUNK_SIZE + 4096);
}

/* ------------------------------------------------------------------------ */

static void
dockyard_build_context_finalize (GObject *object)
{
  DockyardBuildContext *self = (DockyardBuildContext *)object;

  g_clear_object (&self->directory);
  g_clear_pointer (&self->dockerfile_name, g_free);
  g_clear_pointer (&self->sources, g_strfreev);

  G_OBJECT_CLASS (dockyard_build_context_parent_class)->finalize (object);
}

static void
dockyard_build_context_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  DockyardBuildContext *self = DOCKYARD_BUILD_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_object (value, self->directory);
      break;
    case PROP_DOCKERFILE_NAME:
      g_value_set_string (value, dockyard_build_context_get_dockerfile_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_build_context_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  DockyardBuildContext *self = DOCKYARD_BUILD_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_object (value);
      break;
    case PROP_DOCKERFILE_NAME:
      self->dockerfile_name = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_build_context_class_init (DockyardBuildContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_build_context_finalize;
  object_class->get_property = dockyard_build_context_get_property;
  object_class->set_property = dockyard_build_context_set_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_object ("directory", NULL, NULL, G_TYPE_FILE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DOCKERFILE_NAME] =
    g_param_spec_string ("dockerfile-name", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_build_context_init (DockyardBuildContext *self)
{
}

/**
 * dockyard_build_context_new:
 * @directory: the context folder (a local folder)
 * @dockerfile_name: (nullable): the Dockerfile's path relative to
 *   @directory, or %NULL for `Dockerfile` (or `dockerfile` when only that
 *   exists, as the docker client does)
 *
 * Does no I/O: the folder is read by dockyard_build_context_list_async()
 * and by the stream of dockyard_build_context_open_tar_stream().
 *
 * Returns: (transfer full): a new build context
 */
DockyardBuildContext *
dockyard_build_context_new (GFile      *directory,
                            const char *dockerfile_name)
{
  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  return g_object_new (DOCKYARD_TYPE_BUILD_CONTEXT,
                       "directory", directory,
                       "dockerfile-name", dockerfile_name,
                       NULL);
}

/**
 * dockyard_build_context_set_sources:
 * @sources: (nullable) (array zero-terminated=1): paths relative to the
 *   folder, cleaned (no `.`, `..` or empty components), or %NULL for all
 *
 * Limits what is listed and sent to @sources (files, or folders with
 * everything in them) and the folders leading to them, for a build that
 * reads nothing else; `.dockerignore` still applies.  The Dockerfile and
 * the ignore files are always sent.  Takes effect for lists and streams
 * made afterwards.
 */
void
dockyard_build_context_set_sources (DockyardBuildContext *self,
                                    const char * const   *sources)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *dockerfile_ignore = NULL;

  g_return_if_fail (DOCKYARD_IS_BUILD_CONTEXT (self));

  g_clear_pointer (&self->sources, g_strfreev);
  if (sources == NULL)
    return;

  dockerfile = dockyard_dockerignore_clean_path (self->dockerfile_name != NULL
                                                 ? self->dockerfile_name : "Dockerfile");
  dockerfile_ignore = g_strconcat (dockerfile, ".dockerignore", NULL);

  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) sources);
  g_strv_builder_add (builder, dockerfile);
  if (self->dockerfile_name == NULL)
    g_strv_builder_add (builder, "dockerfile");
  g_strv_builder_add (builder, dockerfile_ignore);
  g_strv_builder_add (builder, ".dockerignore");
  self->sources = g_strv_builder_end (builder);
}

/**
 * dockyard_build_context_get_directory:
 *
 * Returns: (transfer none): the context folder
 */
GFile *
dockyard_build_context_get_directory (DockyardBuildContext *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_CONTEXT (self), NULL);

  return self->directory;
}

/**
 * dockyard_build_context_get_dockerfile_name:
 *
 * Returns: the Dockerfile's path relative to the context folder, as given
 *   (`Dockerfile` when none was)
 */
const char *
dockyard_build_context_get_dockerfile_name (DockyardBuildContext *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_CONTEXT (self), NULL);

  return self->dockerfile_name != NULL ? self->dockerfile_name : "Dockerfile";
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DockyardBuildContext *self = source_object;
  g_autoptr(Walker) walker = walker_new (self);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  WalkEntry entry = { 0 };

  while (walker_next (walker, &entry, cancellable, &error))
    {
      if (S_ISREG (entry.st.st_mode))
        {
          /* Fail now, not half-way through an upload. */
          int fd = openat (entry.dir_fd, entry.name,
                           O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);

          if (fd < 0)
            {
              set_error_from_errno (&error, errno, FALSE, entry.rel);
              walk_entry_clear (&entry);
              break;
            }
          close (fd);
        }

      if (S_ISREG (entry.st.st_mode) || S_ISLNK (entry.st.st_mode))
        g_ptr_array_add (files, g_steal_pointer (&entry.rel));

      walk_entry_clear (&entry);
    }

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The walk sorts per folder ("a/x" before "a.txt"); the list is sorted
   * as whole paths. */
  g_ptr_array_sort (files, compare_names);
  g_ptr_array_add (files, NULL);
  g_task_return_pointer (task, g_ptr_array_steal (files, NULL), (GDestroyNotify) g_strfreev);
}

/**
 * dockyard_build_context_list_async:
 * @self: a build context
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the list is ready
 * @user_data: data for @callback
 *
 * Walks the context folder in a worker thread and lists the regular files
 * and symbolic links that a build would send.  Also checks that each of
 * those files can be read, so that an unreadable file is reported before an
 * upload starts.
 */
void
dockyard_build_context_list_async (DockyardBuildContext *self,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOCKYARD_IS_BUILD_CONTEXT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_build_context_list_async);
  g_task_run_in_thread (task, list_thread);
}

/**
 * dockyard_build_context_list_finish:
 *
 * Returns: (transfer full): the paths relative to the context folder,
 *   sorted in byte order, or %NULL on error
 */
char **
dockyard_build_context_list_finish (DockyardBuildContext  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_CONTEXT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == dockyard_build_context_list_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * dockyard_build_context_open_tar_stream:
 * @self: a build context
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * Opens the context as an uncompressed tar, made while it is read (in
 * bounded memory, whatever the size of the context): the request body of
 * `POST /build`.  Entries are in Docker's order, with their modes, mtimes
 * (whole seconds) and symbolic links as links, owned by 0:0 with no user or
 * group names; folders are entries too.
 *
 * Opening does no I/O.  Errors, such as an unreadable file (named in the
 * message) or an invalid `.dockerignore`, are reported by the reads, which
 * block on file I/O: use g_input_stream_read_async() on the main thread.
 * Closing the stream early stops the archive and releases its files.
 *
 * Returns: (transfer full): the tar stream
 */
GInputStream *
dockyard_build_context_open_tar_stream (DockyardBuildContext  *self,
                                        GCancellable          *cancellable,
                                        GError               **error)
{
  g_autoptr(DockyardContextTarStream) stream = NULL;

  g_return_val_if_fail (DOCKYARD_IS_BUILD_CONTEXT (self), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_file_peek_path (self->directory) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("The build context must be a local folder"));
      return NULL;
    }

  stream = g_object_new (DOCKYARD_TYPE_CONTEXT_TAR_STREAM, NULL);
  stream->walker = walker_new (self);
  stream->chunk = g_malloc (CHUNK_SIZE);
  stream->hard_links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  stream->archive = archive_write_new ();
  /* pax only where ustar cannot say it (long or non-ASCII names), as
   * Docker's Go tar writer does; no padding of the last block. */
  if (archive_write_set_format_pax_restricted (stream->archive) != ARCHIVE_OK
      || archive_write_set_bytes_per_block (stream->archive, 0) != ARCHIVE_OK
      || archive_write_set_bytes_in_last_block (stream->archive, 1) != ARCHIVE_OK
      || archive_write_open (stream->archive, stream, NULL, archive_write_cb, NULL) != ARCHIVE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot start the build context: %s"),
                   archive_error_string (stream->archive));
      return NULL;
    }

  return G_INPUT_STREAM (g_steal_pointer (&stream));
}
