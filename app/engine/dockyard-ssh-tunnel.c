/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <gio/gunixsocketaddress.h>

#include "dockyard-engine-error.h"
#include "dockyard-ssh-tunnel-private.h"

/*
 * An engine behind ssh, reached as the docker CLI does: each connection is
 * `ssh … -- HOST docker system dial-stdio`, whose stdin and stdout are the
 * engine's socket on the other side.  libsoup and the connections Dockyard
 * speaks HTTP on itself all connect to unix sockets, so the tunnel offers
 * one, in a private folder of the user's runtime directory, and joins each
 * connection made to it to an ssh process of its own.
 *
 * ssh runs with BatchMode: it never prompts (a prompt would hang with no one
 * to answer it).  An unknown host key, a key that needs a passphrase with no
 * agent to hold it, or a password login fail at once, and ssh's own words
 * become the error.  Host keys are checked as ssh's configuration says.
 */

/* What is kept of ssh's stderr for the error message. */
#define MAX_STDERR 4096
/* Reading what a client still sends after ssh ended (drain_client()). */
#define DRAIN_SIZE      (64 * 1024)
#define DRAIN_TIMEOUT_S 5

struct _DockyardSshTunnel
{
  GObject          parent_instance;

  char            *folder;
  char            *socket_path;
  GSocketService  *service;
  GStrv            argv;
  GHashTable      *processes;   /* GSubprocess -> itself, for dispose */
  struct _Link    *spare;       /* an ssh started before it is needed */

  GMutex           mutex;
  char            *last_error;  /* ssh's stderr when it last failed */
};

G_DEFINE_FINAL_TYPE (DockyardSshTunnel, dockyard_ssh_tunnel, G_TYPE_OBJECT)

typedef struct _Link
{
  DockyardSshTunnel *tunnel;  /* weak: dispose ends every link */
  GSocketConnection *client;
  GSubprocess       *process;
  GCancellable      *cancellable;
  /* Watches for the client's end while ssh goes on after the client's
   * sending ended. */
  GSource           *client_watch;
  /* After ssh: what the client still sends is read and dropped. */
  guint8            *drain_buffer;
  guint              drain_timeout;
  GString           *stderr_text;
  char               buffer[512];
  guint              ssh_pending;  /* its stdout to the client, its stderr, its exit */
  gssize             from_ssh;     /* bytes passed from ssh to the client */
  guint              client_gone : 1;
  guint              to_ssh_done : 1;
  guint              ended : 1;
} Link;

static void
stop_client_watch (Link *link)
{
  if (link->client_watch != NULL)
    g_source_destroy (link->client_watch);
  g_clear_pointer (&link->client_watch, g_source_unref);
}

static void
link_free (Link *link)
{
  stop_client_watch (link);
  g_clear_handle_id (&link->drain_timeout, g_source_remove);
  g_free (link->drain_buffer);
  if (link->tunnel != NULL)
    {
      g_hash_table_remove (link->tunnel->processes, link->process);
      g_object_remove_weak_pointer (G_OBJECT (link->tunnel), (gpointer *) &link->tunnel);
    }
  g_clear_object (&link->client);
  g_clear_object (&link->process);
  g_clear_object (&link->cancellable);
  g_string_free (link->stderr_text, TRUE);
  g_free (link);
}

static void
set_last_error (DockyardSshTunnel *self,
                char              *text)
{
  g_mutex_lock (&self->mutex);
  g_free (self->last_error);
  self->last_error = text;
  g_mutex_unlock (&self->mutex);
}

static void
drain_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Link *link = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n > 0)
    {
      g_input_stream_read_async (G_INPUT_STREAM (object), link->drain_buffer, DRAIN_SIZE,
                                 G_PRIORITY_DEFAULT, link->cancellable, drain_read_cb, link);
      return;
    }

  g_io_stream_close (G_IO_STREAM (link->client), NULL, NULL);
  link_free (link);
}

static gboolean
drain_timeout_cb (gpointer user_data)
{
  Link *link = user_data;

  link->drain_timeout = 0;
  g_cancellable_cancel (link->cancellable);
  return G_SOURCE_REMOVE;
}

/* ssh has ended and nothing reads the client's connection any more.
 * Closing a unix socket with unread data in it makes the other side's
 * next read fail (ECONNRESET) instead of ending: the client would lose
 * the end of the engine's answer, e.g. the words of a build the engine
 * refused while the context was still being sent.  So, as the engine's
 * own server does: end the sending side, and read and drop what the
 * client still sends until it closes (or for a short while). */
