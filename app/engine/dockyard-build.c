/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-build-private.h"
#include "dockyard-buildkit.pb-c.h"
#include "dockyard-engine-private.h"
#include "dockyard-upload.h"

/* The longest progress line read.  A line is one JSON message: a classic
 * "stream" chunk, or a BuildKit trace, i.e. the base64 of one batch of
 * vertexes and log chunks (BuildKit clips a step's log at 2 MiB by
 * default), so real lines stay far below this.  An engine that sends an
 * endless line costs at most this much memory before the build fails. */
#define MAX_PROGRESS_LINE (16 * 1024 * 1024)

/* How long a build may send nothing before the engine is checked with a
 * ping on a connection of its own.  Silence alone is no fault (a classic
 * builder's `RUN sleep 600` prints nothing); an engine that does not answer
 * the ping either has stopped, and waiting on would be for ever. */
#define DEFAULT_STALL_CHECK_SECONDS 30

/**
 * DockyardBuild:
 *
 * One image build through the engine's API, as a #GListModel of its
 * #DockyardBuildStep s that fills in while the engine reports progress.
 *
 * BuildKit (`POST /build?version=2`) reports progress as protobuf
 * StatusResponse messages; engines without it (Podman's compatible API,
 * Docker's classic builder) print "Step N/M" lines, which become steps too.
 */
struct _DockyardBuild
{
  GObject             parent_instance;

  DockyardEngine     *engine;
  char               *tag;
  char               *dockerfile;
  char               *target;
  char               *network_mode;
  GHashTable         *build_args;

  GPtrArray          *steps;
  GHashTable         *steps_by_id;
  DockyardBuildStep  *classic_step;
  char               *classic_stage;
  guint               classic_stage_number;
  GStrvBuilder       *warnings_builder;
  GStrv               warnings;

  char               *image_id;
  char               *error_message;
  DockyardBuildState  state;
  guint               stall_check;
  guint               buildkit : 1;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DockyardBuild, dockyard_build, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_STATE,
  PROP_IMAGE_ID,
  PROP_ERROR_MESSAGE,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return DOCKYARD_TYPE_BUILD_STEP;
}

