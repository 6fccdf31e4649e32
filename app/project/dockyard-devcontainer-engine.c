/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A devcontainer.json's container options in the engine API's terms: what
 * `docker run` would make of its mounts and runArgs. */
#include "config.h"

#include <string.h>

#include "dockyard-devcontainer.h"

static void
add_member_string (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_member_strv (JsonBuilder        *builder,
                 const char         *name,
                 const char * const *strv)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

/**
 * dockyard_devcontainer_add_labels:
 * @builder: inside the container's "Labels" object
 *
 * Adds `--label` of `runArgs`.
 */
void
dockyard_devcontainer_add_labels (const DockyardDevcontainer *self,
                                  JsonBuilder                *builder)
{
  for (guint i = 0; self->labels[i] != NULL; i++)
    {
      const char *eq = strchr (self->labels[i], '=');
      g_autofree char *name = g_strndup (self->labels[i], eq - self->labels[i]);

      /* Dockyard's own labels say what the container is: never overridden. */
      if (g_str_has_prefix (name, "io.github.dockyardapp."))
        continue;
      add_member_string (builder, name, eq + 1);
    }
}

/**
 * dockyard_devcontainer_add_mounts:
 * @builder: inside the "HostConfig.Mounts" array
 *
 * Adds the configuration's `mounts`.
 */
void
dockyard_devcontainer_add_mounts (const DockyardDevcontainer *self,
                                  JsonBuilder                *builder)
{
  for (guint i = 0; i < self->mounts->len; i++)
    {
      DockyardDevcontainerMount *mount = g_ptr_array_index (self->mounts, i);

      json_builder_begin_object (builder);
      add_member_string (builder, "Type", mount->type);
      if (mount->source != NULL && !g_str_equal (mount->type, "tmpfs"))
        add_member_string (builder, "Source", mount->source);
      add_member_string (builder, "Target", mount->target);
      json_builder_set_member_name (builder, "ReadOnly");
      json_builder_add_boolean_value (builder, mount->read_only);
      json_builder_end_object (builder);
    }
}

/**
 * dockyard_devcontainer_add_host_config:
 * @builder: inside the container's "HostConfig" object
 *
 * Adds what `runArgs` (and `init`, `capAdd`, `securityOpt`) ask for:
 * CapAdd, SecurityOpt, Devices, ShmSize, Init.
 */
void
dockyard_devcontainer_add_host_config (const DockyardDevcontainer *self,
                                       JsonBuilder                *builder)
{
  if (self->cap_add[0] != NULL)
    add_member_strv (builder, "CapAdd", (const char * const *) self->cap_add);
  if (self->security_opt[0] != NULL)
    add_member_strv (builder, "SecurityOpt", (const char * const *) self->security_opt);
  if (self->devices[0] != NULL)
    {
      json_builder_set_member_name (builder, "Devices");
      json_builder_begin_array (builder);
      for (guint i = 0; self->devices[i] != NULL; i++)
        {
          /* HOST[:CONTAINER[:PERMISSIONS]], as docker run reads it. */
          g_auto(GStrv) parts = g_strsplit (self->devices[i], ":", 3);

          json_builder_begin_object (builder);
          add_member_string (builder, "PathOnHost", parts[0]);
          add_member_string (builder, "PathInContainer",
                             parts[1] != NULL && *parts[1] != '\0' ? parts[1] : parts[0]);
          add_member_string (builder, "CgroupPermissions",
                             parts[1] != NULL && parts[2] != NULL ? parts[2] : "rwm");
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  if (self->shm_size > 0)
    {
      json_builder_set_member_name (builder, "ShmSize");
      json_builder_add_int_value (builder, self->shm_size);
    }
  if (self->init)
    {
      json_builder_set_member_name (builder, "Init");
      json_builder_add_boolean_value (builder, TRUE);
    }
}
