/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-engine-private.h"
#include "dockyard-event-stream.h"

/* Reconnect quickly after a blip, but do not hammer an engine that is down. */
#define BACKOFF_FIRST_MS 200
#define BACKOFF_MAX_MS   5000
/* The longest event line read.  An event is a few hundred bytes, a few KiB
 * with many labels; 1 MiB is far above any real one and is what an engine
 * sending an endless line costs before the stream is closed. */
#define MAX_EVENT_LINE   (1024 * 1024)

/**
 * DockyardEventStream:
 *
 * Follows the engine's `/events` stream and emits #DockyardEventStream::event
 * for each event.  When the engine goes away, #DockyardEventStream:connected
 * turns %FALSE and the stream reconnects with backoff until it is back.
 * #DockyardEventStream:error then says why, if the engine's answer was at
 * fault.
 */
struct _DockyardEventStream
{
  GObject           parent_instance;

  DockyardEngine   *engine;
  GCancellable     *cancellable;
  GDataInputStream *lines;
  GError           *error;
  guint             retry_id;
  guint             backoff_ms;
  gint64            opened_at;  /* when the stream last opened, 0: not open */
  guint             connected : 1;
  guint             running : 1;
};

G_DEFINE_FINAL_TYPE (DockyardEventStream, dockyard_event_stream, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ENGINE,
  PROP_CONNECTED,
  PROP_ERROR,
  N_PROPS
};

