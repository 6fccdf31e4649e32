/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  DOCKYARD_DEVCONTAINER_ON_CREATE,
  DOCKYARD_DEVCONTAINER_POST_CREATE,
  DOCKYARD_DEVCONTAINER_POST_START,
  DOCKYARD_DEVCONTAINER_POST_ATTACH,
  DOCKYARD_DEVCONTAINER_N_LIFECYCLE,
} DockyardDevcontainerLifecycle;

/**
 * DockyardDevcontainerCommand:
 * @name: (nullable): the key of the object form, %NULL otherwise
 * @argv: the argument vector; the string form runs in `/bin/sh -c`
 */
typedef struct
{
  char  *name;
  char **argv;
} DockyardDevcontainerCommand;

/**
 * DockyardDevcontainerMount:
 * @type: "bind", "volume" or "tmpfs"
 * @source: (nullable): the host path or volume name
 * @target: the path in the container
 * @read_only: whether the mount is read-only
 */
typedef struct
{
  char     *type;
  char     *source;
  char     *target;
  gboolean  read_only;
} DockyardDevcontainerMount;

/**
 * DockyardDevcontainer:
 * @config_file: the devcontainer.json, an absolute path
 * @project_path: the project folder it was read for
 * @text: the file as read, comments and all
 * @name: (nullable): its `name`
 * @image: (nullable): `image`, when it builds no Dockerfile
 * @dockerfile: (nullable): `build.dockerfile` (or `dockerFile`), absolute
 * @context: (nullable): `build.context` (or `context`), absolute; the
 *   folder of the devcontainer.json when not given
 * @build_args: `NAME=value` strings of `build.args`
 * @target: (nullable): `build.target`
 * @workspace_folder: where the project folder is in the container
 * @workspace_mount: (nullable): `workspaceMount` as written (after
 *   variables), %NULL for the default bind mount
 * @workspace_mount_target: the path @workspace_mount mounts the folder at
 * @container_user: (nullable): `containerUser`
 * @remote_user: (nullable): `remoteUser`
 * @update_remote_user_uid: `updateRemoteUserUID` (default %TRUE)
 * @container_env: `NAME=value` strings of `containerEnv`
 * @run_env: `NAME=value` strings of `runArgs`' `--env`, set after
 *   @container_env
 * @remote_env: `NAME=value` strings of `remoteEnv` (a %NULL value unsets:
 *   it is left out)
 * @mounts: (element-type DockyardDevcontainerMount): `mounts`
 * @forward_ports: `forwardPorts` as strings ("3000", "db:5432")
 * @ports_attributes: (nullable): `portsAttributes`, an object node
 * @lifecycle: (element-type DockyardDevcontainerCommand): per lifecycle
 *   step, its commands (several in the object form, run in parallel by the
 *   reference tool, in order by Dockyard)
 * @gpu: (nullable): `hostRequirements.gpu`: "true" or "optional"
 * @cap_add: `--cap-add` of `runArgs`
 * @security_opt: `--security-opt` of `runArgs`
 * @devices: `--device` of `runArgs`, "HOST[:CONTAINER[:PERMISSIONS]]"
 * @gpus: (nullable): `--gpus` of `runArgs`
 * @labels: `NAME=value` strings of `--label`
 * @shm_size: `--shm-size` in bytes, or 0
 * @init: `--init`
 * @features: the ids of `features`: not supported (they need a registry)
 * @unsupported: what Dockyard does not do, each a sentence for the user
 *
 * A Development Container configuration (containers.dev), as far as
 * Dockyard uses it.  Variables such as `${localWorkspaceFolder}` are
 * replaced as the reference tool does; `${containerEnv:NAME}` is left.
 */
typedef struct
{
  char       *config_file;
  char       *project_path;
  char       *text;
  char       *name;
  char       *image;
  char       *dockerfile;
  char       *context;
  GStrv       build_args;
  char       *target;
  char       *workspace_folder;
  char       *workspace_mount;
  char       *workspace_mount_target;
  char       *container_user;
  char       *remote_user;
  gboolean    update_remote_user_uid;
  GStrv       container_env;
  GStrv       remote_env;
  GStrv       run_env;
  GPtrArray  *mounts;
  GStrv       forward_ports;
  JsonNode   *ports_attributes;
  GPtrArray  *lifecycle[DOCKYARD_DEVCONTAINER_N_LIFECYCLE];
  char       *gpu;
  GStrv       cap_add;
  GStrv       security_opt;
  GStrv       devices;
  char       *gpus;
  GStrv       labels;
  gint64      shm_size;
  gboolean    init;
  GStrv       features;
  GStrv       unsupported;
} DockyardDevcontainer;

JsonNode             *dockyard_jsonc_parse                  (const char           *text,
                                                             gssize                length,
                                                             GError              **error);
GFile                *dockyard_devcontainer_find            (GFile                *project_dir);
DockyardDevcontainer *dockyard_devcontainer_new_from_data   (const char           *text,
                                                             gsize                 length,
                                                             const char           *config_file,
                                                             const char           *project_path,
                                                             GError              **error);
DockyardDevcontainer *dockyard_devcontainer_load            (GFile                *project_dir,
                                                             GCancellable         *cancellable,
                                                             GError              **error);
void                  dockyard_devcontainer_free            (DockyardDevcontainer *self);
DockyardDevcontainer *dockyard_devcontainer_copy_with_metadata
                                                            (const DockyardDevcontainer *self,
                                                             const char           *label);
const char           *dockyard_devcontainer_lifecycle_key   (DockyardDevcontainerLifecycle step);
char                 *dockyard_devcontainer_dup_relative    (const char           *base,
                                                             const char           *path);
char                 *dockyard_devcontainer_substitute_container_env
                                                            (const char           *value,
                                                             const char * const   *env);
void                  dockyard_devcontainer_merge_metadata  (DockyardDevcontainer *self,
                                                             const char           *label);
JsonNode             *dockyard_devcontainer_to_json         (const DockyardDevcontainer *self);
void                  dockyard_devcontainer_add_labels      (const DockyardDevcontainer *self,
                                                             JsonBuilder          *builder);
void                  dockyard_devcontainer_add_mounts      (const DockyardDevcontainer *self,
                                                             JsonBuilder          *builder);
void                  dockyard_devcontainer_add_host_config (const DockyardDevcontainer *self,
                                                             JsonBuilder          *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DockyardDevcontainer, dockyard_devcontainer_free)

G_END_DECLS