static guint
get_n_items (GListModel *model)
{
  return DOCKYARD_BUILD (model)->steps->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  DockyardBuild *self = DOCKYARD_BUILD (model);

  if (position >= self->steps->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->steps, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
set_state (DockyardBuild      *self,
           DockyardBuildState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
step_state_cb (DockyardBuild *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

/* Where a step goes in the list: the engine's own preparation first, then
 * the Dockerfile's instructions in order, then exporting the image. */
static guint
step_group (DockyardBuildStep *step)
{
  const char *name = dockyard_build_step_get_name (step);

  if (dockyard_build_step_get_index (step) > 0 || name == NULL)
    return 1;
  if (g_str_has_prefix (name, "exporting") || g_str_has_prefix (name, "naming") ||
      g_str_has_prefix (name, "writing"))
    return 2;
  return 0;
}

static gboolean
step_goes_after (DockyardBuildStep *existing,
                 DockyardBuildStep *step)
{
  guint group = step_group (step);
  guint existing_group = step_group (existing);

  if (existing_group != group)
    return existing_group < group;

  /* Only within a stage: stages run in parallel, and a classic builder's
   * numbers start again in each stage. */
  if (group == 1 && dockyard_build_step_get_index (step) > 0 &&
      dockyard_build_step_get_index (existing) > 0 &&
      g_strcmp0 (dockyard_build_step_get_stage (existing), dockyard_build_step_get_stage (step)) == 0)
    return dockyard_build_step_get_index (existing) <= dockyard_build_step_get_index (step);

  return TRUE;
}

static DockyardBuildStep *
ensure_step (DockyardBuild *self,
             const char    *id,
             const char    *name)
{
  DockyardBuildStep *step = g_hash_table_lookup (self->steps_by_id, id);
  guint position;

  if (step != NULL)
    return step;

  step = _dockyard_build_step_new (id);
  _dockyard_build_step_set_name (step, name);
  g_signal_connect_object (step, "notify::state", G_CALLBACK (step_state_cb), self,
                           G_CONNECT_SWAPPED);

  /* BuildKit reports steps as it schedules them (a cached FROM late): keep
   * the list in the order a reader of the Dockerfile expects. */
  position = self->steps->len;
  while (position > 0 && !step_goes_after (g_ptr_array_index (self->steps, position - 1), step))
    position--;

  g_ptr_array_insert (self->steps, position, step);
  g_hash_table_insert (self->steps_by_id, (gpointer) dockyard_build_step_get_id (step), step);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);

  return step;
}

/* The end of year 9999: the seconds field is any 64-bit number on the wire. */
#define MAX_TIMESTAMP_SECONDS G_GINT64_CONSTANT (253402300799)

static gint64
timestamp_to_usec (const Dockyard__Buildkit__Timestamp *timestamp)
{
  gint64 seconds;

  if (timestamp == NULL)
    return 0;

  /* Clamped so that neither this nor a difference of two overflows. */
  seconds = CLAMP (timestamp->seconds, 0, MAX_TIMESTAMP_SECONDS);
  return seconds * G_USEC_PER_SEC + timestamp->nanos / 1000;
}

/* BuildKit --------------------------------------------------------------- */

static void
feed_buildkit_status (DockyardBuild *self,
                      const char    *aux)
{
  g_autofree guchar *data = NULL;
  gsize length = 0;
  Dockyard__Buildkit__StatusResponse *response;

  data = g_base64_decode (aux, &length);
  response = dockyard__buildkit__status_response__unpack (NULL, length, data);
  if (response == NULL)
    {
      g_debug ("Ignoring a BuildKit status that does not decode");
      return;
    }

  self->buildkit = TRUE;

  /* The same vertex arrives many times as it progresses: update by digest. */
  for (gsize i = 0; i < response->n_vertexes; i++)
    {
      Dockyard__Buildkit__Vertex *vertex = response->vertexes[i];
      DockyardBuildStep *step;

      if (vertex->digest == NULL || *vertex->digest == '\0')
        continue;

      step = ensure_step (self, vertex->digest, vertex->name);
      _dockyard_build_step_set_name (step, vertex->name);
      _dockyard_build_step_set_cached (step, vertex->cached);
      _dockyard_build_step_set_times (step, timestamp_to_usec (vertex->started),
                                      timestamp_to_usec (vertex->completed));
      _dockyard_build_step_set_error (step, vertex->error);
    }

  for (gsize i = 0; i < response->n_logs; i++)
    {
      Dockyard__Buildkit__VertexLog *log = response->logs[i];

      if (log->vertex == NULL || *log->vertex == '\0')
        continue;

      _dockyard_build_step_append_log (ensure_step (self, log->vertex, NULL),
                                       (const char *) log->msg.data, log->msg.len);
    }

  for (gsize i = 0; i < response->n_warnings; i++)
    {
      Dockyard__Buildkit__VertexWarning *warning = response->warnings[i];
      g_autofree char *text = NULL;

      /* protobuf-c leaves an empty bytes field NULL. */
      if (warning->short_.data == NULL || warning->short_.len == 0)
        continue;

      text = g_utf8_make_valid ((const char *) warning->short_.data, warning->short_.len);
      g_strv_builder_add (self->warnings_builder, text);
      g_clear_pointer (&self->warnings, g_strfreev);
    }

  dockyard__buildkit__status_response__free_unpacked (response, NULL);
}

/* Classic builder ---------------------------------------------------------- */

/* "Step 2/3 : RUN make" (Docker: N counts the file's instructions),
 * "STEP 2/3: RUN make" (buildah, one stage) or "[2/3] STEP 1/2: FROM x AS y"
 * (buildah, stage 2 of 3: N counts the stage's instructions). */
static gboolean
parse_classic_step (const char                 *line,
                    guint                      *stage,
                    guint                      *index,
                    guint                      *total,
                    DockyardBuildStepNumbering *numbering,
                    const char                **instruction)
{
  const char *p = line;
  char *end;
  guint64 n;

  *stage = 0;
  if (*p == '[')
    {
      n = g_ascii_strtoull (p + 1, &end, 10);
      if (end == p + 1 || *end != '/' || n == 0 || n > G_MAXUINT)
        return FALSE;
      *stage = n;
      p = end + 1;
      n = g_ascii_strtoull (p, &end, 10);
      if (end == p || end[0] != ']' || end[1] != ' ')
        return FALSE;
      p = end + 2;
    }

  if (g_ascii_strncasecmp (p, "step ", 5) != 0)
    return FALSE;
  *numbering = strncmp (p, "STEP", 4) == 0 ? DOCKYARD_BUILD_STEP_NUMBERING_STAGE
                                          : DOCKYARD_BUILD_STEP_NUMBERING_FILE;

  p += 5;
  n = g_ascii_strtoull (p, &end, 10);
  if (end == p || *end != '/' || n == 0 || n > G_MAXUINT)
    return FALSE;
  *index = n;

  p = end + 1;
  n = g_ascii_strtoull (p, &end, 10);
  if (end == p || n > G_MAXUINT)
    return FALSE;
  *total = n;

  while (*end == ' ')
    end++;
  if (*end != ':')
    return FALSE;
  end++;
  while (*end == ' ')
    end++;

  *instruction = end;
  return TRUE;
}

/* The name of a buildah stage: its "AS" name on its FROM line, else
 * BuildKit's "stage-N" (N from 0). */
static void
update_classic_stage (DockyardBuild *self,
                      guint          stage,
                      guint          index,
                      const char    *instruction)
{
  g_auto(GStrv) words = NULL;
  guint n_words;

  if (stage == 0)
    {
      g_clear_pointer (&self->classic_stage, g_free);
      return;
    }

  if (index != 1 && self->classic_stage != NULL && stage == self->classic_stage_number)
    return;

  self->classic_stage_number = stage;
  g_free (self->classic_stage);
  self->classic_stage = g_strdup_printf ("stage-%u", stage - 1);

  words = g_strsplit_set (instruction, " \t", -1);
  n_words = g_strv_length (words);
  if (index == 1 && n_words >= 4 && g_ascii_strcasecmp (words[0], "FROM") == 0 &&
      g_ascii_strcasecmp (words[n_words - 2], "AS") == 0 && *words[n_words - 1] != '\0')
    {
      g_free (self->classic_stage);
      self->classic_stage = g_strdup (words[n_words - 1]);
    }
}

static void
feed_classic_stream (DockyardBuild *self,
                     const char    *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *instruction;
      guint stage, index, total;
      DockyardBuildStepNumbering numbering;

      if (lines[i + 1] == NULL && *line == '\0')
        break;

      if (parse_classic_step (line, &stage, &index, &total, &numbering, &instruction))
        {
          g_autofree char *id = NULL;
          g_autofree char *name = NULL;
          gint64 now = g_get_real_time ();

          update_classic_stage (self, stage, index, instruction);
          id = g_strdup_printf ("classic-%u-%u", stage, index);
          if (self->classic_stage != NULL)
            name = g_strdup_printf ("[%s %u/%u] %s", self->classic_stage, index, total, instruction);
          else
            name = g_strdup_printf ("[%u/%u] %s", index, total, instruction);

          if (self->classic_step != NULL)
            _dockyard_build_step_finish (self->classic_step, now);

          self->classic_step = ensure_step (self, id, name);
          _dockyard_build_step_set_numbering (self->classic_step, numbering);
          _dockyard_build_step_set_times (self->classic_step, now, 0);
          continue;
        }

      if (self->classic_step == NULL)
        continue;

      /* Docker says "---> Using cache", buildah "--> Using cache ...". */
      if (strstr (line, "> Using cache") != NULL)
        _dockyard_build_step_set_cached (self->classic_step, TRUE);

      _dockyard_build_step_append_log (self->classic_step, line, strlen (line));
      _dockyard_build_step_append_log (self->classic_step, "\n", 1);
    }
}

/* One line of the /build response. */
void
_dockyard_build_feed_line (DockyardBuild *self,
                           const char    *line,
                           gsize          length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *object;
  JsonNode *aux;
  const char *id;
  const char *text;

  if (length == 0)
    return;

  /* A blank line parses to no root at all. */
  if (!json_parser_load_from_data (parser, line, length, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_debug ("Ignoring a build progress line that is not a JSON object");
      return;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  id = _dockyard_json_get_string (object, "id");
  aux = json_object_has_member (object, "aux") ? json_object_get_member (object, "aux") : NULL;

  if (g_strcmp0 (id, "moby.buildkit.trace") == 0 && aux != NULL &&
      JSON_NODE_HOLDS_VALUE (aux) && json_node_get_value_type (aux) == G_TYPE_STRING)
    {
      feed_buildkit_status (self, json_node_get_string (aux));
      return;
    }

  /* The image id: {"id":"moby.image.id","aux":{"ID":...}}, or classic {"aux":{"ID":...}} */
  if (aux != NULL && JSON_NODE_HOLDS_OBJECT (aux) &&
      (id == NULL || g_strcmp0 (id, "moby.image.id") == 0))
    {
      const char *image_id = _dockyard_json_get_string (json_node_get_object (aux), "ID");

      if (image_id != NULL && g_strcmp0 (image_id, self->image_id) != 0)
        {
          g_free (self->image_id);
          self->image_id = g_strdup (image_id);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE_ID]);
        }
      return;
    }

  if (json_object_has_member (object, "error") || json_object_has_member (object, "errorDetail"))
    {
      JsonNode *detail = json_object_has_member (object, "errorDetail")
                         ? json_object_get_member (object, "errorDetail") : NULL;
      const char *message = NULL;

      if (detail != NULL && JSON_NODE_HOLDS_OBJECT (detail))
        message = _dockyard_json_get_string (json_node_get_object (detail), "message");
      if (message == NULL)
        message = _dockyard_json_get_string (object, "error");
      if (message == NULL)
        message = _("The engine reported an error without a message.");

      if (self->error_message == NULL)
        {
          self->error_message = g_strdup (message);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
        }
      if (!self->buildkit && self->classic_step != NULL)
        _dockyard_build_step_set_error (self->classic_step, message);
      return;
    }

  text = _dockyard_json_get_string (object, "stream");
  if (text != NULL && !self->buildkit)
    feed_classic_stream (self, text);
}

/* The response ended (or broke): settle the steps still open. */
void
_dockyard_build_end (DockyardBuild *self)
{
  if (!self->buildkit && self->classic_step != NULL && self->error_message == NULL)
    _dockyard_build_step_finish (self->classic_step, g_get_real_time ());
}

/* GObject ------------------------------------------------------------------ */

static void
dockyard_build_finalize (GObject *object)
{
  DockyardBuild *self = (DockyardBuild *)object;

  g_clear_object (&self->engine);
  g_clear_pointer (&self->tag, g_free);
  g_clear_pointer (&self->classic_stage, g_free);
  g_clear_pointer (&self->dockerfile, g_free);
  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->network_mode, g_free);
  g_clear_pointer (&self->build_args, g_hash_table_unref);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_pointer (&self->steps_by_id, g_hash_table_unref);
  g_clear_pointer (&self->warnings_builder, g_strv_builder_unref);
  g_clear_pointer (&self->warnings, g_strfreev);
  g_clear_pointer (&self->image_id, g_free);
  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (dockyard_build_parent_class)->finalize (object);
}

static void
dockyard_build_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  DockyardBuild *self = DOCKYARD_BUILD (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_IMAGE_ID:
      g_value_set_string (value, self->image_id);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, dockyard_build_get_progress (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_build_class_init (DockyardBuildClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_build_finalize;
  object_class->get_property = dockyard_build_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      DOCKYARD_BUILD_READY, DOCKYARD_BUILD_CANCELLED, DOCKYARD_BUILD_READY,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_IMAGE_ID] =
    g_param_spec_string ("image-id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_build_init (DockyardBuild *self)
{
  self->steps = g_ptr_array_new_with_free_func (g_object_unref);
  self->steps_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->build_args = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->warnings_builder = g_strv_builder_new ();
  self->dockerfile = g_strdup ("Dockerfile");
  self->stall_check = DEFAULT_STALL_CHECK_SECONDS;
}

/**
 * dockyard_build_new:
 * @engine: the engine to build with
 * @tag: the image name to give the result, e.g. "myproject:dev"
 *
 * Returns: (transfer full): a build, ready to run
 */
DockyardBuild *
dockyard_build_new (DockyardEngine *engine,
                    const char     *tag)
{
  DockyardBuild *self;

  g_return_val_if_fail (DOCKYARD_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (tag != NULL, NULL);

  self = g_object_new (DOCKYARD_TYPE_BUILD, NULL);
  self->engine = g_object_ref (engine);
  self->tag = g_strdup (tag);

  return self;
}

void
dockyard_build_set_dockerfile (DockyardBuild *self,
                               const char    *dockerfile)
{
  g_return_if_fail (DOCKYARD_IS_BUILD (self));
  g_return_if_fail (self->state == DOCKYARD_BUILD_READY);

  g_free (self->dockerfile);
  self->dockerfile = g_strdup (dockerfile ? dockerfile : "Dockerfile");
}

void
dockyard_build_set_target (DockyardBuild *self,
                           const char    *target)
{
  g_return_if_fail (DOCKYARD_IS_BUILD (self));
  g_return_if_fail (self->state == DOCKYARD_BUILD_READY);

  g_free (self->target);
  self->target = g_strdup (target);
}

/**
 * dockyard_build_set_stall_check:
 * @seconds: how long the engine may send nothing before it is checked, or 0
 *   never to check
 *
 * While the build runs, an engine that has sent nothing for @seconds is
 * pinged on a connection of its own; if the ping fails or goes unanswered,
 * the build fails instead of waiting for ever.  A build that is merely
 * quiet (a long step that prints nothing) goes on.  30 seconds by default.
 */
void
dockyard_build_set_stall_check (DockyardBuild *self,
                                guint          seconds)
{
  g_return_if_fail (DOCKYARD_IS_BUILD (self));
  g_return_if_fail (self->state == DOCKYARD_BUILD_READY);

  self->stall_check = seconds;
}

/**
 * dockyard_build_set_network_mode:
 * @network_mode: (nullable): "host", "none", or %NULL for the engine's default
 */
void
dockyard_build_set_network_mode (DockyardBuild *self,
                                 const char    *network_mode)
{
  g_return_if_fail (DOCKYARD_IS_BUILD (self));
  g_return_if_fail (self->state == DOCKYARD_BUILD_READY);

  g_free (self->network_mode);
  self->network_mode = g_strdup (network_mode);
}

void
dockyard_build_set_build_arg (DockyardBuild *self,
                              const char    *name,
                              const char    *value)
{
  g_return_if_fail (DOCKYARD_IS_BUILD (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (self->state == DOCKYARD_BUILD_READY);

  g_hash_table_insert (self->build_args, g_strdup (name), g_strdup (value ? value : ""));
}

const char *
dockyard_build_get_tag (DockyardBuild *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD (self), NULL);
  return self->tag;
}

DockyardBuildState
dockyard_build_get_state (DockyardBuild *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD (self), DOCKYARD_BUILD_READY);
  return self->state;
}

/**
 * dockyard_build_get_buildkit:
 *
 * Returns: whether the engine reported BuildKit progress
 */
gboolean
dockyard_build_get_buildkit (DockyardBuild *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD (self), FALSE);
  return self->buildkit;
}

/**
 * dockyard_build_get_image_id:
 *
 * Returns: (nullable): the id of the built image
 */
const char *
dockyard_build_get_image_id (DockyardBuild *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD (self), NULL);
  return self->image_id;
}

/**
 * dockyard_build_get_error_message:
 *
 * Returns: (nullable): the engine's error, once the build failed
 */
const char *
dockyard_build_get_error_message (DockyardBuild *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD (self), NULL);
  return self->error_message;
}

/**
 * dockyard_build_get_failed_step:
 *
 * Returns: (transfer none) (nullable): the step that made the build fail
 */
DockyardBuildStep *
dockyard_build_get_failed_step (DockyardBuild *self)
{
  DockyardBuildStep *first_failed = NULL;

  g_return_val_if_fail (DOCKYARD_IS_BUILD (self), NULL);

  /* A failing step cancels the steps running beside it; those are not the cause. */
  for (guint i = 0; i < self->steps->len; i++)
    {
      DockyardBuildStep *step = g_ptr_array_index (self->steps, i);
      const char *error = dockyard_build_step_get_error (step);

      if (error == NULL)
        continue;
      if (strstr (error, "context canceled") == NULL)
        return step;
      if (first_failed == NULL)
        first_failed = step;
    }

  return first_failed;
}

/**
 * dockyard_build_get_progress:
 *
 * Returns: the share of the known steps that are finished, 0 to 1
 */
double
dockyard_build_get_progress (DockyardBuild *self)
{
  guint finished = 0;

  g_return_val_if_fail (DOCKYARD_IS_BUILD (self), 0.0);

  if (self->state == DOCKYARD_BUILD_SUCCEEDED)
    return 1.0;
  if (self->steps->len == 0)
    return 0.0;

  for (guint i = 0; i < self->steps->len; i++)
    {
      DockyardBuildStepState state = dockyard_build_step_get_state (g_ptr_array_index (self->steps, i));

      if (state != DOCKYARD_BUILD_STEP_WAITING && state != DOCKYARD_BUILD_STEP_RUNNING)
        finished++;
    }

  return (double) finished / self->steps->len;
}

/**
 * dockyard_build_get_warnings:
 *
 * Returns: (transfer none): BuildKit's warnings so far
 */
const char * const *
dockyard_build_get_warnings (DockyardBuild *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD (self), NULL);

  if (self->warnings == NULL)
    {
      g_auto(GStrv) all = g_strv_builder_end (self->warnings_builder);

      /* g_strv_builder_end() empties the builder: put them back. */
      g_strv_builder_addv (self->warnings_builder, (const char **) all);
      self->warnings = g_steal_pointer (&all);
    }

  return (const char * const *) self->warnings;
}

/* Running ------------------------------------------------------------------ */

typedef struct
{
  GInputStream     *answer;  /* a DockyardUploadStream */
  GDataInputStream *lines;
  /* Cancelled by the caller's cancellable (through cancel_source) or when
   * the engine has stopped (then with stall_error set). */
  GCancellable     *cancellable;
  GSource          *cancel_source;
  GSource          *stall_source;
  GCancellable     *probe;         /* the ping under way, if any */
  GError           *stall_error;
  gint64            last_heard;    /* monotonic */
  gboolean          finished;
} RunState;

static void
run_state_stop_watching (RunState *state)
{
  if (state->cancel_source != NULL)
    {
      g_source_destroy (state->cancel_source);
      g_clear_pointer (&state->cancel_source, g_source_unref);
    }
  if (state->stall_source != NULL)
    {
      g_source_destroy (state->stall_source);
      g_clear_pointer (&state->stall_source, g_source_unref);
    }
  if (state->probe != NULL)
    g_cancellable_cancel (state->probe);
}

static void
run_state_free (RunState *state)
{
  run_state_stop_watching (state);
  g_clear_object (&state->lines);
  g_clear_object (&state->answer);
  g_clear_object (&state->cancellable);
  g_clear_object (&state->probe);
  g_clear_error (&state->stall_error);
  g_free (state);
}

static void
finish_run (GTask  *task,
            GError *error)
{
  DockyardBuild *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);

  state->finished = TRUE;
  run_state_stop_watching (state);

  /* Cancelled here, not by the caller: the engine stopped answering. */
  if (state->stall_error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      error = g_steal_pointer (&state->stall_error);
    }

  /* Closing the response before its end drops the connection, and the
   * engine stops a build whose client went away. */
  if (state->lines != NULL)
    g_input_stream_close (G_INPUT_STREAM (state->lines), NULL, NULL);

  /* The answer broke off because the context could not be read (e.g. an
   * unreadable file): that is what the user needs to hear. */
  if (state->answer != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      self->image_id == NULL)
    {
      GError *body_error = dockyard_upload_stream_dup_body_error (DOCKYARD_UPLOAD_STREAM (state->answer));

      if (body_error != NULL)
        {
          g_clear_error (&error);
          error = body_error;
          /* A transport's own error (over TLS: "TLS connection closed
           * unexpectedly") is an engine that went away. */
          if (error->domain != DOCKYARD_ENGINE_ERROR &&
              !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              GError *broken = g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                                            _("The connection to the engine broke during the "
                                              "build: %s"), error->message);

              g_clear_error (&error);
              error = broken;
            }
        }
    }

  /* Over TLS, a response that breaks off (the engine died) is a TLS error
   * of its own ("TLS connection closed unexpectedly"): the same broken
   * connection as on a unix socket. */
  if (error != NULL && error->domain == G_TLS_ERROR)
    {
      GError *broken = g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                                    _("The connection to the engine broke during the build: %s"),
                                    error->message);

      g_clear_error (&error);
      error = broken;
    }

  _dockyard_build_end (self);

  /* A response that stops without a result is an engine that went away
   * (libsoup reports a dropped chunked response as its end). */
  if (error == NULL && self->error_message == NULL && self->image_id == NULL)
    error = g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                         _("The engine stopped answering before the build finished."));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      set_state (self, DOCKYARD_BUILD_CANCELLED);
      g_task_return_error (task, error);
    }
  else if (error != NULL)
    {
      if (self->error_message == NULL)
        {
          self->error_message = g_strdup (error->message);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
        }
      set_state (self, DOCKYARD_BUILD_FAILED);
      g_task_return_error (task, error);
    }
  else if (self->error_message != NULL)
    {
      set_state (self, DOCKYARD_BUILD_FAILED);
      g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_BAD_REQUEST,
                               "%s", self->error_message);
    }
  else
    {
      set_state (self, DOCKYARD_BUILD_SUCCEEDED);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
      g_task_return_pointer (task, g_strdup (self->image_id), g_free);
    }

  g_object_unref (task);
}

