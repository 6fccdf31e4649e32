/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-dockerfile-page-private.h"
#include "dockyard-lint.h"
#include "dockyard-text-edit.h"

/* The findings of the Dockerfile: linted in a thread as the text changes,
 * listed under the preview, and fixed as edits of the text. */

gboolean
_dockyard_dockerfile_page_lint_is_fresh (DockyardDockerfilePage *self)
{
  return !self->linting && self->preview_source == 0 &&
         texts_equal (self->lint_text, self->lint_length, self->text, self->length);
}

gboolean
_dockyard_dockerfile_page_has_fixable_findings (DockyardDockerfilePage *self)
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
_dockyard_dockerfile_page_finding_activated_cb (DockyardDockerfilePage *self,
                                                GtkListBoxRow          *row)
{
  _dockyard_dockerfile_page_select_line (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "line")));
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

void
_dockyard_dockerfile_page_start_lint (DockyardDockerfilePage *self)
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
  data->context = self->project != NULL ? g_object_ref (dockyard_project_get_context_directory (self->project)) : NULL;
  data->serial = ++self->lint_serial;

  self->linting = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->lint_spinner), TRUE);
  gtk_spinner_start (self->lint_spinner);

  task = g_task_new (self, self->lint_cancellable, lint_cb, NULL);
  g_task_set_source_tag (task, _dockyard_dockerfile_page_start_lint);
  g_task_set_task_data (task, data, (GDestroyNotify) lint_data_free);
  self->n_threads++;
  g_task_run_in_thread (task, lint_thread);

  _dockyard_dockerfile_page_update_actions (self);
  _dockyard_dockerfile_page_set_busy (self);
}

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
  _dockyard_dockerfile_page_set_document_text (self, fixed, length);
}

void
_dockyard_dockerfile_page_fix_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);
  guint index = g_variant_get_uint32 (parameter);
  g_autoptr(DockyardFinding) finding = NULL;
  GPtrArray *fix;

  if (!_dockyard_dockerfile_page_lint_is_fresh (self) || index >= g_list_model_get_n_items (G_LIST_MODEL (self->findings)))
    return;

  finding = g_list_model_get_item (G_LIST_MODEL (self->findings), index);
  fix = dockyard_finding_get_fix (finding);
  if (fix == NULL || dockyard_finding_get_file (finding) != NULL)
    return;
  apply_edits (self, fix);
}

void
_dockyard_dockerfile_page_fix_all_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);
  g_autoptr(GPtrArray) edits = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->findings));

  if (!_dockyard_dockerfile_page_lint_is_fresh (self))
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

