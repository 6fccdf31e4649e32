/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "dockyard-attach-stream.h"
#include "dockyard-container-run.h"
#include "dockyard-dev-lifecycle.h"
#include "dockyard-dev-ports.h"
#include "dockyard-dev-session.h"
#include "dockyard-exec-collect.h"
#include "dockyard-exec-stream.h"
#include "dockyard-gpu.h"
#include "dockyard-volume-sync.h"

#define DEFAULT_SHELL "/bin/bash"

/* Runs the configured shell, or /bin/sh when the image lacks it.  A fixed
 * script: the shell's name reaches it as an environment variable, never
 * spliced into the text.
 *
 * With the argument "lifecycle" (the container's own command when a
 * devcontainer.json is used), it first waits for the lifecycle commands to
 * end (dockyard-dev-lifecycle.c), so that their output comes before the
 * prompt.  With DOCKYARD_WAIT_PASSWD, it then waits (up to 3 s) for the
 * passwd entry that Dockyard adds for the user right after the start, so
 * that the shell knows its user's name (no "I have no name!", nor the bare
 * uid of the entry Podman makes) and home. */
#define LAUNCHER_SCRIPT \
  "if [ \"$1\" = lifecycle ]; then " \
  "while [ ! -e \"$DOCKYARD_LIFECYCLE_MARK\" ]; do sleep 0.2 2>/dev/null || sleep 1; done; fi; " \
  "if [ -n \"$DOCKYARD_WAIT_PASSWD\" ]; then i=0; " \
  "while [ \"$i\" -lt 30 ] && { ! n=$(id -un 2>/dev/null) || [ \"$n\" = \"$(id -u)\" ]; }; " \
  "do sleep 0.1; i=$((i+1)); done; fi; " \
  "unset DOCKYARD_WAIT_PASSWD; " \
  "if [ ! -d \"$HOME\" ] || [ ! -w \"$HOME\" ]; then export HOME=/tmp; fi; " \
  "if command -v \"$DOCKYARD_SHELL\" >/dev/null 2>&1; then exec \"$DOCKYARD_SHELL\"; fi; " \
  "exec /bin/sh"

static const char * const launcher[] = {
  "/bin/sh", "-c", LAUNCHER_SCRIPT, NULL
};

static const char * const lifecycle_launcher[] = {
  "/bin/sh", "-c", LAUNCHER_SCRIPT, "sh", "lifecycle", NULL
};

/* Run as root in the container: a passwd (and group) entry for the user
 * the shells run as, and its home.  The image's own entry for the uid is
 * kept; the one rootful Podman writes for a uid the image lacks (named by
 * the bare number, "1000:*:1000:1000:container user:/:/bin/sh", and the
 * group "1000:x:1000:1000") is replaced, in place (the file is rewritten,
 * not moved).  Values come as environment variables, never spliced into the
 * text; the name is checked before (no ':' or line ends can reach the
 * file). */
static const char * const add_user_script[] = {
  "/bin/sh", "-c",
  "if grep -q \"^$DOCKYARD_UID:\\*:$DOCKYARD_UID:\" /etc/passwd 2>/dev/null; then "
  "p=$(grep -v \"^$DOCKYARD_UID:\\*:$DOCKYARD_UID:\" /etc/passwd) && "
  "printf '%s\\n' \"$p\" > /etc/passwd || exit 1; fi; "
  "if grep -q \"^$DOCKYARD_GID:x:$DOCKYARD_GID:\" /etc/group 2>/dev/null; then "
  "g=$(grep -v \"^$DOCKYARD_GID:x:$DOCKYARD_GID:\" /etc/group) && "
  "printf '%s\\n' \"$g\" > /etc/group || exit 1; fi; "
  "grep -q \"^[^:]*:[^:]*:$DOCKYARD_UID:\" /etc/passwd 2>/dev/null && exit 0; "
  "mkdir -p \"$DOCKYARD_HOME\" && chown \"$DOCKYARD_UID:$DOCKYARD_GID\" \"$DOCKYARD_HOME\"; "
  "grep -q \"^[^:]*:[^:]*:$DOCKYARD_GID:\" /etc/group 2>/dev/null || "
  "echo \"$DOCKYARD_USER:x:$DOCKYARD_GID:\" >> /etc/group; "
  "echo \"$DOCKYARD_USER:x:$DOCKYARD_UID:$DOCKYARD_GID::$DOCKYARD_HOME:/bin/sh\" >> /etc/passwd",
  NULL
};

/* Which shells run a program in their foreground: for each shell (a
 * session leader whose environment has DOCKYARD_SHELL_ID), the terminal's
 * foreground process group differs from the shell's own while a program
 * runs (as GNOME Console and Ptyxis see it on a local pty).  Prints
 * "busy ID PROGRAM" lines.  Only /proc, sh, tr, sed and cat: busybox has
 * them. */