static void
drain_client (Link *link)
{
  GSocket *socket = g_socket_connection_get_socket (link->client);

  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_clear_object (&link->cancellable);
  link->cancellable = g_cancellable_new ();
  link->drain_buffer = g_malloc (DRAIN_SIZE);
  link->drain_timeout = g_timeout_add_seconds (DRAIN_TIMEOUT_S, drain_timeout_cb, link);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (link->client)),
                             link->drain_buffer, DRAIN_SIZE, G_PRIORITY_DEFAULT,
                             link->cancellable, drain_read_cb, link);
}

/* ssh has ended (its output read, its stderr read, its exit seen). */
static void
ssh_part_done (Link *link)
{
  if (--link->ssh_pending > 0)
    return;

  /* Its end after the client left is no failure of ssh's.  Nor is a
   * spare's end the failure of a client's connection: a spare that failed
   * (the engine just died, say) would otherwise give its words to the
   * connection that broke a moment before; the next connection's own ssh
   * says it again if it still holds. */
  if (link->tunnel != NULL && !link->client_gone && link->client != NULL && link->from_ssh > 0)
    /* The engine was reached and answered: what ended the connection
     * later (the engine died, say) is a broken connection, and ssh's
     * words about it are not why the engine cannot be reached. */
    {
      g_debug ("ssh for the engine ended after the engine answered: %.*s",
               (int) link->stderr_text->len, link->stderr_text->str);
      set_last_error (link->tunnel, NULL);
    }
  else if (link->tunnel != NULL && !link->client_gone && link->client != NULL)
    {
      if (g_subprocess_get_if_exited (link->process) &&
          g_subprocess_get_exit_status (link->process) == 0)
        set_last_error (link->tunnel, NULL);
      else
        {
          char *text = g_strstrip (g_strndup (link->stderr_text->str, link->stderr_text->len));

          if (*text == '\0')
            g_clear_pointer (&text, g_free);
          g_debug ("ssh for the engine ended: %s", text);
          set_last_error (link->tunnel, text);
        }
    }

  /* A spare that ended before it was used. */
  if (link->client == NULL)
    {
      if (link->tunnel != NULL && link->tunnel->spare == link)
        link->tunnel->spare = NULL;
      link_free (link);
      return;
    }

  /* Only now does the client see the end: its error can say why.  This
   * also stops the copy from the client, the link's last part, and the
   * client's leftovers are dropped (drain_client()). */
  stop_client_watch (link);
  g_cancellable_cancel (link->cancellable);
  if (link->to_ssh_done)
    drain_client (link);
}

static void
stderr_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Link *link = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  if (n <= 0)
    {
      ssh_part_done (link);
      return;
    }

  if (link->stderr_text->len < MAX_STDERR)
    g_string_append_len (link->stderr_text, link->buffer,
                         MIN ((gsize) n, MAX_STDERR - link->stderr_text->len));
  g_input_stream_read_async (G_INPUT_STREAM (object), link->buffer, sizeof link->buffer,
                             G_PRIORITY_DEFAULT, NULL, stderr_read_cb, link);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Link *link = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  link->ended = TRUE;
  ssh_part_done (link);
}

/* The engine's side ended (or ssh failed before reaching it). */
static void
from_ssh_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Link *link = user_data;

  link->from_ssh = g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, NULL);
  ssh_part_done (link);
}

/* The client closed its connection: end ssh now, as the docker CLI does.
 * Only closing its input would leave `dial-stdio` waiting for the engine,
 * which goes on with what it was asked (a build, say) until it ends. */
static void
end_ssh_for_client (Link *link)
{
  link->client_gone = TRUE;
  g_subprocess_send_signal (link->process, SIGTERM);
}

static gboolean
client_hung_up_cb (GSocket      *socket,
                   GIOCondition  condition,
                   gpointer      user_data)
{
  Link *link = user_data;

  g_clear_pointer (&link->client_watch, g_source_unref);
  end_ssh_for_client (link);
  return G_SOURCE_REMOVE;
}

