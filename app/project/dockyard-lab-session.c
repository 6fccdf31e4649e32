/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dockyard-gpu.h"
#include "dockyard-container-run.h"
#include "dockyard-exec-collect.h"
#include "dockyard-exec-stream.h"
#include "dockyard-lab-session.h"
#include "dockyard-launch-page.h"
#include "dockyard-port-relay.h"
#include "dockyard-text.h"
#include "dockyard-volume-sync.h"

#define JUPYTER_PORT        8888
#define READY_TIMEOUT_S     120
#define POLL_INTERVAL_MS    300
#define TOKEN_BYTES         32
#define MAX_LOG             (1024 * 1024)

/* Which Jupyter the image has, told by the exit status.  A fixed script,
 * no user input in it. */
#define PROBE_LAB      10
#define PROBE_NOTEBOOK 11
#define PROBE_NONE     127
static const char * const probe_command[] = {
  "/bin/sh", "-c",
  "command -v jupyter-lab >/dev/null 2>&1 && exit 10; "
  "command -v jupyter-notebook >/dev/null 2>&1 && exit 11; "
  "exit 127",
  NULL
};

/* On the host's network, who listens on Jupyter's port: run in the lab
 * container (its own PID namespace, the host's network namespace), it
 * finds every listening socket on the port ($1) in /proc/net/tcp{,6} and
 * looks for each among the open files of the container's processes.  A
 * listener outside the container is another program's.  The verdict is
 * printed, not given as the exit status: the engine may report an exec's
 * status before it has one.  A fixed script; the port is an argument. */
#define LISTENER_OWN     "dockyard-listener=own"
#define LISTENER_NONE    "dockyard-listener=none"
#define LISTENER_FOREIGN "dockyard-listener=foreign"
#define MAX_LISTENER_OUTPUT 4096
static const char listener_script[] =
  "port=$(printf '%04X' \"$1\") || exit 2\n"
  "found=none\n"
  "for table in /proc/net/tcp /proc/net/tcp6; do\n"
  "  [ -r \"$table\" ] || continue\n"
  "  while read -r sl local remote state queues timer retransmits uid timeout inode rest; do\n"
  "    [ \"$state\" = 0A ] || continue\n"
  "    case $local in *:\"$port\") ;; *) continue ;; esac\n"
  "    if ls -l /proc/[0-9]*/fd/ 2>/dev/null | grep -qF \"socket:[$inode]\"; then\n"
  "      found=own\n"
  "    else\n"
  "      echo dockyard-listener=foreign; exit 0\n"
  "    fi\n"
  "  done < \"$table\"\n"
  "done\n"
  "echo dockyard-listener=$found\n";

/**
 * DockyardLabSession:
 *
 * Jupyter in a container of the project's image, with the project folder
 * at the image's working directory: `jupyter lab` when the image has it,
 * otherwise `jupyter notebook`.  It is reachable on 127.0.0.1 only:
 * published on a loopback port the engine picks, or listening on a free
 * loopback port of the host's network (see #DockyardLabNetwork), with a
 * random token, and is ready once `/api/status` answers with that token.
 */
struct _DockyardLabSession
{
  GObject                  parent_instance;

  DockyardProject         *project;
  DockyardEngine          *engine;
  char                    *image;
  char                    *user;

  char                    *working_dir;
  /* The start request not answered yet, and the container already gone
   * (a start the engine refused: its answer says why, the exit does not). */
  gboolean                 start_pending;
  gboolean                 exited_early;
  char                    *jupyter;
  char                    *token;
  char                    *url;
  /* The page that hands the tokened address to the browser, while running. */
  char                    *launch_page;
  char                    *container_id;
  char                    *error_message;
  GString                 *log;
  guint                    port;
  DockyardLabNetwork       network;
  guint                    host_network : 1;
  /* The engine is on another computer: Jupyter listens on the container's
   * loopback and is reached through the engine (see #DockyardPortRelay). */
  guint                    relayed : 1;
  guint                    missing_jupyter : 1;
  /* On the host's network: Jupyter's own process listens on the port, so
   * a request with the token may go there. */
  guint                    listener_checked : 1;
  DockyardLabSessionState  state;

  SoupSession             *http;
  DockyardPortRelay       *relay;
  GByteArray              *log_frame_header;
  guint32                  log_frame_left;
  GCancellable            *cancellable;
  GTask                   *start_task;
  /* Containers being made (the probe, the lab's create): a stop waits for
   * them, so that one created after the stop is removed before it ends. */
  guint                    n_creating;
  GPtrArray               *pending_stops;
  /* The lab container's create request, kept to ask again under the next
   * name when NAME-lab is taken (another window of the project). */
  JsonNode                *create_config;
  guint                    name_attempt;
  /* Jupyter ended by itself with status 0 (its own Quit, /api/shutdown). */
  guint                    quit_by_jupyter : 1;
  gint64                   deadline;
  guint                    poll_id;
  /* An engine on another computer: the project's volume there, synced at
   * start and at stop, mounted instead of the project folder. */
  DockyardVolumeSync      *sync;
  gboolean                 sync_at_stop;
};

G_DEFINE_FINAL_TYPE (DockyardLabSession, dockyard_lab_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_URL,
  N_PROPS
};