static const char * const busy_script[] = {
  "/bin/sh", "-c",
  "for d in /proc/[0-9]*; do "
  "id=$(tr '\\0' '\\n' < \"$d/environ\" 2>/dev/null | sed -n 's/^DOCKYARD_SHELL_ID=//p'); "
  "[ -n \"$id\" ] || continue; "
  "stat=$(cat \"$d/stat\" 2>/dev/null) || continue; "
  "set -- ${stat##*) }; "
  "[ \"${d#/proc/}\" = \"$4\" ] || continue; "
  "[ \"$6\" -gt 0 ] 2>/dev/null && [ \"$6\" != \"$3\" ] || continue; "
  "echo \"busy $id $(cat /proc/$6/comm 2>/dev/null)\"; "
  "done",
  NULL
};

/**
 * DockyardDevSession:
 *
 * The project's dev container: `docker run -it --rm -v "$PWD":/usr/src/app
 * IMAGE /bin/bash`, done right.  The project folder is bind-mounted at the
 * image's working directory, the shell runs as the host user by default,
 * the container is removed when it ends, and further shells are `exec`s
 * into it.
 */
struct _DockyardDevSession
{
  GObject                  parent_instance;

  DockyardProject         *project;
  DockyardEngine          *engine;
  char                    *user;
  char                    *shell;
  char                    *image;

  char                    *container_id;
  char                    *container_name;
  char                    *working_dir;
  GStrv                    env;
  /* The project's devcontainer.json (borrowed: the project holds it), and
   * the same merged with the image's metadata once the image is known. */
  const DockyardDevcontainer *devcontainer;
  DockyardDevcontainer    *merged;
  gboolean                 user_set;
  char                    *mount_target;
  gboolean                 user_from_devcontainer;
  GCancellable            *wait_cancellable;
  /* A create in flight: a stop waits for it, so that a container created
   * after the stop is removed before the stop ends. */
  gboolean                 creating;
  GPtrArray               *pending_stops;
  int                      exit_code;
  DockyardDevSessionState  state;
  /* DOCKYARD_SHELL_ID of the last shell: 1 is the container's own. */
  guint                    last_shell_id;
  /* The shells run as a uid the image may not know: add it at start,
   * with this name (dup_user_name ()). */
  gboolean                 add_user;
  char                    *user_name;
  /* An engine on another computer: the project's volume there, synced at
   * start and at stop. */
  DockyardVolumeSync      *sync;
  gboolean                 sync_at_stop;
};

G_DEFINE_FINAL_TYPE (DockyardDevSession, dockyard_dev_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_EXIT_CODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state (DockyardDevSession      *self,
           DockyardDevSessionState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
dockyard_dev_session_finalize (GObject *object)
{
  DockyardDevSession *self = (DockyardDevSession *)object;

  g_cancellable_cancel (self->wait_cancellable);
  g_clear_object (&self->wait_cancellable);
  g_clear_object (&self->project);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->user, g_free);
  g_clear_pointer (&self->shell, g_free);
  g_clear_pointer (&self->image, g_free);
  g_clear_pointer (&self->container_id, g_free);
  g_clear_pointer (&self->container_name, g_free);
  g_clear_pointer (&self->working_dir, g_free);
  g_clear_pointer (&self->mount_target, g_free);
  g_clear_pointer (&self->user_name, g_free);
  g_clear_pointer (&self->merged, dockyard_devcontainer_free);
  g_clear_pointer (&self->env, g_strfreev);
  g_clear_pointer (&self->pending_stops, g_ptr_array_unref);
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (dockyard_dev_session_parent_class)->finalize (object);
}

static void
dockyard_dev_session_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DockyardDevSession *self = DOCKYARD_DEV_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_EXIT_CODE:
      g_value_set_int (value, self->exit_code);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_dev_session_class_init (DockyardDevSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_dev_session_finalize;
  object_class->get_property = dockyard_dev_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      DOCKYARD_DEV_SESSION_READY, DOCKYARD_DEV_SESSION_FAILED,
                      DOCKYARD_DEV_SESSION_READY,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_EXIT_CODE] =
    g_param_spec_int ("exit-code", NULL, NULL, -1, G_MAXINT, -1,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_dev_session_init (DockyardDevSession *self)
{
  self->exit_code = -1;
  self->shell = g_strdup (DEFAULT_SHELL);
  self->user = g_strdup_printf ("%u:%u", (guint) getuid (), (guint) getgid ());
  self->wait_cancellable = g_cancellable_new ();
}

/**
 * dockyard_dev_session_new:
 *
 * Returns: (transfer full): a session for @project's image, not started
 */
DockyardDevSession *
dockyard_dev_session_new (DockyardProject *project,
                          DockyardEngine  *engine)
{
  DockyardDevSession *self;

  g_return_val_if_fail (DOCKYARD_IS_PROJECT (project), NULL);
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (engine), NULL);

  self = g_object_new (DOCKYARD_TYPE_DEV_SESSION, NULL);
  self->project = g_object_ref (project);
  self->engine = g_object_ref (engine);
  self->image = dockyard_project_dup_image_name (project);

  /* As the Dev Containers tools run it: its user, and its image when the
   * project has no Dockerfile of its own. */
  self->devcontainer = dockyard_project_get_devcontainer (project);
  if (self->devcontainer != NULL)
    {
      const char *user = self->devcontainer->remote_user ? self->devcontainer->remote_user
                                                         : self->devcontainer->container_user;

      if (user != NULL)
        {
          g_free (self->user);
          self->user = g_strdup (user);
          self->user_from_devcontainer = TRUE;
        }
      if (self->devcontainer->image != NULL && !dockyard_project_get_has_dockerfile (project))
        {
          g_free (self->image);
          self->image = g_strdup (self->devcontainer->image);
        }
    }

  return self;
}

/**
 * dockyard_dev_session_set_user:
 * @user: (nullable): "uid:gid" to run as; %NULL for the image's user (root)
 *
 * By default the shell runs as the host user, so that files it creates in
 * the project folder belong to them.
 */
void
dockyard_dev_session_set_user (DockyardDevSession *self,
                               const char         *user)
{
  g_return_if_fail (DOCKYARD_IS_DEV_SESSION (self));

  g_free (self->user);
  self->user = g_strdup (user);
  self->user_set = TRUE;
  self->user_from_devcontainer = FALSE;
}

void
dockyard_dev_session_set_shell (DockyardDevSession *self,
                                const char         *shell)
{
  g_return_if_fail (DOCKYARD_IS_DEV_SESSION (self));

  g_free (self->shell);
  self->shell = g_strdup (shell != NULL && *shell != '\0' ? shell : DEFAULT_SHELL);
}

void
dockyard_dev_session_set_image (DockyardDevSession *self,
                                const char         *image)
{
  g_return_if_fail (DOCKYARD_IS_DEV_SESSION (self));
  g_return_if_fail (image != NULL);

  g_free (self->image);
  self->image = g_strdup (image);
}

DockyardDevSessionState
dockyard_dev_session_get_state (DockyardDevSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), DOCKYARD_DEV_SESSION_FAILED);
  return self->state;
}

