/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-engine-private.h"

/* Typed calls for the container API: each builds its path once, escapes
 * what it puts in it, and hands back what the answer means (an id, an exit
 * status) instead of the engine's JSON. */

/* The output of a short-lived container is read whole; bound it. */
#define MAX_LOGS (16 * 1024 * 1024)
/* /wait's answer is `{"StatusCode":N,"Error":...}`. */
#define MAX_WAIT_BODY 4096

static char *
container_path (const char *id,
                const char *tail)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);

  return g_strconcat ("/containers/", escaped, tail, NULL);
}

/* Starts a task (with @source_tag) whose request on `/containers/{id}TAIL`
 * @task_cb turns into its result. */
static void
container_request (DockyardEngine      *self,
                   const char          *method,
                   const char          *id,
                   const char          *tail,
                   gpointer             source_tag,
                   GAsyncReadyCallback  task_cb,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *path = container_path (id, tail);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_strdup (id), g_free);
  dockyard_engine_request_async (self, method, path, NULL, cancellable, task_cb,
                                 g_steal_pointer (&task));
}

/* A stream from `/containers/{id}TAIL`: finish with
 * dockyard_engine_open_stream_finish(). */
static void
open_container_stream (DockyardEngine      *self,
                       const char          *method,
                       const char          *id,
                       const char          *tail,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autofree char *path = container_path (id, tail);
  g_autoptr(SoupMessage) message = dockyard_engine_new_message (self, method, path);

  dockyard_engine_open_stream_async (self, message, cancellable, callback, user_data);
}

/* Images -------------------------------------------------------------------------- */

/**
 * dockyard_engine_inspect_image_async:
 * @name: an image reference or id, e.g. "python:3.11.2"
 *
 * `GET /images/{name}/json`, the name escaped for the path.  Finish with
 * dockyard_engine_request_finish(); a missing image is
 * %DOCKYARD_ENGINE_ERROR_NOT_FOUND (see dockyard_engine_image_missing_error()).
 */
void
dockyard_engine_inspect_image_async (DockyardEngine      *self,
                                     const char          *name,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (name != NULL);

  escaped = g_uri_escape_string (name, NULL, FALSE);
  path = g_strdup_printf ("/images/%s/json", escaped);
  dockyard_engine_request_async (self, "GET", path, NULL, cancellable, callback, user_data);
}

/**
 * dockyard_engine_image_missing_error:
 * @image: the image a container was to run
 *
 * Returns: (transfer full): the error to show when @image, which the
 *   project builds, is not there to run
 */
GError *
dockyard_engine_image_missing_error (const char *image)
{
  return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NOT_FOUND,
                      _("The image %s does not exist yet: build it first."), image);
}

/* Create, start, inspect, resize ------------------------------------------------------ */

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;
  const char *id;

  node = dockyard_engine_request_finish (DOCKYARD_ENGINE (object), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  id = JSON_NODE_HOLDS_OBJECT (node) ? _dockyard_json_get_string (json_node_get_object (node), "Id")
                                     : NULL;
  if (id == NULL || *id == '\0')
    {
      g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                               _("The engine did not name the container it created."));
      return;
    }

  g_task_return_pointer (task, g_strdup (id), g_free);
}

/**
 * dockyard_engine_create_container_async:
 * @name: (nullable): the container's name, or %NULL for one the engine picks
 * @config: the body of `POST /containers/create`
 *
 * Creates a container.  A name that is taken fails with
 * %DOCKYARD_ENGINE_ERROR_CONFLICT.  Cancelling may leave a container that
 * the engine made without telling its id: callers that must remove what
 * they create pass no cancellable here and check it afterwards.
 */
void
dockyard_engine_create_container_async (DockyardEngine      *self,
                                        const char          *name,
                                        JsonNode            *config,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (config != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_engine_create_container_async);

  if (name != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);

      path = g_strdup_printf ("/containers/create?name=%s", escaped);
    }
  else
    path = g_strdup ("/containers/create");

  dockyard_engine_request_async (self, "POST", path, config, cancellable, created_cb,
                                 g_steal_pointer (&task));
}

/**
 * dockyard_engine_create_container_finish:
 *
 * Returns: (transfer full): the new container's id, or %NULL with @error set
 */
