/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-build-record.h"
#include "dockyard-image.h"
#include "dockyard-window-private.h"

/* The project's last build, kept across restarts (issue 18, item 12): the
 * record Dockyard keeps of it (DockyardBuildRecord: when, how long, the
 * result) and the image in the engine's store (its size, when it was
 * made), shown on the Build page's empty state and on the Overview. */

/* "today at 14:05", or the date and time. */
static char *
format_when (gint64 usec)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = NULL;

  if (when == NULL)
    return g_strdup ("");

  time = g_date_time_format (when, "%H:%M");
  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    /* Translators: %s is a time of day, e.g. 14:05 */
    return g_strdup_printf (_("today at %s"), time);
  {
    g_autofree char *date = g_date_time_format (when, "%x");

    /* Translators: a date, then a time of day, e.g. "12/06/26 at 14:05" */
    return g_strdup_printf (_("%s at %s"), date, time);
  }
}

static char *
format_duration (gint64 usec)
{
  gint64 seconds = usec / G_USEC_PER_SEC;

  if (seconds < 60)
    /* Translators: a duration in seconds, e.g. "12.3 s" */
    return g_strdup_printf (_("%.1f s"), usec / (double) G_USEC_PER_SEC);
  /* Translators: a duration, e.g. "3 min 12 s" */
  return g_strdup_printf (_("%u min %u s"), (guint) (seconds / 60), (guint) (seconds % 60));
}

/* The project's image in the engine's store, by its tag (Podman lists
 * local names with "localhost/"). */
static DockyardImage *
find_project_image (DockyardWindow *self)
{
  g_autofree char *name = NULL;
  g_autofree char *local = NULL;

  if (self->project == NULL || self->images == NULL)
    return NULL;

  name = dockyard_project_dup_image_name (self->project);
  local = g_strconcat ("localhost/", name, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->images)); i++)
    {
      g_autoptr(DockyardImage) image = g_list_model_get_item (G_LIST_MODEL (self->images), i);

      if (dockyard_image_has_tag (image, name) || dockyard_image_has_tag (image, local))
        return g_steal_pointer (&image);
    }
  return NULL;
}

/**
 * _dockyard_window_show_build_state:
 *
 * Shows the last build on the Overview's Last Build row and on the Build
 * page while it shows no build of this session.
 */
void
_dockyard_window_show_build_state (DockyardWindow *self)
{
  DockyardBuildRecord *record = self->last_build;
  g_autoptr(DockyardImage) image = find_project_image (self);
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *image_text = NULL;

  if (self->project == NULL)
    return;

  if (image != NULL)
    {
      g_autofree char *size = g_format_size (dockyard_image_get_size (image));
      g_autofree char *made = format_when (dockyard_image_get_created (image) * G_USEC_PER_SEC);

      if (record != NULL && !dockyard_build_record_get_succeeded (record))
        /* Translators: %s is a size, e.g. "123.4 MB"; %s a time, e.g. "today at 14:05" */
        image_text = g_strdup_printf (_("The image from an earlier build is %s, made %s."), size, made);
      else
        /* Translators: %s is a size, e.g. "123.4 MB"; %s a time, e.g. "today at 14:05" */
        image_text = g_strdup_printf (_("The image is %s, made %s."), size, made);
    }

  if (record != NULL)
    {
      g_autofree char *when = format_when (dockyard_build_record_get_finished (record));
      g_autofree char *took = format_duration (dockyard_build_record_get_finished (record) -
                                               dockyard_build_record_get_started (record));
      const char *step = dockyard_build_record_get_failed_step (record);

      if (dockyard_build_record_get_succeeded (record))
        {
          title = g_strdup (_("Last Build Succeeded"));
          /* Translators: image name, when ("today at 14:05"), how long ("12.3 s") */
          summary = g_strdup_printf (_("Built %s %s in %s."), dockyard_build_record_get_tag (record),
                                     when, took);
        }
      else
        {
          title = g_strdup (_("Last Build Failed"));
          if (step != NULL)
            /* Translators: image name, when, how long, the failed instruction */
            summary = g_strdup_printf (_("The build of %s failed %s after %s, at “%s”."),
                                       dockyard_build_record_get_tag (record), when, took, step);
          else
            /* Translators: image name, when ("today at 14:05"), how long ("12.3 s") */
            summary = g_strdup_printf (_("The build of %s failed %s after %s."),
                                       dockyard_build_record_get_tag (record), when, took);
        }
    }
  else if (image != NULL)
    {
      title = g_strdup (_("Image Built"));
      /* Translators: %s is an image name */
      summary = g_strdup_printf (_("%s is in the engine’s store; it was not built from this window, so how its build went is not known."),
                                 dockyard_image_get_name (image));
    }

  if (summary != NULL)
    description = image_text != NULL ? g_strjoin (" ", summary, image_text, NULL) : g_strdup (summary);

  dockyard_build_view_set_last_build (self->build_view, title, description);
  adw_action_row_set_subtitle (self->last_build_row,
                               description != NULL ? description : _("Not built yet"));
  gtk_image_set_from_icon_name (self->last_build_icon,
                                record == NULL && image == NULL ? "dialog-information-symbolic"
                                : record != NULL && !dockyard_build_record_get_succeeded (record)
                                ? "dialog-error-symbolic" : "emblem-ok-symbolic");
}

/* The window is not kept alive by the read: closing it is immediate. */
static void
record_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GWeakRef *window_ref = user_data;
  g_autoptr(DockyardWindow) self = g_weak_ref_get (window_ref);
  g_autoptr(DockyardBuildRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (window_ref);
  g_free (window_ref);

  record = dockyard_build_record_load_finish (result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_set_object (&self->last_build, record);
  _dockyard_window_show_build_state (self);
}

/**
 * _dockyard_window_load_build_state:
 *
 * Reads the record of the open project's last build, then shows it.
 */
void
_dockyard_window_load_build_state (DockyardWindow *self)
{
  GWeakRef *window_ref;

  g_clear_object (&self->last_build);
  if (self->build_state_cancellable != NULL)
    g_cancellable_cancel (self->build_state_cancellable);
  g_clear_object (&self->build_state_cancellable);
  _dockyard_window_show_build_state (self);

  if (self->project == NULL)
    return;

  self->build_state_cancellable = g_cancellable_new ();
  window_ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (window_ref, self);
  dockyard_build_record_load_async (dockyard_project_get_directory (self->project),
                                    self->build_state_cancellable, record_loaded_cb,
                                    window_ref);
}

static void
record_saved_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!dockyard_build_record_save_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not keep the record of the build: %s", error->message);
}

/**
 * _dockyard_window_record_build:
 * @build: a build that ended, not cancelled
 * @image_id: (nullable): the image it made
 *
 * Keeps @build as the project's last build and shows it.
 */
void
_dockyard_window_record_build (DockyardWindow *self,
                               DockyardBuild  *build,
                               const char     *image_id)
{
  DockyardBuildStep *failed = dockyard_build_get_failed_step (build);
  g_autoptr(DockyardBuildRecord) record = NULL;

  if (self->project == NULL)
    return;

  record = dockyard_build_record_new (dockyard_build_get_tag (build), self->build_started,
                                      g_get_real_time (), image_id != NULL, image_id,
                                      failed != NULL ? dockyard_build_step_get_instruction (failed) : NULL);
  g_set_object (&self->last_build, record);
  dockyard_build_record_save_async (record, dockyard_project_get_directory (self->project),
                                    NULL, record_saved_cb, NULL);
  _dockyard_window_show_build_state (self);
}