const char *
dockyard_dev_session_get_container_id (DockyardDevSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), NULL);
  return self->container_id;
}

const char *
dockyard_dev_session_get_container_name (DockyardDevSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), NULL);
  return self->container_name;
}

const char *
dockyard_dev_session_get_working_dir (DockyardDevSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), NULL);
  return self->working_dir;
}

DockyardEngine *
dockyard_dev_session_get_engine (DockyardDevSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), NULL);
  return self->engine;
}

DockyardProject *
dockyard_dev_session_get_project (DockyardDevSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), NULL);
  return self->project;
}

/**
 * dockyard_dev_session_get_devcontainer:
 *
 * Returns: (nullable) (transfer none): the project's devcontainer.json
 *   merged with the image's metadata, once the session has started; else
 *   the project's own, or %NULL without one
 */
const DockyardDevcontainer *
dockyard_dev_session_get_devcontainer (DockyardDevSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), NULL);
  return self->merged != NULL ? self->merged : self->devcontainer;
}

/**
 * dockyard_dev_session_get_exit_code:
 *
 * Returns: the shell's exit status once it exited, otherwise -1
 */
int
dockyard_dev_session_get_exit_code (DockyardDevSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), -1);
  return self->exit_code;
}

/* Starting --------------------------------------------------------------------- */

typedef struct
{
  DockyardAttachStream *stream;
  guint                 rows;
  guint                 columns;
  guint                 attempt;
} StartState;

static void
start_state_free (StartState *state)
{
  g_clear_object (&state->stream);
  g_free (state);
}

/* Starting failed: the session is FAILED and @task returns @error. */
static void
start_failed (GTask  *task,
              GError *error)
{
  DockyardDevSession *self = g_task_get_source_object (task);

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

  set_state (self, DOCKYARD_DEV_SESSION_FAILED);
  g_task_return_error (task, error);
}

static void exited_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data);

typedef struct
{
  DockyardDevSession *self;
  DockyardTtyStream  *terminal;
} LifecycleStart;

static void
lifecycle_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(DockyardDevSession) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The terminal shows what failed, with its exit status. */
  if (!dockyard_dev_lifecycle_run_finish (result, &error))
    g_debug ("Lifecycle commands of the dev container: %s", error->message);
}

static gboolean
start_lifecycle (gpointer data)
{
  LifecycleStart *start = data;
  DockyardDevSession *self = start->self;

  if (self->state == DOCKYARD_DEV_SESSION_RUNNING && self->container_id != NULL)
    dockyard_dev_lifecycle_run_async (self->engine, self->container_id, self->merged,
                                      dockyard_project_get_devcontainer_notes (self->project),
                                      (const char * const *) self->env, self->working_dir,
                                      dockyard_container_user_for_engine (self->engine,
                                                                          self->user, NULL),
                                      start->terminal, self->wait_cancellable,
                                      lifecycle_done_cb, g_object_ref (self));

  g_object_unref (start->self);
  g_object_unref (start->terminal);
  g_free (start);
  return G_SOURCE_REMOVE;
}

static void start_running (GTask *task);

static void
resized_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* A refusal (the shell exited at once) is no reason to fail: the exit
   * status tells what happened. */
  if (!dockyard_engine_resize_tty_finish (DOCKYARD_ENGINE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          start_failed (task, g_steal_pointer (&error));
          return;
        }
      g_debug ("Resize refused: %s", error->message);
    }

  start_running (g_steal_pointer (&task));
}

