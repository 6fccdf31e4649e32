/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-read-file.h"
#include "dockyard-adaptive.h"
#include "dockyard-deferred-show.h"
#include "dockyard-dockerfile-generator.h"
#include "dockyard-dockerfile-page-private.h"
#include "dockyard-line-diff.h"
#include "dockyard-image.h"
#include "dockyard-dockerfile-update.h"
#include "dockyard-finding.h"
#include "dockyard-form-text.h"

/**
 * DockyardDockerfilePage:
 *
 * The project's Dockerfile as a form that only allows pinned versions and
 * cached package installs, with a live preview of the file and its
 * findings.
 *
 * The page edits text, not just a model: the form is read from the file,
 * and a change of the form is written back as edits of the lines it
 * concerns (dockyard_dockerfile_update_text()), so a hand-written file
 * keeps its layout and a file nobody changed is never rewritten.  Fixes of
 * findings are edits of the same text, after which the form is read again.
 */

#define PREVIEW_DELAY_MS      150

/* Offered by "Add JupyterLab": a release, not a range. */
#define DEFAULT_JUPYTERLAB_VERSION "4.2.5"
#define DEFAULT_BASE_IMAGE         "python"


G_DEFINE_FINAL_TYPE (DockyardDockerfilePage, dockyard_dockerfile_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_DIRTY,
  PROP_BUSY,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---------------------------------------------------------------------- */
/* Busy                                                                   */

void
_dockyard_dockerfile_page_set_busy (DockyardDockerfilePage *self)
{
  gboolean busy = self->loading || self->saving || self->linting ||
                  self->preview_source != 0 || self->requirements_source != 0 ||
                  self->requirements_cancellable != NULL || self->pin_cancellable != NULL ||
                  self->n_threads > 0;

  if (busy == self->busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* ---------------------------------------------------------------------- */
/* Preview                                                                */

static void
update_tag_colors (DockyardDockerfilePage *self)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  /* The GNOME palette: blue 3 / purple 3 / dark 2 in light mode, their
   * lighter siblings on a dark background. */
  g_object_set (self->keyword_tag,
                "foreground", dark ? "#99c1f1" : "#1a5fb4",
                NULL);
  g_object_set (self->flag_tag,
                "foreground", dark ? "#dc8add" : "#813d9c",
                NULL);
  g_object_set (self->comment_tag,
                "foreground", dark ? "#9a9996" : "#77767b",
                NULL);
  /* Yellow 1 at low strength: a mark behind the text, not a colour of it. */
  g_object_set (self->changed_tag,
                "paragraph-background", dark ? "#4d4419" : "#fbf1c7",
                NULL);
}

/**
 * _dockyard_dockerfile_page_mark_changes:
 *
 * Marks the preview's lines that a fix or an edit of the form changed:
 * those that differ from the file as it is on disk.
 */
void
_dockyard_dockerfile_page_mark_changes (DockyardDockerfilePage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->preview_view);
  g_autoptr(GPtrArray) changes = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->changed_tag, &start, &end);
  if (self->text == NULL || self->disk_text == NULL)
    return;

  changes = dockyard_line_diff (self->disk_text, self->disk_length, self->text, self->length);
  for (guint i = 0; i < changes->len; i++)
    {
      DockyardLineChange *change = g_ptr_array_index (changes, i);

      if (change->kind != DOCKYARD_LINE_ADDED)
        continue;
      gtk_text_buffer_get_iter_at_line (buffer, &start, change->new_line - 1);
      end = start;
      if (!gtk_text_iter_ends_line (&end))
        gtk_text_iter_forward_to_line_end (&end);
      gtk_text_iter_forward_char (&end);
      gtk_text_buffer_apply_tag (buffer, self->changed_tag, &start, &end);
    }
}

static void
highlight (DockyardDockerfilePage *self,
           const char             *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->preview_view);
  g_autoptr(GArray) spans = dockyard_form_highlight (text);

  for (guint i = 0; i < spans->len; i++)
    {
      const DockyardHighlight *span = &g_array_index (spans, DockyardHighlight, i);
      GtkTextTag *tag = span->kind == DOCKYARD_HIGHLIGHT_KEYWORD ? self->keyword_tag
                      : span->kind == DOCKYARD_HIGHLIGHT_FLAG ? self->flag_tag
                      : self->comment_tag;
      GtkTextIter a, b;

      if (!gtk_text_buffer_get_iter_at_line_index (buffer, &a, span->line, span->start) ||
          !gtk_text_buffer_get_iter_at_line_index (buffer, &b, span->line, span->end))
        continue;
      gtk_text_buffer_apply_tag (buffer, tag, &a, &b);
    }
}

/* Selects line @line (1-based) of the preview and scrolls to it; FALSE if
 * the preview does not have that line (yet). */
