/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dockyard-engine.h"
#include "dockyard-project.h"

G_BEGIN_DECLS

/**
 * DockyardJupyterlabRoute:
 * @DOCKYARD_JUPYTERLAB_ROUTE_NONE: neither way works: the user edits the Dockerfile
 * @DOCKYARD_JUPYTERLAB_ROUTE_REQUIREMENTS: a line in the installed requirements file
 * @DOCKYARD_JUPYTERLAB_ROUTE_DOCKERFILE: a pip step the form adds to the Dockerfile
 */
typedef enum
{
  DOCKYARD_JUPYTERLAB_ROUTE_NONE,
  DOCKYARD_JUPYTERLAB_ROUTE_REQUIREMENTS,
  DOCKYARD_JUPYTERLAB_ROUTE_DOCKERFILE,
} DockyardJupyterlabRoute;

#define DOCKYARD_TYPE_DOCKERFILE_PAGE (dockyard_dockerfile_page_get_type ())

G_DECLARE_FINAL_TYPE (DockyardDockerfilePage, dockyard_dockerfile_page, DOCKYARD, DOCKERFILE_PAGE, AdwBin)

GtkWidget       *dockyard_dockerfile_page_new            (void);
DockyardProject *dockyard_dockerfile_page_get_project    (DockyardDockerfilePage *self);
void             dockyard_dockerfile_page_set_project    (DockyardDockerfilePage *self,
                                                          DockyardProject        *project);
void             dockyard_dockerfile_page_set_images     (DockyardDockerfilePage *self,
                                                          GListModel             *images);
void             dockyard_dockerfile_page_set_engine     (DockyardDockerfilePage *self,
                                                          DockyardEngine         *engine);
gboolean         dockyard_dockerfile_page_get_dirty      (DockyardDockerfilePage *self);
gboolean         dockyard_dockerfile_page_get_busy       (DockyardDockerfilePage *self);
const char      *dockyard_dockerfile_page_get_text       (DockyardDockerfilePage *self,
                                                          gsize                  *length);
const char      *dockyard_dockerfile_page_get_error      (DockyardDockerfilePage *self);
GListModel      *dockyard_dockerfile_page_get_findings   (DockyardDockerfilePage *self);
void             dockyard_dockerfile_page_show_line      (DockyardDockerfilePage *self,
                                                          guint                   line);
void             dockyard_dockerfile_page_set_narrow     (DockyardDockerfilePage *self,
                                                          gboolean                narrow);

DockyardJupyterlabRoute dockyard_dockerfile_page_get_jupyterlab_route (DockyardDockerfilePage *self);

G_END_DECLS
