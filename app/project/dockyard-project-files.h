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
  "**/.ipynb_checkpoints\n"

gboolean dockyard_project_create_file (GFile         *dir,
                                       const char    *name,
                                       const char    *contents,
                                       gboolean      *existed,
                                       GCancellable  *cancellable,
                                       GError       **error);

gboolean dockyard_project_replace_file (GFile         *file,
                                        GBytes        *contents,
                                        GFile         *backup,
                                        GBytes        *previous,
                                        GCancellable  *cancellable,
                                        GError       **error);

G_END_DECLS