gboolean
_dockyard_dockerfile_page_select_line (DockyardDockerfilePage *self,
                                       guint                   line)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->preview_view);
  GtkTextIter start;
  GtkTextIter end;

  if (line == 0 || line > (guint) gtk_text_buffer_get_line_count (buffer) ||
      !gtk_text_buffer_get_iter_at_line (buffer, &start, line - 1))
    return FALSE;

  end = start;
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  gtk_text_buffer_select_range (buffer, &start, &end);
  gtk_text_view_scroll_to_iter (self->preview_view, &start, 0.0, TRUE, 0.0, 0.2);
  return TRUE;
}

static void
set_preview_text (DockyardDockerfilePage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->preview_view);

  if (g_utf8_validate (self->text, self->length, NULL) && memchr (self->text, '\0', self->length) == NULL)
    {
      gtk_text_buffer_set_text (buffer, self->text, self->length);
      highlight (self, self->text);
      _dockyard_dockerfile_page_mark_changes (self);
    }
  else
    {
      g_autofree char *valid = g_utf8_make_valid (self->text, self->length);
      gtk_text_buffer_set_text (buffer, valid, -1);
    }

  if (self->pending_line != 0 && _dockyard_dockerfile_page_select_line (self, self->pending_line))
    {
      self->pending_line = 0;
      gtk_widget_grab_focus (GTK_WIDGET (self->preview_view));
    }
}

/* ---------------------------------------------------------------------- */
/* State shown around the form                                            */

void
_dockyard_dockerfile_page_update_actions (DockyardDockerfilePage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean ready = self->project != NULL && !self->loading && !self->saving;
  gboolean editable = ready && self->editable;
  gboolean jupyter = self->form != NULL && dockyard_dockerfile_model_get_jupyterlab_version (self->form) != NULL;
  gboolean fresh = _dockyard_dockerfile_page_lint_is_fresh (self);

  /* Untouched, Save is offered even with an error: pressing it shows what
   * is missing. */
  gtk_widget_action_set_enabled (widget, "dockerfile.save",
                                 ready && (self->error == NULL || !self->touched) &&
                                 (self->dirty || !self->has_file));
  gtk_widget_action_set_enabled (widget, "dockerfile.reload", self->project != NULL && !self->saving);
  gtk_widget_action_set_enabled (widget, "dockerfile.keep-mine", self->project != NULL);
  gtk_widget_action_set_enabled (widget, "dockerfile.reload-changed", self->project != NULL && !self->saving);
  gtk_widget_action_set_enabled (widget, "dockerfile.undo-save",
                                 ready && self->undo_previous != NULL &&
                                 (self->undo_requirements || !self->dirty));
  gtk_widget_action_set_enabled (widget, "dockerfile.fix", ready && fresh);
  gtk_widget_action_set_enabled (widget, "dockerfile.fix-all", ready && fresh && _dockyard_dockerfile_page_has_fixable_findings (self));
  gtk_widget_action_set_enabled (widget, "dockerfile.add-jupyterlab", editable && !jupyter);
  gtk_widget_action_set_enabled (widget, "dockerfile.remove-jupyterlab", editable && jupyter);
  gtk_widget_action_set_enabled (widget, "dockerfile.set-image", editable);
  gtk_widget_action_set_enabled (widget, "dockerfile.set-version", editable);
  gtk_widget_action_set_enabled (widget, "dockerfile.pin-requirements",
                                 ready && self->engine != NULL && self->n_unpinned > 0 &&
                                 self->pin_cancellable == NULL);
}

void
_dockyard_dockerfile_page_update_status (DockyardDockerfilePage *self)
{
  const char *status;

  /* An image error is shown at the field already. */
  if (self->error != NULL && !self->touched)
    status = self->has_file ? _("Fill in the form, then save")
                            : _("Not saved yet: saving creates the Dockerfile, a .dockerignore and requirements.txt");
  else if (self->error != NULL && self->image_error)
    status = _("Give the base image an exact version to save");
  else if (self->error != NULL)
    status = self->error;
  else if (self->saving)
    status = _("Saving…");
  else if (self->disk_changed)
    status = _("Changed on disk; your unsaved changes are still here");
  else if (self->dirty)
    status = _("Unsaved changes");
  else if (!self->has_file)
    status = _("Not saved yet: saving creates the Dockerfile, a .dockerignore and requirements.txt");
  else if (self->hand_written)
    status = _("Hand-written Dockerfile: saving rewrites only the lines you change");
  else
    status = _("Saved");

  gtk_label_set_label (self->status_label, status);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), status);
  if (self->error != NULL && self->touched)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
    }
}

void
_dockyard_dockerfile_page_update_dirty (DockyardDockerfilePage *self)
{
  gboolean dirty = self->text != NULL &&
                   !texts_equal (self->text, self->length, self->clean_text, self->clean_length);

  /* Undo of a save only while the page still shows what it saved. */
  if (dirty && !self->undo_requirements)
    _dockyard_dockerfile_page_forget_undo (self);

  if (dirty != self->dirty)
    {
      self->dirty = dirty;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
    }
  _dockyard_dockerfile_page_update_status (self);
  _dockyard_dockerfile_page_update_actions (self);
}

