/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define DOCKYARD_TYPE_DOCKERIGNORE (dockyard_dockerignore_get_type ())

typedef struct _DockyardDockerignore DockyardDockerignore;

GType                 dockyard_dockerignore_get_type           (void) G_GNUC_CONST;

char                **dockyard_dockerignore_parse              (const char            *contents,
                                                                gssize                 length);
DockyardDockerignore *dockyard_dockerignore_new                (const char * const    *patterns,
                                                                GError               **error);
DockyardDockerignore *dockyard_dockerignore_new_from_contents  (const char            *contents,
                                                                gssize                 length,
                                                                GError               **error);
DockyardDockerignore *dockyard_dockerignore_ref                (DockyardDockerignore  *self);
void                  dockyard_dockerignore_unref              (DockyardDockerignore  *self);

gboolean              dockyard_dockerignore_matches            (DockyardDockerignore  *self,
                                                                const char            *path);
gboolean              dockyard_dockerignore_match              (DockyardDockerignore  *self,
                                                                const char            *path,
                                                                const guint8          *parent_matched,
                                                                guint8               **matched,
                                                                gboolean              *excluded,
                                                                GError               **error);
gboolean              dockyard_dockerignore_has_exceptions     (DockyardDockerignore  *self);
gboolean              dockyard_dockerignore_may_include_below  (DockyardDockerignore  *self,
                                                                const char            *dir);

char                 *dockyard_dockerignore_clean_path         (const char            *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DockyardDockerignore, dockyard_dockerignore_unref)

G_END_DECLS
