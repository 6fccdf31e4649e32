/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-deferred-show.h"
#include "dockyard-dockerfile-generator.h"
#include "dockyard-dockerfile-page-private.h"
#include "dockyard-dockerfile-update.h"
#include "dockyard-image-ref.h"
#include "dockyard-image.h"
#include "dockyard-lint.h"
#include "dockyard-requirements.h"
#include "dockyard-text-edit.h"

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
#define REQUIREMENTS_DELAY_MS 300

/* Offered by "Add JupyterLab": a release, not a range. */
#define DEFAULT_JUPYTERLAB_VERSION "4.2.5"
#define DEFAULT_BASE_IMAGE         "python"
#define MAX_CANDIDATES             4


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

static const char * const keywords[] = {
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
  "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", NULL
};

static void schedule_preview (DockyardDockerfilePage *self);

/* ---------------------------------------------------------------------- */
/* Small helpers                                                          */

static char *
row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
set_row_text (AdwEntryRow *row,
              const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

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

/* "python:3.8.8" -> "python", "3.8.8"; "python@sha256:..." -> "python",
 * "sha256:...".  A reference that does not parse stays whole in @image, so
 * that joining the two gives the text back. */
static void
split_base_image (const char  *base_image,
                  char       **image,
                  char       **version)
{
  g_autoptr(DockyardImageRef) ref = NULL;
  g_autofree char *name = NULL;

  *image = NULL;
  *version = NULL;
  if (base_image == NULL)
    return;

  ref = dockyard_image_ref_parse (base_image, NULL);
  if (ref != NULL)
    name = dockyard_image_ref_get_name (ref);
  if (name != NULL && g_str_has_prefix (base_image, name) &&
      (base_image[strlen (name)] == ':' || base_image[strlen (name)] == '@'))
    {
      *image = g_steal_pointer (&name);
      *version = g_strdup (base_image + strlen (*image) + 1);
      return;
    }

  *image = g_strdup (base_image);
}

static char *
join_base_image (const char *image,
                 const char *version)
{
  if (image == NULL || *image == '\0')
    return NULL;
  if (version == NULL || *version == '\0')
    return g_strdup (image);
  if (g_str_has_prefix (version, "sha256:"))
    return g_strconcat (image, "@", version, NULL);
  return g_strconcat (image, ":", version, NULL);
}

static gboolean
word_needs_quotes (const char *word)
{
  if (*word == '\0')
    return TRUE;
  for (const char *p = word; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("_-./:=@%+,", *p) == NULL)
      return TRUE;
  return FALSE;
}

static char *
command_to_string (const char * const *argv)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      if (word_needs_quotes (argv[i]))
        {
          g_autofree char *quoted = g_shell_quote (argv[i]);
          g_string_append (out, quoted);
        }
      else
        g_string_append (out, argv[i]);
    }

  return g_string_free (out, FALSE);
}

/* The lines of @model's Dockerfile that the form does not show. */
static char *
other_instructions (DockyardDockerfileModel *model)
{
  g_autoptr(DockyardDockerfileModel) bare = dockyard_dockerfile_model_new ();
  g_autofree char *full = NULL;
  g_autofree char *form_only = NULL;
  g_auto(GStrv) full_lines = NULL;
  g_auto(GStrv) form_lines = NULL;
  GString *out = g_string_new (NULL);
  guint j = 0;

  if (!dockyard_dockerfile_model_has_extra_instructions (model))
    return g_string_free (out, FALSE);

  dockyard_dockerfile_model_set_base_image (bare, dockyard_dockerfile_model_get_base_image (model));
  dockyard_dockerfile_model_set_work_dir (bare, dockyard_dockerfile_model_get_work_dir (model));
  dockyard_dockerfile_model_set_requirements_file (bare, dockyard_dockerfile_model_get_requirements_file (model));
  dockyard_dockerfile_model_set_apt_packages (bare, dockyard_dockerfile_model_get_apt_packages (model));
  dockyard_dockerfile_model_set_jupyterlab_version (bare, dockyard_dockerfile_model_get_jupyterlab_version (model));
  dockyard_dockerfile_model_set_command (bare, dockyard_dockerfile_model_get_command (model));

  full = dockyard_dockerfile_model_generate (model);
  form_only = dockyard_dockerfile_model_generate (bare);
  full_lines = g_strsplit (full, "\n", -1);
  form_lines = g_strsplit (form_only, "\n", -1);

  /* The extra lines are inserted between the form's, whose order stays. */
  for (guint i = 0; full_lines[i] != NULL; i++)
    {
      if (form_lines[j] != NULL && g_str_equal (full_lines[i], form_lines[j]))
        j++;
      else if (full_lines[i][0] != '\0' || full_lines[i + 1] != NULL)
        g_string_append_printf (out, "%s\n", full_lines[i]);
    }

  if (out->len > 0)
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
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
}

static gboolean
is_keyword (const char *word,
            gsize       length)
{
  for (guint i = 0; keywords[i] != NULL; i++)
    if (strlen (keywords[i]) == length && g_ascii_strncasecmp (word, keywords[i], length) == 0)
      return TRUE;
  return FALSE;
}

