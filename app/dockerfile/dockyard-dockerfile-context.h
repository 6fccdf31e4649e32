/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-dockerfile.h"

G_BEGIN_DECLS

char **dockyard_dockerfile_dup_context_sources (DockyardDockerfile *self);
char **dockyard_dockerfile_dup_base_images     (DockyardDockerfile *self);

G_END_DECLS
