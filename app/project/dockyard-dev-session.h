/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-container-spec.h"
#include "dockyard-engine.h"
#include "dockyard-project.h"
#include "dockyard-tty-stream.h"
#include "dockyard-volume-sync.h"

G_BEGIN_DECLS

typedef enum
{
  DOCKYARD_DEV_SESSION_READY,
  DOCKYARD_DEV_SESSION_STARTING,
  DOCKYARD_DEV_SESSION_RUNNING,
  DOCKYARD_DEV_SESSION_EXITED,
  DOCKYARD_DEV_SESSION_FAILED,
} DockyardDevSessionState;

#define DOCKYARD_TYPE_DEV_SESSION (dockyard_dev_session_get_type ())

G_DECLARE_FINAL_TYPE (DockyardDevSession, dockyard_dev_session, DOCKYARD, DEV_SESSION, GObject)

DockyardDevSession      *dockyard_dev_session_new               (DockyardProject     *project,
                                                                 DockyardEngine      *engine);
void                     dockyard_dev_session_set_user          (DockyardDevSession  *self,
                                                                 const char          *user);
void                     dockyard_dev_session_set_shell         (DockyardDevSession  *self,
                                                                 const char          *shell);
void                     dockyard_dev_session_set_image         (DockyardDevSession  *self,
                                                                 const char          *image);
DockyardDevSessionState  dockyard_dev_session_get_state         (DockyardDevSession  *self);
const char              *dockyard_dev_session_get_container_id  (DockyardDevSession  *self);
const char              *dockyard_dev_session_get_container_name (DockyardDevSession *self);
const char              *dockyard_dev_session_get_working_dir   (DockyardDevSession  *self);
int                      dockyard_dev_session_get_exit_code     (DockyardDevSession  *self);
DockyardVolumeSync      *dockyard_dev_session_get_sync          (DockyardDevSession  *self);
DockyardEngine          *dockyard_dev_session_get_engine        (DockyardDevSession  *self);
DockyardProject         *dockyard_dev_session_get_project       (DockyardDevSession  *self);
const DockyardDevcontainer *dockyard_dev_session_get_devcontainer (DockyardDevSession *self);
void                     dockyard_dev_session_start_async       (DockyardDevSession  *self,
                                                                 guint                rows,
                                                                 guint                columns,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
DockyardTtyStream       *dockyard_dev_session_start_finish      (DockyardDevSession  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
void                     dockyard_dev_session_open_shell_async  (DockyardDevSession  *self,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
DockyardTtyStream       *dockyard_dev_session_open_shell_finish (DockyardDevSession  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
void                     dockyard_dev_session_get_shell_exit_code_async  (DockyardDevSession  *self,
                                                                          DockyardTtyStream   *shell,
                                                                          GCancellable        *cancellable,
                                                                          GAsyncReadyCallback  callback,
                                                                          gpointer             user_data);
int                      dockyard_dev_session_get_shell_exit_code_finish (DockyardDevSession  *self,
                                                                          GAsyncResult        *result,
                                                                          GError             **error);
guint                    dockyard_dev_session_get_shell_id      (DockyardDevSession  *self,
                                                                 DockyardTtyStream   *shell);
void                     dockyard_dev_session_find_busy_shells_async  (DockyardDevSession  *self,
                                                                       GCancellable        *cancellable,
                                                                       GAsyncReadyCallback  callback,
                                                                       gpointer             user_data);
GHashTable              *dockyard_dev_session_find_busy_shells_finish (DockyardDevSession  *self,
                                                                       GAsyncResult        *result,
                                                                       GError             **error);
void                     dockyard_dev_session_stop_async        (DockyardDevSession  *self,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean                 dockyard_dev_session_stop_finish       (DockyardDevSession  *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);

G_END_DECLS