enum {
  LOG_APPENDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
remove_launch_page (DockyardLabSession *self)
{
  if (self->launch_page != NULL)
    g_unlink (self->launch_page);
  g_clear_pointer (&self->launch_page, g_free);
}

static void
stop_relay (DockyardLabSession *self)
{
  if (self->relay != NULL)
    dockyard_port_relay_stop (self->relay);
  g_clear_object (&self->relay);
}

static void
set_state (DockyardLabSession      *self,
           DockyardLabSessionState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  /* The token is only good while Jupyter runs; so is the page that has it. */
  if (state != DOCKYARD_LAB_SESSION_RUNNING)
    remove_launch_page (self);
  if (state != DOCKYARD_LAB_SESSION_RUNNING && state != DOCKYARD_LAB_SESSION_STARTING)
    stop_relay (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
append_log (DockyardLabSession *self,
            const char         *data,
            gsize               length)
{
  g_string_append_len (self->log, data, length);

  /* Jupyter can be chatty: keep the newest megabyte. */
  if (self->log->len > MAX_LOG)
    g_string_erase (self->log, 0, self->log->len - MAX_LOG);

  g_signal_emit (self, signals[LOG_APPENDED], 0, data, (guint64) length);
}

static void
dockyard_lab_session_dispose (GObject *object)
{
  DockyardLabSession *self = (DockyardLabSession *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  remove_launch_page (self);
  stop_relay (self);

  G_OBJECT_CLASS (dockyard_lab_session_parent_class)->dispose (object);
}

static void
dockyard_lab_session_finalize (GObject *object)
{
  DockyardLabSession *self = (DockyardLabSession *)object;

  g_clear_object (&self->project);
  g_clear_object (&self->engine);
  g_clear_object (&self->http);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->start_task);
  g_clear_pointer (&self->pending_stops, g_ptr_array_unref);
  g_clear_object (&self->sync);
  g_clear_pointer (&self->image, g_free);
  g_clear_pointer (&self->user, g_free);
  g_clear_pointer (&self->working_dir, g_free);
  g_clear_pointer (&self->jupyter, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->container_id, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->create_config, json_node_unref);
  g_string_free (self->log, TRUE);
  g_byte_array_unref (self->log_frame_header);

  G_OBJECT_CLASS (dockyard_lab_session_parent_class)->finalize (object);
}

static void
dockyard_lab_session_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DockyardLabSession *self = DOCKYARD_LAB_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_lab_session_class_init (DockyardLabSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dockyard_lab_session_dispose;
  object_class->finalize = dockyard_lab_session_finalize;
  object_class->get_property = dockyard_lab_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      DOCKYARD_LAB_SESSION_READY, DOCKYARD_LAB_SESSION_FAILED,
                      DOCKYARD_LAB_SESSION_READY,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DockyardLabSession::log-appended:
   * @text: new output of Jupyter, not nul-terminated in general
   * @length: its length
   */
  signals[LOG_APPENDED] =
    g_signal_new ("log-appended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT64);
}

static void
dockyard_lab_session_init (DockyardLabSession *self)
{
  self->log = g_string_new (NULL);
  self->log_frame_header = g_byte_array_new ();
  self->cancellable = g_cancellable_new ();
  self->user = g_strdup_printf ("%u:%u", (guint) getuid (), (guint) getgid ());
  /* Loopback HTTP to Jupyter, not the engine's socket. */
  self->http = soup_session_new_with_options ("timeout", 5, NULL);
}

/**
 * dockyard_lab_session_new:
 *
 * Returns: (transfer full): a lab for @project's image, not started
 */
DockyardLabSession *
dockyard_lab_session_new (DockyardProject *project,
                          DockyardEngine  *engine)
{
  DockyardLabSession *self;

  g_return_val_if_fail (DOCKYARD_IS_PROJECT (project), NULL);
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (engine), NULL);

  self = g_object_new (DOCKYARD_TYPE_LAB_SESSION, NULL);
  self->project = g_object_ref (project);
  self->engine = g_object_ref (engine);
  self->image = dockyard_project_dup_image_name (project);

  return self;
}

/**
 * dockyard_lab_network_from_nick:
 * @nick: (nullable): "automatic", "published" or "host", as in the
 *   `lab-network` setting
 *
 * Returns: the mode; automatic for anything else
 */
DockyardLabNetwork
dockyard_lab_network_from_nick (const char *nick)
{
  if (g_strcmp0 (nick, "published") == 0)
    return DOCKYARD_LAB_NETWORK_PUBLISHED;
  if (g_strcmp0 (nick, "host") == 0)
    return DOCKYARD_LAB_NETWORK_HOST;
  return DOCKYARD_LAB_NETWORK_AUTOMATIC;
}

/**
 * dockyard_lab_session_set_network:
 *
 * Chooses how Jupyter is reached, before the lab starts.  The default is
 * %DOCKYARD_LAB_NETWORK_AUTOMATIC.
 */
void
dockyard_lab_session_set_network (DockyardLabSession *self,
                                  DockyardLabNetwork  network)
{
  g_return_if_fail (DOCKYARD_IS_LAB_SESSION (self));
  g_return_if_fail (network <= DOCKYARD_LAB_NETWORK_HOST);
  g_return_if_fail (self->state == DOCKYARD_LAB_SESSION_READY);

  self->network = network;
}

void
dockyard_lab_session_set_image (DockyardLabSession *self,
                                const char         *image)
{
  g_return_if_fail (DOCKYARD_IS_LAB_SESSION (self));
  g_return_if_fail (image != NULL);

  g_free (self->image);
  self->image = g_strdup (image);
}

/**
 * dockyard_lab_session_set_user:
 * @user: (nullable): "uid:gid", or %NULL for the image's user (root)
 */
void
dockyard_lab_session_set_user (DockyardLabSession *self,
                               const char         *user)
{
  g_return_if_fail (DOCKYARD_IS_LAB_SESSION (self));

  g_free (self->user);
  self->user = g_strdup (user);
}

DockyardLabSessionState
dockyard_lab_session_get_state (DockyardLabSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), DOCKYARD_LAB_SESSION_FAILED);
  return self->state;
}

/**
 * dockyard_lab_session_get_url:
 *
 * Returns: (nullable): the address to open, with the token, once running
 */
const char *
dockyard_lab_session_get_url (DockyardLabSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), NULL);
  return self->state == DOCKYARD_LAB_SESSION_RUNNING ? self->url : NULL;
}