/* ---------------------------------------------------------------------- */
/* The text                                                               */

static char *
compute_text (DockyardDockerfilePage *self,
              gsize                  *length)
{
  char *text;

  if (self->base_text == NULL)
    {
      text = dockyard_dockerfile_model_generate (self->form);
      *length = strlen (text);
      return text;
    }

  if (self->base_model == NULL)
    {
      *length = self->base_length;
      return dup_text (self->base_text, self->base_length);
    }

  text = dockyard_dockerfile_update_text (self->base_text, self->base_length,
                                          self->base_model, self->form, length);
  if (text == NULL)
    {
      /* Not expressible as edits of the file: the whole file is written,
       * which the save confirmation of a hand-written file covers. */
      text = dockyard_dockerfile_model_generate (self->form);
      *length = strlen (text);
    }

  return text;
}

void
_dockyard_dockerfile_page_update_preview (DockyardDockerfilePage *self)
{
  g_autofree char *text = NULL;
  g_autofree char *other = NULL;
  gsize length;

  g_clear_handle_id (&self->preview_source, g_source_remove);
  if (self->form == NULL)
    return;

  text = compute_text (self, &length);
  other = dockyard_form_other_instructions (self->form);
  gtk_widget_set_visible (GTK_WIDGET (self->other_group), *other != '\0');
  gtk_label_set_label (self->other_label, other);

  if (self->text == NULL || !texts_equal (text, length, self->text, self->length))
    {
      g_free (self->text);
      self->text = g_steal_pointer (&text);
      self->length = length;
      set_preview_text (self);
      _dockyard_dockerfile_page_start_lint (self);
    }

  _dockyard_dockerfile_page_update_dirty (self);
  _dockyard_dockerfile_page_set_busy (self);
}

static gboolean
preview_timeout_cb (gpointer user_data)
{
  DockyardDockerfilePage *self = user_data;

  self->preview_source = 0;
  _dockyard_dockerfile_page_update_preview (self);
  return G_SOURCE_REMOVE;
}

void
_dockyard_dockerfile_page_schedule_preview (DockyardDockerfilePage *self)
{
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (PREVIEW_DELAY_MS, preview_timeout_cb, self);
  _dockyard_dockerfile_page_set_busy (self);
}

/* Makes @text the text the form edits: after loading and after a fix. */
void
_dockyard_dockerfile_page_set_document_text (DockyardDockerfilePage *self,
                                             const char             *text,
                                             gsize                   length)
{
  g_autoptr(DockyardDockerfile) dockerfile = NULL;
  g_autoptr(GError) error = NULL;

  g_free (self->base_text);
  self->base_text = dup_text (text, length);
  self->base_length = length;
  g_clear_object (&self->base_model);
  g_clear_object (&self->form);

  dockerfile = dockyard_dockerfile_new_from_data (text, length, &error);
  if (dockerfile != NULL)
    {
      self->base_model = dockyard_dockerfile_model_new_from_dockerfile (dockerfile);
      self->form = dockyard_dockerfile_model_new_from_dockerfile (dockerfile);
    }
  else
    {
      g_autofree char *message = NULL;

      self->form = dockyard_dockerfile_model_new ();
      /* Translators: %s says what is wrong with the file */
      message = g_strdup_printf (_("The form cannot show this Dockerfile: %s. Fix it in a text editor, then reload."),
                                 error->message);
      gtk_label_set_label (self->form_message, message);
    }

  self->editable = dockerfile != NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->form_message), dockerfile == NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (self->form_box);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (child != GTK_WIDGET (self->form_message))
      gtk_widget_set_sensitive (child, dockerfile != NULL);

  _dockyard_dockerfile_page_load_form (self);
  _dockyard_dockerfile_page_form_updated (self);
  _dockyard_dockerfile_page_update_preview (self);
  _dockyard_dockerfile_page_schedule_requirements (self, 0);
}

static void
new_document (DockyardDockerfilePage *self)
{
  g_clear_pointer (&self->base_text, g_free);
  g_clear_object (&self->base_model);
  g_clear_object (&self->form);
  self->form = dockyard_dockerfile_model_new ();
  dockyard_dockerfile_model_set_base_image (self->form, DEFAULT_BASE_IMAGE);

  self->editable = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->form_message), FALSE);
  for (GtkWidget *child = gtk_widget_get_first_child (self->form_box);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_sensitive (child, TRUE);

  _dockyard_dockerfile_page_load_form (self);
  _dockyard_dockerfile_page_form_updated (self);
  _dockyard_dockerfile_page_update_preview (self);
  _dockyard_dockerfile_page_schedule_requirements (self, 0);
}