enum {
  EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void connect_stream (DockyardEventStream *self);

static void
set_connected (DockyardEventStream *self,
               gboolean             connected)
{
  if (self->connected == !!connected)
    return;

  self->connected = !!connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

static void
set_error (DockyardEventStream *self,
           GError              *error)
{
  if (self->error == NULL && error == NULL)
    return;

  g_clear_error (&self->error);
  self->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static gboolean
retry_cb (gpointer data)
{
  DockyardEventStream *self = data;

  self->retry_id = 0;
  connect_stream (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_retry (DockyardEventStream *self)
{
  /* Closing drops the connection, so an engine still sending is cut off. */
  if (self->lines != NULL)
    g_input_stream_close (G_INPUT_STREAM (self->lines), NULL, NULL);
  g_clear_object (&self->lines);
  set_connected (self, FALSE);

  if (!self->running || self->retry_id != 0)
    return;

  /* Only a stream that stayed open a while proves the engine well: one
   * that answers and closes at once must not bring the first delay back,
   * or the reconnects never slow down. */
  if (self->opened_at != 0
      && g_get_monotonic_time () - self->opened_at >= (gint64) BACKOFF_MAX_MS * 1000)
    self->backoff_ms = BACKOFF_FIRST_MS;
  self->opened_at = 0;

  self->retry_id = g_timeout_add (self->backoff_ms, retry_cb, self);
  self->backoff_ms = MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
}

static void
dispatch_line (DockyardEventStream *self,
               const char          *line,
               gsize                length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *root;
  JsonObject *actor = NULL;
  const char *type;
  const char *action;
  const char *id = NULL;

  if (length == 0)
    return;

  /* A blank line parses to no root at all. */
  if (!json_parser_load_from_data (parser, line, length, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_debug ("Ignoring a malformed engine event");
      return;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  type = _dockyard_json_get_string (root, "Type");
  action = _dockyard_json_get_string (root, "Action");
  if (json_object_has_member (root, "Actor") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "Actor")))
    actor = json_object_get_object_member (root, "Actor");
  id = _dockyard_json_get_string (actor, "ID");

  if (type == NULL || action == NULL)
    return;

  g_signal_emit (self, signals[EVENT], 0, type, action, id);
}

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DockyardEventStream) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;

  line = _dockyard_read_line_finish (G_BUFFERED_INPUT_STREAM (object), result, &length, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      G_INPUT_STREAM (object) != G_INPUT_STREAM (self->lines))
    return;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    {
      g_debug ("Engine event stream closed: an event line is too long");
      set_error (self, g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                    _("The engine sent an event longer than %d MiB."),
                                    MAX_EVENT_LINE / (1024 * 1024)));
      schedule_retry (self);
      return;
    }

  if (line == NULL)
    {
      g_debug ("Engine event stream ended: %s", error ? error->message : "end of stream");
      schedule_retry (self);
      return;
    }

  /* An event alone does not bring the first delay back: an engine that
   * sends one and closes, over and over, would be reconnected to 5 times
   * a second for ever.  A stream that stays open does (schedule_retry). */

  /* Events are JSON: UTF-8 only (a NUL inside stops the parser, too). */
  if (g_utf8_validate (line, length, NULL))
    dispatch_line (self, line, length);
  else
    g_debug ("Ignoring an engine event that is not UTF-8");

  _dockyard_read_line_async (G_BUFFERED_INPUT_STREAM (self->lines), MAX_EVENT_LINE,
                             self->cancellable, read_line_cb, g_object_ref (self));
}

static void
open_stream_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DockyardEventStream) self = user_data;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = dockyard_engine_open_stream_finish (DOCKYARD_ENGINE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (stream == NULL)
    {
      g_debug ("Cannot follow engine events: %s", error->message);
      schedule_retry (self);
      return;
    }

  self->opened_at = g_get_monotonic_time ();
  self->lines = g_data_input_stream_new (stream);
  /* Events arrive one JSON object a line. */
  g_data_input_stream_set_newline_type (self->lines, G_DATA_STREAM_NEWLINE_TYPE_LF);
  set_connected (self, TRUE);
  set_error (self, NULL);

  _dockyard_read_line_async (G_BUFFERED_INPUT_STREAM (self->lines), MAX_EVENT_LINE,
                             self->cancellable, read_line_cb, g_object_ref (self));
}

static void
connect_stream (DockyardEventStream *self)
{
  g_autoptr(SoupMessage) message = NULL;

  message = dockyard_engine_new_message (self->engine, "GET", "/events");
  dockyard_engine_open_stream_async (self->engine, message, self->cancellable,
                                     open_stream_cb, g_object_ref (self));
}

static void
dockyard_event_stream_dispose (GObject *object)
{
  DockyardEventStream *self = (DockyardEventStream *)object;

  dockyard_event_stream_stop (self);

  G_OBJECT_CLASS (dockyard_event_stream_parent_class)->dispose (object);
}

static void
dockyard_event_stream_finalize (GObject *object)
{
  DockyardEventStream *self = (DockyardEventStream *)object;

  g_clear_object (&self->engine);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (dockyard_event_stream_parent_class)->finalize (object);
}

static void
dockyard_event_stream_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  DockyardEventStream *self = DOCKYARD_EVENT_STREAM (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;
    case PROP_ERROR:
      g_value_set_boxed (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_event_stream_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  DockyardEventStream *self = DOCKYARD_EVENT_STREAM (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_event_stream_class_init (DockyardEventStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dockyard_event_stream_dispose;
  object_class->finalize = dockyard_event_stream_finalize;
  object_class->get_property = dockyard_event_stream_get_property;
  object_class->set_property = dockyard_event_stream_set_property;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, DOCKYARD_TYPE_ENGINE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * DockyardEventStream:error: (nullable)
   *
   * Why the engine's stream was closed, when its answer was at fault (a
   * #DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE); %NULL once it is connected
   * again.
   */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL, G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DockyardEventStream::event:
   * @type: "container", "image", "network", "volume", ...
   * @action: "create", "start", "die", "destroy", "tag", "delete", ...
   * @id: (nullable): the id of the object the event is about
   */
  signals[EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
dockyard_event_stream_init (DockyardEventStream *self)
{
  self->backoff_ms = BACKOFF_FIRST_MS;
}

/**
 * dockyard_event_stream_new:
 *
 * Returns: (transfer full): a stream for @engine; call dockyard_event_stream_start()
 */
DockyardEventStream *
dockyard_event_stream_new (DockyardEngine *engine)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (engine), NULL);

  return g_object_new (DOCKYARD_TYPE_EVENT_STREAM, "engine", engine, NULL);
}

/**
 * dockyard_event_stream_get_engine:
 *
 * Returns: (transfer none): the engine
 */
DockyardEngine *
dockyard_event_stream_get_engine (DockyardEventStream *self)
{
  g_return_val_if_fail (DOCKYARD_IS_EVENT_STREAM (self), NULL);
  return self->engine;
}

gboolean
dockyard_event_stream_get_connected (DockyardEventStream *self)
{
  g_return_val_if_fail (DOCKYARD_IS_EVENT_STREAM (self), FALSE);
  return self->connected;
}

/**
 * dockyard_event_stream_get_error:
 *
 * Returns: (transfer none) (nullable): see #DockyardEventStream:error
 */
const GError *
dockyard_event_stream_get_error (DockyardEventStream *self)
{
  g_return_val_if_fail (DOCKYARD_IS_EVENT_STREAM (self), NULL);
  return self->error;
}

void
dockyard_event_stream_start (DockyardEventStream *self)
{
  g_return_if_fail (DOCKYARD_IS_EVENT_STREAM (self));

  if (self->running)
    return;

  self->running = TRUE;
  self->backoff_ms = BACKOFF_FIRST_MS;
  self->cancellable = g_cancellable_new ();
  connect_stream (self);
}

void
dockyard_event_stream_stop (DockyardEventStream *self)
{
  g_return_if_fail (DOCKYARD_IS_EVENT_STREAM (self));

  self->running = FALSE;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->lines);
  set_connected (self, FALSE);
}