static void
apply_tag (GtkTextBuffer *buffer,
           GtkTextTag    *tag,
           int            line,
           gsize          start,
           gsize          end)
{
  GtkTextIter a, b;

  if (!gtk_text_buffer_get_iter_at_line_index (buffer, &a, line, start) ||
      !gtk_text_buffer_get_iter_at_line_index (buffer, &b, line, end))
    return;
  gtk_text_buffer_apply_tag (buffer, tag, &a, &b);
}

/* Keywords, flags and comments: enough to read the file at a glance, not a
 * full Dockerfile lexer (heredoc bodies are coloured like other lines). */
static void
highlight (DockyardDockerfilePage *self,
           const char             *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->preview_view);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean continued = FALSE;

  for (int line = 0; lines[line] != NULL; line++)
    {
      const char *s = lines[line];
      gsize len = strlen (s);
      gsize i = strspn (s, " \t");
      gsize first_word_end;

      if (s[i] == '#')
        {
          apply_tag (buffer, self->comment_tag, line, i, len);
          continue;
        }

      first_word_end = i;
      while (first_word_end < len && g_ascii_isalpha (s[first_word_end]))
        first_word_end++;
      if (!continued && is_keyword (s + i, first_word_end - i))
        apply_tag (buffer, self->keyword_tag, line, i, first_word_end);

      for (gsize k = i; k + 1 < len; k++)
        {
          if (s[k] == '-' && s[k + 1] == '-' && (k == 0 || s[k - 1] == ' ' || s[k - 1] == '\t'))
            {
              gsize end = k;

              while (end < len && s[end] != ' ' && s[end] != '\t')
                end++;
              apply_tag (buffer, self->flag_tag, line, k, end);
              k = end;
            }
        }

      continued = len > 0 && s[len - 1] == '\\';
    }
}

/* Selects line @line (1-based) of the preview and scrolls to it; FALSE if
 * the preview does not have that line (yet). */
static gboolean
select_preview_line (DockyardDockerfilePage *self,
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
    }
  else
    {
      g_autofree char *valid = g_utf8_make_valid (self->text, self->length);
      gtk_text_buffer_set_text (buffer, valid, -1);
    }

  if (self->pending_line != 0 && select_preview_line (self, self->pending_line))
    {
      self->pending_line = 0;
      gtk_widget_grab_focus (GTK_WIDGET (self->preview_view));
    }
}

/* ---------------------------------------------------------------------- */
/* State shown around the form                                            */

static gboolean
lint_is_fresh (DockyardDockerfilePage *self)
{
  return !self->linting && self->preview_source == 0 &&
         texts_equal (self->lint_text, self->lint_length, self->text, self->length);
}

static gboolean
has_fixable_findings (DockyardDockerfilePage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->findings));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DockyardFinding) finding = g_list_model_get_item (G_LIST_MODEL (self->findings), i);

      if (dockyard_finding_has_fix (finding) && dockyard_finding_get_file (finding) == NULL)
        return TRUE;
    }
  return FALSE;
}

void
_dockyard_dockerfile_page_update_actions (DockyardDockerfilePage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean ready = self->project != NULL && !self->loading && !self->saving;
  gboolean editable = ready && self->editable;
  gboolean jupyter = self->form != NULL && dockyard_dockerfile_model_get_jupyterlab_version (self->form) != NULL;
  gboolean fresh = lint_is_fresh (self);

  gtk_widget_action_set_enabled (widget, "dockerfile.save",
                                 ready && self->error == NULL && (self->dirty || !self->has_file));
  gtk_widget_action_set_enabled (widget, "dockerfile.reload", self->project != NULL && !self->saving);
  gtk_widget_action_set_enabled (widget, "dockerfile.fix", ready && fresh);
  gtk_widget_action_set_enabled (widget, "dockerfile.fix-all", ready && fresh && has_fixable_findings (self));
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
  if (self->error != NULL && self->image_error)
    status = _("Give the base image an exact version to save");
  else if (self->error != NULL)
    status = self->error;
  else if (self->saving)
    status = _("Saving…");
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
  if (self->error != NULL)
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

  if (dirty != self->dirty)
    {
      self->dirty = dirty;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
    }
  _dockyard_dockerfile_page_update_status (self);
  _dockyard_dockerfile_page_update_actions (self);
}

static void
update_cache_row (DockyardDockerfilePage *self)
{
  gboolean pip = dockyard_dockerfile_model_get_requirements_file (self->form) != NULL ||
                 dockyard_dockerfile_model_get_jupyterlab_version (self->form) != NULL;
  gboolean apt = dockyard_dockerfile_model_get_apt_packages (self->form)[0] != NULL;
  const char *subtitle;

  if (pip && apt)
    subtitle = _("pip and apt reuse their downloads between builds through BuildKit cache mounts");
  else if (pip)
    subtitle = _("pip reuses its downloads between builds through a BuildKit cache mount");
  else if (apt)
    subtitle = _("apt reuses its downloads between builds through BuildKit cache mounts");
  else
    subtitle = _("Downloads are cached between builds as soon as pip or apt installs something");

  adw_action_row_set_subtitle (self->cache_row, subtitle);
}

