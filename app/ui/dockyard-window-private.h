/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-build-record.h"
#include "dockyard-build-view.h"
#include "dockyard-dockerfile-page.h"
#include "dockyard-lab-page.h"
#include "dockyard-project-picker.h"
#include "dockyard-terminal-page.h"
#include "dockyard-window.h"

G_BEGIN_DECLS

struct _DockyardWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkLabel             *project_title_label;
  GtkButton            *open_button;
  GtkButton            *build_button;
  GtkButton            *dev_button;
  GtkButton            *lab_button;
  AdwButtonContent     *lab_button_content;
  DockyardLabPage      *lab_page;
  DockyardTerminalPage *terminal_page;
  AdwViewStack         *project_stack;
  AdwEntryRow          *project_image_row;
  AdwEntryRow          *published_ports_row;
  DockyardBuildView    *build_view;
  DockyardDockerfilePage *dockerfile_page;
  GtkStack             *stack;
  GtkRevealer          *engine_lost_revealer;
  GtkSpinner           *engine_lost_spinner;
  GtkLabel             *engine_lost_label;
  GtkButton            *engine_retry_button;
  GtkSpinner           *connecting_spinner;
  AdwStatusPage        *no_engine_page;
  GtkLabel             *no_engine_help;
  DockyardProjectPicker *project_picker;
  AdwPreferencesGroup  *project_group;
  AdwActionRow         *project_folder_row;
  AdwActionRow         *project_dockerfile_row;
  GtkImage             *project_dockerfile_icon;
  AdwActionRow         *engine_row;
  AdwActionRow         *images_row;
  AdwActionRow         *containers_row;
  AdwActionRow         *last_build_row;
  GtkImage             *last_build_icon;

  /* Borrowed: followed while the engine is up */
  DockyardObjectList   *images;
  DockyardObjectList   *containers;

  /* Owned; construct-only: the shared engine connection, the app's
   * settings and recent projects.  Kept to the end: GtkWindow lets go of
   * its application before dispose, when the dev container still has to
   * be removed. */
  DockyardEngineMonitor *monitor;
  GSettings            *settings;
  DockyardRecentProjects *recent_projects;

  /* Owned */
  DockyardProject      *project;
  GCancellable         *cancellable;
  DockyardBuild        *build;
  GCancellable         *build_cancellable;
  DockyardLabSession   *lab_session;
  gboolean              open_on_dockerfile;
  /* Re-reading the open project: keep its page, build, dev and lab. */
  gboolean              reopening;
  /* Build started, its context not yet open. */
  gboolean              opening_context;
  /* A terminal has the keyboard focus. */
  gboolean              terminal_focused;
  /* The user chose to close with unsaved Dockerfile changes. */
  gboolean              discard_changes;
  /* The project's last build, kept across restarts. */
  DockyardBuildRecord  *last_build;
  GCancellable         *build_state_cancellable;
  gint64                build_started;
  /* "Build Image" on the Terminal page: open the shell once built. */
  gboolean              dev_after_build;
  /* The user agreed to stop what runs (or nothing ran): close. */
  gboolean              stop_confirmed;
  /* Closing waits for the look at what the shells run. */
  gboolean              close_check_pending;
  /* The window has the narrow-layout breakpoint (libadwaita >= 1.4,
   * dockyard-adaptive.c), and the narrow layout is on. */
  gboolean              has_breakpoint;
  gboolean              narrow;
};

void     _dockyard_window_actions_update     (DockyardWindow *self);
void     _dockyard_window_show_build_state   (DockyardWindow *self);
void     _dockyard_window_load_build_state   (DockyardWindow *self);
void     _dockyard_window_record_build       (DockyardWindow *self,
                                              DockyardBuild  *build,
                                              const char     *image_id);
void     _dockyard_window_class_add_actions  (GtkWidgetClass *widget_class);
void     _dockyard_window_class_add_ports    (GtkWidgetClass *widget_class);
void     _dockyard_window_load_published_ports (DockyardWindow *self);
gboolean _dockyard_window_get_dev_as_root    (DockyardWindow *self);
void     _dockyard_window_stop_lab           (DockyardWindow *self);
void     _dockyard_window_show_built_toast   (DockyardWindow *self,
                                              const char     *text);

G_END_DECLS
