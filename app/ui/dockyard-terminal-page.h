/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dockyard-dev-ports.h"
#include "dockyard-dev-session.h"
#include "dockyard-engine-monitor.h"
#include "dockyard-terminal.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_TERMINAL_PAGE (dockyard_terminal_page_get_type ())

G_DECLARE_FINAL_TYPE (DockyardTerminalPage, dockyard_terminal_page, DOCKYARD, TERMINAL_PAGE, AdwBin)

void                dockyard_terminal_page_set_monitor     (DockyardTerminalPage  *self,
                                                            DockyardEngineMonitor *monitor);
DockyardDevSession *dockyard_terminal_page_get_dev_session (DockyardTerminalPage  *self);
DockyardTerminal   *dockyard_terminal_page_get_terminal    (DockyardTerminalPage  *self,
                                                            guint                  index);
GtkWidget          *dockyard_terminal_page_get_new_terminal_button (DockyardTerminalPage *self);
GtkWidget          *dockyard_terminal_page_get_ports_button (DockyardTerminalPage *self);
DockyardDevPorts   *dockyard_terminal_page_get_dev_ports (DockyardTerminalPage *self);
void                dockyard_terminal_page_start           (DockyardTerminalPage  *self,
                                                            DockyardDevSession    *session);
void                dockyard_terminal_page_stop            (DockyardTerminalPage  *self);
gboolean            dockyard_terminal_page_show_dev        (DockyardTerminalPage  *self);
gboolean            dockyard_terminal_page_open_shell      (DockyardTerminalPage  *self);
void                dockyard_terminal_page_find_busy_async  (DockyardTerminalPage  *self,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
char               *dockyard_terminal_page_find_busy_finish (DockyardTerminalPage  *self,
                                                             GAsyncResult          *result,
                                                             guint                 *n_shells,
                                                             GError               **error);

G_END_DECLS