/**
 * dockyard_lab_session_dup_launch_uri:
 * @self: a running #DockyardLabSession
 * @error: return location for a #GError
 *
 * The address to give a browser: a page readable by the user alone that
 * sends it on to Jupyter with the token, so that the token is never on the
 * browser's command line, which every local user can read.  The page is
 * removed when the lab stops.
 *
 * Returns: (transfer full): a file:// URI, or %NULL with @error set
 */
char *
dockyard_lab_session_dup_launch_uri (DockyardLabSession  *self,
                                     GError             **error)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->state != DOCKYARD_LAB_SESSION_RUNNING || self->url == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("The lab is not running."));
      return NULL;
    }

  if (self->launch_page == NULL)
    {
      self->launch_page = dockyard_launch_page_write (self->url, error);
      if (self->launch_page == NULL)
        return NULL;
    }

  return g_filename_to_uri (self->launch_page, NULL, error);
}

guint
dockyard_lab_session_get_port (DockyardLabSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), 0);
  return self->port;
}

/**
 * dockyard_lab_session_get_relayed:
 *
 * Returns: whether Jupyter runs on an engine on another computer and is
 *   reached through the engine, on 127.0.0.1:port of this computer
 */
gboolean
dockyard_lab_session_get_relayed (DockyardLabSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), FALSE);
  return self->relayed;
}

/**
 * dockyard_lab_session_get_host_network:
 *
 * Returns: whether Jupyter shares the host's network (on 127.0.0.1), because
 *   the engine has no bridge network to publish a port from or because
 *   %DOCKYARD_LAB_NETWORK_HOST was asked for
 */
gboolean
dockyard_lab_session_get_host_network (DockyardLabSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), FALSE);
  return self->host_network;
}

/**
 * dockyard_lab_session_get_missing_jupyter:
 *
 * Returns: whether starting failed because the image has no Jupyter
 */
gboolean
dockyard_lab_session_get_missing_jupyter (DockyardLabSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), FALSE);
  return self->missing_jupyter;
}

const char *
dockyard_lab_session_get_container_id (DockyardLabSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), NULL);
  return self->container_id;
}

const char *
dockyard_lab_session_get_log (DockyardLabSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), NULL);
  return self->log->str;
}

/**
 * dockyard_lab_session_dup_log_tail:
 *
 * Returns: (transfer full): the last @n_lines lines of Jupyter's output
 */
char *
dockyard_lab_session_dup_log_tail (DockyardLabSession *self,
                                   guint               n_lines)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), NULL);

  return dockyard_text_dup_tail (self->log->str, self->log->len, n_lines);
}

/**
 * dockyard_lab_session_get_error_message:
 *
 * Returns: (nullable): why the lab failed
 */
const char *
dockyard_lab_session_get_error_message (DockyardLabSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), NULL);
  return self->error_message;
}

/* Failing and finishing -------------------------------------------------------- */

static void
fail (DockyardLabSession *self,
      GError             *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  /* "No GPU support" in the engine's words is not clear enough. */
  if (dockyard_project_get_gpu_device (self->project) != NULL)
    {
      GError *clearer = dockyard_gpu_explain_error (error);

      if (clearer != NULL)
        {
          g_error_free (error);
          error = clearer;
        }
    }

  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_free (self->error_message);
  self->error_message = g_strdup (error->message);
  set_state (self, DOCKYARD_LAB_SESSION_FAILED);

  if (task != NULL)
    g_task_return_error (task, error);
  else
    g_error_free (error);
}