/* ---------------------------------------------------------------------- */
/* Loading                                                                */

static gboolean
is_hand_written (const char *text,
                 gsize       length)
{
  g_autoptr(DockyardDockerfile) dockerfile = dockyard_dockerfile_new_from_data (text, length, NULL);
  g_autoptr(DockyardDockerfileModel) model = NULL;
  g_autofree char *generated = NULL;

  if (dockerfile == NULL)
    return TRUE;
  model = dockyard_dockerfile_model_new_from_dockerfile (dockerfile);
  generated = dockyard_dockerfile_model_generate (model);
  return !texts_equal (generated, strlen (generated), text, length);
}

GFile *
_dockyard_dockerfile_page_dockerfile_file (DockyardDockerfilePage *self)
{
  /* The project's own, or the one its devcontainer.json names. */
  return g_object_ref (dockyard_project_get_dockerfile (self->project));
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DockyardDockerfilePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!dockyard_read_file_finish (G_FILE (object), result, &contents, &length, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  gtk_spinner_stop (self->loading_spinner);
  self->overwrite_confirmed = FALSE;
  g_clear_pointer (&self->disk_text, g_free);
  g_clear_pointer (&self->clean_text, g_free);
  g_clear_pointer (&self->text, g_free);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      self->has_file = FALSE;
      _dockyard_dockerfile_page_update_actions (self);
      _dockyard_dockerfile_page_set_busy (self);
      return;
    }

  self->has_file = error == NULL;
  if (self->has_file)
    {
      self->hand_written = is_hand_written (contents, length);
      self->disk_text = dup_text (contents, length);
      self->disk_length = length;
      self->clean_text = dup_text (contents, length);
      self->clean_length = length;
      _dockyard_dockerfile_page_set_document_text (self, contents, length);
    }
  else
    {
      self->hand_written = FALSE;
      new_document (self);
      /* The defaults are not a change of the user's. */
      self->clean_text = dup_text (self->text, self->length);
      self->clean_length = self->length;
    }

  gtk_stack_set_visible_child_name (self->stack, "form");
  _dockyard_dockerfile_page_update_dirty (self);
  _dockyard_dockerfile_page_set_busy (self);
}

static void
load (DockyardDockerfilePage *self)
{
  g_autoptr(GFile) file = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->saving = FALSE;
  /* The file as it is on disk now: nothing left to tell about it. */
  self->disk_changed = FALSE;
  gtk_revealer_set_reveal_child (self->disk_changed_revealer, FALSE);

  if (self->project == NULL)
    {
      self->loading = FALSE;
      gtk_stack_set_visible_child_name (self->stack, "empty");
      _dockyard_dockerfile_page_update_actions (self);
      _dockyard_dockerfile_page_set_busy (self);
      return;
    }

  self->loading = TRUE;
  gtk_spinner_start (self->loading_spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  _dockyard_dockerfile_page_update_actions (self);
  _dockyard_dockerfile_page_set_busy (self);

  file = _dockyard_dockerfile_page_dockerfile_file (self);
  dockyard_read_file_async (dockyard_project_get_directory (self->project), file,
                            DOCKYARD_MAX_TEXT_FILE_SIZE, self->cancellable, load_cb,
                            g_object_ref (self));
}

/* ---------------------------------------------------------------------- */
/* Other actions                                                          */

static void
add_jupyterlab_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);

  dockyard_dockerfile_model_set_jupyterlab_version (self->form, DEFAULT_JUPYTERLAB_VERSION);
  _dockyard_dockerfile_page_load_form (self);
  _dockyard_dockerfile_page_form_updated (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->jupyter_row));
}

static void
remove_jupyterlab_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);

  dockyard_dockerfile_model_set_jupyterlab_version (self->form, NULL);
  _dockyard_dockerfile_page_load_form (self);
  _dockyard_dockerfile_page_form_updated (self);
}

void
_dockyard_dockerfile_page_reload (DockyardDockerfilePage *self)
{
  load (self);
}

static void
reload_response_cb (AdwMessageDialog       *dialog,
                    const char             *response,
                    DockyardDockerfilePage *self)
{
  if (g_strcmp0 (response, "reload") == 0)
    load (self);
}

/* Unsaved changes are not thrown away without asking. */
static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;

  if (!self->dirty || !GTK_IS_WINDOW (root))
    {
      load (self);
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root),
                                                       _("Discard Your Changes?"),
                                                       _("Reloading shows the Dockerfile as it is "
                                                         "on disk. The changes you made in the form "
                                                         "are lost.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "reload", _("_Reload"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "reload", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (reload_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
set_image_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);

  set_row_text (self->image_row, g_variant_get_string (parameter, NULL));
  gtk_widget_grab_focus (GTK_WIDGET (self->version_row));
}

