/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-engine.h"
#include "dockyard-project.h"

G_BEGIN_DECLS

DockyardEngine  *hardening_connect_engine      (void);
DockyardProject *hardening_open_project        (const char      *path);
JsonNode        *hardening_request             (DockyardEngine  *engine,
                                                const char      *method,
                                                const char      *path,
                                                GError         **error);
guint            hardening_count_containers    (DockyardEngine  *engine,
                                                const char      *project_path);
gboolean         hardening_wait_until          (gboolean       (*done) (gpointer data),
                                                gpointer         data,
                                                guint            timeout_seconds);
char            *hardening_make_parent         (void);
void             hardening_remove_tree         (const char      *path);

G_END_DECLS
