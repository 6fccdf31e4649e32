/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-dockerfile-page-private.h"
#include "dockyard-form-text.h"
#include "dockyard-image-ref.h"
#include "dockyard-image.h"

/* The form: the fields shown from the model, read back into it, checked,
 * and the hints from the images the engine has. */

#define REQUIREMENTS_DELAY_MS 300
#define MAX_CANDIDATES        4

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
void
_dockyard_dockerfile_page_update_image_hints (DockyardDockerfilePage *self)
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
          g_autofree char *release = dockyard_image_ref_release_candidate (ref, tags[k]);

          if (pinning == DOCKYARD_IMAGE_PINNING_EXACT && dockyard_image_ref_has_same_tag (ref, tags[k]))
            local = DOCKYARD_IMAGE (item);
          if (release != NULL &&
              !g_ptr_array_find_with_equal_func (candidates, release, g_str_equal, NULL))
            g_ptr_array_add (candidates, g_steal_pointer (&release));
        }
    }

  dockyard_image_tags_sort_newest_first (candidates);
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
  gtk_widget_set_visible (GTK_WIDGET (self->version_error), self->image_error && self->touched);
  gtk_label_set_label (self->version_error, self->image_error ? self->error : "");
  if (self->image_error && self->touched)
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
      gtk_image_set_from_icon_name (self->version_icon, "object-select-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->version_icon), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->version_icon), "success");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->version_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Exact version"), -1);
    }

  if (self->command_error != NULL && self->touched)
    gtk_widget_add_css_class (GTK_WIDGET (self->command_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->command_row), "error");
}

/* After any change of the form model. */
void
_dockyard_dockerfile_page_form_updated (DockyardDockerfilePage *self)
{
  gboolean jupyter = dockyard_dockerfile_model_get_jupyterlab_version (self->form) != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->jupyter_add_row), !jupyter);
  gtk_widget_set_visible (GTK_WIDGET (self->jupyter_row), jupyter);
  update_validation (self);
  _dockyard_dockerfile_page_update_image_hints (self);
  update_cache_row (self);
  _dockyard_dockerfile_page_update_status (self);
  _dockyard_dockerfile_page_schedule_preview (self);
  _dockyard_dockerfile_page_update_actions (self);
}

/* Shows the form model in the fields; the change handlers stay quiet. */
void
_dockyard_dockerfile_page_load_form (DockyardDockerfilePage *self)
{
  DockyardDockerfileModel *form = self->form;
  g_autofree char *image = NULL;
  g_autofree char *version = NULL;
  g_autofree char *apt = NULL;
  g_autofree char *command = NULL;

  dockyard_form_split_base_image (dockyard_dockerfile_model_get_base_image (form), &image, &version);
  apt = g_strjoinv (" ", (char **) dockyard_dockerfile_model_get_apt_packages (form));
  command = dockyard_form_command_to_text (dockyard_dockerfile_model_get_command (form));

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
  self->touched = FALSE;
}

/* Reads the fields into the form model. */
void
_dockyard_dockerfile_page_form_changed_cb (DockyardDockerfilePage *self)
{
  g_autofree char *image = NULL;
  g_autofree char *version = NULL;
  g_autofree char *base_image = NULL;
  g_autofree char *work_dir = NULL;
  g_autofree char *requirements = NULL;
  g_autofree char *apt = NULL;
  g_autofree char *jupyter = NULL;
  g_autofree char *command = NULL;
  g_auto(GStrv) apt_packages = NULL;

  if (self->updating || self->form == NULL)
    return;

  self->touched = TRUE;
  image = row_text (self->image_row);
  version = row_text (self->version_row);
  base_image = dockyard_form_join_base_image (image, version);
  work_dir = row_text (self->workdir_row);
  requirements = row_text (self->requirements_row);
  apt = row_text (self->apt_row);
  command = row_text (self->command_row);

  dockyard_dockerfile_model_set_base_image (self->form, base_image);
  dockyard_dockerfile_model_set_work_dir (self->form, *work_dir != '\0' ? work_dir : NULL);
  dockyard_dockerfile_model_set_requirements_file (self->form, requirements);

  apt_packages = dockyard_form_words_from_text (apt);
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

  _dockyard_dockerfile_page_form_updated (self);
}

void
_dockyard_dockerfile_page_requirements_changed_cb (DockyardDockerfilePage *self)
{
  if (self->updating)
    return;
  _dockyard_dockerfile_page_form_changed_cb (self);
  _dockyard_dockerfile_page_schedule_requirements (self, REQUIREMENTS_DELAY_MS);
}

