/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  DOCKYARD_IMAGE_REF_ERROR_EMPTY,
  DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT,
  DOCKYARD_IMAGE_REF_ERROR_UPPERCASE,
  DOCKYARD_IMAGE_REF_ERROR_NAME_TOO_LONG,
  DOCKYARD_IMAGE_REF_ERROR_INVALID_TAG,
  DOCKYARD_IMAGE_REF_ERROR_INVALID_DIGEST,
} DockyardImageRefError;

#define DOCKYARD_IMAGE_REF_ERROR (dockyard_image_ref_error_quark ())
GQuark dockyard_image_ref_error_quark (void);

/**
 * DockyardImagePinning:
 * @DOCKYARD_IMAGE_PINNING_UNTAGGED: no tag and no digest (means "latest")
 * @DOCKYARD_IMAGE_PINNING_LATEST: the tag "latest"
 * @DOCKYARD_IMAGE_PINNING_FLOATING: a tag that moves, e.g. "3.8", "lts", "jammy"
 * @DOCKYARD_IMAGE_PINNING_EXACT: a tag naming one release, e.g. "3.8.8",
 *   "jammy-20240227"
 * @DOCKYARD_IMAGE_PINNING_DIGEST: a digest: always the same image
 */
typedef enum
{
  DOCKYARD_IMAGE_PINNING_UNTAGGED,
  DOCKYARD_IMAGE_PINNING_LATEST,
  DOCKYARD_IMAGE_PINNING_FLOATING,
  DOCKYARD_IMAGE_PINNING_EXACT,
  DOCKYARD_IMAGE_PINNING_DIGEST,
} DockyardImagePinning;

#define DOCKYARD_TYPE_IMAGE_PINNING (dockyard_image_pinning_get_type ())
GType dockyard_image_pinning_get_type (void) G_GNUC_CONST;

typedef struct _DockyardImageRef DockyardImageRef;

#define DOCKYARD_TYPE_IMAGE_REF (dockyard_image_ref_get_type ())
GType                 dockyard_image_ref_get_type            (void) G_GNUC_CONST;
DockyardImageRef     *dockyard_image_ref_parse               (const char              *reference,
                                                              GError                 **error);
DockyardImageRef     *dockyard_image_ref_copy                (const DockyardImageRef  *self);
void                  dockyard_image_ref_free                (DockyardImageRef        *self);
const char           *dockyard_image_ref_get_domain          (const DockyardImageRef  *self);
const char           *dockyard_image_ref_get_path            (const DockyardImageRef  *self);
const char           *dockyard_image_ref_get_tag             (const DockyardImageRef  *self);
const char           *dockyard_image_ref_get_digest          (const DockyardImageRef  *self);
char                 *dockyard_image_ref_get_name            (const DockyardImageRef  *self);
char                 *dockyard_image_ref_get_normalized_name (const DockyardImageRef  *self);
char                 *dockyard_image_ref_to_string           (const DockyardImageRef  *self);
DockyardImagePinning  dockyard_image_ref_get_pinning         (const DockyardImageRef  *self);
gboolean              dockyard_image_tag_is_exact_release    (const char              *tag);
gboolean              dockyard_image_ref_has_same_tag        (const DockyardImageRef  *self,
                                                              const char              *reference);
char                 *dockyard_image_ref_release_candidate   (const DockyardImageRef  *self,
                                                              const char              *reference);
void                  dockyard_image_tags_sort_newest_first  (GPtrArray               *tags);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DockyardImageRef, dockyard_image_ref_free)

G_END_DECLS
