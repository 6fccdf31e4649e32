/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <string.h>

#include "dockyard-dockerfile-generator.h"
#include "dockyard-dockerfile-page.h"

G_BEGIN_DECLS

struct _DockyardDockerfilePage
{
  AdwBin                   parent_instance;

  /* Template widgets */
  AdwToastOverlay         *toast_overlay;
  GtkStack                *stack;
  GtkPaned                *paned;
  GtkWidget               *form_scroller;
  GtkWidget               *preview_box;
  GtkSpinner              *loading_spinner;
  AdwStatusPage           *error_page;
  GtkWidget               *form_box;
  GtkLabel                *form_message;
  AdwEntryRow             *image_row;
  GtkMenuButton           *image_menu_button;
  GMenuModel              *common_images_menu;
  AdwEntryRow             *version_row;
  GtkImage                *version_icon;
  AdwActionRow            *candidates_row;
  GtkBox                  *candidates_box;
  AdwActionRow            *local_row;
  GtkButton               *digest_button;
  GtkLabel                *version_error;
  AdwEntryRow             *workdir_row;
  AdwEntryRow             *requirements_row;
  AdwExpanderRow          *unpinned_row;
  GtkSpinner              *pin_spinner;
  GtkButton               *pin_button;
  AdwEntryRow             *command_row;
  AdwEntryRow             *apt_row;
  AdwActionRow            *jupyter_add_row;
  AdwEntryRow             *jupyter_row;
  AdwActionRow            *cache_row;
  AdwPreferencesGroup     *other_group;
  GtkLabel                *other_label;
  GtkTextView             *preview_view;
  GtkSpinner              *lint_spinner;
  GtkStack                *findings_stack;
  GtkListBox              *findings_list;
  GtkLabel                *status_label;
  GtkRevealer             *disk_changed_revealer;
  GtkLabel                *disk_changed_label;
  GtkButton               *save_button;

  /* Borrowed: the question on show (dockyard_alert_new(), AdwMessageDialog) */
  GtkWidget               *dialog;

  /* Owned */
  DockyardProject         *project;
  DockyardEngine          *engine;
  GListModel              *images;
  GMenu                   *image_menu;     /* local images, then common ones */
  GCancellable            *cancellable;
  GCancellable            *lint_cancellable;
  GCancellable            *requirements_cancellable;
  GCancellable            *pin_cancellable;   /* while pinning requirements */
  DockyardDockerfileModel *form;        /* what the form shows */
  DockyardDockerfileModel *base_model;  /* read from base_text; NULL if it does not parse */
  char                    *base_text;   /* the text the form edits; NULL for a new file */
  gsize                    base_length;
  char                    *disk_text;   /* the file as loaded or last saved; NULL if none */
  gsize                    disk_length;
  char                    *clean_text;  /* what "no changes" looks like */
  gsize                    clean_length;
  char                    *text;        /* the Dockerfile as it would be saved */
  gsize                    length;
  char                    *lint_text;   /* the text the findings were computed for */
  gsize                    lint_length;
  GListStore              *findings;
  GPtrArray               *unpinned_rows;
  char                    *error;
  char                    *command_error;
  char                    *digest_version; /* "TAG@sha256:..." offered by digest_button */
  GtkTextTag              *keyword_tag;
  GtkTextTag              *comment_tag;
  GtkTextTag              *flag_tag;
  GtkTextTag              *changed_tag;  /* lines that differ from the file */
  guint                    preview_source;
  guint                    requirements_source;
  guint                    lint_serial;
  guint                    requirements_serial;
  guint                    n_threads;   /* lint and requirements tasks not finished */
  guint                    pending_line; /* to show once the file is loaded; 0 for none */
  int                      wide_position; /* the paned's while the narrow layout is on */
  guint                    n_unpinned;
  GFileMonitor            *dockerfile_monitor;   /* changes made outside Dockyard */
  GFileMonitor            *ignore_monitor;
  GFileMonitor            *requirements_monitor;
  GFile                   *requirements_watched;
  guint                    watch_source;
  guint                    watch_dockerfile : 1;  /* a Dockerfile change to look at */
  guint                    watch_others : 1;      /* .dockerignore or requirements */
  guint                    disk_changed : 1;      /* changed on disk, edits here */
  GBytes                  *undo_previous; /* the file before the last save, for Undo */
  GBytes                  *undo_saved;    /* what that save wrote */
  GFile                   *undo_file;     /* the file it wrote */
  AdwToast                *undo_toast;    /* weak: the toast offering Undo */
  gboolean                 undo_requirements; /* a requirements file, not the Dockerfile */