static int
compare_tags_descending (gconstpointer a,
                         gconstpointer b)
{
  g_autofree char *ka = g_utf8_collate_key_for_filename (*(const char * const *) a, -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (*(const char * const *) b, -1);

  return -strcmp (ka, kb);
}

static void
candidate_clicked_cb (GtkButton *button)
{
  /* Focus goes back to the field, where the user typed. */
  gtk_widget_activate_action (GTK_WIDGET (button), "dockerfile.set-version", "s",
                              gtk_button_get_label (button));
}

/* The registry digest ("sha256:...") @image has for the repository
 * @name (normalized), if the engine knows one.  Images built or imported
 * locally have none; pulled ones have one per repository. */
static char *
find_repo_digest (DockyardImage *image,
                  const char    *name)
{
  const char * const *digests = dockyard_image_get_repo_digests (image);

  for (guint i = 0; digests != NULL && digests[i] != NULL; i++)
    {
      g_autoptr(DockyardImageRef) ref = dockyard_image_ref_parse (digests[i], NULL);
      g_autofree char *ref_name = NULL;

      if (ref == NULL || dockyard_image_ref_get_digest (ref) == NULL)
        continue;
      ref_name = dockyard_image_ref_get_normalized_name (ref);
      if (g_strcmp0 (ref_name, name) == 0)
        return g_strdup (dockyard_image_ref_get_digest (ref));
    }

  return NULL;
}

/* Suggestions from the images the engine has: exact releases for a
 * floating tag, whether the chosen image is there already, and its
 * registry digest when the engine knows one. */
static void
update_image_hints (DockyardDockerfilePage *self)
{
  g_autoptr(DockyardImageRef) ref = NULL;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  DockyardImagePinning pinning = DOCKYARD_IMAGE_PINNING_EXACT;
  const char *base_image = dockyard_dockerfile_model_get_base_image (self->form);
  const char *tag = NULL;
  DockyardImage *local = NULL;
  GtkWidget *child;
  guint n_images;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->candidates_box))) != NULL)
    gtk_box_remove (self->candidates_box, child);

  if (base_image != NULL)
    ref = dockyard_image_ref_parse (base_image, NULL);
  if (ref != NULL)
    {
      name = dockyard_image_ref_get_normalized_name (ref);
      tag = dockyard_image_ref_get_tag (ref);
      pinning = dockyard_image_ref_get_pinning (ref);
    }

  n_images = self->images != NULL && ref != NULL ? g_list_model_get_n_items (self->images) : 0;
  for (guint i = 0; i < n_images; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (self->images, i);
      const char * const *tags;

      if (!DOCKYARD_IS_IMAGE (item))
        continue;

      /* Pinned by digest: present if the engine knows that digest for it. */
      if (pinning == DOCKYARD_IMAGE_PINNING_DIGEST && local == NULL)
        {
          g_autofree char *digest = find_repo_digest (DOCKYARD_IMAGE (item), name);

          if (g_strcmp0 (digest, dockyard_image_ref_get_digest (ref)) == 0)
            local = DOCKYARD_IMAGE (item);
        }

      tags = dockyard_image_get_tags (DOCKYARD_IMAGE (item));
      for (guint k = 0; tags != NULL && tags[k] != NULL; k++)
        {
          g_autoptr(DockyardImageRef) other = dockyard_image_ref_parse (tags[k], NULL);
          g_autofree char *other_name = NULL;
          const char *other_tag;

          if (other == NULL || (other_tag = dockyard_image_ref_get_tag (other)) == NULL)
            continue;
          other_name = dockyard_image_ref_get_normalized_name (other);
          if (!g_str_equal (other_name, name))
            continue;

          if (pinning == DOCKYARD_IMAGE_PINNING_EXACT && g_strcmp0 (other_tag, tag) == 0)
            local = DOCKYARD_IMAGE (item);

          if (dockyard_image_tag_is_exact_release (other_tag) &&
              (pinning != DOCKYARD_IMAGE_PINNING_FLOATING ||
               (g_str_has_prefix (other_tag, tag) &&
                (other_tag[strlen (tag)] == '.' || other_tag[strlen (tag)] == '-'))) &&
              !g_ptr_array_find_with_equal_func (candidates, other_tag, g_str_equal, NULL))
            g_ptr_array_add (candidates, g_strdup (other_tag));
        }
    }

  g_ptr_array_sort (candidates, compare_tags_descending);
  gtk_widget_set_visible (GTK_WIDGET (self->candidates_row),
                          candidates->len > 0 && pinning != DOCKYARD_IMAGE_PINNING_EXACT &&
                          pinning != DOCKYARD_IMAGE_PINNING_DIGEST);
  for (guint i = 0; i < MIN (candidates->len, MAX_CANDIDATES); i++)
    {
      GtkWidget *button = gtk_button_new_with_label (g_ptr_array_index (candidates, i));

      gtk_widget_set_tooltip_text (button, _("Use this version"));
      g_signal_connect (button, "clicked", G_CALLBACK (candidate_clicked_cb), NULL);
      gtk_box_append (self->candidates_box, button);
    }

  g_clear_pointer (&self->digest_version, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->local_row), local != NULL);
  if (local != NULL)
    {
      const char *id = dockyard_image_get_id (local);
      g_autofree char *digest = find_repo_digest (local, name);
      g_autofree char *short_id = NULL;
      g_autofree char *subtitle = NULL;

      if (g_str_has_prefix (id, "sha256:"))
        id += strlen ("sha256:");
      short_id = g_strndup (id, 12);
      if (pinning == DOCKYARD_IMAGE_PINNING_DIGEST)
        /* Translators: %s is a short image id */
        subtitle = g_strdup_printf (_("Image %s is in the engine’s store: builds start without a download. The digest pins it exactly."),
                                    short_id);
      else if (digest != NULL)
        {
          self->digest_version = g_strdup_printf ("%s@%s", tag, digest);
          /* Translators: %s is a short image id */
          subtitle = g_strdup_printf (_("Image %s is in the engine’s store: builds start without a download. Its registry digest can pin it even if the tag moves."),
                                      short_id);
        }
      else
        /* Translators: %s is a short image id. An image id is not a registry
         * digest, which is why none is offered. */
        subtitle = g_strdup_printf (_("Image %s is in the engine’s store: builds start without a download. The engine reports no registry digest for it, so the exact tag pins it."),
                                    short_id);
      adw_action_row_set_subtitle (self->local_row, subtitle);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->digest_button), self->digest_version != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dockerfile.pin-digest",
                                 self->digest_version != NULL && self->editable);
}