static void
read_line_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  DockyardBuild *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;

  line = _dockyard_read_line_finish (G_BUFFERED_INPUT_STREAM (object), result, &length, &error);
  if (line == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        finish_run (task, g_error_new (DOCKYARD_ENGINE_ERROR,
                                       DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                       _("The engine sent a build progress line longer than "
                                         "%d MiB."), MAX_PROGRESS_LINE / (1024 * 1024)));
      else if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GError *broken = g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                                        _("The connection to the engine broke during the "
                                          "build: %s"), error->message);

          finish_run (task, broken);
        }
      else
        finish_run (task, g_steal_pointer (&error));
      return;
    }

  state->last_heard = g_get_monotonic_time ();
  _dockyard_build_feed_line (self, line, length);

  _dockyard_read_line_async (G_BUFFERED_INPUT_STREAM (state->lines), MAX_PROGRESS_LINE,
                             state->cancellable, read_line_cb, task);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  RunState *state = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  GError *error = NULL;

  stream = dockyard_engine_upload_finish (DOCKYARD_ENGINE (object), result, &error);
  if (stream == NULL)
    {
      finish_run (task, error);
      return;
    }

  state->last_heard = g_get_monotonic_time ();
  state->answer = g_object_ref (stream);
  state->lines = g_data_input_stream_new (stream);
  g_data_input_stream_set_newline_type (state->lines, G_DATA_STREAM_NEWLINE_TYPE_LF);
  _dockyard_read_line_async (G_BUFFERED_INPUT_STREAM (state->lines), MAX_PROGRESS_LINE,
                             state->cancellable, read_line_cb, task);
}

