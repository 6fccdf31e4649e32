/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dockyard-dockerfile.h"

G_BEGIN_DECLS

#define DOCKYARD_DEFAULT_WORK_DIR          "/usr/src/app"
#define DOCKYARD_DEFAULT_REQUIREMENTS_FILE "requirements.txt"

#define DOCKYARD_TYPE_DOCKERFILE_MODEL (dockyard_dockerfile_model_get_type ())
G_DECLARE_FINAL_TYPE (DockyardDockerfileModel, dockyard_dockerfile_model, DOCKYARD, DOCKERFILE_MODEL, GObject)

DockyardDockerfileModel *dockyard_dockerfile_model_new                     (void);
DockyardDockerfileModel *dockyard_dockerfile_model_new_from_dockerfile     (DockyardDockerfile      *dockerfile);
const char              *dockyard_dockerfile_model_get_base_image          (DockyardDockerfileModel *self);
void                     dockyard_dockerfile_model_set_base_image          (DockyardDockerfileModel *self,
                                                                            const char              *base_image);
const char              *dockyard_dockerfile_model_get_work_dir            (DockyardDockerfileModel *self);
void                     dockyard_dockerfile_model_set_work_dir            (DockyardDockerfileModel *self,
                                                                            const char              *work_dir);
const char              *dockyard_dockerfile_model_get_requirements_file   (DockyardDockerfileModel *self);
void                     dockyard_dockerfile_model_set_requirements_file   (DockyardDockerfileModel *self,
                                                                            const char              *requirements_file);
gboolean                 dockyard_dockerfile_model_get_requirements_cached (DockyardDockerfileModel *self);
void                     dockyard_dockerfile_model_set_requirements_cached (DockyardDockerfileModel *self,
                                                                            gboolean                 cached);
const char * const      *dockyard_dockerfile_model_get_apt_packages        (DockyardDockerfileModel *self);
void                     dockyard_dockerfile_model_set_apt_packages        (DockyardDockerfileModel *self,
                                                                            const char * const      *apt_packages);
const char              *dockyard_dockerfile_model_get_jupyterlab_version  (DockyardDockerfileModel *self);
void                     dockyard_dockerfile_model_set_jupyterlab_version  (DockyardDockerfileModel *self,
                                                                            const char              *version);
const char * const      *dockyard_dockerfile_model_get_command             (DockyardDockerfileModel *self);
void                     dockyard_dockerfile_model_set_command             (DockyardDockerfileModel *self,
                                                                            const char * const      *command);
gboolean                 dockyard_dockerfile_model_has_extra_instructions  (DockyardDockerfileModel *self);
gboolean                 dockyard_dockerfile_model_validate                (DockyardDockerfileModel *self,
                                                                            GError                 **error);
char                    *dockyard_dockerfile_model_generate                (DockyardDockerfileModel *self);
gboolean                 dockyard_dockerfile_model_equal                   (DockyardDockerfileModel *a,
                                                                            DockyardDockerfileModel *b);

G_END_DECLS