char *
dockyard_engine_create_container_finish (DockyardEngine  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
boolean_request_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  node = dockyard_engine_request_finish (DOCKYARD_ENGINE (object), result, &error);
  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * dockyard_engine_start_container_async:
 * @id: a container id or name
 *
 * `POST /containers/{id}/start`.
 */
void
dockyard_engine_start_container_async (DockyardEngine      *self,
                                       const char          *id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (id != NULL);

  container_request (self, "POST", id, "/start", dockyard_engine_start_container_async,
                     boolean_request_cb, cancellable, callback, user_data);
}

gboolean
dockyard_engine_start_container_finish (DockyardEngine  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * dockyard_engine_inspect_container_async:
 * @id: a container id or name
 *
 * `GET /containers/{id}/json`.  Finish with dockyard_engine_request_finish().
 */
void
dockyard_engine_inspect_container_async (DockyardEngine      *self,
                                         const char          *id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (id != NULL);

  path = container_path (id, "/json");
  dockyard_engine_request_async (self, "GET", path, NULL, cancellable, callback, user_data);
}

static void
resize_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Harmless when the process has just exited: the engine refuses then. */
  if (!dockyard_engine_resize_tty_finish (DOCKYARD_ENGINE (object), result, &error))
    g_debug ("Resize refused: %s", error->message);
}

/**
 * dockyard_engine_resize_tty:
 * @kind: "containers" or "exec"
 * @id: the container's or exec session's id
 *
 * Sizes the terminal of a running container or exec session.  Nothing
 * to wait for: a refusal (the process has just ended) is only logged.
 */
void
dockyard_engine_resize_tty (DockyardEngine *self,
                            const char     *kind,
                            const char     *id,
                            guint           rows,
                            guint           columns)
{
  dockyard_engine_resize_tty_async (self, kind, id, rows, columns, NULL, resize_cb, NULL);
}

/**
 * dockyard_engine_resize_tty_async:
 * @kind: "containers" or "exec"
 * @id: the container's or exec session's id
 *
 * Sizes the terminal of a running container or exec session, for a caller
 * that must know the size is set, e.g. before handing out a new terminal
 * (over a slow connection to a remote engine, the first command could
 * otherwise run in a terminal of 0×0).
 */
void
dockyard_engine_resize_tty_async (DockyardEngine      *self,
                                  const char          *kind,
                                  const char          *id,
                                  guint                rows,
                                  guint                columns,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (g_strcmp0 (kind, "containers") == 0 || g_strcmp0 (kind, "exec") == 0);
  g_return_if_fail (id != NULL);

  escaped = g_uri_escape_string (id, NULL, FALSE);
  path = g_strdup_printf ("/%s/%s/resize?h=%u&w=%u", kind, escaped, rows, columns);
  dockyard_engine_request_async (self, "POST", path, NULL, cancellable, callback, user_data);
}

gboolean
dockyard_engine_resize_tty_finish (DockyardEngine  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  g_autoptr(JsonNode) node = dockyard_engine_request_finish (self, result, error);

  return node != NULL;
}

/* Waiting for the exit ---------------------------------------------------------------- */

/* `{"StatusCode":N}` -> N; -1 when the answer has no status. */
static int
exit_status_from_json (JsonNode *node)
{
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return -1;

  object = json_node_get_object (node);
  if (!json_object_has_member (object, "StatusCode"))
    return -1;

  return (int) CLAMP (_dockyard_json_get_int (object, "StatusCode"), -1, G_MAXINT);
}

static void
waited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  node = dockyard_engine_request_finish (DOCKYARD_ENGINE (object), result, &error);
  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, exit_status_from_json (node));
}

/**
 * dockyard_engine_wait_container_async:
 * @id: a container id or name
 *
 * `POST /containers/{id}/wait`: finishes when the container is not
 * running, with its exit status.  A short request (it has the request
 * timeout): for processes that end soon.  For a long-running one, see
 * dockyard_engine_open_container_wait_async().
 */
void
dockyard_engine_wait_container_async (DockyardEngine      *self,
                                      const char          *id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (id != NULL);

  container_request (self, "POST", id, "/wait", dockyard_engine_wait_container_async,
                     waited_cb, cancellable, callback, user_data);
}

/**
 * dockyard_engine_wait_container_finish:
 *
 * Finishes dockyard_engine_wait_container_async() and
 * dockyard_engine_read_exit_status_async().
 *
 * Returns: the exit status (-1 when the engine gave none), or -1 with
 *   @error set
 */
