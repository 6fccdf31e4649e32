/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dockyard-lab-session.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_LAB_PAGE (dockyard_lab_page_get_type ())

G_DECLARE_FINAL_TYPE (DockyardLabPage, dockyard_lab_page, DOCKYARD, LAB_PAGE, AdwBin)

DockyardLabSession *dockyard_lab_page_get_session (DockyardLabPage    *self);
void                dockyard_lab_page_set_session (DockyardLabPage    *self,
                                                   DockyardLabSession *session,
                                                   gboolean            engine_has_bridge);
void                dockyard_lab_page_update      (DockyardLabPage    *self);
void                dockyard_lab_page_set_narrow  (DockyardLabPage    *self,
                                                   gboolean            narrow);

void                dockyard_lab_page_set_add_jupyter (DockyardLabPage    *self,
                                                       const char         *label,
                                                       const char         *hint);

G_END_DECLS
