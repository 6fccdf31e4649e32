/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-container.h"
#include "dockyard-engine-private.h"
#include "dockyard-image.h"
#include "dockyard-object-list.h"
#include "dockyard-object-list-private.h"

/* Events come in bursts (create, attach, start, ...): list once per burst. */
#define REFRESH_DELAY_MS 100

typedef struct
{
  const char *event_type;
  const char *list_path;
  GType     (*get_type)         (void);
  GObject  *(*new_from_json)    (JsonObject *json);
  gboolean  (*update_from_json) (GObject    *object,
                                 JsonObject *json);
} ObjectKind;

static const ObjectKind image_kind = {
  "image", "/images/json", dockyard_image_get_type,
  _dockyard_image_new_from_json, _dockyard_image_update_from_json,
};

static const ObjectKind container_kind = {
  "container", "/containers/json?all=1", dockyard_container_get_type,
  _dockyard_container_new_from_json, _dockyard_container_update_from_json,
};

/**
 * DockyardObjectList:
 *
 * The engine's images or containers as a #GListModel that the event stream
 * keeps live: every event of the list's type, and every reconnection, lists
 * the objects again and updates the existing items in place.
 */
struct _DockyardObjectList
{
  GObject              parent_instance;

  const ObjectKind    *kind;
  DockyardEventStream *events;
  GPtrArray           *items;
  GHashTable          *by_id;
  GCancellable        *cancellable;
  guint                refresh_id;
  guint                in_flight : 1;
  guint                dirty : 1;
  guint                loaded : 1;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DockyardObjectList, dockyard_object_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return DOCKYARD_OBJECT_LIST (model)->kind->get_type ();
}

static guint
get_n_items (GListModel *model)
{
  return DOCKYARD_OBJECT_LIST (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  DockyardObjectList *self = DOCKYARD_OBJECT_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static const char *
object_id (GObject *object)
{
  const char *id = NULL;

  if (DOCKYARD_IS_IMAGE (object))
    id = dockyard_image_get_id (DOCKYARD_IMAGE (object));
  else if (DOCKYARD_IS_CONTAINER (object))
    id = dockyard_container_get_id (DOCKYARD_CONTAINER (object));

  return id;
}

static gboolean
same_order (GPtrArray *a,
            GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    if (g_ptr_array_index (a, i) != g_ptr_array_index (b, i))
      return FALSE;

  return TRUE;
}

/* Replaces the items with what the engine listed, keeping the objects of
 * those that still exist so that widgets bound to them stay bound. */
static void
apply_listing (DockyardObjectList *self,
               JsonArray          *array)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) changed = g_array_new (FALSE, FALSE, sizeof (guint));
  guint old_len = self->items->len;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *json;
      const char *id;
      GObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      json = json_node_get_object (node);
      id = _dockyard_json_get_string (json, "Id");
      if (id == NULL || g_hash_table_contains (by_id, id))
        continue;

      object = g_hash_table_lookup (self->by_id, id);
      if (object != NULL)
        {
          if (self->kind->update_from_json (object, json))
            g_array_append_val (changed, items->len);
          g_object_ref (object);
        }
      else if ((object = self->kind->new_from_json (json)) == NULL)
        continue;

      g_ptr_array_add (items, object);
      g_hash_table_insert (by_id, (gpointer) object_id (object), object);
    }

  if (same_order (items, self->items))
    {
      /* Same objects, some with new state: tell the views to rebind those. */
      for (guint i = 0; i < changed->len; i++)
        {
          guint position = g_array_index (changed, guint, i);

          g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
        }
      return;
    }

  g_ptr_array_unref (self->items);
  self->items = g_steal_pointer (&items);
  g_hash_table_unref (self->by_id);
  self->by_id = g_steal_pointer (&by_id);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->items->len);
}

static void schedule_refresh (DockyardObjectList *self);

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DockyardObjectList) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = dockyard_engine_request_finish (DOCKYARD_ENGINE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->in_flight = FALSE;

  if (node == NULL)
    g_debug ("Cannot list %ss: %s", self->kind->event_type, error->message);
  else if (!JSON_NODE_HOLDS_ARRAY (node))
    g_debug ("The engine's %s list is not an array", self->kind->event_type);
  else
    {
      apply_listing (self, json_node_get_array (node));
      if (!self->loaded)
        {
          self->loaded = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
        }
    }

  if (self->dirty)
    schedule_refresh (self);
}