/* "uid:gid" as numbers. */
static gboolean
parse_ids (const char *user,
           guint      *uid,
           guint      *gid)
{
  guint64 u, g;
  char *end;

  if (user == NULL)
    return FALSE;
  u = g_ascii_strtoull (user, &end, 10);
  if (end == user || *end != ':')
    return FALSE;
  user = end + 1;
  g = g_ascii_strtoull (user, &end, 10);
  if (end == user || *end != '\0' || u > G_MAXUINT32 || g > G_MAXUINT32)
    return FALSE;
  if (uid != NULL)
    *uid = u;
  if (gid != NULL)
    *gid = g;
  return TRUE;
}

/* The name for @user's passwd entry in the container: the host user's
 * when @user is that user and the name is a plain one (letters, digits,
 * '.', '_', '-'); "user" otherwise. */
static char *
dup_user_name (const char *user)
{
  const char *name = g_get_user_name ();
  guint uid = 0;

  if (!parse_ids (user, &uid, NULL) || uid != (guint) getuid () ||
      name == NULL || *name == '\0' || *name == '-' || strlen (name) > 32)
    return g_strdup ("user");
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return g_strdup ("user");
  return g_strdup (name);
}

/* A few lines are expected: a runaway output is cut. */
#define EXEC_MAX_OUTPUT 65536

static void
exec_run_async (DockyardDevSession  *self,
                const char * const  *argv,
                const char * const  *env,
                const char          *user,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  dockyard_engine_exec_collect_async (self->engine, self->container_id, argv, env, "/", user,
                                      EXEC_MAX_OUTPUT, cancellable, callback, user_data);
}

static void
user_added_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  output = dockyard_engine_exec_collect_finish (DOCKYARD_ENGINE (object), result, NULL, &error);

  /* The shell waits a moment for it, then goes on without (HOME=/tmp). */
  if (output == NULL)
    g_debug ("Cannot add the user to the dev container: %s", error->message);
}

static void
add_user (DockyardDevSession *self)
{
  const char *user = dockyard_container_user_for_engine (self->engine, self->user, NULL);
  g_autofree char *user_env = g_strdup_printf ("DOCKYARD_USER=%s", self->user_name);
  g_autofree char *home_env = g_strdup_printf ("DOCKYARD_HOME=/home/%s", self->user_name);
  g_autofree char *uid_env = NULL;
  g_autofree char *gid_env = NULL;
  guint uid = 0, gid = 0;

  if (!parse_ids (user, &uid, &gid))
    return;
  uid_env = g_strdup_printf ("DOCKYARD_UID=%u", uid);
  gid_env = g_strdup_printf ("DOCKYARD_GID=%u", gid);

  exec_run_async (self, add_user_script,
                  (const char * const []) { user_env, home_env, uid_env, gid_env, NULL },
                  "0", self->wait_cancellable, user_added_cb, NULL);
}

/* The container runs and its terminal is sized: the user's passwd entry,
 * the terminal handed out, then the lifecycle commands. */
static void
start_running (GTask *task)
{
  DockyardDevSession *self = g_task_get_source_object (task);
  StartState *state = g_task_get_task_data (task);

  if (self->add_user)
    add_user (self);

  g_object_set_data (G_OBJECT (state->stream), "dockyard-shell-id", GUINT_TO_POINTER (1));
  set_state (self, DOCKYARD_DEV_SESSION_RUNNING);
  g_task_return_pointer (task, g_object_ref (state->stream), g_object_unref);

  /* After the caller got the terminal and listens to it: the lifecycle
   * commands' output goes there. */
  if (self->devcontainer != NULL)
    {
      LifecycleStart *start = g_new0 (LifecycleStart, 1);

      start->self = g_object_ref (self);
      start->terminal = g_object_ref (DOCKYARD_TTY_STREAM (state->stream));
      g_idle_add_full (G_PRIORITY_LOW, start_lifecycle, start, NULL);
    }
  g_object_unref (task);
}

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardDevSession *self = g_task_get_source_object (task);
  StartState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!dockyard_engine_start_container_finish (self->engine, result, &error))
    {
      start_failed (task, g_steal_pointer (&error));
      return;
    }

  /* Size the terminal now that it exists (the engine refuses it before),
   * and hand it out once sized: over a slow link to a remote engine the
   * first command would otherwise see a terminal of 0×0. */
  if (state->rows > 0 && state->columns > 0)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      dockyard_engine_resize_tty_async (self->engine, "containers", self->container_id,
                                        state->rows, state->columns, cancellable, resized_cb,
                                        g_steal_pointer (&task));
      return;
    }

  start_running (g_steal_pointer (&task));
}

static void
wait_opened_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardDevSession *self = g_task_get_source_object (task);
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  body = dockyard_engine_open_stream_finish (self->engine, result, &error);
  if (body == NULL)
    {
      start_failed (task, g_steal_pointer (&error));
      return;
    }

  dockyard_engine_read_exit_status_async (self->engine, body, self->wait_cancellable,
                                          exited_cb, g_object_ref (self));

  cancellable = g_task_get_cancellable (task);
  dockyard_engine_start_container_async (self->engine, self->container_id, cancellable,
                                         started_cb, g_steal_pointer (&task));
}

