/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-build-step-row.h"

/* Past this, the oldest output is dropped from the view (the step keeps all). */
#define MAX_LOG_VIEW_CHARS (512 * 1024)

struct _DockyardBuildStepRow
{
  AdwExpanderRow     parent_instance;

  /* Template widgets */
  GtkStack          *state_stack;
  GtkSpinner        *spinner;
  GtkLabel          *cached_badge;
  GtkTextView       *log_view;

  /* Owned */
  DockyardBuildStep *step;
  gboolean           stopped;
};

G_DEFINE_FINAL_TYPE (DockyardBuildStepRow, dockyard_build_step_row, ADW_TYPE_EXPANDER_ROW)

enum {
  SHOW_FULL_LOG,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
full_log_clicked_cb (DockyardBuildStepRow *self)
{
  g_signal_emit (self, signals[SHOW_FULL_LOG], 0);
}

static char *
format_duration (gint64 usec)
{
  if (usec < G_USEC_PER_SEC)
    /* Translators: a duration in milliseconds */
    return g_strdup_printf (_("%d ms"), (int) (usec / 1000));

  if (usec < 60 * G_USEC_PER_SEC)
    /* Translators: a duration in seconds */
    return g_strdup_printf (_("%.1f s"), usec / (double) G_USEC_PER_SEC);

  /* Translators: a duration in minutes and seconds */
  return g_strdup_printf (_("%d min %d s"), (int) (usec / (60 * G_USEC_PER_SEC)),
                          (int) (usec / G_USEC_PER_SEC) % 60);
}

static gboolean
stage_is_named (DockyardBuildStep *step)
{
  const char *stage = dockyard_build_step_get_stage (step);

  if (stage == NULL)
    return FALSE;
  if (g_str_has_prefix (stage, "stage-") && stage[6] != '\0' &&
      strspn (stage + 6, "0123456789") == strlen (stage + 6))
    return FALSE;
  return TRUE;
}

static void
update (DockyardBuildStepRow *self)
{
  DockyardBuildStepState state = dockyard_build_step_get_state (self->step);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  const char *instruction = dockyard_build_step_get_instruction (self->step);
  const char *page;

  /* "[2/3] RUN make" reads better as a numbered step.  BuildKit's own names
   * for unnamed stages ("stage-0") say nothing the numbers do not. */
  if (dockyard_build_step_get_index (self->step) > 0 && stage_is_named (self->step))
    /* Translators: build stage name, step number, total steps, instruction */
    title = g_strdup_printf (_("%s %u/%u · %s"), dockyard_build_step_get_stage (self->step),
                             dockyard_build_step_get_index (self->step),
                             dockyard_build_step_get_total (self->step), instruction);
  else if (dockyard_build_step_get_index (self->step) > 0)
    /* Translators: step number, total steps, instruction */
    title = g_strdup_printf (_("%u/%u · %s"), dockyard_build_step_get_index (self->step),
                             dockyard_build_step_get_total (self->step), instruction);
  else
    title = g_strdup (instruction ? instruction : "");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);

  /* BuildKit's own work around the Dockerfile's steps (loading the
   * definition and the context, exporting the image): shown, but quieter,
   * so the numbered steps stand out. */
  if (dockyard_build_step_get_index (self->step) == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self), "build-internal");

  switch (state)
    {
    case DOCKYARD_BUILD_STEP_RUNNING:
      page = self->stopped ? "waiting" : "running";
      break;
    case DOCKYARD_BUILD_STEP_DONE:
      page = "done";
      subtitle = format_duration (dockyard_build_step_get_duration (self->step));
      break;
    case DOCKYARD_BUILD_STEP_CACHED:
      /* The badge says it all; a cache hit takes no time worth showing. */
      page = "done";
      break;
    case DOCKYARD_BUILD_STEP_FAILED:
      page = "failed";
      subtitle = g_strdup (dockyard_build_step_get_error (self->step));
      break;
    case DOCKYARD_BUILD_STEP_WAITING:
    default:
      page = "waiting";
      break;
    }

  gtk_stack_set_visible_child_name (self->state_stack, page);
  gtk_spinner_set_spinning (self->spinner, state == DOCKYARD_BUILD_STEP_RUNNING && !self->stopped);
  gtk_widget_set_visible (GTK_WIDGET (self->cached_badge),
                          dockyard_build_step_get_cached (self->step));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle ? subtitle : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
}