static void
to_ssh_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Link *link = user_data;
  GSocket *socket;

  g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, NULL);
  link->to_ssh_done = TRUE;
  if (link->ssh_pending == 0)
    {
      drain_client (link);
      return;
    }

  /* The copy also ends when ssh stops reading: the engine answered and
   * closed (a build it refused while the context was still being sent),
   * and ssh closes its input before it has written all of that answer.
   * A SIGTERM then would lose the engine's words.  Only a client that is
   * gone (both ways, not a half-close) ends ssh; until then ssh ends by
   * itself, once the answer is through. */
  socket = g_socket_connection_get_socket (link->client);
  if (g_socket_condition_check (socket, G_IO_HUP | G_IO_ERR) != 0)
    {
      end_ssh_for_client (link);
      return;
    }

  link->client_watch = g_socket_create_source (socket, G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (link->client_watch, G_SOURCE_FUNC (client_hung_up_cb), link, NULL);
  g_source_attach (link->client_watch, NULL);
}

/* Starts an ssh, not yet joined to a client.  Returns NULL when ssh
 * cannot be run, with the reason as the tunnel's last error. */
static Link *
spawn_link (DockyardSshTunnel *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  Link *link;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* No terminal and no display to prompt on: BatchMode says so too. */
  g_subprocess_launcher_unsetenv (launcher, "SSH_ASKPASS_REQUIRE");

  link = g_new0 (Link, 1);
  link->stderr_text = g_string_new (NULL);
  link->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) self->argv,
                                                &error);
  if (link->process == NULL)
    {
      /* Translators: %s is the system's reason, e.g. "No such file or directory" */
      set_last_error (self, g_strdup_printf (_("ssh cannot be run: %s"), error->message));
      link_free (link);
      return NULL;
    }

  link->tunnel = self;
  g_object_add_weak_pointer (G_OBJECT (self), (gpointer *) &link->tunnel);
  g_hash_table_add (self->processes, g_object_ref (link->process));
  link->cancellable = g_cancellable_new ();
  link->ssh_pending = 2;
  g_input_stream_read_async (g_subprocess_get_stderr_pipe (link->process), link->buffer,
                             sizeof link->buffer, G_PRIORITY_DEFAULT, NULL, stderr_read_cb, link);
  g_subprocess_wait_async (link->process, NULL, wait_cb, link);
  return link;
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             DockyardSshTunnel *self)
{
  Link *link = NULL;
  gboolean warm = FALSE;

  /* The spare started at the last connection saves the time ssh takes to
   * log in (a second or more to a distant host), e.g. for a terminal's
   * resize that needs a connection of its own. */
  if (self->spare != NULL && !self->spare->ended)
    {
      link = g_steal_pointer (&self->spare);
      warm = TRUE;
    }
  else
    link = spawn_link (self);
  g_debug ("A new connection to the engine through ssh (%s)",
           warm ? "already started" : "started now");

  if (link == NULL)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  link->client = g_object_ref (connection);
  link->ssh_pending++;
  g_output_stream_splice_async (g_subprocess_get_stdin_pipe (link->process),
                                g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, G_PRIORITY_DEFAULT,
                                link->cancellable, to_ssh_cb, link);
  g_output_stream_splice_async (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                g_subprocess_get_stdout_pipe (link->process),
                                G_OUTPUT_STREAM_SPLICE_NONE, G_PRIORITY_DEFAULT, NULL,
                                from_ssh_cb, link);

  if (self->spare == NULL)
    self->spare = spawn_link (self);
  return TRUE;
}

static void
dockyard_ssh_tunnel_dispose (GObject *object)
{
  DockyardSshTunnel *self = DOCKYARD_SSH_TUNNEL (object);

  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  self->spare = NULL;  /* ends with the processes below */
  if (self->processes != NULL)
    {
      GHashTableIter iter;
      gpointer process;

      g_hash_table_iter_init (&iter, self->processes);
      while (g_hash_table_iter_next (&iter, &process, NULL))
        g_subprocess_force_exit (process);
      g_clear_pointer (&self->processes, g_hash_table_unref);
    }
  if (self->socket_path != NULL)
    g_unlink (self->socket_path);
  if (self->folder != NULL)
    g_rmdir (self->folder);

  G_OBJECT_CLASS (dockyard_ssh_tunnel_parent_class)->dispose (object);
}