static void
succeed (DockyardLabSession *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  set_state (self, DOCKYARD_LAB_SESSION_RUNNING);
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

static gboolean
is_starting (DockyardLabSession *self)
{
  return self->start_task != NULL && self->state == DOCKYARD_LAB_SESSION_STARTING;
}

/* Readiness ---------------------------------------------------------------------- */

static void poll_status (DockyardLabSession *self);

static gboolean
poll_again_cb (gpointer data)
{
  DockyardLabSession *self = data;

  self->poll_id = 0;
  poll_status (self);
  return G_SOURCE_REMOVE;
}

static void
status_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GError) error = NULL;

  /* Only the status matters: the body is not read, so no answer, however
   * long, costs memory (closing early just drops the connection). */
  body = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (body != NULL)
    g_input_stream_close (body, NULL, NULL);
  if (!is_starting (self))
    return;

  if (body != NULL && soup_message_get_status (message) == SOUP_STATUS_OK)
    {
      succeed (self);
      return;
    }

  if (g_get_monotonic_time () > self->deadline)
    {
      g_autofree char *tail = dockyard_lab_session_dup_log_tail (self, 10);

      fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               _("Jupyter did not answer within %d seconds.\nIts last words:\n%s"),
                               READY_TIMEOUT_S, tail));
      return;
    }

  self->poll_id = g_timeout_add (POLL_INTERVAL_MS, poll_again_cb, self);
}

static void
listener_checked_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  output = dockyard_engine_exec_collect_finish (DOCKYARD_ENGINE (object), result, NULL, &error);
  if (!is_starting (self))
    return;

  if (output == NULL)
    {
      /* The container may have just stopped (Jupyter could not listen):
       * its end says why.  Otherwise try again, until the deadline. */
      g_debug ("Cannot check who listens on Jupyter's port: %s", error->message);
      if (g_get_monotonic_time () > self->deadline)
        fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                 _("Dockyard could not check that Jupyter itself listens on "
                                   "port %u: %s"),
                                 self->port, error->message));
      else
        self->poll_id = g_timeout_add (POLL_INTERVAL_MS, poll_again_cb, self);
      return;
    }

  g_debug ("Jupyter's port %u: %s", self->port, output);

  if (strstr (output, LISTENER_FOREIGN) != NULL)
    fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                             _("Another program took port %u of this computer, which "
                               "Dockyard had picked for Jupyter, before Jupyter could. "
                               "Jupyter’s token was not sent to it. Start the lab again "
                               "to use another port."),
                             self->port));
  else if (strstr (output, LISTENER_OWN) != NULL)
    {
      self->listener_checked = TRUE;
      poll_status (self);
    }
  else if (strstr (output, LISTENER_NONE) != NULL)
    /* Jupyter is not listening yet. */
    self->poll_id = g_timeout_add (POLL_INTERVAL_MS, poll_again_cb, self);
  else
    {
      g_autofree char *shown = g_utf8_make_valid (output, strlen (output));

      fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Dockyard could not check that Jupyter itself listens on "
                                 "port %u (the check needs /bin/sh, ls and grep in the "
                                 "image): %s"),
                               self->port, g_strstrip (shown)));
    }
}

/* On the host's network the port was free when Dockyard picked it, but
 * any local user could have bound it since, before Jupyter: the token
 * goes to the port only once Jupyter's own process is seen listening. */
static void
check_listener (DockyardLabSession *self)
{
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  const char * const argv[] = { "/bin/sh", "-c", listener_script, "sh", port, NULL };

  dockyard_engine_exec_collect_async (self->engine, self->container_id, argv, NULL, NULL, NULL,
                                      MAX_LISTENER_OUTPUT, self->cancellable, listener_checked_cb,
                                      g_object_ref (self));
}

static void
poll_status (DockyardLabSession *self)
{
  g_autofree char *uri = NULL;
  g_autoptr(SoupMessage) message = NULL;

  if (!is_starting (self))
    return;

  if (self->host_network && !self->listener_checked)
    {
      if (g_get_monotonic_time () > self->deadline)
        {
          g_autofree char *tail = dockyard_lab_session_dup_log_tail (self, 10);

          fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                   _("Jupyter did not answer within %d seconds. Its last words:\n%s"),
                                   READY_TIMEOUT_S, tail));
          return;
        }
      check_listener (self);
      return;
    }

  /* The token in the query: the same proof of access as the browser's. */
  uri = g_strdup_printf ("http://127.0.0.1:%u/api/status?token=%s", self->port, self->token);
  message = soup_message_new ("GET", uri);
  soup_session_send_async (self->http, message, G_PRIORITY_DEFAULT, self->cancellable,
                           status_cb, g_object_ref (self));
}

/* Following the container ---------------------------------------------------------- */

static void
log_read_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  GInputStream *stream = G_INPUT_STREAM (object);
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize size;

  bytes = g_input_stream_read_bytes_finish (stream, result, NULL);
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    return;

  /* Without a terminal the engine multiplexes stdout and stderr: frames of
   * an 8-byte header (stream, 0, 0, 0, big-endian length) and the data.
   * The data goes to the log as it arrives, so a frame that claims 4 GiB
   * costs no more memory than the log's own bound. */
  data = g_bytes_get_data (bytes, &size);
  while (size > 0)
    {
      gsize n;

      if (self->log_frame_left > 0)
        {
          n = MIN (size, self->log_frame_left);
          append_log (self, (const char *) data, n);
          self->log_frame_left -= n;
        }
      else
        {
          n = MIN (size, 8 - self->log_frame_header->len);
          g_byte_array_append (self->log_frame_header, data, n);
          if (self->log_frame_header->len == 8)
            {
              const guint8 *header = self->log_frame_header->data;

              self->log_frame_left = ((guint32) header[4] << 24) | ((guint32) header[5] << 16) |
                                     ((guint32) header[6] << 8) | (guint32) header[7];
              g_byte_array_set_size (self->log_frame_header, 0);
            }
        }
      data += n;
      size -= n;
    }
  g_input_stream_read_bytes_async (stream, 16384, G_PRIORITY_DEFAULT, self->cancellable,
                                   log_read_cb, g_object_ref (self));
}

