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

  /* Owned */
  DockyardBuild  *build;
  gint64          started;
};

G_DEFINE_FINAL_TYPE (DockyardBuildView, dockyard_build_view, ADW_TYPE_BIN)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return dockyard_build_step_row_new (DOCKYARD_BUILD_STEP (item));
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
  gtk_list_box_bind_model (self->steps_list, G_LIST_MODEL (build), create_row, NULL, NULL);

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