static void
update_validation (DockyardDockerfilePage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardImageRef) ref = NULL;
  const char *base_image = dockyard_dockerfile_model_get_base_image (self->form);
  gboolean image_ok;

  g_clear_pointer (&self->error, g_free);

  /* Checked first, as the model does, to tell which field is wrong. */
  image_ok = base_image != NULL && (ref = dockyard_image_ref_parse (base_image, NULL)) != NULL &&
             (dockyard_image_ref_get_pinning (ref) == DOCKYARD_IMAGE_PINNING_EXACT ||
              dockyard_image_ref_get_pinning (ref) == DOCKYARD_IMAGE_PINNING_DIGEST);

  if (!self->editable)
    ;
  else if (!dockyard_dockerfile_model_validate (self->form, &error))
    self->error = g_strdup (error->message);
  else if (self->command_error != NULL)
    self->error = g_strdup (self->command_error);

  self->image_error = !image_ok && self->error != NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->version_error), self->image_error);
  gtk_label_set_label (self->version_error, self->image_error ? self->error : "");
  if (self->image_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->version_row), "error");
      gtk_image_set_from_icon_name (self->version_icon, "dialog-warning-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->version_icon), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->version_icon), "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->version_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Not an exact version"), -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->version_row), "error");
      gtk_image_set_from_icon_name (self->version_icon, "emblem-ok-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->version_icon), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->version_icon), "success");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->version_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Exact version"), -1);
    }

  if (self->command_error != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->command_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->command_row), "error");
}

/* After any change of the form model. */
static void
form_updated (DockyardDockerfilePage *self)
{
  gboolean jupyter = dockyard_dockerfile_model_get_jupyterlab_version (self->form) != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->jupyter_add_row), !jupyter);
  gtk_widget_set_visible (GTK_WIDGET (self->jupyter_row), jupyter);
  update_validation (self);
  update_image_hints (self);
  update_cache_row (self);
  _dockyard_dockerfile_page_update_status (self);
  schedule_preview (self);
  _dockyard_dockerfile_page_update_actions (self);
}

/* Shows the form model in the fields; the change handlers stay quiet. */
static void
load_form (DockyardDockerfilePage *self)
{
  DockyardDockerfileModel *form = self->form;
  g_autofree char *image = NULL;
  g_autofree char *version = NULL;
  g_autofree char *apt = NULL;
  g_autofree char *command = NULL;

  split_base_image (dockyard_dockerfile_model_get_base_image (form), &image, &version);
  apt = g_strjoinv (" ", (char **) dockyard_dockerfile_model_get_apt_packages (form));
  command = command_to_string (dockyard_dockerfile_model_get_command (form));

  self->updating = TRUE;
  set_row_text (self->image_row, image);
  set_row_text (self->version_row, version);
  set_row_text (self->workdir_row, dockyard_dockerfile_model_get_work_dir (form));
  set_row_text (self->requirements_row, dockyard_dockerfile_model_get_requirements_file (form));
  set_row_text (self->apt_row, apt);
  set_row_text (self->jupyter_row, dockyard_dockerfile_model_get_jupyterlab_version (form));
  set_row_text (self->command_row, command);
  self->updating = FALSE;

  g_clear_pointer (&self->command_error, g_free);
}

