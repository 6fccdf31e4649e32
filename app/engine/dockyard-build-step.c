/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-build-private.h"
#include "dockyard-text.h"

/**
 * DockyardBuildStep:
 *
 * One step of a build as the engine reports it: a BuildKit vertex (or a
 * classic builder's "Step N/M"), with its state, timing and log.
 */
struct _DockyardBuildStep
{
  GObject  parent_instance;

  char    *id;
  char    *name;
  char    *stage;
  char    *instruction;
  guint    index;
  guint    total;
  DockyardBuildStepNumbering numbering;
  char    *error;
  GString *log;
  guint64  log_dropped;
  gsize    log_note_length;
  gint64   started;
  gint64   completed;
  guint    cached : 1;
};

G_DEFINE_FINAL_TYPE (DockyardBuildStep, dockyard_build_step, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_STATE,
  PROP_CACHED,
  PROP_ERROR,
  PROP_DURATION,
  N_PROPS
};

enum {
  LOG_APPENDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
dockyard_build_step_finalize (GObject *object)
{
  DockyardBuildStep *self = (DockyardBuildStep *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->stage, g_free);
  g_clear_pointer (&self->instruction, g_free);
  g_clear_pointer (&self->error, g_free);
  g_string_free (self->log, TRUE);

  G_OBJECT_CLASS (dockyard_build_step_parent_class)->finalize (object);
}

static void
dockyard_build_step_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DockyardBuildStep *self = DOCKYARD_BUILD_STEP (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_STATE:
      g_value_set_int (value, dockyard_build_step_get_state (self));
      break;
    case PROP_CACHED:
      g_value_set_boolean (value, self->cached);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_DURATION:
      g_value_set_int64 (value, dockyard_build_step_get_duration (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_build_step_class_init (DockyardBuildStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_build_step_finalize;
  object_class->get_property = dockyard_build_step_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      DOCKYARD_BUILD_STEP_WAITING, DOCKYARD_BUILD_STEP_FAILED,
                      DOCKYARD_BUILD_STEP_WAITING,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CACHED] =
    g_param_spec_boolean ("cached", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DURATION] =
    g_param_spec_int64 ("duration", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DockyardBuildStep::log-appended:
   * @text: the new output, not nul-terminated in general
   * @length: its length in bytes
   *
   * The step printed more output; dockyard_build_step_get_log() has all of it.
   */
  signals[LOG_APPENDED] =
    g_signal_new ("log-appended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT64);
}

static void
dockyard_build_step_init (DockyardBuildStep *self)
{
  self->log = g_string_new (NULL);
}

DockyardBuildStep *
_dockyard_build_step_new (const char *id)
{
  DockyardBuildStep *self = g_object_new (DOCKYARD_TYPE_BUILD_STEP, NULL);

  self->id = g_strdup (id);
  self->numbering = DOCKYARD_BUILD_STEP_NUMBERING_BUILDKIT;
  return self;
}

/* A continued RUN line keeps its indentation in the name: one space reads better. */
static char *
collapse_spaces (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
        }
      else
        g_string_append_c (out, *p);
    }

  if (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}

/* "[2/3] RUN make", "[builder 2/4] COPY . .", "[internal] load metadata ..." */
static void
parse_name (DockyardBuildStep *self)
{
  const char *name = self->name;
  const char *close;
  g_autofree char *inside = NULL;
  char *slash;
  char *space;

  g_clear_pointer (&self->stage, g_free);
  g_clear_pointer (&self->instruction, g_free);
  self->index = self->total = 0;

  if (name[0] != '[' || (close = strchr (name, ']')) == NULL)
    return;

  inside = g_strndup (name + 1, close - name - 1);
  self->instruction = collapse_spaces (close + 1);

  space = strrchr (inside, ' ');
  slash = strchr (space ? space + 1 : inside, '/');
  if (slash != NULL)
    {
      guint64 index, total;
      g_autofree char *counts = g_strdup (space ? space + 1 : inside);
      char *count_slash = strchr (counts, '/');

      *count_slash = '\0';
      if (g_ascii_string_to_unsigned (counts, 10, 1, G_MAXUINT, &index, NULL) &&
          g_ascii_string_to_unsigned (count_slash + 1, 10, 1, G_MAXUINT, &total, NULL))
        {
          self->index = index;
          self->total = total;
          if (space != NULL)
            self->stage = g_strndup (inside, space - inside);
          return;
        }
    }

  self->stage = g_steal_pointer (&inside);
}

gboolean
_dockyard_build_step_set_name (DockyardBuildStep *self,
                               const char        *name)
{
  if (name == NULL || *name == '\0' || g_strcmp0 (self->name, name) == 0)
    return FALSE;

  g_free (self->name);
  self->name = g_strdup (name);
  parse_name (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  return TRUE;
}

gboolean
_dockyard_build_step_set_times (DockyardBuildStep *self,
                                gint64             started,
                                gint64             completed)
{
  DockyardBuildStepState old_state = dockyard_build_step_get_state (self);
  gboolean changed = FALSE;

  if (started != 0 && started != self->started)
    {
      self->started = started;
      changed = TRUE;
    }
  if (completed != 0 && completed != self->completed)
    {
      self->completed = completed;
      changed = TRUE;
    }

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
  if (old_state != dockyard_build_step_get_state (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);

  return changed;
}

gboolean
_dockyard_build_step_set_cached (DockyardBuildStep *self,
                                 gboolean           cached)
{
  DockyardBuildStepState old_state = dockyard_build_step_get_state (self);

  if (self->cached == !!cached)
    return FALSE;

  self->cached = !!cached;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHED]);
  if (old_state != dockyard_build_step_get_state (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  return TRUE;
}

gboolean
_dockyard_build_step_set_error (DockyardBuildStep *self,
                                const char        *error)
{
  DockyardBuildStepState old_state = dockyard_build_step_get_state (self);

  if (error == NULL || *error == '\0' || g_strcmp0 (self->error, error) == 0)
    return FALSE;

  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  if (old_state != dockyard_build_step_get_state (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  return TRUE;
}

/* Keeps the newest output of a step that prints without end (Podman and
 * the classic builder can print gigabytes): the log is cut back to this
 * much, at a line end, once it is a quarter over, so a cut is rare. */
#define MAX_STEP_LOG (8 * 1024 * 1024)

static void
trim_log (DockyardBuildStep *self)
{
  g_autofree char *note = NULL;
  g_autofree char *size = NULL;
  gsize cut = self->log->len - MAX_STEP_LOG;
  const char *newline;

  newline = memchr (self->log->str + cut, '\n', MIN (self->log->len - cut, 64 * 1024));
  if (newline != NULL)
    cut = newline - self->log->str + 1;

  /* The previous note goes with what is cut; it is not output. */
  self->log_dropped += cut - MIN (cut, self->log_note_length);
  size = g_format_size (self->log_dropped);
  g_string_erase (self->log, 0, cut);
  /* Translators: at the top of a build step's log; %s is a size like "1.2 GB" */
  note = g_strdup_printf (_("[Earlier output of this step was dropped: %s]\n"), size);
  g_string_prepend (self->log, note);
  self->log_note_length = strlen (note);
}

void
_dockyard_build_step_append_log (DockyardBuildStep *self,
                                 const char        *text,
                                 gsize              length)
{
  if (length == 0)
    return;

  g_string_append_len (self->log, text, length);
  if (self->log->len > MAX_STEP_LOG + MAX_STEP_LOG / 4)
    trim_log (self);
  g_signal_emit (self, signals[LOG_APPENDED], 0, text, (guint64) length);
}

/* For builders that do not time their steps (the classic builder). */
void
_dockyard_build_step_finish (DockyardBuildStep *self,
                             gint64             completed)
{
  if (self->completed == 0)
    _dockyard_build_step_set_times (self, self->started ? 0 : completed, completed);
}

const char *
dockyard_build_step_get_id (DockyardBuildStep *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), NULL);
  return self->id;
}

/**
 * dockyard_build_step_get_name:
 *
 * Returns: (nullable): the step as the engine names it, e.g. "[2/3] RUN make"
 */
const char *
dockyard_build_step_get_name (DockyardBuildStep *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), NULL);
  return self->name;
}

DockyardBuildStepState
dockyard_build_step_get_state (DockyardBuildStep *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), DOCKYARD_BUILD_STEP_WAITING);

  if (self->error != NULL)
    return DOCKYARD_BUILD_STEP_FAILED;
  if (self->completed != 0)
    return self->cached ? DOCKYARD_BUILD_STEP_CACHED : DOCKYARD_BUILD_STEP_DONE;
  if (self->started != 0)
    return DOCKYARD_BUILD_STEP_RUNNING;
  if (self->cached)
    return DOCKYARD_BUILD_STEP_CACHED;
  return DOCKYARD_BUILD_STEP_WAITING;
}

gboolean
dockyard_build_step_get_cached (DockyardBuildStep *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), FALSE);
  return self->cached;
}

