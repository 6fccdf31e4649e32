/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dockyard-devcontainer.h"
#include "dockyard-engine.h"

G_BEGIN_DECLS

/* Labels that mark Dockyard's containers, so that it can find its own. */
#define DOCKYARD_LABEL_ROLE    "io.github.dockyardapp.role"
#define DOCKYARD_LABEL_PROJECT "io.github.dockyardapp.project"
#define DOCKYARD_LABEL_OWNER   "io.github.dockyardapp.owner"

#define DOCKYARD_DEFAULT_WORKING_DIR "/usr/src/app"

/**
 * DockyardContainerSpec:
 * @image: the image
 * @cmd: the command, an argument vector
 * @env: (nullable): `NAME=value` strings
 * @working_dir: where the project folder is mounted, and the working directory
 * @user: (nullable): "uid:gid", or %NULL for the image's user
 * @userns_mode: (nullable): the HostConfig.UsernsMode ("keep-id" on rootless
 *   Podman, see dockyard_container_user_for_engine())
 * @role: the value of %DOCKYARD_LABEL_ROLE ("dev", "lab", ...)
 * @project_path: the project folder on the host: mounted, and labelled
 * @tty: whether the process gets a terminal (and an open stdin)
 * @host_network: share the host's network (engines without a bridge)
 * @no_network: no network at all (a probe that needs none)
 * @no_project_mount: the project folder only labels the container, it is
 *   not mounted (@working_dir is then any directory of the image)
 * @auto_remove: whether the engine removes the container when it ends
 * @publish_port: a container port to publish on 127.0.0.1 (an engine-chosen
 *   host port), or 0
 * @publish_ports: (array length=n_publish_ports) (nullable): more such
 *   ports (the dev container's forwarded ports)
 * @n_publish_ports: how many @publish_ports there are
 * @mount_target: (nullable): where the project folder is mounted, when not
 *   at @working_dir
 * @volume: (nullable): a named volume mounted there instead of the project
 *   folder (an engine on another computer; see #DockyardVolumeSync)
 * @devcontainer: (nullable): a devcontainer.json whose mounts, labels and
 *   run options the container gets
 * @gpu_device: (nullable): a CDI device name for the container's GPUs
 * @gpu_cdi: whether the engine takes @gpu_device by its CDI name (else
 *   the classic request for every GPU)
 *
 * What Dockyard's containers have in common, turned into the body of
 * `POST /containers/create`.
 */
typedef struct
{
  const char         *image;
  const char * const *cmd;
  const char * const *env;
  const char         *working_dir;
  const char         *user;
  const char         *userns_mode;
  const char         *role;
  const char         *project_path;
  gboolean            tty;
  gboolean            host_network;
  gboolean            no_network;
  gboolean            no_project_mount;
  gboolean            auto_remove;
  guint               publish_port;
  const guint16      *publish_ports;
  gsize               n_publish_ports;
  const char         *mount_target;
  const char         *volume;
  const DockyardDevcontainer *devcontainer;
  const char         *gpu_device;
  gboolean            gpu_cdi;
} DockyardContainerSpec;

JsonNode   *dockyard_container_spec_to_json     (const DockyardContainerSpec *spec);
const char *dockyard_image_inspect_working_dir  (JsonNode                    *inspect);
gboolean    dockyard_image_inspect_has_onbuild  (JsonNode                    *inspect);
char       *dockyard_container_owner_label      (void);
const char *dockyard_container_user_for_engine  (DockyardEngine              *engine,
                                                 const char                  *user,
                                                 const char                 **userns_mode);
gboolean    dockyard_container_user_is_root     (const char                  *user);
gboolean    dockyard_container_owner_is_gone    (const char                  *owner);

G_END_DECLS