static void
logs_opened_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  g_autoptr(GInputStream) stream = NULL;

  stream = dockyard_engine_open_stream_finish (DOCKYARD_ENGINE (object), result, NULL);
  if (stream != NULL)
    g_input_stream_read_bytes_async (stream, 16384, G_PRIORITY_DEFAULT, self->cancellable,
                                     log_read_cb, g_object_ref (self));
}

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *tail = NULL;
  int status;

  status = dockyard_engine_wait_container_finish (self->engine, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->state == DOCKYARD_LAB_SESSION_STOPPED)
    return;

  if (error == NULL && self->start_pending)
    {
      self->exited_early = TRUE;
      return;
    }

  /* Jupyter's own Quit (or /api/shutdown) ends it with status 0: a stop,
   * not a failure.  The container goes by itself (auto-remove). */
  if (error == NULL && status == 0 && self->state == DOCKYARD_LAB_SESSION_RUNNING)
    {
      g_clear_handle_id (&self->poll_id, g_source_remove);
      g_clear_pointer (&self->error_message, g_free);
      self->quit_by_jupyter = TRUE;
      set_state (self, DOCKYARD_LAB_SESSION_STOPPED);
      return;
    }

  tail = dockyard_lab_session_dup_log_tail (self, 10);
  if (error != NULL)
    fail (self, g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                             _("The connection to the engine was lost while Jupyter ran.")));
  else
    /* The first line is a whole sentence: the page shows only it when
     * Jupyter's output is on show beside it. */
    fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                             _("Jupyter stopped with status %d.\nIts last words:\n%s"),
                             status, tail));
}

static gboolean
read_host_port (DockyardLabSession *self,
                JsonNode           *inspect)
{
  g_autofree char *key = g_strdup_printf ("%u/tcp", JUPYTER_PORT);
  JsonObject *root, *settings, *ports;
  JsonArray *bindings;

  if (!JSON_NODE_HOLDS_OBJECT (inspect))
    return FALSE;

  root = json_node_get_object (inspect);
  if (!json_object_has_member (root, "NetworkSettings") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "NetworkSettings")))
    return FALSE;
  settings = json_object_get_object_member (root, "NetworkSettings");
  if (!json_object_has_member (settings, "Ports") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (settings, "Ports")))
    return FALSE;
  ports = json_object_get_object_member (settings, "Ports");
  if (!json_object_has_member (ports, key) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (ports, key)))
    return FALSE;
  bindings = json_object_get_array_member (ports, key);

  for (guint i = 0; i < json_array_get_length (bindings); i++)
    {
      JsonObject *binding = json_array_get_object_element (bindings, i);
      const char *ip = json_object_get_string_member_with_default (binding, "HostIp", NULL);
      const char *port = json_object_get_string_member_with_default (binding, "HostPort", NULL);
      guint64 number;

      /* Only a loopback binding will do. */
      if (g_strcmp0 (ip, "127.0.0.1") == 0 && port != NULL &&
          g_ascii_string_to_unsigned (port, 10, 1, 65535, &number, NULL))
        {
          self->port = number;
          return TRUE;
        }
    }

  return FALSE;
}

/* Jupyter answers on 127.0.0.1:port of this computer. */
static void
wait_for_jupyter (DockyardLabSession *self)
{
  g_free (self->url);
  self->url = g_strdup_printf ("http://127.0.0.1:%u/%s?token=%s", self->port,
                               g_str_has_suffix (self->jupyter, "jupyter-lab") ? "lab" : "tree",
                               self->token);
  self->deadline = g_get_monotonic_time () + READY_TIMEOUT_S * G_USEC_PER_SEC;
  poll_status (self);
}

static void
relay_started_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  DockyardPortRelay *relay = DOCKYARD_PORT_RELAY (object);
  g_autoptr(GError) error = NULL;

  if (!dockyard_port_relay_start_finish (relay, result, &error))
    {
      if (is_starting (self))
        fail (self, g_steal_pointer (&error));
      return;
    }
  if (!is_starting (self) || relay != self->relay)
    return;

  /* The readiness poll and the browser go through the relay. */
  self->port = dockyard_port_relay_get_local_port (relay);
  wait_for_jupyter (self);
}

static void
lab_inspected_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = dockyard_engine_request_finish (self->engine, result, &error);
  if (!is_starting (self))
    return;

  if (node == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }

  if (self->relayed)
    {
      self->relay = dockyard_port_relay_new (self->engine, self->container_id, JUPYTER_PORT);
      dockyard_port_relay_start_async (self->relay, self->cancellable, relay_started_cb,
                                       g_object_ref (self));
      return;
    }

  if (!self->host_network && !read_host_port (self, node))
    {
      fail (self, g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                               _("The engine did not publish Jupyter’s port on 127.0.0.1.")));
      return;
    }

  wait_for_jupyter (self);
}

