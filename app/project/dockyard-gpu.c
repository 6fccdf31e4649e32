/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GPUs for the dev and lab containers: through the Container Device
 * Interface where the engine has it, else Docker's classic GPU request. */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-gpu.h"

/**
 * dockyard_gpu_check_engine:
 *
 * Podman's Docker-compatible API cannot give a container CDI devices
 * (4.3, measured: it ignores DeviceRequests, and takes a CDI name in
 * Devices for a path), so GPUs are refused there, before any container.
 *
 * Returns: %FALSE with @error set when @engine cannot give GPUs
 */
gboolean
dockyard_gpu_check_engine (DockyardEngine  *engine,
                           GError         **error)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (engine), FALSE);

  if (dockyard_engine_get_is_podman (engine))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Dockyard cannot give GPUs to containers on Podman yet. Turn off "
                     "“Use GPUs”, or use Docker 25 or later with CDI enabled."));
      return FALSE;
    }
  return TRUE;
}

/**
 * dockyard_gpu_add_host_config:
 * @cdi: whether the engine has CDI (dockyard_engine_get_has_cdi())
 * @device: a CDI device name, e.g. %DOCKYARD_GPU_DEFAULT_DEVICE
 * @builder: inside the container's "HostConfig" object
 *
 * Adds the DeviceRequests that give the container @device: by its CDI
 * name where the engine has CDI (Docker 25 or later with CDI enabled),
 * else every GPU of the NVIDIA runtime (`--gpus all`).
 */
void
dockyard_gpu_add_host_config (gboolean     cdi,
                              const char  *device,
                              JsonBuilder *builder)
{
  g_return_if_fail (device != NULL);

  json_builder_set_member_name (builder, "DeviceRequests");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  if (cdi)
    {
      json_builder_set_member_name (builder, "Driver");
      json_builder_add_string_value (builder, "cdi");
      json_builder_set_member_name (builder, "DeviceIDs");
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, device);
      json_builder_end_array (builder);
    }
  else
    {
      json_builder_set_member_name (builder, "Driver");
      json_builder_add_string_value (builder, "");
      json_builder_set_member_name (builder, "Count");
      json_builder_add_int_value (builder, -1);
      json_builder_set_member_name (builder, "Capabilities");
      json_builder_begin_array (builder);
      json_builder_begin_array (builder);
      json_builder_add_string_value (builder, "gpu");
      json_builder_end_array (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_array (builder);
}

/**
 * dockyard_gpu_explain_error:
 * @error: why the engine refused to create or start a container
 *
 * Returns: (transfer full) (nullable): a clearer error when @error is the
 *   engine's "no GPU support" (no NVIDIA runtime, an unknown CDI device),
 *   else %NULL
 */
GError *
dockyard_gpu_explain_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  /* Docker: `could not select device driver "" with capabilities: [[gpu]]`;
   * with CDI: `unresolvable CDI devices nvidia.com/gpu=all`. */
  if (strstr (error->message, "could not select device driver") != NULL)
    return g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                        _("The container engine has no GPU support. Install the NVIDIA "
                          "Container Toolkit, run “nvidia-ctk cdi generate --output="
                          "/etc/cdi/nvidia.yaml”, and enable CDI in Docker (Docker 25 or "
                          "later), or turn off “Use GPUs”. The engine said: %s"),
                        error->message);
  if (strstr (error->message, "CDI device") != NULL)
    return g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                        _("The container engine knows no such GPU. Describe the GPUs with "
                          "the NVIDIA Container Toolkit’s “nvidia-ctk cdi generate "
                          "--output=/etc/cdi/nvidia.yaml”, or turn off “Use GPUs”. The "
                          "engine said: %s"),
                        error->message);
  return NULL;
}
