/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-dockerfile-private.h"
#include "dockyard-finding.h"
#include "dockyard-lint.h"

G_BEGIN_DECLS

/* Shared by the lint rules (dockyard-lint.c), the package manager rules
 * (dockyard-lint-packages.c) and their shell reader (dockyard-lint-shell.c). */

typedef struct
{
  char     *text;     /* quotes removed */
  gsize     start;    /* offsets in the script */
  gsize     end;
  gboolean  has_var;  /* depends on a variable or a command substitution */
} DockyardShellWord;

/* The simple commands of a shell script: arrays of DockyardShellWord. */
GPtrArray  *_dockyard_shell_commands      (const char *s,
                                           gsize       len);
GPtrArray  *_dockyard_shell_command_new   (void);
/* The last path component of a program name. */
const char *_dockyard_shell_base_name     (const char *path);
/* The index of the program in @cmd, after assignments and wrappers. */
guint       _dockyard_shell_program_index (GPtrArray  *cmd);
gboolean    _dockyard_is_all_digits       (const char *s);
/* Why @constraint (a version or a version specifier as written, e.g.
 * ">=2", "3.*", "^4.18.2", "1:2.1.*") is not one exact version: a
 * sentence part for a finding's message, or %NULL when it names one. */
char       *_dockyard_lint_unpinned_reason (const char *constraint);

typedef struct
{
  DockyardDockerfile *df;
  GFile              *context;
  GCancellable       *cancellable;
  GPtrArray          *findings;
  GHashTable         *reported;

  /* the current stage */
  char               *workdir;
  char               *user;
  GHashTable         *env;
  GPtrArray          *copies;
  gboolean            apt_keep_cache;     /* docker-clean already handled */
  gsize               apt_keep_offset;    /* where the fix adds that step */
  char               *apt_keep_prefix;
} DockyardLint;

/* Where the words of a script are in the Dockerfile text. */
typedef struct
{
  DockyardInstruction *ins;
  gsize                logical_base;  /* script offset 0 in the logical line */
  gsize                source_base;   /* or in the text (heredocs) */
  gboolean             in_heredoc;
  gboolean             exact;
  gsize                fallback;      /* when offsets are not exact */
} DockyardLintScript;

typedef struct
{
  gboolean  apt_install;
  gboolean  apk_add;
  gboolean  pip_install;
  gboolean  npm_install;
  GArray   *no_cache_dir;   /* gsize pairs: source start, end of "--no-cache-dir" */
} DockyardRunFacts;

gsize            _dockyard_lint_script_offset (const DockyardLintScript *script,
                                               gsize                     offset);
DockyardFinding *_dockyard_lint_add_finding   (DockyardLint             *lint,
                                               const char               *rule,
                                               DockyardSeverity          severity,
                                               gsize                     offset,
                                               const char               *message);
void             _dockyard_lint_check_requirements_file (DockyardLint *lint,
                                                         const char   *file);
/* Records in @facts what @cmd installs, and reports unpinned packages. */
void             _dockyard_lint_check_command (DockyardLint             *lint,
                                               const DockyardLintScript *script,
                                               GPtrArray                *cmd,
                                               DockyardRunFacts         *facts);
void             _dockyard_lint_check_script  (DockyardLint             *lint,
                                               const DockyardLintScript *script,
                                               const char               *text,
                                               gsize                     length,
                                               DockyardRunFacts         *facts);

G_END_DECLS
