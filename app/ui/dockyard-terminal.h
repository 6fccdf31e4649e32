/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <vte/vte.h>

#include "dockyard-tty-stream.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_TERMINAL (dockyard_terminal_get_type ())

G_DECLARE_FINAL_TYPE (DockyardTerminal, dockyard_terminal, DOCKYARD, TERMINAL, GtkWidget)

GtkWidget         *dockyard_terminal_new          (void);
VteTerminal       *dockyard_terminal_get_vte      (DockyardTerminal  *self);
DockyardTtyStream *dockyard_terminal_get_stream   (DockyardTerminal  *self);
void               dockyard_terminal_set_stream   (DockyardTerminal  *self,
                                                   DockyardTtyStream *stream);
void               dockyard_terminal_show_message (DockyardTerminal  *self,
                                                   const char        *message,
                                                   gboolean           offer_restart);
void               dockyard_terminal_get_size     (DockyardTerminal  *self,
                                                   guint             *rows,
                                                   guint             *columns);

G_END_DECLS