/* Reads the fields into the form model. */
static void
form_changed_cb (DockyardDockerfilePage *self)
{
  g_autofree char *image = NULL;
  g_autofree char *version = NULL;
  g_autofree char *base_image = NULL;
  g_autofree char *work_dir = NULL;
  g_autofree char *requirements = NULL;
  g_autofree char *apt = NULL;
  g_autofree char *jupyter = NULL;
  g_autofree char *command = NULL;
  g_autoptr(GStrvBuilder) packages = g_strv_builder_new ();
  g_auto(GStrv) apt_words = NULL;
  g_auto(GStrv) apt_packages = NULL;

  if (self->updating || self->form == NULL)
    return;

  image = row_text (self->image_row);
  version = row_text (self->version_row);
  base_image = join_base_image (image, version);
  work_dir = row_text (self->workdir_row);
  requirements = row_text (self->requirements_row);
  apt = row_text (self->apt_row);
  command = row_text (self->command_row);

  dockyard_dockerfile_model_set_base_image (self->form, base_image);
  dockyard_dockerfile_model_set_work_dir (self->form, *work_dir != '\0' ? work_dir : NULL);
  dockyard_dockerfile_model_set_requirements_file (self->form, requirements);

  apt_words = g_strsplit_set (apt, " \t\n", -1);
  for (guint i = 0; apt_words[i] != NULL; i++)
    if (apt_words[i][0] != '\0')
      g_strv_builder_add (packages, apt_words[i]);
  apt_packages = g_strv_builder_end (packages);
  dockyard_dockerfile_model_set_apt_packages (self->form, (const char * const *) apt_packages);

  if (gtk_widget_get_visible (GTK_WIDGET (self->jupyter_row)))
    {
      jupyter = row_text (self->jupyter_row);
      /* An emptied field keeps JupyterLab, with an error, until removed. */
      dockyard_dockerfile_model_set_jupyterlab_version (self->form, *jupyter != '\0' ? jupyter : " ");
    }

  g_clear_pointer (&self->command_error, g_free);
  if (*command == '\0')
    dockyard_dockerfile_model_set_command (self->form, NULL);
  else
    {
      g_auto(GStrv) argv = NULL;
      g_autoptr(GError) error = NULL;

      if (g_shell_parse_argv (command, NULL, &argv, &error))
        dockyard_dockerfile_model_set_command (self->form, (const char * const *) argv);
      else
        /* Translators: %s says what is wrong, e.g. "Text ended before matching quote was found" */
        self->command_error = g_strdup_printf (_("The command cannot be read: %s"), error->message);
    }

  form_updated (self);
}

static void
requirements_changed_cb (DockyardDockerfilePage *self)
{
  if (self->updating)
    return;
  form_changed_cb (self);
  _dockyard_dockerfile_page_schedule_requirements (self, REQUIREMENTS_DELAY_MS);
}

/* ---------------------------------------------------------------------- */
/* Findings                                                               */

static void
finding_activated_cb (DockyardDockerfilePage *self,
                      GtkListBoxRow          *row)
{
  select_preview_line (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "line")));
}

static GtkWidget *
create_finding_row (DockyardFinding *finding,
                    guint            index)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  g_autofree char *subtitle = NULL;
  const char *file = dockyard_finding_get_file (finding);
  gboolean error = dockyard_finding_get_severity (finding) == DOCKYARD_SEVERITY_ERROR;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), dockyard_finding_get_message (finding));
  if (file != NULL)
    /* Translators: a finding's place and rule id, e.g. "requirements.txt, line 3 · requirement-unpinned" */
    subtitle = g_strdup_printf (_("%s, line %u · %s"), file, dockyard_finding_get_line (finding),
                                dockyard_finding_get_rule (finding));
  else
    /* Translators: a finding's line and rule id, e.g. "Line 4 · pip-cache-mount" */
    subtitle = g_strdup_printf (_("Line %u · %s"), dockyard_finding_get_line (finding),
                                dockyard_finding_get_rule (finding));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  icon = gtk_image_new_from_icon_name (error ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, error ? "error" : "warning");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  error ? _("Error") : _("Warning"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  if (dockyard_finding_has_fix (finding) && file == NULL)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Fix"));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, _("Apply the suggested change to the Dockerfile"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "dockerfile.fix");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_uint32 (index));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  if (file == NULL)
    {
      g_object_set_data (G_OBJECT (row), "line", GUINT_TO_POINTER (dockyard_finding_get_line (finding)));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
    }

  return row;
}

static void
show_findings (DockyardDockerfilePage *self,
               GPtrArray              *findings)
{
  GtkWidget *child;

  g_list_store_splice (self->findings, 0, g_list_model_get_n_items (G_LIST_MODEL (self->findings)),
                       findings->pdata, findings->len);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->findings_list))) != NULL)
    gtk_list_box_remove (self->findings_list, child);
  for (guint i = 0; i < findings->len; i++)
    gtk_list_box_append (self->findings_list, create_finding_row (g_ptr_array_index (findings, i), i));

  gtk_stack_set_visible_child_name (self->findings_stack, findings->len > 0 ? "list" : "none");
}

