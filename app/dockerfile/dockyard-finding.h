/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  DOCKYARD_SEVERITY_WARNING,
  DOCKYARD_SEVERITY_ERROR,
} DockyardSeverity;

#define DOCKYARD_TYPE_SEVERITY (dockyard_severity_get_type ())
GType dockyard_severity_get_type (void) G_GNUC_CONST;

#define DOCKYARD_TYPE_FINDING (dockyard_finding_get_type ())
G_DECLARE_FINAL_TYPE (DockyardFinding, dockyard_finding, DOCKYARD, FINDING, GObject)

DockyardFinding  *dockyard_finding_new          (const char       *rule,
                                                 DockyardSeverity  severity,
                                                 const char       *message,
                                                 const char       *file,
                                                 guint             line,
                                                 guint             column,
                                                 gsize             offset);
const char       *dockyard_finding_get_rule     (DockyardFinding  *self);
DockyardSeverity  dockyard_finding_get_severity (DockyardFinding  *self);
void              dockyard_finding_set_severity (DockyardFinding  *self,
                                                 DockyardSeverity  severity);
const char       *dockyard_finding_get_message  (DockyardFinding  *self);
const char       *dockyard_finding_get_file     (DockyardFinding  *self);
guint             dockyard_finding_get_line     (DockyardFinding  *self);
guint             dockyard_finding_get_column   (DockyardFinding  *self);
gsize             dockyard_finding_get_offset   (DockyardFinding  *self);
GPtrArray        *dockyard_finding_get_fix      (DockyardFinding  *self);
void              dockyard_finding_set_fix      (DockyardFinding  *self,
                                                 GPtrArray        *edits);
gboolean          dockyard_finding_has_fix      (DockyardFinding  *self);
int               dockyard_finding_compare      (DockyardFinding  *a,
                                                 DockyardFinding  *b);

G_END_DECLS
