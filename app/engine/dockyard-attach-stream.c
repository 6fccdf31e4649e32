/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-attach-stream.h"

/* Docker's default detach keys (ctrl-p,ctrl-q) would swallow Ctrl-P, which
 * shells use for history: ask for a sequence nobody types. */
#define DETACH_KEYS "ctrl-@,ctrl-@,ctrl-@,ctrl-@,ctrl-@,ctrl-@,ctrl-@,ctrl-@"

/**
 * DockyardAttachStream:
 *
 * The terminal of a container, on the hijacked connection of
 * `POST /containers/{id}/attach` (the same kind of connection as an exec
 * session; Podman has no WebSocket attach).  Attach before starting the
 * container so that no output is lost.
 */
struct _DockyardAttachStream
{
  DockyardHijackedStream parent_instance;
};

G_DEFINE_FINAL_TYPE (DockyardAttachStream, dockyard_attach_stream, DOCKYARD_TYPE_HIJACKED_STREAM)

static void
dockyard_attach_stream_class_init (DockyardAttachStreamClass *klass)
{
}

static void
dockyard_attach_stream_init (DockyardAttachStream *self)
{
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!_dockyard_hijacked_stream_open_finish (DOCKYARD_HIJACKED_STREAM (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_object_ref (object), g_object_unref);
}

/**
 * dockyard_attach_stream_new_async:
 * @container_id: a created (or running) container with a TTY and open stdin
 *
 * Attaches to the container's terminal.
 */
void
dockyard_attach_stream_new_async (DockyardEngine      *engine,
                                  const char          *container_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(DockyardAttachStream) self = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE (engine));
  g_return_if_fail (container_id != NULL);

  self = g_object_new (DOCKYARD_TYPE_ATTACH_STREAM, NULL);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_attach_stream_new_async);

  path = g_strdup_printf ("/containers/%s/attach?stream=1&stdin=1&stdout=1&stderr=1"
                          "&detachKeys=%s", container_id, DETACH_KEYS);
  _dockyard_hijacked_stream_open_async (DOCKYARD_HIJACKED_STREAM (self), engine, path, NULL,
                                        "containers", container_id, cancellable, opened_cb,
                                        g_steal_pointer (&task));
}

/**
 * dockyard_attach_stream_new_finish:
 *
 * Returns: (transfer full): the stream, a #DockyardTtyStream
 */
DockyardAttachStream *
dockyard_attach_stream_new_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
