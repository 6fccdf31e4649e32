/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * DockyardRequirement:
 * @name: the project name as written, %NULL for a bare URL or path
 * @extras: the extras ("security,socks") or %NULL
 * @specifier: the version specifier ("==2.31.0", ">=1,<2") or %NULL
 * @marker: the environment marker after ";" or %NULL
 * @url: the direct reference ("name @ URL", a URL, a path) or %NULL
 * @hashes: (array zero-terminated=1): the `--hash` values
 * @editable: an `-e`/`--editable` line
 * @constraint: the line comes from a constraints file (`-c`)
 * @pinned: pinned to one version with `==` (no `.*`) or `===`
 * @file: the file the line is in, as it was named to the loader
 * @line: 1-based line (the first line of a continued line)
 * @column: 1-based column where the requirement starts
 *
 * One requirement line of a pip requirements file.
 */
typedef struct
{
  char      *name;
  char      *extras;
  char      *specifier;
  char      *marker;
  char      *url;
  char     **hashes;
  gboolean   editable;
  gboolean   constraint;
  gboolean   pinned;
  char      *file;
  guint      line;
  guint      column;
} DockyardRequirement;

/**
 * DockyardRequirementsUnread:
 * @file: the including file, as named in the items
 * @line: the line of the `-r`/`-c` option
 * @include: the included path as written
 * @reason: why it was not read ("… is outside the project folder")
 *
 * An included file that exists but was not read.
 */
typedef struct
{
  char  *file;
  guint  line;
  char  *include;
  char  *reason;
} DockyardRequirementsUnread;

typedef struct _DockyardRequirements DockyardRequirements;

#define DOCKYARD_TYPE_REQUIREMENTS (dockyard_requirements_get_type ())
GType                      dockyard_requirements_get_type         (void) G_GNUC_CONST;
DockyardRequirements      *dockyard_requirements_parse            (const char                 *text,
                                                                   gssize                      length,
                                                                   const char                 *file_name);
DockyardRequirements      *dockyard_requirements_load             (GFile                      *root,
                                                                   GFile                      *file,
                                                                   const char                 *file_name,
                                                                   GCancellable               *cancellable,
                                                                   GError                    **error);
DockyardRequirements      *dockyard_requirements_ref              (DockyardRequirements       *self);
void                       dockyard_requirements_unref            (DockyardRequirements       *self);
guint                      dockyard_requirements_get_n_items      (const DockyardRequirements *self);
const DockyardRequirement *dockyard_requirements_get_item         (const DockyardRequirements *self,
                                                                   guint                       index);
const char * const        *dockyard_requirements_get_includes     (const DockyardRequirements *self);
GPtrArray                 *dockyard_requirements_get_unread       (const DockyardRequirements *self);
gboolean                   dockyard_requirements_is_satisfied_pinned (const DockyardRequirements *self,
                                                                   const DockyardRequirement  *requirement);
gboolean                   dockyard_requirement_specifier_is_pinned (const char               *specifier);
gboolean                   dockyard_requirement_version_is_valid  (const char                 *version);
char                      *dockyard_requirement_normalize_name    (const char                 *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DockyardRequirements, dockyard_requirements_unref)

G_END_DECLS
