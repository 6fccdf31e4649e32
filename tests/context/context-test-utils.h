/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One entry of a tar, as the engine would unpack it. */
typedef struct
{
  char    *path;      /* without a trailing '/' */
  guint    type;      /* AE_IFREG, AE_IFDIR, ... */
  guint    mode;      /* permission bits */
  gint64   uid;
  gint64   gid;
  char    *uname;
  char    *gname;
  gint64   size;
  gint64   mtime;
  glong    mtime_nsec;
  char    *symlink;
  char    *hardlink;
  GBytes  *data;
} TarEntry;

char       *context_test_make_dir     (void);
void        context_test_remove_tree  (const char  *path);
void        context_test_write        (const char  *root,
                                       const char  *rel,
                                       const char  *contents);
void        context_test_mkdir        (const char  *root,
                                       const char  *rel);
void        context_test_symlink      (const char  *root,
                                       const char  *rel,
                                       const char  *target);
GPtrArray  *context_test_read_tar     (GBytes      *tar);
GBytes     *context_test_read_stream  (GInputStream *stream,
                                       GError      **error);
TarEntry   *context_test_find_entry   (GPtrArray   *entries,
                                       const char  *path);
char      **context_test_list         (const char  *root,
                                       const char  *dockerfile_name,
                                       GError     **error);
GPtrArray  *context_test_tar          (const char  *root,
                                       const char  *dockerfile_name,
                                       GError     **error);
char       *context_test_join         (const char * const *names);

G_END_DECLS