/* An image of the engine: its name and its tag, as they are. */
static void
set_base_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);
  g_autofree char *image = NULL;
  g_autofree char *version = NULL;

  dockyard_form_split_base_image (g_variant_get_string (parameter, NULL), &image, &version);
  set_row_text (self->image_row, image);
  set_row_text (self->version_row, version != NULL ? version : "");
  gtk_widget_grab_focus (GTK_WIDGET (self->version_row));
}

static void
pin_digest_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);
  g_autofree char *version = g_strdup (self->digest_version);

  if (version != NULL)
    set_row_text (self->version_row, version);
}

static void
set_version_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);

  set_row_text (self->version_row, g_variant_get_string (parameter, NULL));
  gtk_widget_grab_focus (GTK_WIDGET (self->version_row));
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The image menu: what the engine has (builds start without a download),
 * then the common images.  The project's own images are not offered. */
static void
update_image_menu (DockyardDockerfilePage *self)
{
  g_autoptr(GMenu) local = g_menu_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *own = NULL;
  char *colon;

  if (self->project != NULL)
    {
      own = dockyard_project_dup_image_name (self->project);
      if ((colon = strrchr (own, ':')) != NULL)
        *colon = '\0';
    }

  for (guint i = 0; self->images != NULL && i < g_list_model_get_n_items (self->images); i++)
    {
      g_autoptr(DockyardImage) image = g_list_model_get_item (self->images, i);
      const char * const *tags = dockyard_image_get_tags (image);

      for (guint j = 0; tags != NULL && tags[j] != NULL; j++)
        {
          g_autofree char *repo = g_strdup (tags[j]);

          if (g_str_has_prefix (tags[j], "<none>"))
            continue;
          if ((colon = strrchr (repo, ':')) != NULL && strchr (colon, '/') == NULL)
            *colon = '\0';
          if (own != NULL && g_str_equal (repo, own))
            continue;
          g_ptr_array_add (names, g_strdup (tags[j]));
        }
    }
  g_ptr_array_sort (names, compare_strings);

  /* A long list is no menu: the first 15 by name. */
  for (guint i = 0; i < names->len && i < 15; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (g_ptr_array_index (names, i), NULL);

      g_menu_item_set_action_and_target_value (item, "dockerfile.set-base",
                                               g_variant_new_string (g_ptr_array_index (names, i)));
      g_menu_append_item (local, item);
    }

  g_menu_remove_all (self->image_menu);
  if (names->len > 0)
    g_menu_append_section (self->image_menu, _("On the Engine"), G_MENU_MODEL (local));
  g_menu_append_section (self->image_menu, NULL, self->common_images_menu);
}

static void
images_changed_cb (DockyardDockerfilePage *self)
{
  update_image_menu (self);
  if (self->form != NULL)
    _dockyard_dockerfile_page_update_image_hints (self);
}