/**
 * dockyard_build_step_get_error:
 *
 * Returns: (nullable): why the step failed
 */
const char *
dockyard_build_step_get_error (DockyardBuildStep *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), NULL);
  return self->error;
}

/**
 * dockyard_build_step_get_duration:
 *
 * Returns: how long the step took, in microseconds; 0 until it completed
 */
gint64
dockyard_build_step_get_duration (DockyardBuildStep *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), 0);

  if (self->started == 0 || self->completed < self->started)
    return 0;

  return self->completed - self->started;
}

/**
 * dockyard_build_step_get_log:
 *
 * Returns: the output of the step so far (as the engine sent it): the
 *   newest 8 MiB or so, after a line that says how much earlier output was
 *   dropped when there was more
 */
const char *
dockyard_build_step_get_log (DockyardBuildStep *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), NULL);
  return self->log->str;
}

/**
 * dockyard_build_step_dup_log_tail:
 * @n_lines: how many lines
 *
 * Returns: (transfer full): the last @n_lines lines of the log
 */
char *
dockyard_build_step_dup_log_tail (DockyardBuildStep *self,
                                  guint              n_lines)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), NULL);

  return dockyard_text_dup_tail (self->log->str, self->log->len, n_lines);
}

/**
 * dockyard_build_step_dup_log_summary:
 *
 * The step's error headline (a line starting with "error:" or "ERROR:")
 * first where its log has one, then its last @n_lines lines: see
 * dockyard_text_dup_summary().
 *
 * Returns: (transfer full): the summary of the log
 */