  guint                    has_file : 1;
  guint                    hand_written : 1;
  guint                    overwrite_confirmed : 1;
  guint                    loading : 1;
  guint                    saving : 1;
  guint                    linting : 1;
  guint                    updating : 1;
  guint                    dirty : 1;
  guint                    busy : 1;
  guint                    image_error : 1;
  guint                    editable : 1;
  /* The user changed a field or pressed Save: errors show from then on
   * (a new project does not open in red). */
  guint                    touched : 1;
  guint                    narrow : 1;
  guint                    narrow_split_placed : 1;
};

/* A copy of @length bytes, nul-terminated (the text may come from a GBytes,
 * which has no terminator). */
static inline char *
dup_text (const char *text,
          gsize       length)
{
  char *copy = g_malloc (length + 1);

  memcpy (copy, text, length);
  copy[length] = '\0';
  return copy;
}

static inline gboolean
texts_equal (const char *a,
             gsize       a_length,
             const char *b,
             gsize       b_length)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a_length == b_length && memcmp (a, b, a_length) == 0;
}

static inline char *
row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static inline void
set_row_text (AdwEntryRow *row,
              const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

void     _dockyard_dockerfile_page_update_status           (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_update_actions          (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_update_dirty            (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_update_preview          (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_set_busy                (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_schedule_requirements   (DockyardDockerfilePage *self,
                                                            guint                   delay_ms);
void     _dockyard_dockerfile_page_requirements_written    (DockyardDockerfilePage *self);
GFile   *_dockyard_dockerfile_page_dockerfile_file         (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_save_action             (GtkWidget              *widget,
                                                            const char             *action_name,
                                                            GVariant               *parameter);
void     _dockyard_dockerfile_page_undo_save_action        (GtkWidget              *widget,
                                                            const char             *action_name,
                                                            GVariant               *parameter);
void     _dockyard_dockerfile_page_forget_undo             (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_offer_undo              (DockyardDockerfilePage *self,
                                                            AdwToast               *toast,
                                                            GFile                  *file,
                                                            gboolean                requirements,
                                                            GBytes                 *previous,
                                                            GBytes                 *saved);
void     _dockyard_dockerfile_page_reload                  (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_pin_action              (GtkWidget              *widget,
                                                            const char             *action_name,
                                                            GVariant               *parameter);
void     _dockyard_dockerfile_page_mark_changes        (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_schedule_preview        (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_set_document_text       (DockyardDockerfilePage *self,
                                                            const char             *text,
                                                            gsize                   length);
gboolean _dockyard_dockerfile_page_select_line             (DockyardDockerfilePage *self,
                                                            guint                   line);

/* Changes on disk (dockyard-dockerfile-page-watch.c) */
void     _dockyard_dockerfile_page_watch                   (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_unwatch                 (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_watch_requirements      (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_keep_mine_action        (GtkWidget              *widget,
                                                            const char             *action_name,
                                                            GVariant               *parameter);
void     _dockyard_dockerfile_page_reload_changed_action   (GtkWidget              *widget,
                                                            const char             *action_name,
                                                            GVariant               *parameter);

/* The form (dockyard-dockerfile-page-form.c) */
void     _dockyard_dockerfile_page_load_form               (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_form_updated            (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_update_image_hints      (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_form_changed_cb         (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_requirements_changed_cb (DockyardDockerfilePage *self);

/* The findings (dockyard-dockerfile-page-findings.c) */
gboolean _dockyard_dockerfile_page_lint_is_fresh           (DockyardDockerfilePage *self);
gboolean _dockyard_dockerfile_page_has_fixable_findings    (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_start_lint              (DockyardDockerfilePage *self);
void     _dockyard_dockerfile_page_finding_activated_cb    (DockyardDockerfilePage *self,
                                                            GtkListBoxRow          *row);
void     _dockyard_dockerfile_page_fix_action              (GtkWidget              *widget,
                                                            const char             *action_name,
                                                            GVariant               *parameter);
void     _dockyard_dockerfile_page_fix_all_action          (GtkWidget              *widget,
                                                            const char             *action_name,
                                                            GVariant               *parameter);

G_END_DECLS
