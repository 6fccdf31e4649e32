/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-build-step-row.h"
#include "dockyard-build-view.h"
#include "dockyard-deferred-show.h"

/**
 * DockyardBuildView:
 *
 * Shows one build: its state and progress, the steps with their output,
 * and what went wrong.
 */
struct _DockyardBuildView
{
  AdwBin          parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack       *stack;
  AdwStatusPage  *empty_page;
  GtkLabel       *status_label;
  GtkLabel       *detail_label;
  GtkButton      *cancel_button;
  GtkButton      *rebuild_button;
  GtkProgressBar *progress_bar;
  GtkRevealer    *error_revealer;
  GtkLabel       *error_title;
  GtkLabel       *error_message;
  GtkButton      *show_line_button;
  GtkListBox     *steps_list;
  GtkLabel       *log_title;
  GtkLabel       *log_matches;
  GtkSearchEntry *log_search;
  GtkTextView    *log_full_view;

  /* Owned */
  DockyardBuild  *build;
  gint64          started;
};

G_DEFINE_FINAL_TYPE (DockyardBuildView, dockyard_build_view, ADW_TYPE_BIN)

/* The whole page for one step's output, with search (issue 18: the inline
 * pane is a few lines tall on a laptop). */
static void
show_full_log_cb (DockyardBuildStepRow *row,
                  DockyardBuildView    *self)
{
  GtkTextBuffer *buffer = dockyard_build_step_row_get_log_buffer (row);

  if (gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "search-match") == NULL)
    gtk_text_buffer_create_tag (buffer, "search-match", "background", "#f8e45c",
                                "foreground", "#000000", NULL);
  gtk_text_view_set_buffer (self->log_full_view, buffer);
  gtk_label_set_label (self->log_title, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  gtk_stack_set_visible_child_name (self->stack, "log");
  gtk_widget_grab_focus (GTK_WIDGET (self->log_search));
  g_signal_emit_by_name (self->log_search, "search-changed");
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  GtkWidget *row = dockyard_build_step_row_new (DOCKYARD_BUILD_STEP (item));

  g_signal_connect_object (row, "show-full-log", G_CALLBACK (show_full_log_cb), user_data, 0);
  return row;
}

static void
log_back_cb (DockyardBuildView *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "log") == 0)
    gtk_stack_set_visible_child_name (self->stack, "build");
}

/* Marks every match of the search text; selects the first. */
static void
log_search_changed_cb (DockyardBuildView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_full_view);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->log_search));
  GtkTextIter start, end, match_start, match_end, first_start, first_end;
  guint n = 0;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, "search-match", &start, &end);
  gtk_label_set_label (self->log_matches, "");
  if (*text == '\0')
    return;

  while (gtk_text_iter_forward_search (&start, text, GTK_TEXT_SEARCH_CASE_INSENSITIVE,
                                       &match_start, &match_end, NULL))
    {
      if (n == 0)
        {
          first_start = match_start;
          first_end = match_end;
        }
      gtk_text_buffer_apply_tag_by_name (buffer, "search-match", &match_start, &match_end);
      start = match_end;
      n++;
    }

  if (n > 0)
    {
      g_autofree char *count = NULL;

      gtk_text_buffer_select_range (buffer, &first_start, &first_end);
      gtk_text_view_scroll_to_iter (self->log_full_view, &first_start, 0.1, FALSE, 0, 0);
      /* Translators: how many times the searched text is in the step's output */
      count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u match", "%u matches", n), n);
      gtk_label_set_label (self->log_matches, count);
    }
  else
    gtk_label_set_label (self->log_matches, _("Not found"));
}

static void
log_search_move (DockyardBuildView *self,
                 gboolean           forward)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_full_view);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->log_search));
  GtkTextIter from, sel_start, sel_end, match_start, match_end;
  gboolean found;

  if (*text == '\0')
    return;

  gtk_text_buffer_get_selection_bounds (buffer, &sel_start, &sel_end);
  from = forward ? sel_end : sel_start;
  found = forward
          ? gtk_text_iter_forward_search (&from, text, GTK_TEXT_SEARCH_CASE_INSENSITIVE,
                                          &match_start, &match_end, NULL)
          : gtk_text_iter_backward_search (&from, text, GTK_TEXT_SEARCH_CASE_INSENSITIVE,
                                           &match_start, &match_end, NULL);
  /* Past the last one: round again from the other end. */
  if (!found)
    {
      if (forward)
        gtk_text_buffer_get_start_iter (buffer, &from);
      else
        gtk_text_buffer_get_end_iter (buffer, &from);
      found = forward
              ? gtk_text_iter_forward_search (&from, text, GTK_TEXT_SEARCH_CASE_INSENSITIVE,
                                              &match_start, &match_end, NULL)
              : gtk_text_iter_backward_search (&from, text, GTK_TEXT_SEARCH_CASE_INSENSITIVE,
                                               &match_start, &match_end, NULL);
    }
  if (!found)
    return;

  gtk_text_buffer_select_range (buffer, &match_start, &match_end);
  gtk_text_view_scroll_to_iter (self->log_full_view, &match_start, 0.1, FALSE, 0, 0);
}