char *
dockyard_build_step_dup_log_summary (DockyardBuildStep *self,
                                     guint              n_lines)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), NULL);

  return dockyard_text_dup_summary (self->log->str, self->log->len, n_lines);
}

/**
 * dockyard_build_step_get_stage:
 *
 * Returns: (nullable): the stage name in the step's name ("builder",
 *   "stage-1", "internal"), %NULL for the only stage
 */
const char *
dockyard_build_step_get_stage (DockyardBuildStep *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), NULL);
  return self->stage;
}

/**
 * dockyard_build_step_get_index:
 *
 * Returns: N of "[N/M]": the step's instruction within its stage, FROM
 *   being 1; 0 for steps that are not instructions
 */
guint
dockyard_build_step_get_index (DockyardBuildStep *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), 0);
  return self->index;
}

guint
dockyard_build_step_get_total (DockyardBuildStep *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), 0);
  return self->total;
}

/**
 * dockyard_build_step_get_instruction:
 *
 * Returns: (nullable): the name without its "[...]" prefix, e.g. "RUN make"
 */
const char *
dockyard_build_step_get_instruction (DockyardBuildStep *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), NULL);
  return self->instruction ? self->instruction : self->name;
}

void
_dockyard_build_step_set_numbering (DockyardBuildStep          *self,
                                    DockyardBuildStepNumbering  numbering)
{
  self->numbering = numbering;
}

/**
 * dockyard_build_step_get_numbering:
 *
 * Returns: what N of the step's "[N/M]" counts, or
 *   %DOCKYARD_BUILD_STEP_NUMBERING_NONE for steps that are no instruction
 */
DockyardBuildStepNumbering
dockyard_build_step_get_numbering (DockyardBuildStep *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (self), DOCKYARD_BUILD_STEP_NUMBERING_NONE);
  return self->index > 0 ? self->numbering : DOCKYARD_BUILD_STEP_NUMBERING_NONE;
}