static void
attached_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardDevSession *self = g_task_get_source_object (task);
  StartState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  state->stream = dockyard_attach_stream_new_finish (result, &error);
  if (state->stream == NULL)
    {
      start_failed (task, g_steal_pointer (&error));
      return;
    }

  /* Wait before starting, so that even an instant exit is seen. */
  cancellable = g_task_get_cancellable (task);
  dockyard_engine_open_container_wait_async (self->engine, self->container_id, cancellable,
                                             wait_opened_cb, g_steal_pointer (&task));
}

static JsonNode *
build_container_config (DockyardDevSession *self)
{
  /* The path the engine's host sees (not a sandbox's document portal path). */
  g_autofree char *source = g_strdup (dockyard_project_get_host_path (self->project));
  const char *userns_mode;
  const char *user = dockyard_container_user_for_engine (self->engine, self->user, &userns_mode);
  g_autoptr(GArray) ports = dockyard_dev_ports_configured (self->merged, self->project);
  DockyardContainerSpec spec = {
    .image = self->image,
    .cmd = self->devcontainer != NULL ? lifecycle_launcher : launcher,
    .env = (const char * const *) self->env,
    .working_dir = self->working_dir,
    .user = user,
    .userns_mode = userns_mode,
    .role = "dev",
    .project_path = source,
    .tty = TRUE,
    /* No default network on this engine: share the host's, as builds do. */
    .host_network = !dockyard_engine_get_has_bridge (self->engine),
    /* forwardPorts and the project's ports, where the engine can publish.
     * Not on an engine on another computer: a port published on its
     * loopback is of no use here (the Ports panel relays them instead). */
    .publish_ports = (const guint16 *) ports->data,
    .n_publish_ports = self->sync != NULL ? 0 : ports->len,
    .auto_remove = TRUE,
    .mount_target = self->mount_target,
    .volume = self->sync != NULL ? dockyard_volume_sync_get_volume_name (self->sync) : NULL,
    .devcontainer = self->merged,
    .gpu_device = dockyard_project_get_gpu_device (self->project),
    .gpu_cdi = dockyard_engine_get_has_cdi (self->engine),
  };

  return dockyard_container_spec_to_json (&spec);
}

static void create_container (GTask *task);
static void finish_pending_stops (DockyardDevSession *self);

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardDevSession *self = g_task_get_source_object (task);
  StartState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  self->container_id = dockyard_engine_create_container_finish (self->engine, result, &error);
  self->creating = FALSE;

  /* Cancelled (or stopped) while the engine created it: what was created
   * is removed by the stop, never left behind. */
  if (g_task_return_error_if_cancelled (task)
      || (self->pending_stops != NULL && self->pending_stops->len > 0))
    {
      if (!g_task_had_error (task))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The dev container was stopped while it started."));
      set_state (self, DOCKYARD_DEV_SESSION_FAILED);
      finish_pending_stops (self);
      return;
    }

  /* The name is taken (another window of the project): try the next one. */
  if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_CONFLICT) &&
      state->attempt < 9)
    {
      state->attempt++;
      create_container (g_steal_pointer (&task));
      return;
    }

  if (self->container_id == NULL)
    {
      start_failed (task, g_steal_pointer (&error));
      return;
    }

  /* Attach before starting so that the first prompt is not lost. */
  cancellable = g_task_get_cancellable (task);
  dockyard_attach_stream_new_async (self->engine, self->container_id, cancellable, attached_cb,
                                    g_steal_pointer (&task));
}

static void
create_container (GTask *task)
{
  DockyardDevSession *self = g_task_get_source_object (task);
  StartState *state = g_task_get_task_data (task);
  g_autoptr(JsonNode) config = build_container_config (self);
  g_autofree char *base = dockyard_project_dup_image_name (self->project);
  char *colon = strrchr (base, ':');

  if (colon != NULL)
    *colon = '\0';

  g_free (self->container_name);
  if (state->attempt == 0)
    self->container_name = g_strdup_printf ("%s-dev", base);
  else
    self->container_name = g_strdup_printf ("%s-dev-%u", base, state->attempt + 1);

  /* Not cancellable: a create cancelled in flight can leave a container
   * whose id never comes back.  The cancel is looked at once it answers. */
  self->creating = TRUE;
  dockyard_engine_create_container_async (self->engine, self->container_name, config,
                                          NULL, created_cb, task);
}