static void
log_search_next_cb (DockyardBuildView *self)
{
  log_search_move (self, TRUE);
}

static void
log_search_previous_cb (DockyardBuildView *self)
{
  log_search_move (self, FALSE);
}

static void
count_steps (DockyardBuild *build,
             guint         *n_instructions,
             guint         *n_cached)
{
  *n_instructions = *n_cached = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (build)); i++)
    {
      g_autoptr(DockyardBuildStep) step = g_list_model_get_item (G_LIST_MODEL (build), i);

      if (dockyard_build_step_get_index (step) == 0)
        continue;

      (*n_instructions)++;
      if (dockyard_build_step_get_cached (step))
        (*n_cached)++;
    }
}

static void
update (DockyardBuildView *self)
{
  DockyardBuildState state = dockyard_build_get_state (self->build);
  const char *tag = dockyard_build_get_tag (self->build);
  g_autofree char *status = NULL;
  g_autofree char *detail = NULL;
  gboolean running = state == DOCKYARD_BUILD_RUNNING || state == DOCKYARD_BUILD_READY;

  switch (state)
    {
    case DOCKYARD_BUILD_SUCCEEDED:
      {
        guint n_instructions, n_cached;
        double seconds = (g_get_monotonic_time () - self->started) / (double) G_USEC_PER_SEC;

        count_steps (self->build, &n_instructions, &n_cached);
        /* Translators: %s is the image name, e.g. "myproject:dev" */
        status = g_strdup_printf (_("Built %s"), tag);
        /* Translators: build time in seconds, then how many steps came from the cache */
        detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%.1f s · %u step, %u from the cache",
                                               "%.1f s · %u steps, %u from the cache",
                                               n_instructions),
                                  seconds, n_instructions, n_cached);
      }
      break;
    case DOCKYARD_BUILD_FAILED:
      status = g_strdup (_("Build Failed"));
      detail = g_strdup (tag);
      break;
    case DOCKYARD_BUILD_CANCELLED:
      status = g_strdup (_("Build Cancelled"));
      detail = g_strdup (tag);
      break;
    case DOCKYARD_BUILD_READY:
    case DOCKYARD_BUILD_RUNNING:
    default:
      /* Translators: %s is the image name, e.g. "myproject:dev" */
      status = g_strdup_printf (_("Building %s…"), tag);
      detail = g_strdup (dockyard_build_get_buildkit (self->build)
                         ? _("BuildKit") : _("Sending the build context"));
      break;
    }

  gtk_label_set_label (self->status_label, status);
  gtk_label_set_label (self->detail_label, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), running);
  gtk_widget_set_visible (GTK_WIDGET (self->rebuild_button), !running);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  gtk_progress_bar_set_fraction (self->progress_bar, dockyard_build_get_progress (self->build));

  if (!running)
    {
      for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->steps_list));
           row != NULL;
           row = gtk_widget_get_next_sibling (row))
        if (DOCKYARD_IS_BUILD_STEP_ROW (row))
          dockyard_build_step_row_stop (DOCKYARD_BUILD_STEP_ROW (row));
    }
}

static void
dockyard_build_view_dispose (GObject *object)
{
  DockyardBuildView *self = (DockyardBuildView *)object;

  if (self->build != NULL)
    g_signal_handlers_disconnect_by_data (self->build, self);
  gtk_list_box_bind_model (self->steps_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->build);

  /* No gtk_widget_dispose_template(): the template's root is AdwBin's child,
   * which AdwBin unparents itself; doing it here would leave it dangling. */

  G_OBJECT_CLASS (dockyard_build_view_parent_class)->dispose (object);
}

static void
dockyard_build_view_class_init (DockyardBuildViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dockyard_build_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/dockyard-build-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, stack);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, empty_page);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, status_label);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, detail_label);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, rebuild_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, error_title);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, error_message);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, show_line_button);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, steps_list);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, log_title);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, log_matches);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, log_search);
  gtk_widget_class_bind_template_child (widget_class, DockyardBuildView, log_full_view);
  gtk_widget_class_bind_template_callback (widget_class, log_back_cb);
  gtk_widget_class_bind_template_callback (widget_class, log_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, log_search_next_cb);
  gtk_widget_class_bind_template_callback (widget_class, log_search_previous_cb);
}