static void
lab_started_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  g_autoptr(GError) error = NULL;

  dockyard_engine_start_container_finish (self->engine, result, &error);
  self->start_pending = FALSE;
  if (!is_starting (self))
    return;

  if (error != NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }

  if (self->exited_early)
    {
      g_autofree char *tail = dockyard_lab_session_dup_log_tail (self, 10);

      fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Jupyter stopped. Its last words:\n%s"), tail));
      return;
    }

  dockyard_engine_follow_container_logs_async (self->engine, self->container_id,
                                               self->cancellable, logs_opened_cb,
                                               g_object_ref (self));
  dockyard_engine_inspect_container_async (self->engine, self->container_id, self->cancellable,
                                           lab_inspected_cb, g_object_ref (self));
}

static void
wait_opened_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GError) error = NULL;

  body = dockyard_engine_open_stream_finish (self->engine, result, &error);
  if (!is_starting (self))
    return;

  if (body == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }

  dockyard_engine_read_exit_status_async (self->engine, body, self->cancellable, exited_cb,
                                          g_object_ref (self));
  self->start_pending = TRUE;
  self->exited_early = FALSE;
  dockyard_engine_start_container_async (self->engine, self->container_id, self->cancellable,
                                         lab_started_cb, g_object_ref (self));
}

static void finish_pending_stops (DockyardLabSession *self);

static void create_named_lab_container (DockyardLabSession *self);

static void
lab_created_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  g_autoptr(GError) error = NULL;

  self->container_id = dockyard_engine_create_container_finish (self->engine, result, &error);
  self->n_creating--;
  if (!is_starting (self))
    {
      /* Stopped while the engine created it: the stop removes it now. */
      finish_pending_stops (self);
      return;
    }

  /* The name is taken (another window of the project): the next one. */
  if (self->container_id == NULL &&
      g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_CONFLICT) &&
      self->name_attempt < 9)
    {
      self->name_attempt++;
      create_named_lab_container (self);
      return;
    }

  if (self->container_id == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }

  /* Wait before starting, so that even an instant exit is seen. */
  dockyard_engine_open_container_wait_async (self->engine, self->container_id, self->cancellable,
                                             wait_opened_cb, g_object_ref (self));
}

static char *
make_token (void)
{
  guint8 bytes[TOKEN_BYTES];
  gsize got = 0;

  /* 256 bits from the kernel's random source. */
  while (got < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + got, sizeof bytes - got, 0);

      if (n > 0)
        got += n;
    }

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, sizeof bytes);
}

/* A port of the host's loopback that nothing listens on now. */
static guint
find_free_port (GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL || !g_socket_bind (socket, address, FALSE, error))
    return 0;

  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
create_lab_container (DockyardLabSession *self)
{
  /* The path the engine's host sees (not a sandbox's document portal path). */
  g_autofree char *source = g_strdup (dockyard_project_get_host_path (self->project));
  g_autofree char *token_env = g_strdup_printf ("JUPYTER_TOKEN=%s", self->token);
  g_autofree char *ip = NULL;
  g_autofree char *port = NULL;
  g_autoptr(GStrvBuilder) cmd = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) env = g_strv_builder_new ();
  g_auto(GStrv) cmd_v = NULL;
  g_auto(GStrv) env_v = NULL;
  g_autoptr(JsonNode) config = NULL;
  g_autoptr(GError) error = NULL;
  DockyardContainerSpec spec = { 0 };
  gboolean as_root;

  spec.user = dockyard_container_user_for_engine (self->engine, self->user, &spec.userns_mode);
  as_root = dockyard_container_user_is_root (spec.user) && spec.userns_mode == NULL;

  if (self->host_network)
    {
      self->port = find_free_port (&error);
      if (self->port == 0)
        {
          fail (self, g_steal_pointer (&error));
          return;
        }
    }

  /* Inside its own network namespace Jupyter listens on every interface of
   * the container; the engine publishes it on the host's loopback only.
   * Sharing the host's network, it listens on loopback itself. */
  ip = g_strdup (self->host_network || self->relayed ? "--ip=127.0.0.1" : "--ip=0.0.0.0");
  port = g_strdup_printf ("--port=%u", self->host_network ? self->port : JUPYTER_PORT);
  /* On the host's network the port was free a moment ago: if someone took
   * it since, Jupyter must fail rather than move to another port, where the
   * readiness poll (which carries the token) would not find it, and the
   * taker would get the token. */
  g_strv_builder_add_many (cmd, self->jupyter, "--no-browser", ip, port, "--port-retries=0", NULL);
  if (as_root)
    g_strv_builder_add (cmd, "--allow-root");
  cmd_v = g_strv_builder_end (cmd);

  /* The token goes in the environment, not on the command line. */
  g_strv_builder_add (env, token_env);
  if (!as_root)
    g_strv_builder_add (env, "HOME=/tmp");
  env_v = g_strv_builder_end (env);

  spec.image = self->image;
  spec.cmd = (const char * const *) cmd_v;
  spec.env = (const char * const *) env_v;
  spec.working_dir = self->working_dir;
  spec.role = "lab";
  spec.project_path = source;
  spec.host_network = self->host_network;
  spec.auto_remove = TRUE;
  spec.publish_port = self->host_network || self->relayed ? 0 : JUPYTER_PORT;
  spec.volume = self->sync != NULL ? dockyard_volume_sync_get_volume_name (self->sync) : NULL;
  if (self->relayed)
    {
      /* The engine's computer cannot see the project folder: the
       * project's volume is mounted instead (when it was synced); Jupyter
       * is reached through the relay, inside the container's own network
       * namespace, or without any network where the engine has no bridge. */
      spec.no_project_mount = self->sync == NULL;
      spec.no_network = !dockyard_engine_get_has_bridge (self->engine);
    }
  spec.gpu_device = dockyard_project_get_gpu_device (self->project);
  spec.gpu_cdi = dockyard_engine_get_has_cdi (self->engine);
  if (spec.gpu_device != NULL && !dockyard_gpu_check_engine (self->engine, &error))
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  config = dockyard_container_spec_to_json (&spec);

  g_clear_pointer (&self->create_config, json_node_unref);
  self->create_config = g_steal_pointer (&config);
  self->name_attempt = 0;
  create_named_lab_container (self);
}