/* Build logs are not terminal output: make them valid text for the view. */
static void
append_log (DockyardBuildStepRow *self,
            const char           *text,
            gsize                 length)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  g_autofree char *valid = g_utf8_make_valid (text, length);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, valid, -1);

  if (gtk_text_buffer_get_char_count (buffer) > MAX_LOG_VIEW_CHARS)
    {
      GtkTextIter start, cut;

      gtk_text_buffer_get_start_iter (buffer, &start);
      gtk_text_buffer_get_iter_at_offset (buffer, &cut,
                                          gtk_text_buffer_get_char_count (buffer) - MAX_LOG_VIEW_CHARS);
      gtk_text_buffer_delete (buffer, &start, &cut);
    }
}

static void
log_appended_cb (DockyardBuildStepRow *self,
                 const char           *text,
                 guint64               length,
                 DockyardBuildStep    *step)
{
  append_log (self, text, length);
}

static void
dockyard_build_step_row_dispose (GObject *object)
{
  DockyardBuildStepRow *self = (DockyardBuildStepRow *)object;

  if (self->step != NULL)
    g_signal_handlers_disconnect_by_data (self->step, self);
  g_clear_object (&self->step);

  /* No gtk_widget_dispose_template(): AdwExpanderRow owns where the template's
   * children live (its rows list and suffix box) and disposes them itself. */

  G_OBJECT_CLASS (dockyard_build_step_row_parent_class)->dispose (object);
}

static void
dockyard_build_step_row_class_init (DockyardBuildStepRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dockyard_build_step_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/dockyard-build-step-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildStepRow, state_stack);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildStepRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildStepRow, cached_badge);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildStepRow, log_view);
  gtk_widget_class_bind_template_callback (widget_class, full_log_clicked_cb);

  /**
   * DockyardBuildStepRow::show-full-log:
   *
   * The user asked for the step's output on the whole page.
   */
  signals[SHOW_FULL_LOG] = g_signal_new ("show-full-log", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
dockyard_build_step_row_init (DockyardBuildStepRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dockyard_build_step_row_new:
 *
 * Returns: (transfer floating): a row following @step
 */
GtkWidget *
dockyard_build_step_row_new (DockyardBuildStep *step)
{
  DockyardBuildStepRow *self;
  const char *log;

  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP (step), NULL);

  self = g_object_new (DOCKYARD_TYPE_BUILD_STEP_ROW, NULL);
  self->step = g_object_ref (step);

  log = dockyard_build_step_get_log (step);
  append_log (self, log, strlen (log));

  g_signal_connect_object (step, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (step, "log-appended", G_CALLBACK (log_appended_cb), self,
                           G_CONNECT_SWAPPED);
  update (self);

  return GTK_WIDGET (self);
}

DockyardBuildStep *
dockyard_build_step_row_get_step (DockyardBuildStepRow *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP_ROW (self), NULL);
  return self->step;
}

/* The build ended: a step the engine never completed is not running anymore. */
void
dockyard_build_step_row_stop (DockyardBuildStepRow *self)
{
  g_return_if_fail (DOCKYARD_IS_BUILD_STEP_ROW (self));

  self->stopped = TRUE;
  update (self);
}

/**
 * dockyard_build_step_row_get_log_buffer:
 *
 * Returns: (transfer none): the step's output as the row shows it (it
 *   keeps growing while the step runs)
 */
GtkTextBuffer *
dockyard_build_step_row_get_log_buffer (DockyardBuildStepRow *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_STEP_ROW (self), NULL);
  return gtk_text_view_get_buffer (self->log_view);
}