/* Watching for an engine that stopped ----------------------------------------- */

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardBuild *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean alive;

  alive = dockyard_engine_ping_finish (DOCKYARD_ENGINE (object), result, &error);
  g_clear_object (&state->probe);
  if (state->finished)
    return;

  if (alive)
    {
      /* Quiet, not gone: check again after another quiet spell. */
      state->last_heard = g_get_monotonic_time ();
      return;
    }

  g_debug ("The engine did not answer a ping during the build: %s", error->message);
  state->stall_error = g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TIMED_OUT,
                                    g_dngettext (GETTEXT_PACKAGE,
                                                 "The engine stopped answering during the "
                                                 "build: nothing came for %u second, and it "
                                                 "did not answer when checked: %s",
                                                 "The engine stopped answering during the "
                                                 "build: nothing came for %u seconds, and it "
                                                 "did not answer when checked: %s",
                                                 self->stall_check),
                                    self->stall_check, error->message);
  g_cancellable_cancel (state->cancellable);
}

static gboolean
stall_check_cb (gpointer user_data)
{
  GTask *task = user_data;
  DockyardBuild *self = g_task_get_source_object (task);
  RunState *state = g_task_get_task_data (task);

  if (state->probe != NULL || state->finished ||
      g_get_monotonic_time () - state->last_heard < (gint64) self->stall_check * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  /* A ping goes over a connection of its own, with its own timeout. */
  state->probe = g_cancellable_new ();
  dockyard_engine_ping_async (self->engine, state->probe, probe_cb, g_object_ref (task));
  return G_SOURCE_CONTINUE;
}

static gboolean
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static char *
build_path (DockyardBuild *self)
{
  GString *path = g_string_new ("/build?");
  g_autofree char *tag = g_uri_escape_string (self->tag, NULL, FALSE);
  g_autofree char *dockerfile = g_uri_escape_string (self->dockerfile, NULL, FALSE);

  /* BuildKit when the engine has it; otherwise the classic builder, told to
   * remove its intermediate containers even when a step fails. */
  if (dockyard_engine_get_has_buildkit (self->engine))
    g_string_append (path, "version=2&");
  else
    g_string_append (path, "rm=1&forcerm=1&");

  g_string_append_printf (path, "t=%s&dockerfile=%s", tag, dockerfile);

  if (self->target != NULL)
    {
      g_autofree char *target = g_uri_escape_string (self->target, NULL, FALSE);
      g_string_append_printf (path, "&target=%s", target);
    }

  if (self->network_mode != NULL)
    {
      g_autofree char *mode = g_uri_escape_string (self->network_mode, NULL, FALSE);
      g_string_append_printf (path, "&networkmode=%s", mode);
    }

  if (g_hash_table_size (self->build_args) > 0)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *json = NULL;
      g_autofree char *escaped = NULL;
      GHashTableIter iter;
      gpointer key, value;

      json_builder_begin_object (builder);
      g_hash_table_iter_init (&iter, self->build_args);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          json_builder_set_member_name (builder, key);
          json_builder_add_string_value (builder, value);
        }
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);
      json = json_to_string (node, FALSE);
      escaped = g_uri_escape_string (json, NULL, FALSE);
      g_string_append_printf (path, "&buildargs=%s", escaped);
    }

  return g_string_free (path, FALSE);
}