static void
dockyard_dockerfile_page_dispose (GObject *object)
{
  DockyardDockerfilePage *self = (DockyardDockerfilePage *)object;

  g_cancellable_cancel (self->cancellable);
  _dockyard_dockerfile_page_unwatch (self);
  g_clear_pointer (&self->undo_previous, g_bytes_unref);
  g_clear_pointer (&self->undo_saved, g_bytes_unref);
  g_clear_object (&self->undo_file);
  g_clear_weak_pointer (&self->undo_toast);
  if (self->lint_cancellable != NULL)
    g_cancellable_cancel (self->lint_cancellable);
  if (self->requirements_cancellable != NULL)
    g_cancellable_cancel (self->requirements_cancellable);
  if (self->pin_cancellable != NULL)
    g_cancellable_cancel (self->pin_cancellable);

  if (self->dialog != NULL)
    {
      GtkWidget *dialog = g_steal_pointer (&self->dialog);

      dockyard_alert_response (dialog, "cancel");
    }

  g_clear_handle_id (&self->preview_source, g_source_remove);
  g_clear_handle_id (&self->requirements_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  if (self->images != NULL)
    g_signal_handlers_disconnect_by_data (self->images, self);

  g_clear_object (&self->images);
  g_clear_object (&self->image_menu);
  g_clear_object (&self->engine);
  g_clear_object (&self->pin_cancellable);
  g_clear_object (&self->project);
  g_clear_object (&self->form);
  g_clear_object (&self->base_model);
  g_clear_object (&self->lint_cancellable);
  g_clear_object (&self->requirements_cancellable);

  /* No gtk_widget_dispose_template(): the template's root is AdwBin's child,
   * which AdwBin unparents itself. */

  G_OBJECT_CLASS (dockyard_dockerfile_page_parent_class)->dispose (object);
}

static void
dockyard_dockerfile_page_finalize (GObject *object)
{
  DockyardDockerfilePage *self = (DockyardDockerfilePage *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->findings);
  g_clear_pointer (&self->unpinned_rows, g_ptr_array_unref);
  g_free (self->base_text);
  g_free (self->disk_text);
  g_free (self->clean_text);
  g_free (self->text);
  g_free (self->lint_text);
  g_free (self->error);
  g_free (self->command_error);
  g_free (self->digest_version);

  G_OBJECT_CLASS (dockyard_dockerfile_page_parent_class)->finalize (object);
}

static void
dockyard_dockerfile_page_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_DIRTY:
      g_value_set_boolean (value, self->dirty);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_dockerfile_page_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      dockyard_dockerfile_page_set_project (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_dockerfile_page_class_init (DockyardDockerfilePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dockyard_dockerfile_page_dispose;
  object_class->finalize = dockyard_dockerfile_page_finalize;
  object_class->get_property = dockyard_dockerfile_page_get_property;
  object_class->set_property = dockyard_dockerfile_page_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, DOCKYARD_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DockyardDockerfilePage:dirty:
   *
   * Whether the page has changes that are not saved: ask before closing.
   */
  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * DockyardDockerfilePage:busy:
   *
   * Whether the page is loading, saving, or catching up with a change
   * (preview, findings, requirements).
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DockyardDockerfilePage::saved:
   *
   * Emitted after the Dockerfile was written.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/dockyard-dockerfile-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, stack);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, paned);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, form_scroller);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, preview_box);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, form_box);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, form_message);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, image_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, image_menu_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, common_images_menu);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, version_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, version_icon);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, candidates_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, candidates_box);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, local_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, digest_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, version_error);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, workdir_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, requirements_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, unpinned_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, pin_spinner);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, pin_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, command_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, apt_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, jupyter_add_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, jupyter_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, cache_row);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, other_group);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, other_label);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, preview_view);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, lint_spinner);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, findings_stack);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, findings_list);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, disk_changed_revealer);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, disk_changed_label);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, save_button);
  gtk_widget_class_bind_template_callback_full (widget_class, "form_changed_cb",
                                                G_CALLBACK (_dockyard_dockerfile_page_form_changed_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "requirements_changed_cb",
                                                G_CALLBACK (_dockyard_dockerfile_page_requirements_changed_cb));
  gtk_widget_class_bind_template_callback_full (widget_class, "finding_activated_cb",
                                                G_CALLBACK (_dockyard_dockerfile_page_finding_activated_cb));

  gtk_widget_class_install_action (widget_class, "dockerfile.save", NULL, _dockyard_dockerfile_page_save_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.undo-save", NULL,
                                   _dockyard_dockerfile_page_undo_save_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.keep-mine", NULL,
                                   _dockyard_dockerfile_page_keep_mine_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.reload-changed", NULL,
                                   _dockyard_dockerfile_page_reload_changed_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.fix", "u", _dockyard_dockerfile_page_fix_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.fix-all", NULL, _dockyard_dockerfile_page_fix_all_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.add-jupyterlab", NULL, add_jupyterlab_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.remove-jupyterlab", NULL, remove_jupyterlab_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.set-image", "s", set_image_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.set-base", "s", set_base_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.set-version", "s", set_version_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.pin-digest", NULL, pin_digest_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.pin-requirements", NULL,
                                   _dockyard_dockerfile_page_pin_action);

  /* Here, not among the app's accelerators: those are activated on the
   * window, which cannot see the actions of a widget inside it. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "dockerfile.save", NULL);
}

static void place_narrow_split (DockyardDockerfilePage *self);

static void
dockyard_dockerfile_page_init (DockyardDockerfilePage *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->image_menu = g_menu_new ();
  gtk_menu_button_set_menu_model (self->image_menu_button, G_MENU_MODEL (self->image_menu));
  update_image_menu (self);
  g_signal_connect_swapped (self->paned, "notify::max-position",
                            G_CALLBACK (place_narrow_split), self);
  /* Nothing to lay out while the window starts on another page. */
  dockyard_defer_show_until_mapped (GTK_WIDGET (self), GTK_WIDGET (self->toast_overlay));

  self->cancellable = g_cancellable_new ();
  self->findings = g_list_store_new (DOCKYARD_TYPE_FINDING);
  self->unpinned_rows = g_ptr_array_new ();

  buffer = gtk_text_view_get_buffer (self->preview_view);
  self->keyword_tag = gtk_text_buffer_create_tag (buffer, NULL, "weight", PANGO_WEIGHT_BOLD, NULL);
  self->flag_tag = gtk_text_buffer_create_tag (buffer, NULL, NULL);
  self->comment_tag = gtk_text_buffer_create_tag (buffer, NULL, "style", PANGO_STYLE_ITALIC, NULL);
  self->changed_tag = gtk_text_buffer_create_tag (buffer, NULL, NULL);
  update_tag_colors (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_tag_colors), self, G_CONNECT_SWAPPED);

  _dockyard_dockerfile_page_update_actions (self);
}