static const char *
image_label (JsonNode   *inspect,
             const char *name)
{
  JsonObject *root = JSON_NODE_HOLDS_OBJECT (inspect) ? json_node_get_object (inspect) : NULL;
  JsonNode *config = root ? json_object_get_member (root, "Config") : NULL;
  JsonNode *labels;
  JsonNode *label;

  if (config == NULL || !JSON_NODE_HOLDS_OBJECT (config))
    return NULL;
  labels = json_object_get_member (json_node_get_object (config), "Labels");
  if (labels == NULL || !JSON_NODE_HOLDS_OBJECT (labels))
    return NULL;
  label = json_object_get_member (json_node_get_object (labels), name);
  if (label == NULL || !JSON_NODE_HOLDS_VALUE (label) ||
      json_node_get_value_type (label) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (label);
}

/* containerEnv, runArgs' --env, then remoteEnv with ${containerEnv:NAME}
 * taken from the image's environment and those. */
static void
add_devcontainer_env (DockyardDevSession *self,
                      JsonNode           *inspect,
                      GStrvBuilder       *env)
{
  const DockyardDevcontainer *config = self->merged;
  g_autoptr(GStrvBuilder) known = g_strv_builder_new ();
  g_auto(GStrv) container_env = NULL;
  JsonObject *root = JSON_NODE_HOLDS_OBJECT (inspect) ? json_node_get_object (inspect) : NULL;
  JsonObject *image_config = NULL;

  if (root != NULL && json_object_has_member (root, "Config") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "Config")))
    image_config = json_object_get_object_member (root, "Config");
  if (image_config != NULL && json_object_has_member (image_config, "Env") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (image_config, "Env")))
    {
      JsonArray *array = json_object_get_array_member (image_config, "Env");

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *value = json_array_get_string_element (array, i);

          if (value != NULL)
            g_strv_builder_add (known, value);
        }
    }

  g_strv_builder_addv (env, (const char **) config->container_env);
  g_strv_builder_addv (env, (const char **) config->run_env);
  g_strv_builder_addv (known, (const char **) config->container_env);
  g_strv_builder_addv (known, (const char **) config->run_env);
  container_env = g_strv_builder_end (known);

  for (guint i = 0; config->remote_env[i] != NULL; i++)
    {
      g_autofree char *value =
        dockyard_devcontainer_substitute_container_env (config->remote_env[i],
                                                        (const char * const *) container_env);
      g_strv_builder_add (env, value);
    }

  g_strv_builder_add (env, "DOCKYARD_LIFECYCLE_MARK=" DOCKYARD_LIFECYCLE_MARK);
}

static void
synced_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  DockyardDevSession *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!dockyard_volume_sync_run_finish (DOCKYARD_VOLUME_SYNC (object), result, &error))
    {
      start_failed (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  self->sync_at_stop = TRUE;
  create_container (task);
}

static void
image_inspected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  DockyardDevSession *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) env = g_strv_builder_new ();
  g_autofree char *shell_env = NULL;

  node = dockyard_engine_request_finish (self->engine, result, &error);
  if (node == NULL)
    {
      set_state (self, DOCKYARD_DEV_SESSION_FAILED);
      if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NOT_FOUND))
        g_task_return_error (task, dockyard_engine_image_missing_error (self->image));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  if (self->devcontainer != NULL)
    {
      const char *user;

      /* What the image's devcontainer.metadata label adds, as the Dev
       * Containers tools merge it. */
      g_clear_pointer (&self->merged, dockyard_devcontainer_free);
      self->merged = dockyard_devcontainer_copy_with_metadata (self->devcontainer,
                                                               image_label (node, "devcontainer.metadata"));
      self->working_dir = g_strdup (self->merged->workspace_folder);
      self->mount_target = g_strdup (self->merged->workspace_mount_target);
      user = self->merged->remote_user ? self->merged->remote_user : self->merged->container_user;
      if (user != NULL && (!self->user_set || self->user_from_devcontainer))
        {
          g_free (self->user);
          self->user = g_strdup (user);
          self->user_from_devcontainer = TRUE;
        }
    }
  else
    self->working_dir = g_strdup (dockyard_image_inspect_working_dir (node));

  shell_env = g_strdup_printf ("DOCKYARD_SHELL=%s", self->shell);
  g_strv_builder_add (env, "TERM=xterm-256color");
  g_strv_builder_add (env, "COLORTERM=truecolor");
  g_strv_builder_add (env, shell_env);
  g_strv_builder_add (env, "DOCKYARD_SHELL_ID=1");
  self->last_shell_id = 1;
  if (self->devcontainer != NULL)
    add_devcontainer_env (self, node, env);
  /* A uid of the host given as it is (rootful engines): the image has no
   * passwd entry for it; one is added once the container runs, with a home
   * of its own.  Rootless Podman's keep-id has an entry whose home is the
   * host's, which the image lacks: /tmp then, as for any unusable home.  A
   * devcontainer.json's user is the image's own. */
  self->add_user = FALSE;
  g_clear_pointer (&self->user_name, g_free);
  if (!self->user_from_devcontainer)
    {
      const char *userns_mode = NULL;
      const char *user = dockyard_container_user_for_engine (self->engine, self->user, &userns_mode);

      /* Rootful Podman has an entry of its own for such a uid, named by
       * the number and with / as home: add_user_script replaces it. */
      self->add_user = user != NULL && !dockyard_container_user_is_root (user) &&
                       userns_mode == NULL && parse_ids (user, NULL, NULL);
      if (self->add_user)
        {
          g_autofree char *home = NULL;

          self->user_name = dup_user_name (user);
          home = g_strdup_printf ("HOME=/home/%s", self->user_name);

          g_strv_builder_add (env, home);
          g_strv_builder_add (env, "DOCKYARD_WAIT_PASSWD=1");
        }
      else if (!dockyard_container_user_is_root (self->user) &&
               (!dockyard_engine_get_rootless (self->engine) ||
                dockyard_engine_get_is_podman (self->engine)))
        g_strv_builder_add (env, "HOME=/tmp");
    }
  g_strfreev (self->env);
  self->env = g_strv_builder_end (env);

  if (dockyard_project_get_gpu_device (self->project) != NULL &&
      !dockyard_gpu_check_engine (self->engine, &error))
    {
      start_failed (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  /* The engine cannot see the project folder: its files go into the
   * project's volume there first. */
  if (!dockyard_engine_get_is_on_this_computer (self->engine))
    {
      const char *user = dockyard_container_user_for_engine (self->engine, self->user, NULL);

      if (self->sync == NULL)
        self->sync = dockyard_volume_sync_new (self->engine, dockyard_project_get_directory (self->project));
      dockyard_volume_sync_set_image (self->sync, self->image);
      dockyard_volume_sync_set_user (self->sync, user);
      dockyard_volume_sync_run_async (self->sync, g_task_get_cancellable (task), synced_cb, task);
      return;
    }

  create_container (task);
}

/**
 * dockyard_dev_session_start_async:
 * @rows: the terminal's height, for the first resize
 * @columns: its width
 *
 * Creates the dev container, attaches to its terminal and starts it.
 */
void
dockyard_dev_session_start_async (DockyardDevSession  *self,
                                  guint                rows,
                                  guint                columns,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  StartState *state;

  g_return_if_fail (DOCKYARD_IS_DEV_SESSION (self));
  g_return_if_fail (self->state == DOCKYARD_DEV_SESSION_READY);

  state = g_new0 (StartState, 1);
  state->rows = rows;
  state->columns = columns;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_dev_session_start_async);
  g_task_set_task_data (task, state, (GDestroyNotify) start_state_free);

  set_state (self, DOCKYARD_DEV_SESSION_STARTING);

  dockyard_engine_inspect_image_async (self->engine, self->image, cancellable,
                                       image_inspected_cb, task);
}

