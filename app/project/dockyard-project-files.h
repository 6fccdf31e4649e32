/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a new project's .dockerignore keeps out of the build context. */
#define DOCKYARD_DOCKERIGNORE_DEFAULTS \
  ".git\n" \
  ".venv\n" \
  "**/__pycache__\n" \
  "**/*.pyc\n" \
  "**/.ipynb_checkpoints\n" \
  "**/*.orig\n"

gboolean dockyard_project_create_file (GFile         *dir,
                                       const char    *name,
                                       const char    *contents,
                                       gboolean      *existed,
                                       GCancellable  *cancellable,
                                       GError       **error);
gboolean dockyard_project_replace_file (const char    *path,
                                        const char    *contents,
                                        gsize          length,
                                        GError       **error);
char    *dockyard_project_resolve_write_path (GFile    *root,
                                              GFile    *file,
                                              char    **rel,
                                              GError  **error);
gboolean dockyard_project_replace_keeping_orig (const char  *path,
                                                const char  *previous,
                                                gsize        previous_length,
                                                const char  *contents,
                                                gsize        length,
                                                char       **backup_path,
                                                GError     **error);
int      dockyard_project_remove_stale_temp_files (const char  *dir_path,
                                                   GError     **error);

G_END_DECLS
