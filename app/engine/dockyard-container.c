/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-container.h"
#include "dockyard-engine-private.h"
#include "dockyard-object-list-private.h"

struct _DockyardContainer
{
  GObject     parent_instance;

  char       *id;
  char       *name;
  char       *image;
  char       *state;
  char       *status;
  GHashTable *labels;
};

G_DEFINE_FINAL_TYPE (DockyardContainer, dockyard_container, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_IMAGE,
  PROP_STATE,
  PROP_STATUS,
  PROP_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dockyard_container_finalize (GObject *object)
{
  DockyardContainer *self = (DockyardContainer *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->image, g_free);
  g_clear_pointer (&self->state, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->labels, g_hash_table_unref);

  G_OBJECT_CLASS (dockyard_container_parent_class)->finalize (object);
}

static void
dockyard_container_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DockyardContainer *self = DOCKYARD_CONTAINER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_IMAGE:
      g_value_set_string (value, self->image);
      break;
    case PROP_STATE:
      g_value_set_string (value, self->state);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, dockyard_container_get_running (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_container_class_init (DockyardContainerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_container_finalize;
  object_class->get_property = dockyard_container_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_IMAGE] =
    g_param_spec_string ("image", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_container_init (DockyardContainer *self)
{
  self->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
set_string (DockyardContainer  *self,
            char              **field,
            const char         *value,
            guint               prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  return TRUE;
}

/* Fills the container from one entry of GET /containers/json. */
static gboolean
dockyard_container_update (DockyardContainer *self,
                           JsonObject        *json)
{
  gboolean changed = FALSE;
  const char *name = NULL;
  gboolean was_running = dockyard_container_get_running (self);
  JsonNode *node;

  node = json_object_has_member (json, "Names") ? json_object_get_member (json, "Names") : NULL;
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
      json_array_get_length (json_node_get_array (node)) > 0)
    name = json_array_get_string_element (json_node_get_array (node), 0);
  /* The API lists names with a leading slash ("/myproject-dev"). */
  if (name != NULL && name[0] == '/')
    name++;

  g_hash_table_remove_all (self->labels);
  node = json_object_has_member (json, "Labels") ? json_object_get_member (json, "Labels") : NULL;
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *labels = json_node_get_object (node);
      JsonObjectIter iter;
      const char *key;
      JsonNode *value;

      json_object_iter_init (&iter, labels);
      while (json_object_iter_next (&iter, &key, &value))
        if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
          g_hash_table_insert (self->labels, g_strdup (key), g_strdup (json_node_get_string (value)));
    }

  g_object_freeze_notify (G_OBJECT (self));
  changed |= set_string (self, &self->name, name, PROP_NAME);
  changed |= set_string (self, &self->image, _dockyard_json_get_string (json, "Image"), PROP_IMAGE);
  changed |= set_string (self, &self->state, _dockyard_json_get_string (json, "State"), PROP_STATE);
  changed |= set_string (self, &self->status, _dockyard_json_get_string (json, "Status"),
                         PROP_STATUS);
  if (was_running != dockyard_container_get_running (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_thaw_notify (G_OBJECT (self));

  return changed;
}

GObject *
_dockyard_container_new_from_json (JsonObject *json)
{
  const char *id = _dockyard_json_get_string (json, "Id");
  DockyardContainer *self;

  if (id == NULL)
    return NULL;

  self = g_object_new (DOCKYARD_TYPE_CONTAINER, NULL);
  self->id = g_strdup (id);
  dockyard_container_update (self, json);

  return G_OBJECT (self);
}

gboolean
_dockyard_container_update_from_json (GObject    *object,
                                      JsonObject *json)
{
  return dockyard_container_update (DOCKYARD_CONTAINER (object), json);
}

const char *
dockyard_container_get_id (DockyardContainer *self)
{
  g_return_val_if_fail (DOCKYARD_IS_CONTAINER (self), NULL);
  return self->id;
}

/**
 * dockyard_container_get_name:
 *
 * Returns: (nullable): the container's name without the API's leading slash
 */
const char *
dockyard_container_get_name (DockyardContainer *self)
{
  g_return_val_if_fail (DOCKYARD_IS_CONTAINER (self), NULL);
  return self->name;
}

const char *
dockyard_container_get_image (DockyardContainer *self)
{
  g_return_val_if_fail (DOCKYARD_IS_CONTAINER (self), NULL);
  return self->image;
}

/**
 * dockyard_container_get_state:
 *
 * Returns: (nullable): the engine's state word: "created", "running", "exited", ...
 */
const char *
dockyard_container_get_state (DockyardContainer *self)
{
  g_return_val_if_fail (DOCKYARD_IS_CONTAINER (self), NULL);
  return self->state;
}

/**
 * dockyard_container_get_status:
 *
 * Returns: (nullable): the engine's human-readable status, e.g. "Up 3 minutes"
 */
const char *
dockyard_container_get_status (DockyardContainer *self)
{
  g_return_val_if_fail (DOCKYARD_IS_CONTAINER (self), NULL);
  return self->status;
}

gboolean
dockyard_container_get_running (DockyardContainer *self)
{
  g_return_val_if_fail (DOCKYARD_IS_CONTAINER (self), FALSE);
  return g_strcmp0 (self->state, "running") == 0;
}

/**
 * dockyard_container_get_label:
 *
 * Returns: (nullable): the value of label @key
 */
const char *
dockyard_container_get_label (DockyardContainer *self,
                              const char        *key)
{
  g_return_val_if_fail (DOCKYARD_IS_CONTAINER (self), NULL);
  return g_hash_table_lookup (self->labels, key);
}