typedef struct
{
  char  *text;
  gsize  length;
  GFile *context;
  guint  serial;
} LintData;

static void
lint_data_free (LintData *data)
{
  g_free (data->text);
  g_clear_object (&data->context);
  g_free (data);
}

static void
lint_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LintData *data = task_data;

  g_task_return_pointer (task, dockyard_lint_text (data->text, data->length, data->context, cancellable),
                         (GDestroyNotify) g_ptr_array_unref);
}

static void
lint_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (object);
  LintData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) findings = NULL;

  self->n_threads--;
  findings = g_task_propagate_pointer (G_TASK (result), NULL);
  if (findings == NULL || data->serial != self->lint_serial)
    {
      if (!g_cancellable_is_cancelled (self->cancellable))
        _dockyard_dockerfile_page_set_busy (self);
      return;
    }

  g_clear_object (&self->lint_cancellable);
  self->linting = FALSE;
  g_free (self->lint_text);
  self->lint_text = dup_text (data->text, data->length);
  self->lint_length = data->length;
  gtk_spinner_stop (self->lint_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->lint_spinner), FALSE);

  show_findings (self, findings);
  _dockyard_dockerfile_page_update_actions (self);
  _dockyard_dockerfile_page_set_busy (self);
}

static void
start_lint (DockyardDockerfilePage *self)
{
  g_autoptr(GTask) task = NULL;
  LintData *data;

  if (self->lint_cancellable != NULL)
    g_cancellable_cancel (self->lint_cancellable);
  g_clear_object (&self->lint_cancellable);
  self->lint_cancellable = g_cancellable_new ();

  data = g_new0 (LintData, 1);
  data->text = dup_text (self->text, self->length);
  data->length = self->length;
  data->context = self->project != NULL ? g_object_ref (dockyard_project_get_directory (self->project)) : NULL;
  data->serial = ++self->lint_serial;

  self->linting = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->lint_spinner), TRUE);
  gtk_spinner_start (self->lint_spinner);

  task = g_task_new (self, self->lint_cancellable, lint_cb, NULL);
  g_task_set_source_tag (task, start_lint);
  g_task_set_task_data (task, data, (GDestroyNotify) lint_data_free);
  self->n_threads++;
  g_task_run_in_thread (task, lint_thread);

  _dockyard_dockerfile_page_update_actions (self);
  _dockyard_dockerfile_page_set_busy (self);
}

/* ---------------------------------------------------------------------- */
/* The requirements file                                                  */

typedef struct
{
  GFile *file;
  char  *name;
  guint  serial;
} RequirementsData;

static void
requirements_data_free (RequirementsData *data)
{
  g_clear_object (&data->file);
  g_free (data->name);
  g_free (data);
}

static void
requirements_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  RequirementsData *data = task_data;
  DockyardRequirements *requirements;
  GError *error = NULL;

  requirements = dockyard_requirements_load (data->file, data->name, cancellable, &error);
  if (requirements == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, requirements, (GDestroyNotify) dockyard_requirements_unref);
}

static void
clear_unpinned_rows (DockyardDockerfilePage *self)
{
  for (guint i = 0; i < self->unpinned_rows->len; i++)
    adw_expander_row_remove (self->unpinned_row, g_ptr_array_index (self->unpinned_rows, i));
  g_ptr_array_set_size (self->unpinned_rows, 0);
}

