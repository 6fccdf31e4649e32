/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-engine-private.h"
#include "dockyard-image.h"
#include "dockyard-object-list-private.h"

struct _DockyardImage
{
  GObject  parent_instance;

  char    *id;
  GStrv    tags;
  GStrv    repo_digests;
  gint64   created;
  gint64   size;
};

G_DEFINE_FINAL_TYPE (DockyardImage, dockyard_image, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_CREATED,
  PROP_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dockyard_image_finalize (GObject *object)
{
  DockyardImage *self = (DockyardImage *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->tags, g_strfreev);
  g_clear_pointer (&self->repo_digests, g_strfreev);

  G_OBJECT_CLASS (dockyard_image_parent_class)->finalize (object);
}

static void
dockyard_image_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DockyardImage *self = DOCKYARD_IMAGE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, dockyard_image_get_name (self));
      break;
    case PROP_CREATED:
      g_value_set_int64 (value, self->created);
      break;
    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_image_class_init (DockyardImageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_image_finalize;
  object_class->get_property = dockyard_image_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CREATED] =
    g_param_spec_int64 ("created", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_image_init (DockyardImage *self)
{
}

/* The strings of the array @name; "<none>:<none>" and "<none>@<none>",
 * which untagged images list, are left out.  Missing, null (Podman) or
 * anything but an array of strings gives an empty list. */
static GStrv
get_names (JsonObject *json,
           const char *name)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_has_member (json, name) ? json_object_get_member (json, name) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          const char *value;

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            continue;
          value = json_node_get_string (element);
          if (!g_str_has_prefix (value, "<none>"))
            g_strv_builder_add (builder, value);
        }
    }

  return g_strv_builder_end (builder);
}

/* Fills the image from one entry of GET /images/json (or the answer of
 * GET /images/{name}/json, which has the same Id, RepoTags and
 * RepoDigests), notifying what changed. */
static gboolean
dockyard_image_update (DockyardImage *self,
                       JsonObject    *json)
{
  gboolean changed = FALSE;
  g_auto(GStrv) tags = get_names (json, "RepoTags");
  g_auto(GStrv) repo_digests = get_names (json, "RepoDigests");
  gint64 created = _dockyard_json_get_int (json, "Created");
  gint64 size = _dockyard_json_get_int (json, "Size");

  g_object_freeze_notify (G_OBJECT (self));
  if (!g_strv_equal ((const char * const *) tags, (const char * const *) self->tags))
    {
      g_strfreev (self->tags);
      self->tags = g_steal_pointer (&tags);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
      changed = TRUE;
    }
  if (!g_strv_equal ((const char * const *) repo_digests, (const char * const *) self->repo_digests))
    {
      g_strfreev (self->repo_digests);
      self->repo_digests = g_steal_pointer (&repo_digests);
      changed = TRUE;
    }
  if (created != self->created)
    {
      self->created = created;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED]);
      changed = TRUE;
    }
  if (size != self->size)
    {
      self->size = size;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
      changed = TRUE;
    }
  g_object_thaw_notify (G_OBJECT (self));

  return changed;
}

GObject *
_dockyard_image_new_from_json (JsonObject *json)
{
  const char *id = _dockyard_json_get_string (json, "Id");
  DockyardImage *self;

  if (id == NULL)
    return NULL;

  self = g_object_new (DOCKYARD_TYPE_IMAGE, NULL);
  self->id = g_strdup (id);
  self->tags = g_new0 (char *, 1);
  self->repo_digests = g_new0 (char *, 1);
  dockyard_image_update (self, json);

  return G_OBJECT (self);
}

gboolean
_dockyard_image_update_from_json (GObject    *object,
                                  JsonObject *json)
{
  return dockyard_image_update (DOCKYARD_IMAGE (object), json);
}

const char *
dockyard_image_get_id (DockyardImage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_IMAGE (self), NULL);
  return self->id;
}

/**
 * dockyard_image_get_tags:
 *
 * Returns: (transfer none): the image's `repository:tag` names, possibly empty
 */
const char * const *
dockyard_image_get_tags (DockyardImage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_IMAGE (self), NULL);
  return (const char * const *) self->tags;
}

/**
 * dockyard_image_get_repo_digests:
 *
 * The registry digests the engine knows for the image, as
 * `repository@sha256:...`: one for each repository it was pulled from or
 * pushed to.  An image built or imported locally has none.
 *
 * Returns: (transfer none): the digests, possibly empty
 */
const char * const *
dockyard_image_get_repo_digests (DockyardImage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_IMAGE (self), NULL);
  return (const char * const *) self->repo_digests;
}

/**
 * dockyard_image_get_name:
 *
 * Returns: the first tag, or the short id of an untagged image
 */
const char *
dockyard_image_get_name (DockyardImage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_IMAGE (self), NULL);

  if (self->tags[0] != NULL)
    return self->tags[0];

  return self->id;
}

gboolean
dockyard_image_has_tag (DockyardImage *self,
                        const char    *tag)
{
  g_return_val_if_fail (DOCKYARD_IS_IMAGE (self), FALSE);
  return g_strv_contains ((const char * const *) self->tags, tag);
}

gint64
dockyard_image_get_created (DockyardImage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_IMAGE (self), 0);
  return self->created;
}

gint64
dockyard_image_get_size (DockyardImage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_IMAGE (self), 0);
  return self->size;
}
