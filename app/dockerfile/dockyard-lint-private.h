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
/* The host[:port] of an http:// URL. */
char       *_dockyard_url_host            (const char *url);

typedef struct
{
  char *uid;
  char *gid;    /* or NULL */
  char *home;
} DockyardLintUser;

void _dockyard_lint_user_free (DockyardLintUser *user);

typedef struct
{
  DockyardDockerfile *df;
  GFile              *context;
  GCancellable       *cancellable;
  GPtrArray          *findings;
  GHashTable         *reported;

  /* users seen anywhere: name -> DockyardLintUser (useradd, known images) */
  GHashTable         *users;

  /* the current stage */
  char               *workdir;
  char               *user;               /* USER, expanded, without :group */
  char               *user_raw;           /* USER as written */
  char               *user_unknown_var;   /* why USER could not be expanded */
  char               *user_uid;           /* numeric, when known */
  char               *user_gid;
  char               *user_home;          /* when known */
  GHashTable         *vars;               /* ARG and ENV for expansion: name -> value or NULL */
  GHashTable         *env;
  GPtrArray          *copies;
  gboolean            externally_managed; /* the base's system Python refuses pip (PEP 668) */
  gboolean            apt_pip;            /* this stage installed pip with apt */
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
  gboolean  apt_pip;        /* apt installs python3-pip */
  gboolean  apk_add;
  gboolean  pip_install;
  gboolean  npm_install;
  GArray   *no_cache_dir;   /* gsize pairs: source start, end of "--no-cache-dir" */
  GArray   *no_cache_env;   /* the same for PIP_NO_CACHE_DIR=... before pip */
  gboolean  pip_break_system; /* --break-system-packages or its variable */
  gboolean  pip_system;     /* the system's pip: pip, pip3, python3 -m pip */
  gsize     pip_offset;     /* where the pip command starts */
  GPtrArray *pip_http_hosts; /* hosts of plain-http indexes, not trusted */
  gsize     pip_insert;     /* after "install", where an option can go */
  gboolean  pip_insert_ok;
  gboolean  pip_insert_json; /* exec form: options are array elements */
  GArray   *npm_cache_flags; /* gsize pairs: "--cache DIR" */
  char     *npm_cache_dir;  /* what --cache names */
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
/* Records the user an adduser/useradd command creates. */
void             _dockyard_lint_record_user   (DockyardLint             *lint,
                                               GPtrArray                *cmd,
                                               guint                     first);
/* The user a RUN runs as (dockyard-lint-users.c). */
gboolean         _dockyard_lint_user_is_root  (DockyardLint             *lint);
/* The user's home, or %NULL when it cannot be known here. */
char            *_dockyard_lint_user_home     (DockyardLint             *lint);
/* USER as written: expanded, looked up among the known users. */
void             _dockyard_lint_set_user      (DockyardLint             *lint,
                                               const char               *raw);
/* What is known of @image's config: its user and the variables naming it. */
void             _dockyard_lint_add_base_image_facts (DockyardLint      *lint,
                                                      const char        *image);
/* Debian 12+ and Ubuntu 23.04+: pip refuses the system's Python (PEP 668). */
gboolean         _dockyard_lint_base_is_externally_managed (const char  *image);
/* Drops what `# check=skip=` silences, raises the rest to errors under
 * `# check=error=true` (dockyard-lint-directives.c). */
void             _dockyard_lint_apply_check_directives (DockyardLint   *lint);
/* BuildKit's named build checks (dockyard-lint-buildkit.c). */
void             _dockyard_lint_buildkit_checks (DockyardLint           *lint);
void             _dockyard_lint_check_script  (DockyardLint             *lint,
                                               const DockyardLintScript *script,
                                               const char               *text,
                                               gsize                     length,
                                               DockyardRunFacts         *facts);

G_END_DECLS