/**
 * dockyard_dockerfile_page_new:
 *
 * Returns: (transfer floating): a page showing no project yet
 */
GtkWidget *
dockyard_dockerfile_page_new (void)
{
  return g_object_new (DOCKYARD_TYPE_DOCKERFILE_PAGE, NULL);
}

/**
 * dockyard_dockerfile_page_get_project:
 *
 * Returns: (transfer none) (nullable): the project shown
 */
DockyardProject *
dockyard_dockerfile_page_get_project (DockyardDockerfilePage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_PAGE (self), NULL);

  return self->project;
}

/**
 * dockyard_dockerfile_page_set_project:
 * @project: (nullable): the project whose Dockerfile to edit
 *
 * Reads the project's Dockerfile (or starts a new one from the defaults),
 * dropping unsaved changes of the previous project: check
 * #DockyardDockerfilePage:dirty first.
 */
void
dockyard_dockerfile_page_set_project (DockyardDockerfilePage *self,
                                      DockyardProject        *project)
{
  g_return_if_fail (DOCKYARD_IS_DOCKERFILE_PAGE (self));
  g_return_if_fail (!project || DOCKYARD_IS_PROJECT (project));

  if (!g_set_object (&self->project, project))
    return;

  self->pending_line = 0;
  /* Versions read from another project's image are of no use here. */
  if (self->pin_cancellable != NULL)
    {
      g_cancellable_cancel (self->pin_cancellable);
      g_clear_object (&self->pin_cancellable);
      gtk_spinner_set_spinning (self->pin_spinner, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->pin_spinner), FALSE);
    }

  _dockyard_dockerfile_page_forget_undo (self);
  _dockyard_dockerfile_page_watch (self);
  load (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

/**
 * dockyard_dockerfile_page_set_images:
 * @images: (nullable): the engine's images (#DockyardImage items), %NULL
 *   without an engine
 *
 * The images suggest exact versions for a floating tag and tell whether
 * the base image is present locally.
 */
void
dockyard_dockerfile_page_set_images (DockyardDockerfilePage *self,
                                     GListModel             *images)
{
  g_return_if_fail (DOCKYARD_IS_DOCKERFILE_PAGE (self));
  g_return_if_fail (!images || G_IS_LIST_MODEL (images));

  if (self->images == images)
    return;

  if (self->images != NULL)
    g_signal_handlers_disconnect_by_data (self->images, self);
  g_set_object (&self->images, images);
  if (images != NULL)
    g_signal_connect_swapped (images, "items-changed", G_CALLBACK (images_changed_cb), self);

  images_changed_cb (self);
}

/**
 * dockyard_dockerfile_page_set_engine:
 * @engine: (nullable): the engine, %NULL while there is none
 *
 * The engine reads the installed versions for Pin Requirements.
 */
void
dockyard_dockerfile_page_set_engine (DockyardDockerfilePage *self,
                                     DockyardEngine         *engine)
{
  g_return_if_fail (DOCKYARD_IS_DOCKERFILE_PAGE (self));
  g_return_if_fail (!engine || DOCKYARD_IS_ENGINE (engine));

  if (g_set_object (&self->engine, engine))
    _dockyard_dockerfile_page_update_actions (self);
}

/**
 * dockyard_dockerfile_page_get_dirty:
 *
 * Returns: %TRUE if there are changes that are not saved
 */
gboolean
dockyard_dockerfile_page_get_dirty (DockyardDockerfilePage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_PAGE (self), FALSE);

  return self->dirty;
}

/**
 * dockyard_dockerfile_page_get_busy:
 *
 * Returns: %TRUE while loading, saving, or updating the preview, findings
 *   or requirements
 */
gboolean
dockyard_dockerfile_page_get_busy (DockyardDockerfilePage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_PAGE (self), FALSE);

  return self->busy;
}

/**
 * dockyard_dockerfile_page_get_text:
 * @length: (out) (optional): the length in bytes
 *
 * Returns: (nullable): the Dockerfile as it would be saved, as the preview
 *   shows it
 */
const char *
dockyard_dockerfile_page_get_text (DockyardDockerfilePage *self,
                                   gsize                  *length)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_PAGE (self), NULL);

  if (length != NULL)
    *length = self->length;
  return self->text;
}

/**
 * dockyard_dockerfile_page_get_error:
 *
 * Returns: (nullable): why the form cannot be saved, or %NULL
 */
const char *
dockyard_dockerfile_page_get_error (DockyardDockerfilePage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_PAGE (self), NULL);

  return self->error;
}

/**
 * dockyard_dockerfile_page_get_findings:
 *
 * Returns: (transfer none): the findings (#DockyardFinding) of the text
 */
GListModel *
dockyard_dockerfile_page_get_findings (DockyardDockerfilePage *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_PAGE (self), NULL);

  return G_LIST_MODEL (self->findings);
}

