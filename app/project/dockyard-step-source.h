/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-build-step.h"
#include "dockyard-dockerfile.h"

G_BEGIN_DECLS

gboolean dockyard_step_source_find (DockyardDockerfile *dockerfile,
                                    DockyardBuildStep  *step,
                                    guint              *instruction);

G_END_DECLS