/**
 * dockyard_build_run_async:
 * @context_tar: the build context as a tar stream, read while it is sent
 *
 * Sends the context and follows the build until the engine finishes it.
 * The steps fill in as progress arrives.  Cancelling closes the request,
 * which makes the engine stop the build.
 */
void
dockyard_build_run_async (DockyardBuild       *self,
                          GInputStream        *context_tar,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autofree char *path = NULL;
  GTask *task;
  RunState *state;

  g_return_if_fail (DOCKYARD_IS_BUILD (self));
  g_return_if_fail (G_IS_INPUT_STREAM (context_tar));
  g_return_if_fail (self->state == DOCKYARD_BUILD_READY);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_build_run_async);

  path = build_path (self);
  state = g_new0 (RunState, 1);
  state->cancellable = g_cancellable_new ();
  state->last_heard = g_get_monotonic_time ();
  g_task_set_task_data (task, state, (GDestroyNotify) run_state_free);

  /* The caller's cancellable reaches the build's own from the main loop,
   * never from inside a "cancelled" handler, so finishing can drop it. */
  if (cancellable != NULL)
    {
      state->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (state->cancel_source, (GSourceFunc) caller_cancelled_cb,
                             g_object_ref (state->cancellable), g_object_unref);
      g_source_attach (state->cancel_source, g_task_get_context (task));
    }

  /* Checked every second; the engine is pinged after stall_check quiet ones. */
  if (self->stall_check > 0)
    {
      state->stall_source = g_timeout_source_new_seconds (1);
      g_source_set_static_name (state->stall_source, "[dockyard] build stall check");
      g_task_attach_source (task, state->stall_source, stall_check_cb);
    }

  set_state (self, DOCKYARD_BUILD_RUNNING);
  /* Unknown length: the tar is made while it is sent, in chunks. */
  dockyard_engine_upload_async (self->engine, path, "application/x-tar", context_tar,
                                state->cancellable, open_cb, task);
}

/**
 * dockyard_build_run_finish:
 *
 * Returns: (transfer full): the id of the built image, or %NULL with @error
 *   carrying the engine's message
 */
char *
dockyard_build_run_finish (DockyardBuild  *self,
                           GAsyncResult   *result,
                           GError        **error)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
