/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * DockyardDockerContext:
 * @name: the context's name
 * @description: (nullable): its description
 * @host: the engine's address, e.g. `ssh://me@gpu-box` or `tcp://host:2376`
 * @tls_folder: (nullable): the folder with the context's ca.pem, cert.pem
 *   and key.pem, when it has TLS material
 * @skip_tls_verify: the context does not check the engine's certificate
 *
 * A Docker context as the docker CLI stores it under
 * `~/.docker/contexts/` (or `$DOCKER_CONFIG/contexts/`).
 */
typedef struct
{
  char     *name;
  char     *description;
  char     *host;
  char     *tls_folder;
  gboolean  skip_tls_verify;
} DockyardDockerContext;

void                   dockyard_docker_context_free    (DockyardDockerContext  *context);
DockyardDockerContext *dockyard_docker_context_load    (const char             *name,
                                                        GError                **error);
GPtrArray             *dockyard_docker_context_list    (void);
char                  *dockyard_docker_context_current (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DockyardDockerContext, dockyard_docker_context_free)

G_END_DECLS