static void
dockyard_ssh_tunnel_finalize (GObject *object)
{
  DockyardSshTunnel *self = DOCKYARD_SSH_TUNNEL (object);

  g_clear_pointer (&self->folder, g_free);
  g_clear_pointer (&self->socket_path, g_free);
  g_clear_pointer (&self->argv, g_strfreev);
  g_clear_pointer (&self->last_error, g_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (dockyard_ssh_tunnel_parent_class)->finalize (object);
}

static void
dockyard_ssh_tunnel_class_init (DockyardSshTunnelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dockyard_ssh_tunnel_dispose;
  object_class->finalize = dockyard_ssh_tunnel_finalize;
}

static void
dockyard_ssh_tunnel_init (DockyardSshTunnel *self)
{
  g_mutex_init (&self->mutex);
  self->processes = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
}

/**
 * _dockyard_ssh_tunnel_new:
 * @uri: `ssh://[USER@]HOST[:PORT]`
 * @address: (out): the address as shown to the user
 *
 * Returns: (transfer full): a tunnel listening on a unix socket of its own,
 *   or %NULL with %DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT
 */
DockyardSshTunnel *
_dockyard_ssh_tunnel_new (const char  *uri,
                          char       **address,
                          GError     **error)
{
  g_autoptr(DockyardSshTunnel) self = NULL;
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *template = NULL;
  const char *host, *user, *path;
  int port;

  parsed = g_uri_parse (uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_HAS_PASSWORD, NULL);
  host = parsed != NULL ? g_uri_get_host (parsed) : NULL;
  user = parsed != NULL ? g_uri_get_user (parsed) : NULL;
  path = parsed != NULL ? g_uri_get_path (parsed) : NULL;
  port = parsed != NULL ? g_uri_get_port (parsed) : -1;
  /* A host or user starting with "-" would be read as an option of ssh. */
  if (parsed == NULL || g_strcmp0 (g_uri_get_scheme (parsed), "ssh") != 0 ||
      host == NULL || *host == '\0' || host[0] == '-' || (user != NULL && user[0] == '-') ||
      g_uri_get_password (parsed) != NULL || (path != NULL && *path != '\0') ||
      g_uri_get_query (parsed) != NULL)
    {
      g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                   _("“%s” is not an engine address Dockyard understands. Use "
                     "ssh://USER@HOST[:PORT] (no password or path), tcp://HOST:PORT or "
                     "unix:///PATH."), uri);
      return NULL;
    }

  self = g_object_new (DOCKYARD_TYPE_SSH_TUNNEL, NULL);

  template = g_build_filename (g_get_user_runtime_dir (), "dockyard-ssh-XXXXXX", NULL);
  self->folder = g_mkdtemp_full (template, 0700);
  if (self->folder == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                   _("Cannot make a folder for the ssh connection in %s: %s"),
                   g_get_user_runtime_dir (), g_strerror (saved_errno));
      return NULL;
    }
  g_steal_pointer (&template);
  self->socket_path = g_build_filename (self->folder, "engine.sock", NULL);
  /* One ssh per connection, as the docker CLI does.  (Sessions in one
   * multiplexed ssh connection would be capped by the server's MaxSessions,
   * 10 by default, below what Dockyard keeps open.) */
  g_strv_builder_add_many (argv, "ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=15", NULL);
  if (user != NULL)
    g_strv_builder_add_many (argv, "-l", user, NULL);
  if (port > 0)
    {
      g_autofree char *port_text = g_strdup_printf ("%d", port);

      g_strv_builder_add_many (argv, "-p", port_text, NULL);
    }
  g_strv_builder_add_many (argv, "--", host, "docker", "system", "dial-stdio", NULL);
  self->argv = g_strv_builder_end (argv);

  self->service = g_socket_service_new ();
  socket_address = g_unix_socket_address_new (self->socket_path);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), socket_address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                                      NULL, NULL, &local_error))
    {
      g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                   _("Cannot open a socket for the ssh connection at %s: %s"),
                   self->socket_path, local_error->message);
      return NULL;
    }
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->service);

  if (user != NULL)
    *address = port > 0 ? g_strdup_printf ("ssh://%s@%s:%d", user, host, port)
                        : g_strdup_printf ("ssh://%s@%s", user, host);
  else
    *address = port > 0 ? g_strdup_printf ("ssh://%s:%d", host, port)
                        : g_strdup_printf ("ssh://%s", host);

  return g_steal_pointer (&self);
}

const char *
_dockyard_ssh_tunnel_get_socket_path (DockyardSshTunnel *self)
{
  return self->socket_path;
}

/* Returns: (transfer full) (nullable): what ssh said when it last failed */
char *
_dockyard_ssh_tunnel_dup_last_error (DockyardSshTunnel *self)
{
  char *text;

  g_mutex_lock (&self->mutex);
  text = g_strdup (self->last_error);
  g_mutex_unlock (&self->mutex);
  return text;
}