static void
requirements_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (object);
  RequirementsData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(DockyardRequirements) requirements = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;
  guint n_unpinned = 0;

  self->n_threads--;
  requirements = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || data->serial != self->requirements_serial)
    {
      if (!g_cancellable_is_cancelled (self->cancellable))
        _dockyard_dockerfile_page_set_busy (self);
      return;
    }

  g_clear_object (&self->requirements_cancellable);
  clear_unpinned_rows (self);

  if (requirements == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        /* Translators: %s is a file name such as requirements.txt */
        subtitle = g_strdup_printf (_("“%s” is not in the project folder yet"), data->name);
      else
        subtitle = g_strdup (error->message);
    }
  else
    {
      for (guint i = 0; i < dockyard_requirements_get_n_items (requirements); i++)
        {
          const DockyardRequirement *req = dockyard_requirements_get_item (requirements, i);
          g_autofree char *title = NULL;
          g_autofree char *where = NULL;
          GtkWidget *row;

          if (req->pinned || req->constraint || dockyard_requirements_is_satisfied_pinned (requirements, req))
            continue;

          n_unpinned++;
          if (req->name != NULL)
            title = g_strdup_printf ("%s%s%s%s%s", req->name,
                                     req->extras != NULL ? "[" : "", req->extras != NULL ? req->extras : "",
                                     req->extras != NULL ? "]" : "", req->specifier != NULL ? req->specifier : "");
          else
            title = g_strdup (req->url != NULL ? req->url : "");
          /* Translators: where a requirement is, e.g. "requirements.txt, line 3" */
          where = g_strdup_printf (_("%s, line %u"), req->file, req->line);

          row = adw_action_row_new ();
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), where);
          gtk_widget_add_css_class (row, "monospace");
          adw_expander_row_add_row (self->unpinned_row, row);
          g_ptr_array_add (self->unpinned_rows, row);
        }

      if (dockyard_requirements_get_n_items (requirements) == 0)
        subtitle = g_strdup (_("The file lists no packages yet"));
      else if (n_unpinned == 0)
        subtitle = g_strdup (_("Every requirement is pinned to one version"));
      else
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%u requirement can change between builds: pin it with ==VERSION",
                                                 "%u requirements can change between builds: pin them with ==VERSION",
                                                 n_unpinned),
                                    n_unpinned);
    }

  self->n_unpinned = n_unpinned;
  _dockyard_dockerfile_page_update_actions (self);
  adw_expander_row_set_subtitle (self->unpinned_row, subtitle);
  adw_expander_row_set_enable_expansion (self->unpinned_row, n_unpinned > 0);
  if (n_unpinned == 0)
    adw_expander_row_set_expanded (self->unpinned_row, FALSE);
  _dockyard_dockerfile_page_set_busy (self);
}

static gboolean
requirements_timeout_cb (gpointer user_data)
{
  DockyardDockerfilePage *self = user_data;
  g_autoptr(GTask) task = NULL;
  const char *name = dockyard_dockerfile_model_get_requirements_file (self->form);
  RequirementsData *data;

  self->requirements_source = 0;
  if (self->requirements_cancellable != NULL)
    g_cancellable_cancel (self->requirements_cancellable);
  g_clear_object (&self->requirements_cancellable);
  self->requirements_serial++;

  gtk_widget_set_visible (GTK_WIDGET (self->unpinned_row), name != NULL && self->project != NULL);
  if (name == NULL || self->project == NULL)
    {
      clear_unpinned_rows (self);
      self->n_unpinned = 0;
      _dockyard_dockerfile_page_update_actions (self);
      _dockyard_dockerfile_page_set_busy (self);
      return G_SOURCE_REMOVE;
    }

  self->requirements_cancellable = g_cancellable_new ();
  data = g_new0 (RequirementsData, 1);
  data->file = g_file_resolve_relative_path (dockyard_project_get_directory (self->project), name);
  data->name = g_strdup (name);
  data->serial = self->requirements_serial;

  task = g_task_new (self, self->requirements_cancellable, requirements_cb, NULL);
  g_task_set_source_tag (task, requirements_timeout_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) requirements_data_free);
  self->n_threads++;
  g_task_run_in_thread (task, requirements_thread);

  _dockyard_dockerfile_page_set_busy (self);
  return G_SOURCE_REMOVE;
}

/* The requirements file changed under the page: its findings and its
 * list of unpinned lines are out of date. */
void
_dockyard_dockerfile_page_requirements_written (DockyardDockerfilePage *self)
{
  if (self->form != NULL && self->text != NULL)
    start_lint (self);
  _dockyard_dockerfile_page_schedule_requirements (self, 0);
}

void
_dockyard_dockerfile_page_schedule_requirements (DockyardDockerfilePage *self,
                       guint                   delay_ms)
{
  g_clear_handle_id (&self->requirements_source, g_source_remove);
  self->requirements_source = g_timeout_add (delay_ms, requirements_timeout_cb, self);
  _dockyard_dockerfile_page_set_busy (self);
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
  other = other_instructions (self->form);
  gtk_widget_set_visible (GTK_WIDGET (self->other_group), *other != '\0');
  gtk_label_set_label (self->other_label, other);

  if (self->text == NULL || !texts_equal (text, length, self->text, self->length))
    {
      g_free (self->text);
      self->text = g_steal_pointer (&text);
      self->length = length;
      set_preview_text (self);
      start_lint (self);
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

static void
schedule_preview (DockyardDockerfilePage *self)
{
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (PREVIEW_DELAY_MS, preview_timeout_cb, self);
  _dockyard_dockerfile_page_set_busy (self);
}

/* Makes @text the text the form edits: after loading and after a fix. */
static void
set_document_text (DockyardDockerfilePage *self,
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

  load_form (self);
  form_updated (self);
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

  load_form (self);
  form_updated (self);
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
  return g_file_get_child (dockyard_project_get_directory (self->project), "Dockerfile");
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

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error) &&
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
      set_document_text (self, contents, length);
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
  g_file_load_contents_async (file, self->cancellable, load_cb, g_object_ref (self));
}

/* ---------------------------------------------------------------------- */
/* Other actions                                                          */

static void
apply_edits (DockyardDockerfilePage *self,
             GPtrArray              *edits)
{
  g_autofree char *fixed = NULL;
  gsize length;
  guint n_applied = 0;

  fixed = dockyard_text_edits_apply (self->text, self->length, edits, &length, &n_applied);
  if (n_applied == 0)
    return;
  set_document_text (self, fixed, length);
}

static void
fix_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);
  guint index = g_variant_get_uint32 (parameter);
  g_autoptr(DockyardFinding) finding = NULL;
  GPtrArray *fix;

  if (!lint_is_fresh (self) || index >= g_list_model_get_n_items (G_LIST_MODEL (self->findings)))
    return;

  finding = g_list_model_get_item (G_LIST_MODEL (self->findings), index);
  fix = dockyard_finding_get_fix (finding);
  if (fix == NULL || dockyard_finding_get_file (finding) != NULL)
    return;
  apply_edits (self, fix);
}

