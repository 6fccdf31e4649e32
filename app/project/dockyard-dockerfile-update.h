/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-dockerfile-generator.h"

G_BEGIN_DECLS

char *dockyard_dockerfile_update_text (const char               *text,
                                       gssize                    length,
                                       DockyardDockerfileModel  *old_model,
                                       DockyardDockerfileModel  *new_model,
                                       gsize                    *new_length);

G_END_DECLS
