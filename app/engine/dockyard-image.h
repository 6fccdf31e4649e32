/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOCKYARD_TYPE_IMAGE (dockyard_image_get_type ())

G_DECLARE_FINAL_TYPE (DockyardImage, dockyard_image, DOCKYARD, IMAGE, GObject)

const char         *dockyard_image_get_id        (DockyardImage *self);
const char * const *dockyard_image_get_tags      (DockyardImage *self);
const char * const *dockyard_image_get_repo_digests (DockyardImage *self);
const char         *dockyard_image_get_name         (DockyardImage *self);
gint64              dockyard_image_get_created   (DockyardImage *self);
gint64              dockyard_image_get_size      (DockyardImage *self);
gboolean            dockyard_image_has_tag       (DockyardImage *self,
                                                  const char    *tag);

G_END_DECLS