/**
 * dockyard_dev_session_start_finish:
 *
 * Returns: (transfer full): the container's terminal
 */
DockyardTtyStream *
dockyard_dev_session_start_finish (DockyardDevSession  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DockyardDevSession) self = user_data;
  g_autoptr(GError) error = NULL;
  int status;

  status = dockyard_engine_wait_container_finish (self->engine, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    {
      /* No status: the engine went away while the shell ran. */
      g_debug ("Lost the dev container's exit status: %s", error->message);
      set_state (self, DOCKYARD_DEV_SESSION_FAILED);
      return;
    }

  self->exit_code = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXIT_CODE]);
  set_state (self, DOCKYARD_DEV_SESSION_EXITED);
}

/* More shells --------------------------------------------------------------------- */

static void
exec_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  DockyardExecStream *stream;

  stream = dockyard_exec_stream_new_finish (result, &error);
  if (stream == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    {
      g_object_set_data (G_OBJECT (stream), "dockyard-shell-id", g_task_get_task_data (task));
      g_task_return_pointer (task, stream, g_object_unref);
    }
}

/**
 * dockyard_dev_session_open_shell_async:
 *
 * Starts another shell in the running dev container (an `exec`), as the
 * same user, in the same folder.
 */
void
dockyard_dev_session_open_shell_async (DockyardDevSession  *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOCKYARD_IS_DEV_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_dev_session_open_shell_async);

  if (self->state != DOCKYARD_DEV_SESSION_RUNNING)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The dev container is not running."));
      return;
    }

  {
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) env = NULL;
    g_autofree char *id_env = NULL;
    guint id = ++self->last_shell_id;

    /* Tells this shell's processes from the others' (busy_script). */
    id_env = g_strdup_printf ("DOCKYARD_SHELL_ID=%u", id);
    g_strv_builder_addv (builder, (const char **) self->env);
    g_strv_builder_add (builder, id_env);
    env = g_strv_builder_end (builder);
    g_task_set_task_data (task, GUINT_TO_POINTER (id), NULL);

    dockyard_exec_stream_new_async (self->engine, self->container_id, launcher,
                                    (const char * const *) env, self->working_dir,
                                    dockyard_container_user_for_engine (self->engine, self->user,
                                                                        NULL),
                                    cancellable, exec_cb, g_steal_pointer (&task));
  }
}

/**
 * dockyard_dev_session_open_shell_finish:
 *
 * Returns: (transfer full): the new shell's terminal
 */
DockyardTtyStream *
dockyard_dev_session_open_shell_finish (DockyardDevSession  *self,
                                        GAsyncResult        *result,
                                        GError             **error)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
shell_exit_code_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  int status;

  status = dockyard_exec_stream_get_exit_code_finish (DOCKYARD_EXEC_STREAM (object), result, &error);
  if (status < 0 && error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, status);
}

/**
 * dockyard_dev_session_get_shell_exit_code_async:
 * @shell: a stream from dockyard_dev_session_open_shell_finish() that closed
 *
 * Asks the engine how the further shell @shell ended.
 */
void
dockyard_dev_session_get_shell_exit_code_async (DockyardDevSession  *self,
                                                DockyardTtyStream   *shell,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOCKYARD_IS_DEV_SESSION (self));
  g_return_if_fail (DOCKYARD_IS_EXEC_STREAM (shell));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_dev_session_get_shell_exit_code_async);
  /* The session made its further shells as exec sessions. */
  dockyard_exec_stream_get_exit_code_async (DOCKYARD_EXEC_STREAM (shell), cancellable,
                                            shell_exit_code_cb, g_steal_pointer (&task));
}