int
dockyard_engine_wait_container_finish (DockyardEngine  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * dockyard_engine_open_container_wait_async:
 * @id: a container id or name, not started yet
 *
 * Registers a wait for the container's next exit before it starts, so
 * that even an instant exit is seen: the engine answers the headers at
 * once and the body at the exit.  Finish with
 * dockyard_engine_open_stream_finish(), then read the status with
 * dockyard_engine_read_exit_status_async().  No timeout.
 */
void
dockyard_engine_open_container_wait_async (DockyardEngine      *self,
                                           const char          *id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (id != NULL);

  open_container_stream (self, "POST", id, "/wait?condition=next-exit", cancellable,
                         callback, user_data);
}

static void
exit_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  GError *error = NULL;
  int status = -1;

  bytes = _dockyard_read_all_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (g_bytes_get_size (bytes) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                  g_bytes_get_size (bytes), NULL))
    status = exit_status_from_json (json_parser_get_root (parser));

  if (status < 0)
    {
      /* No status: the engine went away while the process ran. */
      g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                               _("The connection to the engine was lost before the "
                                 "container exited."));
      return;
    }

  g_task_return_int (task, status);
}

/**
 * dockyard_engine_read_exit_status_async:
 * @stream: the body from dockyard_engine_open_container_wait_async()
 *
 * Waits for the body of a registered wait: the container's exit.  Finish
 * with dockyard_engine_wait_container_finish(); a connection that broke
 * before the exit is %DOCKYARD_ENGINE_ERROR_DISCONNECTED.
 */
void
dockyard_engine_read_exit_status_async (DockyardEngine      *self,
                                        GInputStream        *stream,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (G_IS_INPUT_STREAM (stream));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_engine_read_exit_status_async);

  _dockyard_read_all_async (stream, MAX_WAIT_BODY, cancellable, exit_read_cb,
                            g_steal_pointer (&task));
}

/* Output ------------------------------------------------------------------------------ */

/**
 * dockyard_engine_demultiplex:
 * @frames: output of a container without a terminal
 * @length: its length
 * @out: (nullable): where stdout goes
 * @err: (nullable): where stderr goes
 *
 * Without a terminal the engine multiplexes stdout and stderr: frames of
 * an 8-byte header (stream, 0, 0, 0, big-endian length) and the data.
 *
 * Returns: how many bytes were whole frames (the rest waits for more)
 */
gsize
dockyard_engine_demultiplex (const guint8 *frames,
                             gsize         length,
                             GString      *out,
                             GString      *err)
{
  gsize at = 0;

  while (length - at >= 8)
    {
      const guint8 *frame = frames + at;
      guint32 size = ((guint32) frame[4] << 24) | ((guint32) frame[5] << 16) |
                     ((guint32) frame[6] << 8) | (guint32) frame[7];
      GString *to = frame[0] == 2 ? err : out;

      if (length - at - 8 < size)
        break;
      if (to != NULL)
        g_string_append_len (to, (const char *) frame + 8, size);
      at += 8 + (gsize) size;
    }

  return at;
}

typedef struct
{
  GByteArray *frames;
} LogsState;

static void
logs_state_free (LogsState *state)
{
  g_byte_array_unref (state->frames);
  g_free (state);
}

static void
logs_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LogsState *state = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Past the bound, the rest is left unread. */
  if (g_bytes_get_size (bytes) > 0 && state->frames->len < MAX_LOGS)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      g_byte_array_append (state->frames, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_input_stream_read_bytes_async (G_INPUT_STREAM (object), 65536, G_PRIORITY_DEFAULT,
                                       cancellable, logs_read_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
logs_opened_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GInputStream) stream = NULL;
  GError *error = NULL;
  GCancellable *cancellable;

  stream = dockyard_engine_open_stream_finish (DOCKYARD_ENGINE (object), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_bytes_async (stream, 65536, G_PRIORITY_DEFAULT, cancellable, logs_read_cb,
                                   g_steal_pointer (&task));
}

/**
 * dockyard_engine_read_container_logs_async:
 * @id: a container without a terminal, typically one that exited
 *
 * Reads what the container wrote so far (`/logs?stdout=1&stderr=1`, not
 * followed), up to 16 MiB.
 */
void
dockyard_engine_read_container_logs_async (DockyardEngine      *self,
                                           const char          *id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LogsState *state;

  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_engine_read_container_logs_async);
  state = g_new0 (LogsState, 1);
  state->frames = g_byte_array_new ();
  g_task_set_task_data (task, state, (GDestroyNotify) logs_state_free);

  open_container_stream (self, "GET", id, "/logs?stdout=1&stderr=1", cancellable, logs_opened_cb,
                         g_steal_pointer (&task));
}

