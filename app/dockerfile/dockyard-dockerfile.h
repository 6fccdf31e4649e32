/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * DockyardDockerfileError:
 * @DOCKYARD_DOCKERFILE_ERROR_SYNTAX: the text is not a valid Dockerfile
 * @DOCKYARD_DOCKERFILE_ERROR_EMPTY: the file has no instructions
 * @DOCKYARD_DOCKERFILE_ERROR_ENCODING: the text is not UTF-8 (or has NUL bytes)
 * @DOCKYARD_DOCKERFILE_ERROR_TOO_LONG: a line is longer than BuildKit accepts
 *
 * Errors of the Dockerfile parser.  Every error carries the position it
 * refers to: see dockyard_dockerfile_error_get_position().
 */
typedef enum
{
  DOCKYARD_DOCKERFILE_ERROR_SYNTAX,
  DOCKYARD_DOCKERFILE_ERROR_EMPTY,
  DOCKYARD_DOCKERFILE_ERROR_ENCODING,
  DOCKYARD_DOCKERFILE_ERROR_TOO_LONG,
} DockyardDockerfileError;

#define DOCKYARD_DOCKERFILE_ERROR (dockyard_dockerfile_error_quark ())
GQuark dockyard_dockerfile_error_quark (void);

/* The longest line BuildKit's line scanner accepts (bufio.MaxScanTokenSize - 1). */
#define DOCKYARD_DOCKERFILE_MAX_LINE_LENGTH 65535

/**
 * DockyardSourcePosition:
 * @offset: byte offset in the text
 * @line: 1-based line number
 * @column: 1-based column, counted in characters
 */
typedef struct
{
  gsize offset;
  guint line;
  guint column;
} DockyardSourcePosition;

/**
 * DockyardSourceRange:
 * @start: first character
 * @end: just after the last character
 */
typedef struct
{
  DockyardSourcePosition start;
  DockyardSourcePosition end;
} DockyardSourceRange;

/**
 * DockyardMount:
 *
 * One `RUN --mount=...` flag, its fields split out.  Absent fields are %NULL;
 * @type is "bind" when the flag does not name one, as in BuildKit.
 * @offset/@length cover the whole `--mount=...` flag in the text.
 */
typedef struct
{
  char     *type;
  char     *target;
  char     *source;
  char     *from;
  char     *id;
  char     *sharing;
  char     *mode;
  char     *uid;
  char     *gid;
  gboolean  readonly;
  gsize     offset;
  gsize     length;
} DockyardMount;

/**
 * DockyardHeredoc:
 *
 * A here-document attached to RUN, COPY or ADD.  @content is the body as
 * written (line ends included, leading tabs not yet removed for `<<-`);
 * @content_offset is where the body starts in the text.
 */
typedef struct
{
  char     *name;
  char     *content;
  guint     fd;
  gboolean  expand;
  gboolean  chomp;
  gsize     content_offset;
} DockyardHeredoc;

typedef struct _DockyardInstruction DockyardInstruction;

#define DOCKYARD_TYPE_INSTRUCTION (dockyard_instruction_get_type ())
GType                      dockyard_instruction_get_type          (void) G_GNUC_CONST;
DockyardInstruction       *dockyard_instruction_ref               (DockyardInstruction       *self);
void                       dockyard_instruction_unref             (DockyardInstruction       *self);
const char                *dockyard_instruction_get_keyword       (const DockyardInstruction *self);
const char                *dockyard_instruction_get_logical_line  (const DockyardInstruction *self);
const char * const        *dockyard_instruction_get_flags         (const DockyardInstruction *self);
const char                *dockyard_instruction_get_flag_value    (const DockyardInstruction *self,
                                                                   const char                *name);
const char * const        *dockyard_instruction_get_args          (const DockyardInstruction *self);
guint                      dockyard_instruction_get_n_args        (const DockyardInstruction *self);
gboolean                   dockyard_instruction_get_arg_offset    (const DockyardInstruction *self,
                                                                   guint                      index,
                                                                   gsize                     *offset);
gboolean                   dockyard_instruction_is_json           (const DockyardInstruction *self);
DockyardInstruction       *dockyard_instruction_get_subcommand    (const DockyardInstruction *self);
guint                      dockyard_instruction_get_n_mounts      (const DockyardInstruction *self);
const DockyardMount       *dockyard_instruction_get_mount         (const DockyardInstruction *self,
                                                                   guint                      index);
guint                      dockyard_instruction_get_n_heredocs    (const DockyardInstruction *self);
const DockyardHeredoc     *dockyard_instruction_get_heredoc       (const DockyardInstruction *self,
                                                                   guint                      index);
const DockyardSourceRange *dockyard_instruction_get_range         (const DockyardInstruction *self);
gsize                      dockyard_instruction_get_keyword_end   (const DockyardInstruction *self);
gboolean                   dockyard_instruction_map_offset        (const DockyardInstruction *self,
                                                                   gsize                      logical_offset,
                                                                   gsize                     *source_offset);
char                      *dockyard_instruction_dump              (const DockyardInstruction *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DockyardInstruction, dockyard_instruction_unref)

/**
 * DockyardStage:
 *
 * One `FROM` and the instructions after it.  @base_image is the image
 * argument as written, @expanded_base_image the same with the ARGs declared
 * before the first FROM substituted (%NULL when a variable has no value),
 * @name the `AS` name or %NULL.  @first and @last index the instructions of
 * the stage, FROM included.
 */
typedef struct
{
  char  *name;
  char  *base_image;
  char  *expanded_base_image;
  gsize  base_image_offset;
  guint  first;
  guint  last;
} DockyardStage;

#define DOCKYARD_TYPE_DOCKERFILE (dockyard_dockerfile_get_type ())
G_DECLARE_FINAL_TYPE (DockyardDockerfile, dockyard_dockerfile, DOCKYARD, DOCKERFILE, GObject)

DockyardDockerfile   *dockyard_dockerfile_new_from_data         (const char          *data,
                                                                 gssize               length,
                                                                 GError             **error);
DockyardDockerfile   *dockyard_dockerfile_new_from_file         (GFile               *file,
                                                                 GCancellable        *cancellable,
                                                                 GError             **error);
gboolean              dockyard_dockerfile_error_get_position    (const GError        *error,
                                                                 DockyardSourcePosition *position);
const char           *dockyard_dockerfile_get_text              (DockyardDockerfile  *self,
                                                                 gsize               *length);
char                  dockyard_dockerfile_get_escape_char       (DockyardDockerfile  *self);
const char           *dockyard_dockerfile_get_directive         (DockyardDockerfile  *self,
                                                                 const char          *name);
guint                 dockyard_dockerfile_get_n_instructions    (DockyardDockerfile  *self);
DockyardInstruction  *dockyard_dockerfile_get_instruction       (DockyardDockerfile  *self,
                                                                 guint                index);
guint                 dockyard_dockerfile_get_n_stages          (DockyardDockerfile  *self);
const DockyardStage  *dockyard_dockerfile_get_stage             (DockyardDockerfile  *self,
                                                                 guint                index);
const DockyardStage  *dockyard_dockerfile_get_stage_for_instruction (DockyardDockerfile *self,
                                                                 guint                index);
char                 *dockyard_dockerfile_expand_meta_args      (DockyardDockerfile  *self,
                                                                 const char          *word);
void                  dockyard_dockerfile_get_position          (DockyardDockerfile  *self,
                                                                 gsize                offset,
                                                                 DockyardSourcePosition *position);
char                 *dockyard_dockerfile_dump                  (DockyardDockerfile  *self);

G_END_DECLS
