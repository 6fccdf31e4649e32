/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The most Dockyard reads of a Dockerfile, a .dockerignore or a requirements
 * file: far more than any real one, far less than what would hurt. */
#define DOCKYARD_MAX_TEXT_FILE_SIZE (4 * 1024 * 1024)

int      dockyard_open_beneath (int           root_fd,
                                const char   *rel,
                                int           flags,
                                GError      **error);
gboolean dockyard_read_file    (GFile        *root,
                                GFile        *file,
                                gsize         max_size,
                                char        **contents,
                                gsize        *length,
                                GError      **error);
gboolean dockyard_read_fd      (int           fd,
                                const char   *display_name,
                                gsize         max_size,
                                char        **contents,
                                gsize        *length,
                                GError      **error);
void     dockyard_read_file_async  (GFile               *root,
                                    GFile               *file,
                                    gsize                max_size,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean dockyard_read_file_finish (GFile               *file,
                                    GAsyncResult        *result,
                                    char               **contents,
                                    gsize               *length,
                                    GError             **error);

G_END_DECLS