/**
 * dockyard_engine_read_container_logs_finish:
 * @out: (out) (optional) (transfer full): what it wrote on stdout
 * @err: (out) (optional) (transfer full): what it wrote on stderr
 */
gboolean
dockyard_engine_read_container_logs_finish (DockyardEngine  *self,
                                            GAsyncResult    *result,
                                            char           **out,
                                            char           **err,
                                            GError         **error)
{
  LogsState *state;
  g_autoptr(GString) out_text = g_string_new (NULL);
  g_autoptr(GString) err_text = g_string_new (NULL);

  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  state = g_task_get_task_data (G_TASK (result));
  dockyard_engine_demultiplex (state->frames->data, state->frames->len, out_text, err_text);
  if (out != NULL)
    *out = g_string_free (g_steal_pointer (&out_text), FALSE);
  if (err != NULL)
    *err = g_string_free (g_steal_pointer (&err_text), FALSE);
  return TRUE;
}

/**
 * dockyard_engine_follow_container_logs_async:
 * @id: a container without a terminal
 *
 * Opens `/logs?follow=1&stdout=1&stderr=1`: what the container writes, as
 * it writes it, multiplexed (see dockyard_engine_demultiplex()).  Finish
 * with dockyard_engine_open_stream_finish().  No timeout.
 */
void
dockyard_engine_follow_container_logs_async (DockyardEngine      *self,
                                             const char          *id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (id != NULL);

  open_container_stream (self, "GET", id, "/logs?follow=1&stdout=1&stderr=1", cancellable,
                         callback, user_data);
}

/* Removing ------------------------------------------------------------------------------ */

/* Podman refuses a force-remove of a container that is just stopping by
 * itself ("cannot remove container … as it could not be stopped: … container
 * state improper", HTTP 500): the same request a moment later succeeds.  So
 * an engine failure is asked again, a bounded number of times. */
#define REMOVE_ATTEMPTS 5
#define REMOVE_RETRY_MS 200

typedef struct
{
  char  *id;
  guint  attempts;
} RemoveData;

static void
remove_data_free (RemoveData *data)
{
  g_free (data->id);
  g_free (data);
}

static void remove_attempt (GTask *task);

static gboolean
remove_again_cb (gpointer user_data)
{
  remove_attempt (user_data);
  return G_SOURCE_REMOVE;
}

static void
container_gone_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = dockyard_engine_request_finish (DOCKYARD_ENGINE (object), result, &error);
  if (node == NULL && !g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NOT_FOUND))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
container_removed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardEngine *self = DOCKYARD_ENGINE (object);
  RemoveData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = dockyard_engine_request_finish (self, result, &error);

  /* The engine is already removing it (AutoRemove after the process ended):
   * wait until it is gone, so that "removed" means no container is left. */
  if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_CONFLICT))
    {
      g_autofree char *path = container_path (data->id, "/wait?condition=removed");

      dockyard_engine_request_async (self, "POST", path, NULL, NULL, container_gone_cb,
                                     g_steal_pointer (&task));
      return;
    }

  if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_SERVER_ERROR) &&
      data->attempts < REMOVE_ATTEMPTS)
    {
      g_timeout_add (REMOVE_RETRY_MS, remove_again_cb, g_steal_pointer (&task));
      return;
    }

  if (node == NULL && !g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NOT_FOUND))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
remove_attempt (GTask *task)
{
  RemoveData *data = g_task_get_task_data (task);
  g_autofree char *path = container_path (data->id, "?force=1");

  data->attempts++;
  dockyard_engine_request_async (g_task_get_source_object (task), "DELETE", path, NULL, NULL,
                                 container_removed_cb, task);
}

/**
 * dockyard_engine_remove_container_async:
 * @id: a container id or name
 *
 * Kills and removes the container, and finishes once it is gone (also
 * when it was gone already).  Not cancellable: a container must not be
 * left behind halfway.
 */
void
dockyard_engine_remove_container_async (DockyardEngine      *self,
                                        const char          *id,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (id != NULL);

  GTask *task = g_task_new (self, NULL, callback, user_data);
  RemoveData *data = g_new0 (RemoveData, 1);

  data->id = g_strdup (id);
  g_task_set_source_tag (task, dockyard_engine_remove_container_async);
  g_task_set_task_data (task, data, (GDestroyNotify) remove_data_free);
  remove_attempt (task);
}

gboolean
dockyard_engine_remove_container_finish (DockyardEngine  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