static void
dockyard_build_view_init (DockyardBuildView *self)
{
  g_type_ensure (DOCKYARD_TYPE_BUILD_STEP_ROW);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Nothing to lay out while the window starts on another page. */
  dockyard_defer_show_until_mapped (GTK_WIDGET (self), adw_bin_get_child (ADW_BIN (self)));
}

/**
 * dockyard_build_view_get_build:
 *
 * Returns: (transfer none) (nullable): the build shown
 */
DockyardBuild *
dockyard_build_view_get_build (DockyardBuildView *self)
{
  g_return_val_if_fail (DOCKYARD_IS_BUILD_VIEW (self), NULL);
  return self->build;
}

/**
 * dockyard_build_view_set_build:
 * @build: (nullable): the build to show, %NULL for none yet
 */
void
dockyard_build_view_set_build (DockyardBuildView *self,
                               DockyardBuild     *build)
{
  g_return_if_fail (DOCKYARD_IS_BUILD_VIEW (self));
  g_return_if_fail (!build || DOCKYARD_IS_BUILD (build));

  if (self->build != NULL)
    g_signal_handlers_disconnect_by_data (self->build, self);
  g_set_object (&self->build, build);

  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "log") == 0)
    gtk_stack_set_visible_child_name (self->stack, "build");
  gtk_list_box_bind_model (self->steps_list, G_LIST_MODEL (build), create_row, self, NULL);

  if (build == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  self->started = g_get_monotonic_time ();
  g_signal_connect_object (build, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (build, "notify::progress", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  update (self);
  gtk_stack_set_visible_child_name (self->stack, "build");
}

/**
 * dockyard_build_view_show_error:
 * @title: what failed, e.g. "Step 2/3 failed at line 5 of the Dockerfile"
 * @message: the engine's message, with the last lines of output
 * @line: the Dockerfile line that failed, counted from 1; 0 if unknown
 *
 * With a line, the error offers to show it in the Dockerfile (the window's
 * `win.show-dockerfile-line` action).
 */
void
dockyard_build_view_show_error (DockyardBuildView *self,
                                const char        *title,
                                const char        *message,
                                guint              line)
{
  g_return_if_fail (DOCKYARD_IS_BUILD_VIEW (self));

  gtk_label_set_label (self->error_title, title);
  gtk_label_set_label (self->error_message, message);
  /* The name only with a target (the target first): a "u" action without
   * one would not match. */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->show_line_button), NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->show_line_button),
                                          line > 0 ? g_variant_new_uint32 (line) : NULL);
  if (line > 0)
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->show_line_button),
                                    "win.show-dockerfile-line");
  gtk_widget_set_visible (GTK_WIDGET (self->show_line_button), line > 0);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "build");
}

/**
 * dockyard_build_view_set_last_build:
 * @title: (nullable): e.g. "Last Build Succeeded"; %NULL when the project
 *   was never built
 * @description: (nullable): when, how long, the image
 *
 * What the view says while it shows no build of this session: the
 * project's last build, kept from an earlier one.
 */
void
dockyard_build_view_set_last_build (DockyardBuildView *self,
                                    const char        *title,
                                    const char        *description)
{
  g_return_if_fail (DOCKYARD_IS_BUILD_VIEW (self));

  if (title == NULL)
    {
      adw_status_page_set_title (self->empty_page, _("No Build Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Build the project’s image from its Dockerfile. Progress and the output of each step show here."));
      adw_status_page_set_icon_name (self->empty_page, "applications-engineering-symbolic");
      return;
    }

  adw_status_page_set_title (self->empty_page, title);
  /* The description is markup; the failed instruction may have "&" or "<". */
  {
    g_autofree char *escaped = description != NULL ? g_markup_escape_text (description, -1) : NULL;

    adw_status_page_set_description (self->empty_page, escaped);
  }
  adw_status_page_set_icon_name (self->empty_page, "document-open-recent-symbolic");
}

/**
 * dockyard_build_view_add_toast:
 * @toast: (transfer full): e.g. "Built myproject:dev"
 *
 * Shows @toast over the build page only: it does not cover the terminal
 * or the lab when the user goes there.
 */
void
dockyard_build_view_add_toast (DockyardBuildView *self,
                               AdwToast          *toast)
{
  g_return_if_fail (DOCKYARD_IS_BUILD_VIEW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