/* NAME-lab, as the dev container is NAME-dev; NAME-lab-2 … when taken. */
static void
create_named_lab_container (DockyardLabSession *self)
{
  g_autofree char *base = dockyard_project_dup_image_name (self->project);
  g_autofree char *name = NULL;
  char *colon = strrchr (base, ':');

  if (colon != NULL)
    *colon = '\0';
  if (self->name_attempt == 0)
    name = g_strdup_printf ("%s-lab", base);
  else
    name = g_strdup_printf ("%s-lab-%u", base, self->name_attempt + 1);

  /* Not cancellable: a create cancelled in flight can leave a container
   * whose id never comes back.  A stop waits for it instead. */
  self->n_creating++;
  dockyard_engine_create_container_async (self->engine, name, self->create_config, NULL,
                                          lab_created_cb, g_object_ref (self));
}

/**
 * dockyard_lab_session_get_quit_by_jupyter:
 *
 * Returns: whether Jupyter ended by itself, cleanly (its Quit button)
 */
gboolean
dockyard_lab_session_get_quit_by_jupyter (DockyardLabSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), FALSE);
  return self->quit_by_jupyter;
}

/* Finding Jupyter ---------------------------------------------------------------------- */

static void
probe_ran_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  DockyardContainerRun *run = DOCKYARD_CONTAINER_RUN (object);
  GError *error = NULL;

  /* The probe is gone by now, also when the lab was stopped meanwhile. */
  dockyard_container_run_finish (run, result, &error);
  self->n_creating--;
  if (!is_starting (self))
    {
      g_clear_error (&error);
      finish_pending_stops (self);
      return;
    }
  if (error != NULL)
    {
      fail (self, error);
      return;
    }

  switch (dockyard_container_run_get_exit_status (run))
    {
    case PROBE_LAB:
      self->jupyter = g_strdup ("jupyter-lab");
      break;
    case PROBE_NOTEBOOK:
      self->jupyter = g_strdup ("jupyter-notebook");
      break;
    default:
      self->missing_jupyter = TRUE;
      fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("The image %s has no Jupyter. Add JupyterLab to the project’s "
                                 "requirements and build the image again."), self->image));
      return;
    }

  create_lab_container (self);
}

static void run_probe (DockyardLabSession *self);

static void
lab_synced_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!dockyard_volume_sync_run_finish (DOCKYARD_VOLUME_SYNC (object), result, &error))
    {
      if (is_starting (self))
        fail (self, g_steal_pointer (&error));
      return;
    }
  if (!is_starting (self))
    return;

  self->sync_at_stop = TRUE;
  run_probe (self);
}

static void
image_inspected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DockyardLabSession) self = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = dockyard_engine_request_finish (self->engine, result, &error);
  if (!is_starting (self))
    return;

  if (node == NULL)
    {
      if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NOT_FOUND))
        fail (self, dockyard_engine_image_missing_error (self->image));
      else
        fail (self, g_steal_pointer (&error));
      return;
    }

  self->working_dir = g_strdup (dockyard_image_inspect_working_dir (node));

  /* The engine cannot see the project folder: its files go into the
   * project's volume there first. */
  if (!dockyard_engine_get_is_on_this_computer (self->engine))
    {
      const char *user = dockyard_container_user_for_engine (self->engine, self->user, NULL);

      if (self->sync == NULL)
        self->sync = dockyard_volume_sync_new (self->engine, dockyard_project_get_directory (self->project));
      dockyard_volume_sync_set_image (self->sync, self->image);
      dockyard_volume_sync_set_user (self->sync, user);
      dockyard_volume_sync_run_async (self->sync, self->cancellable, lab_synced_cb, g_object_ref (self));
      return;
    }

  run_probe (self);
}