static gboolean
refresh_cb (gpointer data)
{
  DockyardObjectList *self = data;

  self->refresh_id = 0;
  dockyard_object_list_refresh (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_refresh (DockyardObjectList *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (REFRESH_DELAY_MS, refresh_cb, self);
}

static void
event_cb (DockyardObjectList  *self,
          const char          *type,
          const char          *action,
          const char          *id,
          DockyardEventStream *events)
{
  if (g_strcmp0 (type, self->kind->event_type) == 0)
    schedule_refresh (self);
}

static void
connected_cb (DockyardObjectList  *self,
              GParamSpec          *pspec,
              DockyardEventStream *events)
{
  /* Whatever happened while the stream was down, list again. */
  if (dockyard_event_stream_get_connected (events))
    schedule_refresh (self);
}

static void
dockyard_object_list_dispose (GObject *object)
{
  DockyardObjectList *self = (DockyardObjectList *)object;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->events != NULL)
    g_signal_handlers_disconnect_by_data (self->events, self);
  g_clear_object (&self->events);

  G_OBJECT_CLASS (dockyard_object_list_parent_class)->dispose (object);
}

static void
dockyard_object_list_finalize (GObject *object)
{
  DockyardObjectList *self = (DockyardObjectList *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);

  G_OBJECT_CLASS (dockyard_object_list_parent_class)->finalize (object);
}

static void
dockyard_object_list_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DockyardObjectList *self = DOCKYARD_OBJECT_LIST (object);

  switch (prop_id)
    {
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_object_list_class_init (DockyardObjectListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dockyard_object_list_dispose;
  object_class->finalize = dockyard_object_list_finalize;
  object_class->get_property = dockyard_object_list_get_property;

  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_object_list_init (DockyardObjectList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->cancellable = g_cancellable_new ();
}

static DockyardObjectList *
dockyard_object_list_new (DockyardEventStream *events,
                          const ObjectKind    *kind)
{
  DockyardObjectList *self;

  g_return_val_if_fail (DOCKYARD_IS_EVENT_STREAM (events), NULL);

  self = g_object_new (DOCKYARD_TYPE_OBJECT_LIST, NULL);
  self->kind = kind;
  self->events = g_object_ref (events);

  g_signal_connect_object (events, "event", G_CALLBACK (event_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (events, "notify::connected", G_CALLBACK (connected_cb), self,
                           G_CONNECT_SWAPPED);

  dockyard_object_list_refresh (self);

  return self;
}

/**
 * dockyard_object_list_new_images:
 *
 * Returns: (transfer full): the engine's images (#DockyardImage), kept live by @events
 */
DockyardObjectList *
dockyard_object_list_new_images (DockyardEventStream *events)
{
  return dockyard_object_list_new (events, &image_kind);
}

/**
 * dockyard_object_list_new_containers:
 *
 * Returns: (transfer full): all of the engine's containers (#DockyardContainer),
 *   running or not, kept live by @events
 */
DockyardObjectList *
dockyard_object_list_new_containers (DockyardEventStream *events)
{
  return dockyard_object_list_new (events, &container_kind);
}

/**
 * dockyard_object_list_get_loaded:
 *
 * Returns: whether the list has been read from the engine at least once
 */
gboolean
dockyard_object_list_get_loaded (DockyardObjectList *self)
{
  g_return_val_if_fail (DOCKYARD_IS_OBJECT_LIST (self), FALSE);
  return self->loaded;
}

/**
 * dockyard_object_list_lookup:
 *
 * Returns: (transfer none) (nullable): the item with @id
 */
gpointer
dockyard_object_list_lookup (DockyardObjectList *self,
                             const char         *id)
{
  g_return_val_if_fail (DOCKYARD_IS_OBJECT_LIST (self), NULL);
  return g_hash_table_lookup (self->by_id, id);
}

/**
 * dockyard_object_list_refresh:
 *
 * Lists the objects again now (or right after a listing already under way).
 */
void
dockyard_object_list_refresh (DockyardObjectList *self)
{
  DockyardEngine *engine;

  g_return_if_fail (DOCKYARD_IS_OBJECT_LIST (self));

  if (self->in_flight)
    {
      self->dirty = TRUE;
      return;
    }

  self->in_flight = TRUE;
  self->dirty = FALSE;
  engine = dockyard_event_stream_get_engine (self->events);
  dockyard_engine_request_async (engine, "GET", self->kind->list_path, NULL, self->cancellable,
                                 list_cb, g_object_ref (self));
}
