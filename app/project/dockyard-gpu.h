/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dockyard-engine.h"

G_BEGIN_DECLS

/* What "Use GPUs" asks for: NVIDIA's CDI name for every GPU, as
 * `nvidia-ctk cdi generate` writes it. */
#define DOCKYARD_GPU_DEFAULT_DEVICE "nvidia.com/gpu=all"

gboolean  dockyard_gpu_check_engine      (DockyardEngine  *engine,
                                          GError         **error);
void      dockyard_gpu_add_host_config   (gboolean         cdi,
                                          const char      *device,
                                          JsonBuilder     *builder);
GError   *dockyard_gpu_explain_error     (const GError    *error);

G_END_DECLS