static void
run_probe (DockyardLabSession *self)
{
  g_autoptr(DockyardContainerRun) probe = NULL;
  DockyardContainerSpec spec = { 0 };

  /* A short-lived container of the same image says which Jupyter it has. */
  spec.image = self->image;
  spec.cmd = probe_command;
  spec.working_dir = self->working_dir;
  spec.user = dockyard_container_user_for_engine (self->engine, self->user, &spec.userns_mode);
  spec.role = "lab-probe";
  spec.project_path = dockyard_project_get_host_path (self->project);
  spec.host_network = self->host_network;
  spec.volume = self->sync != NULL ? dockyard_volume_sync_get_volume_name (self->sync) : NULL;
  spec.no_project_mount = self->relayed && self->sync == NULL;
  spec.no_network = self->relayed;

  probe = dockyard_container_run_new (self->engine, &spec);
  self->n_creating++;
  dockyard_container_run_async (probe, self->cancellable, probe_ran_cb, g_object_ref (self));
}

/**
 * dockyard_lab_session_start_async:
 *
 * Starts Jupyter and finishes once it answers (or failed: no image, no
 * Jupyter in it, Jupyter exited, or it did not answer in time).
 */
void
dockyard_lab_session_start_async (DockyardLabSession  *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  gboolean has_bridge;

  g_return_if_fail (DOCKYARD_IS_LAB_SESSION (self));
  g_return_if_fail (self->state == DOCKYARD_LAB_SESSION_READY);

  self->start_task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->start_task, dockyard_lab_session_start_async);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                             self->cancellable, G_CONNECT_SWAPPED);

  self->token = make_token ();
  self->listener_checked = FALSE;
  set_state (self, DOCKYARD_LAB_SESSION_STARTING);

  /* On another computer, the engine's loopback is not this computer's:
   * Jupyter is reached through the engine, whatever the lab network. */
  self->relayed = !dockyard_engine_get_is_on_this_computer (self->engine);
  if (self->relayed)
    {
      self->host_network = FALSE;
      dockyard_engine_inspect_image_async (self->engine, self->image, self->cancellable,
                                           image_inspected_cb, g_object_ref (self));
      return;
    }

  has_bridge = dockyard_engine_get_has_bridge (self->engine);
  if (self->network == DOCKYARD_LAB_NETWORK_PUBLISHED && !has_bridge)
    {
      /* Before any container exists: nothing to clean up. */
      fail (self, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The engine has no bridge network, so it cannot publish "
                                 "Jupyter’s port. Choose “Automatic” or “Host Network” as "
                                 "the lab network in Preferences.")));
      return;
    }
  self->host_network = self->network == DOCKYARD_LAB_NETWORK_HOST ||
                       (self->network == DOCKYARD_LAB_NETWORK_AUTOMATIC && !has_bridge);

  dockyard_engine_inspect_image_async (self->engine, self->image, self->cancellable,
                                       image_inspected_cb, g_object_ref (self));
}

gboolean
dockyard_lab_session_start_finish (DockyardLabSession  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Removes the lab's container for the stops that waited for the containers
 * being made; the first stop does the removal, the others had nothing more
 * to wait for. */
static void
finish_pending_stops (DockyardLabSession *self)
{
  if (self->n_creating > 0)
    return;
  dockyard_container_finish_stops (self->engine, self->container_id, &self->pending_stops);
}

static void
lab_stop_synced_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!dockyard_volume_sync_run_finish (DOCKYARD_VOLUME_SYNC (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* The container is gone: what changed in its volume (notebooks) comes back. */
static void
lab_stopped_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardLabSession *self = DOCKYARD_LAB_SESSION (object);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->sync_at_stop && !dockyard_volume_sync_get_busy (self->sync))
    {
      self->sync_at_stop = FALSE;
      dockyard_volume_sync_run_async (self->sync, NULL, lab_stop_synced_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * dockyard_lab_session_get_sync:
 *
 * Returns: (nullable) (transfer none): the sync of the project's volume,
 *   for an engine on another computer once a start has made it
 */
DockyardVolumeSync *
dockyard_lab_session_get_sync (DockyardLabSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), NULL);
  return self->sync;
}

/**
 * dockyard_lab_session_stop_async:
 *
 * Stops Jupyter and removes its container, also while it is starting:
 * a container the engine is still creating is removed once it exists,
 * before this finishes.  Not cancellable: a container must not be left
 * behind.  On an engine on another computer, the volume is synced back
 * afterwards (see dockyard_lab_session_get_sync() for what it found).
 */
void
dockyard_lab_session_stop_async (DockyardLabSession  *self,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOCKYARD_IS_LAB_SESSION (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, dockyard_lab_session_stop_async);

  /* Whatever is under way stops here; a start still pending fails as cancelled. */
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->start_task != NULL)
    {
      g_autoptr(GTask) start = g_steal_pointer (&self->start_task);

      g_task_return_new_error (start, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The lab was stopped while it started."));
    }
  set_state (self, DOCKYARD_LAB_SESSION_STOPPED);

  if (self->pending_stops == NULL)
    self->pending_stops = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->pending_stops, g_task_new (self, NULL, lab_stopped_cb, g_steal_pointer (&task)));
  finish_pending_stops (self);
}

gboolean
dockyard_lab_session_stop_finish (DockyardLabSession  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (DOCKYARD_IS_LAB_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
