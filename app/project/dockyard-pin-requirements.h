/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-engine.h"
#include "dockyard-project.h"

G_BEGIN_DECLS

#define DOCKYARD_PIN_ERROR (dockyard_pin_error_quark ())

/**
 * DockyardPinError:
 * @DOCKYARD_PIN_ERROR_NO_IMAGE: the project's image is not built yet
 * @DOCKYARD_PIN_ERROR_NO_PIP: the image has no pip to ask
 * @DOCKYARD_PIN_ERROR_FAILED: pip freeze failed; the message has its last words
 * @DOCKYARD_PIN_ERROR_CHANGED: the file changed since the pins were computed
 */
typedef enum
{
  DOCKYARD_PIN_ERROR_NO_IMAGE,
  DOCKYARD_PIN_ERROR_NO_PIP,
  DOCKYARD_PIN_ERROR_FAILED,
  DOCKYARD_PIN_ERROR_CHANGED,
} DockyardPinError;

/**
 * DockyardRequirementPin:
 * @line: the 1-based line in the requirements file
 * @name: the project name as written on the line
 * @old_text: the line as it is, without its line ending
 * @new_text: (nullable): the line pinned to the installed version, or
 *   %NULL when it stays as it is: the package is not installed (@version
 *   is %NULL), or the line is too unusual to rewrite safely (a specifier
 *   continued on the next line, `--hash` options)
 * @version: (nullable): the version installed in the image, %NULL when the
 *   package is not installed there
 *
 * One unpinned line of a requirements file and what pinning makes of it.
 */
typedef struct
{
  guint  line;
  char  *name;
  char  *old_text;
  char  *new_text;
  char  *version;
} DockyardRequirementPin;

typedef struct _DockyardPinPlan DockyardPinPlan;

#define DOCKYARD_TYPE_PIN_PLAN (dockyard_pin_plan_get_type ())

GQuark                        dockyard_pin_error_quark          (void);
GType                         dockyard_pin_plan_get_type        (void) G_GNUC_CONST;
DockyardPinPlan              *dockyard_pin_plan_new             (GFile                  *file,
                                                                 const char             *text,
                                                                 gsize                   length,
                                                                 const char             *freeze);
DockyardPinPlan              *dockyard_pin_plan_ref             (DockyardPinPlan        *self);
void                          dockyard_pin_plan_unref           (DockyardPinPlan        *self);
guint                         dockyard_pin_plan_get_n_pins      (DockyardPinPlan        *self);
const DockyardRequirementPin *dockyard_pin_plan_get_pin         (DockyardPinPlan        *self,
                                                                 guint                   index);
guint                         dockyard_pin_plan_get_n_changes   (DockyardPinPlan        *self);
GBytes                       *dockyard_pin_plan_get_text        (DockyardPinPlan        *self);
GBytes                       *dockyard_pin_plan_get_original    (DockyardPinPlan        *self);
GFile                        *dockyard_pin_plan_get_file        (DockyardPinPlan        *self);
const char                   *dockyard_pin_plan_get_display_name (DockyardPinPlan       *self);
const char                   *dockyard_pin_plan_get_backup_path  (DockyardPinPlan       *self);
gboolean                      dockyard_pin_plan_apply           (DockyardPinPlan        *self,
                                                                 GCancellable           *cancellable,
                                                                 GError                **error);
void                          dockyard_pin_plan_apply_async     (DockyardPinPlan        *self,
                                                                 GCancellable           *cancellable,
                                                                 GAsyncReadyCallback     callback,
                                                                 gpointer                user_data);
gboolean                      dockyard_pin_plan_apply_finish    (GAsyncResult           *result,
                                                                 GError                **error);

void                          dockyard_pin_requirements_async   (DockyardProject        *project,
                                                                 DockyardEngine         *engine,
                                                                 const char             *file_name,
                                                                 GCancellable           *cancellable,
                                                                 GAsyncReadyCallback     callback,
                                                                 gpointer                user_data);
DockyardPinPlan              *dockyard_pin_requirements_finish  (GAsyncResult           *result,
                                                                 GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DockyardPinPlan, dockyard_pin_plan_unref)

G_END_DECLS
