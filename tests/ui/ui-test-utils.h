/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dockyard-application.h"
#include "dockyard-dockerfile-page.h"
#include "dockyard-terminal.h"
#include "dockyard-window.h"

G_BEGIN_DECLS

/* An app with a window showing a project (dockyard_ui_test_project_new()). */
typedef struct
{
  DockyardApplication *app;
  DockyardWindow      *window;
  char                *project;
} DockyardUiTestProject;

/* A window built the way a test of the window alone builds it. */
typedef struct
{
  GSettings             *settings;
  DockyardEngineMonitor *monitor;
  DockyardWindow        *window;
} DockyardUiTestBareWindow;

/* Helpers of the widget tests (tests/ui, tests/i18n), which run on a
 * private X server and session bus. */

void                 dockyard_ui_test_init                 (int               *argc,
                                                            char            ***argv);
void                 dockyard_ui_test_iterate              (void);
void                 dockyard_ui_test_settle               (guint              ms);
void                 dockyard_ui_test_wait_for_transitions (GtkWidget         *widget);
void                 dockyard_ui_test_save_screenshot      (GtkWidget         *widget,
                                                            const char        *name);

char                *dockyard_ui_test_find_label_text      (GtkWidget         *widget,
                                                            const char        *needle);
char                *dockyard_ui_test_wait_for_label_text  (GtkWidget         *widget,
                                                            const char        *needle);
GtkWidget           *dockyard_ui_test_find_widget          (GtkWidget         *widget,
                                                            GType              type);

DockyardApplication *dockyard_ui_test_start_app            (void);
void                 dockyard_ui_test_quit_app             (DockyardApplication *app);
DockyardWindow      *dockyard_ui_test_new_window           (DockyardApplication *app);
DockyardWindow      *dockyard_ui_test_new_sized_window     (DockyardApplication *app,
                                                            int                width,
                                                            int                height);
void                 dockyard_ui_test_open_project         (DockyardApplication *app,
                                                            DockyardWindow    *window,
                                                            const char        *project);
DockyardUiTestProject *dockyard_ui_test_project_new      (const char        *name,
                                                            const char        *dockerfile);
void                 dockyard_ui_test_project_open         (DockyardUiTestProject *f,
                                                            int                width,
                                                            int                height);
void                 dockyard_ui_test_project_close        (DockyardUiTestProject *f);
void                 dockyard_ui_test_project_free         (DockyardUiTestProject *f);
DockyardUiTestBareWindow *dockyard_ui_test_bare_window_new (const char        *project);
void                 dockyard_ui_test_bare_window_free     (DockyardUiTestBareWindow *bare);
void                 dockyard_ui_test_destroy_window       (GtkWindow         *window);
GtkWindow           *dockyard_ui_test_wait_for_toplevel    (GType              type,
                                                            GtkWindow         *except,
                                                            guint              seconds);
void                 dockyard_ui_test_wait_for_page        (DockyardWindow    *window,
                                                            const char        *page);
void                 dockyard_ui_test_wait_for_build_end   (DockyardWindow    *window);
void                 dockyard_ui_test_wait_for_page_idle   (DockyardDockerfilePage *page,
                                                            guint              seconds);

char                *dockyard_ui_test_terminal_text        (DockyardTerminal  *terminal);
void                 dockyard_ui_test_wait_for_terminal_text (DockyardTerminal *terminal,
                                                              const char       *needle);

GtkWidget           *dockyard_ui_test_find_alert           (void);
GtkWidget           *dockyard_ui_test_wait_for_alert       (guint              seconds);

gboolean             dockyard_ui_test_xdotool              (const char * const *args);
gboolean             dockyard_ui_test_type_line            (const char        *text);

char                *dockyard_ui_test_register_browser     (void);
char                *dockyard_ui_test_wait_for_opened_url  (const char        *urls);

void                 dockyard_ui_test_remove_image         (const char        *name);
gboolean             dockyard_ui_test_container_gone       (const char        *id);

G_END_DECLS
