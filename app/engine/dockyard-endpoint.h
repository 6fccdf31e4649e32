/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* An endpoint that names a Docker context: "context:NAME". */
#define DOCKYARD_ENDPOINT_CONTEXT_PREFIX "context:"

char  *dockyard_endpoint_socket_from_uri (const char  *uri,
                                          GError     **error);
GStrv  dockyard_endpoint_candidates      (const char  *override_uri,
                                          GError     **error);

G_END_DECLS
