/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

GObject *_dockyard_image_new_from_json         (JsonObject *json);
gboolean _dockyard_image_update_from_json      (GObject    *object,
                                                JsonObject *json);
GObject *_dockyard_container_new_from_json     (JsonObject *json);
gboolean _dockyard_container_update_from_json  (GObject    *object,
                                                JsonObject *json);

G_END_DECLS