/**
 * dockyard_dockerfile_page_show_line:
 * @line: a line of the Dockerfile, counted from 1
 *
 * Selects @line in the preview, scrolls to it and gives the preview the
 * keyboard focus, so that e.g. a failed build step can be found in the file.
 * While the file is still loading, that happens once it has loaded.
 */
void
dockyard_dockerfile_page_show_line (DockyardDockerfilePage *self,
                                    guint                   line)
{
  g_return_if_fail (DOCKYARD_IS_DOCKERFILE_PAGE (self));
  g_return_if_fail (line > 0);

  if (!self->loading && _dockyard_dockerfile_page_select_line (self, line))
    {
      self->pending_line = 0;
      gtk_widget_grab_focus (GTK_WIDGET (self->preview_view));
    }
  else
    self->pending_line = line;
}

/**
 * dockyard_dockerfile_page_get_jupyterlab_route:
 *
 * How JupyterLab can come into the image (issue 18: "Add JupyterLab" only
 * where it works).
 *
 * Returns: %DOCKYARD_JUPYTERLAB_ROUTE_REQUIREMENTS when the Dockerfile
 *   installs a requirements file (a line there, then a build, is enough);
 *   %DOCKYARD_JUPYTERLAB_ROUTE_DOCKERFILE when it does not but the form
 *   can add a pip step for it (shown in the preview before it is saved);
 *   %DOCKYARD_JUPYTERLAB_ROUTE_NONE otherwise
 */
DockyardJupyterlabRoute
dockyard_dockerfile_page_get_jupyterlab_route (DockyardDockerfilePage *self)
{
  const char *requirements;

  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_PAGE (self), DOCKYARD_JUPYTERLAB_ROUTE_NONE);

  if (self->form == NULL)
    return DOCKYARD_JUPYTERLAB_ROUTE_NONE;
  requirements = dockyard_dockerfile_model_get_requirements_file (self->form);
  if (requirements != NULL && *requirements != '\0' && self->has_file)
    return DOCKYARD_JUPYTERLAB_ROUTE_REQUIREMENTS;
  if (self->editable && dockyard_dockerfile_model_get_jupyterlab_version (self->form) == NULL)
    return DOCKYARD_JUPYTERLAB_ROUTE_DOCKERFILE;
  return DOCKYARD_JUPYTERLAB_ROUTE_NONE;
}

/* Narrow, the form gets all the height but what the preview (a few lines)
 * and the findings need, once the page has its height (the paned's
 * max-position then changes) and until the user drags the split. */
static void
place_narrow_split (DockyardDockerfilePage *self)
{
  int max_position;

  if (!self->narrow || self->narrow_split_placed)
    return;

  g_object_get (self->paned, "max-position", &max_position, NULL);
  if (max_position <= 0 || gtk_widget_get_height (GTK_WIDGET (self->paned)) <= 0)
    return;

  self->narrow_split_placed = TRUE;
  /* The preview and findings at what they need at least. */
  gtk_paned_set_position (self->paned, max_position);
}

/**
 * dockyard_dockerfile_page_set_narrow:
 * @narrow: whether the page is narrow (a phone-sized window)
 *
 * The wide page shows the form beside the preview and findings; the narrow
 * one stacks them, the form on top, so that it fits 360 px.  The split
 * stays where the user drags it within each layout.
 */
void
dockyard_dockerfile_page_set_narrow (DockyardDockerfilePage *self,
                                     gboolean                narrow)
{
  GtkWidget *preview_scroller;

  g_return_if_fail (DOCKYARD_IS_DOCKERFILE_PAGE (self));

  narrow = !!narrow;
  if (self->narrow == (guint) narrow)
    return;
  self->narrow = narrow;

  /* The preview's scroller is the text view's parent. */
  preview_scroller = gtk_widget_get_parent (GTK_WIDGET (self->preview_view));
  if (narrow)
    {
      /* The form gets all the height but what the preview (a few lines)
       * and the findings need, until the user drags the split. */
      self->wide_position = gtk_paned_get_position (self->paned);
      gtk_orientable_set_orientation (GTK_ORIENTABLE (self->paned), GTK_ORIENTATION_VERTICAL);
      gtk_widget_set_size_request (self->form_scroller, -1, 160);
      gtk_widget_set_size_request (self->preview_box, -1, -1);
      gtk_widget_set_size_request (preview_scroller, -1, 96);
      self->narrow_split_placed = FALSE;
      place_narrow_split (self);
    }
  else
    {
      gtk_orientable_set_orientation (GTK_ORIENTABLE (self->paned), GTK_ORIENTATION_HORIZONTAL);
      gtk_widget_set_size_request (self->form_scroller, 360, -1);
      gtk_widget_set_size_request (self->preview_box, 320, -1);
      gtk_widget_set_size_request (preview_scroller, -1, -1);
      gtk_paned_set_position (self->paned, self->wide_position);
    }
}