/**
 * dockyard_dev_session_get_shell_exit_code_finish:
 *
 * Returns: the shell's exit status, or -1 with @error set when the engine
 *   cannot tell
 */
int
dockyard_dev_session_get_shell_exit_code_finish (DockyardDevSession  *self,
                                                 GAsyncResult        *result,
                                                 GError             **error)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/**
 * dockyard_dev_session_get_shell_id:
 * @shell: a stream the session gave: its own shell's or a further one's
 *
 * Returns: the shell's number in dockyard_dev_session_find_busy_shells_finish()'s
 *   answer (1 for the container's own shell), 0 for a stream of another
 */
guint
dockyard_dev_session_get_shell_id (DockyardDevSession *self,
                                   DockyardTtyStream  *shell)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), 0);
  g_return_val_if_fail (DOCKYARD_IS_TTY_STREAM (shell), 0);

  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (shell), "dockyard-shell-id"));
}

static void
busy_found_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  g_autoptr(GHashTable) busy = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_auto(GStrv) lines = NULL;

  output = dockyard_engine_exec_collect_finish (DOCKYARD_ENGINE (object), result, NULL, &error);

  if (output == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;
      guint64 id;

      g_strstrip (lines[i]);
      if (!g_str_has_prefix (lines[i], "busy "))
        continue;
      words = g_strsplit (lines[i] + strlen ("busy "), " ", 2);
      if (words[0] == NULL || !g_ascii_string_to_unsigned (words[0], 10, 1, G_MAXUINT, &id, NULL))
        continue;
      g_hash_table_replace (busy, GUINT_TO_POINTER ((guint) id),
                            g_strdup (words[1] != NULL && *words[1] != '\0' ? words[1] : "?"));
    }

  g_task_return_pointer (task, g_steal_pointer (&busy), (GDestroyNotify) g_hash_table_unref);
}

/**
 * dockyard_dev_session_find_busy_shells_async:
 *
 * Finds the shells that run a program (not just wait at their prompt),
 * from the container's /proc.
 */
void
dockyard_dev_session_find_busy_shells_async (DockyardDevSession  *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (DOCKYARD_IS_DEV_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_dev_session_find_busy_shells_async);

  if (self->state != DOCKYARD_DEV_SESSION_RUNNING)
    {
      g_task_return_pointer (task, g_hash_table_new_full (NULL, NULL, NULL, g_free),
                             (GDestroyNotify) g_hash_table_unref);
      g_object_unref (task);
      return;
    }

  /* As the shells' user: their /proc/PID/environ is readable to it. */
  exec_run_async (self, busy_script, NULL,
                  dockyard_container_user_for_engine (self->engine, self->user, NULL),
                  cancellable, busy_found_cb, task);
}

/**
 * dockyard_dev_session_find_busy_shells_finish:
 *
 * Returns: (transfer full): shell id (see dockyard_dev_session_get_shell_id())
 *   to the name of the program it runs, for each busy shell
 */
GHashTable *
dockyard_dev_session_find_busy_shells_finish (DockyardDevSession  *self,
                                              GAsyncResult        *result,
                                              GError             **error)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Stopping ----------------------------------------------------------------------- */

/* Removes the container for the stops that waited for a create; the first
 * stop does the removal, the others had nothing more to wait for. */
static void
finish_pending_stops (DockyardDevSession *self)
{
  if (self->creating)
    return;
  dockyard_container_finish_stops (self->engine, self->container_id, &self->pending_stops);
}

static void
stop_synced_cb (GObject      *object,
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

/* The container is gone: what changed in its volume comes back. */
static void
stopped_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardDevSession *self = DOCKYARD_DEV_SESSION (object);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->sync_at_stop && !dockyard_volume_sync_get_busy (self->sync))
    {
      self->sync_at_stop = FALSE;
      dockyard_volume_sync_run_async (self->sync, NULL, stop_synced_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * dockyard_dev_session_get_sync:
 *
 * Returns: (nullable) (transfer none): the sync of the project's volume,
 *   for an engine on another computer once a start has made it
 */
DockyardVolumeSync *
dockyard_dev_session_get_sync (DockyardDevSession *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), NULL);
  return self->sync;
}

/**
 * dockyard_dev_session_stop_async:
 *
 * Stops and removes the dev container, also while it is being created:
 * then it is removed once it exists, before this finishes.  Not
 * cancellable: a container must not be left behind.  On an engine on
 * another computer, the volume is synced back afterwards (see
 * dockyard_dev_session_get_sync() for what it found).
 */
void
dockyard_dev_session_stop_async (DockyardDevSession  *self,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOCKYARD_IS_DEV_SESSION (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, dockyard_dev_session_stop_async);

  if (self->pending_stops == NULL)
    self->pending_stops = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->pending_stops, g_task_new (self, NULL, stopped_cb, g_steal_pointer (&task)));
  finish_pending_stops (self);
}

gboolean
dockyard_dev_session_stop_finish (DockyardDevSession  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
