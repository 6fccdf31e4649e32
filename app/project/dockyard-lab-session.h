/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-engine.h"
#include "dockyard-project.h"
#include "dockyard-volume-sync.h"

G_BEGIN_DECLS

typedef enum
{
  DOCKYARD_LAB_SESSION_READY,
  DOCKYARD_LAB_SESSION_STARTING,
  DOCKYARD_LAB_SESSION_RUNNING,
  DOCKYARD_LAB_SESSION_STOPPED,
  DOCKYARD_LAB_SESSION_FAILED,
} DockyardLabSessionState;

/**
 * DockyardLabNetwork:
 * @DOCKYARD_LAB_NETWORK_AUTOMATIC: published when the engine has a bridge
 *   network, host networking otherwise
 * @DOCKYARD_LAB_NETWORK_PUBLISHED: a port on the host's 127.0.0.1 that the
 *   engine picks; fails on an engine without a bridge network
 * @DOCKYARD_LAB_NETWORK_HOST: the host's network, Jupyter on a free port of
 *   127.0.0.1
 *
 * How Jupyter is reached.  It listens on 127.0.0.1 only in every mode.
 */
typedef enum
{
  DOCKYARD_LAB_NETWORK_AUTOMATIC,
  DOCKYARD_LAB_NETWORK_PUBLISHED,
  DOCKYARD_LAB_NETWORK_HOST,
} DockyardLabNetwork;

DockyardLabNetwork       dockyard_lab_network_from_nick           (const char          *nick);

#define DOCKYARD_TYPE_LAB_SESSION (dockyard_lab_session_get_type ())

G_DECLARE_FINAL_TYPE (DockyardLabSession, dockyard_lab_session, DOCKYARD, LAB_SESSION, GObject)

DockyardLabSession      *dockyard_lab_session_new                 (DockyardProject     *project,
                                                                   DockyardEngine      *engine);
void                     dockyard_lab_session_set_image           (DockyardLabSession  *self,
                                                                   const char          *image);
void                     dockyard_lab_session_set_user            (DockyardLabSession  *self,
                                                                   const char          *user);
void                     dockyard_lab_session_set_network         (DockyardLabSession  *self,
                                                                   DockyardLabNetwork   network);
DockyardLabSessionState  dockyard_lab_session_get_state           (DockyardLabSession  *self);
const char              *dockyard_lab_session_get_url             (DockyardLabSession  *self);
DockyardVolumeSync      *dockyard_lab_session_get_sync            (DockyardLabSession  *self);
char                    *dockyard_lab_session_dup_launch_uri      (DockyardLabSession  *self,
                                                                   GError             **error);
guint                    dockyard_lab_session_get_port            (DockyardLabSession  *self);
gboolean                 dockyard_lab_session_get_host_network    (DockyardLabSession  *self);
gboolean                 dockyard_lab_session_get_relayed         (DockyardLabSession  *self);
gboolean                 dockyard_lab_session_get_missing_jupyter (DockyardLabSession  *self);
const char              *dockyard_lab_session_get_container_id    (DockyardLabSession  *self);
gboolean                 dockyard_lab_session_get_quit_by_jupyter (DockyardLabSession  *self);
const char              *dockyard_lab_session_get_log             (DockyardLabSession  *self);
char                    *dockyard_lab_session_dup_log_tail        (DockyardLabSession  *self,
                                                                   guint                n_lines);
const char              *dockyard_lab_session_get_error_message   (DockyardLabSession  *self);
void                     dockyard_lab_session_start_async         (DockyardLabSession  *self,
                                                                   GCancellable        *cancellable,
                                                                   GAsyncReadyCallback  callback,
                                                                   gpointer             user_data);
gboolean                 dockyard_lab_session_start_finish        (DockyardLabSession  *self,
                                                                   GAsyncResult        *result,
                                                                   GError             **error);
void                     dockyard_lab_session_stop_async          (DockyardLabSession  *self,
                                                                   GAsyncReadyCallback  callback,
                                                                   gpointer             user_data);
gboolean                 dockyard_lab_session_stop_finish         (DockyardLabSession  *self,
                                                                   GAsyncResult        *result,
                                                                   GError             **error);

G_END_DECLS