static void
fix_all_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);
  g_autoptr(GPtrArray) edits = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->findings));

  if (!lint_is_fresh (self))
    return;

  /* The edits stay owned by their findings, which the store keeps. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(DockyardFinding) finding = g_list_model_get_item (G_LIST_MODEL (self->findings), i);
      GPtrArray *fix = dockyard_finding_get_fix (finding);

      if (fix == NULL || dockyard_finding_get_file (finding) != NULL)
        continue;
      for (guint k = 0; k < fix->len; k++)
        g_ptr_array_add (edits, g_ptr_array_index (fix, k));
    }
  if (edits->len > 0)
    apply_edits (self, edits);
}

static void
add_jupyterlab_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);

  dockyard_dockerfile_model_set_jupyterlab_version (self->form, DEFAULT_JUPYTERLAB_VERSION);
  load_form (self);
  form_updated (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->jupyter_row));
}

static void
remove_jupyterlab_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);

  dockyard_dockerfile_model_set_jupyterlab_version (self->form, NULL);
  load_form (self);
  form_updated (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  load (DOCKYARD_DOCKERFILE_PAGE (widget));
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

static void
images_changed_cb (DockyardDockerfilePage *self)
{
  if (self->form != NULL)
    update_image_hints (self);
}

static void
dockyard_dockerfile_page_dispose (GObject *object)
{
  DockyardDockerfilePage *self = (DockyardDockerfilePage *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->lint_cancellable != NULL)
    g_cancellable_cancel (self->lint_cancellable);
  if (self->requirements_cancellable != NULL)
    g_cancellable_cancel (self->requirements_cancellable);
  if (self->pin_cancellable != NULL)
    g_cancellable_cancel (self->pin_cancellable);

  if (self->dialog != NULL)
    {
      AdwMessageDialog *dialog = g_steal_pointer (&self->dialog);

      adw_message_dialog_response (dialog, "cancel");
      gtk_window_destroy (GTK_WINDOW (dialog));
    }

  g_clear_handle_id (&self->preview_source, g_source_remove);
  g_clear_handle_id (&self->requirements_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  if (self->images != NULL)
    g_signal_handlers_disconnect_by_data (self->images, self);

  g_clear_object (&self->images);
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
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, form_box);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, form_message);
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, image_row);
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
  gtk_widget_class_bind_template_child (widget_class, DockyardDockerfilePage, save_button);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, requirements_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, finding_activated_cb);

  gtk_widget_class_install_action (widget_class, "dockerfile.save", NULL, _dockyard_dockerfile_page_save_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.fix", "u", fix_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.fix-all", NULL, fix_all_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.add-jupyterlab", NULL, add_jupyterlab_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.remove-jupyterlab", NULL, remove_jupyterlab_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.set-image", "s", set_image_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.set-version", "s", set_version_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.pin-digest", NULL, pin_digest_action);
  gtk_widget_class_install_action (widget_class, "dockerfile.pin-requirements", NULL,
                                   _dockyard_dockerfile_page_pin_action);

  /* Here, not among the app's accelerators: those are activated on the
   * window, which cannot see the actions of a widget inside it. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "dockerfile.save", NULL);
}

static void
dockyard_dockerfile_page_init (DockyardDockerfilePage *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Nothing to lay out while the window starts on another page. */
  dockyard_defer_show_until_mapped (GTK_WIDGET (self), GTK_WIDGET (self->toast_overlay));

  self->cancellable = g_cancellable_new ();
  self->findings = g_list_store_new (DOCKYARD_TYPE_FINDING);
  self->unpinned_rows = g_ptr_array_new ();

  buffer = gtk_text_view_get_buffer (self->preview_view);
  self->keyword_tag = gtk_text_buffer_create_tag (buffer, NULL, "weight", PANGO_WEIGHT_BOLD, NULL);
  self->flag_tag = gtk_text_buffer_create_tag (buffer, NULL, NULL);
  self->comment_tag = gtk_text_buffer_create_tag (buffer, NULL, "style", PANGO_STYLE_ITALIC, NULL);
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

  if (!self->loading && select_preview_line (self, line))
    {
      self->pending_line = 0;
      gtk_widget_grab_focus (GTK_WIDGET (self->preview_view));
    }
  else
    self->pending_line = line;
}
