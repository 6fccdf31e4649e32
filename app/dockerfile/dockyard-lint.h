/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dockyard-dockerfile.h"
#include "dockyard-finding.h"

G_BEGIN_DECLS

/* Rule ids: part of the command line interface, do not rename. */
#define DOCKYARD_RULE_BASE_IMAGE_UNTAGGED  "base-image-untagged"
#define DOCKYARD_RULE_BASE_IMAGE_LATEST    "base-image-latest"
#define DOCKYARD_RULE_BASE_IMAGE_FLOATING  "base-image-floating"
#define DOCKYARD_RULE_APT_UNPINNED         "apt-unpinned"
#define DOCKYARD_RULE_APK_UNPINNED         "apk-unpinned"
#define DOCKYARD_RULE_PIP_UNPINNED         "pip-unpinned"
#define DOCKYARD_RULE_REQUIREMENT_UNPINNED "requirement-unpinned"
#define DOCKYARD_RULE_REQUIREMENTS_NOT_READ "requirements-not-read"
#define DOCKYARD_RULE_NPM_UNPINNED         "npm-unpinned"
#define DOCKYARD_RULE_PIP_CACHE_MOUNT      "pip-cache-mount"
#define DOCKYARD_RULE_APT_CACHE_MOUNT      "apt-cache-mount"
#define DOCKYARD_RULE_NPM_CACHE_MOUNT      "npm-cache-mount"
#define DOCKYARD_RULE_PYTHON_FROM_APT      "python-from-apt"
#define DOCKYARD_RULE_PARSE_ERROR          "parse-error"
#define DOCKYARD_RULE_UNKNOWN_INSTRUCTION  "unknown-instruction"
#define DOCKYARD_RULE_PIP_CACHE_DEFEATED   "pip-cache-defeated"
#define DOCKYARD_RULE_NPM_CACHE_DEFEATED   "npm-cache-defeated"
#define DOCKYARD_RULE_APT_CACHE_DEFEATED   "apt-cache-defeated"
#define DOCKYARD_RULE_PIP_CACHE_INEFFECTIVE "pip-cache-ineffective"
#define DOCKYARD_RULE_CACHE_MOUNT_USER     "cache-mount-user"
#define DOCKYARD_RULE_PIP_EXTERNALLY_MANAGED "pip-externally-managed"

/* BuildKit's build checks, under BuildKit's names. */
#define DOCKYARD_RULE_UNDEFINED_ARG_IN_FROM        "UndefinedArgInFrom"
#define DOCKYARD_RULE_INVALID_DEFAULT_ARG_IN_FROM  "InvalidDefaultArgInFrom"
#define DOCKYARD_RULE_UNDEFINED_VAR                "UndefinedVar"
#define DOCKYARD_RULE_JSON_ARGS_RECOMMENDED        "JSONArgsRecommended"
#define DOCKYARD_RULE_SECRETS_USED_IN_ARG_OR_ENV   "SecretsUsedInArgOrEnv"
#define DOCKYARD_RULE_COPY_IGNORED_FILE            "CopyIgnoredFile"
#define DOCKYARD_RULE_WORKDIR_RELATIVE_PATH        "WorkdirRelativePath"
#define DOCKYARD_RULE_DUPLICATE_STAGE_NAME         "DuplicateStageName"
#define DOCKYARD_RULE_RESERVED_STAGE_NAME          "ReservedStageName"
#define DOCKYARD_RULE_FROM_AS_CASING               "FromAsCasing"
#define DOCKYARD_RULE_STAGE_NAME_CASING            "StageNameCasing"
#define DOCKYARD_RULE_CONSISTENT_INSTRUCTION_CASING "ConsistentInstructionCasing"
#define DOCKYARD_RULE_MAINTAINER_DEPRECATED        "MaintainerDeprecated"
#define DOCKYARD_RULE_LEGACY_KEY_VALUE_FORMAT      "LegacyKeyValueFormat"

/* The step that makes Debian and Ubuntu images keep downloaded packages,
 * without which an apt cache mount stays empty. */
#define DOCKYARD_APT_KEEP_CACHE_COMMAND \
  "rm -f /etc/apt/apt.conf.d/docker-clean && " \
  "echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache"

GPtrArray *dockyard_lint_dockerfile (DockyardDockerfile  *dockerfile,
                                     GFile               *context,
                                     GCancellable        *cancellable);
GPtrArray *dockyard_lint_text       (const char          *text,
                                     gssize               length,
                                     GFile               *context,
                                     GCancellable        *cancellable);
char      *dockyard_lint_fix_text   (const char          *text,
                                     gssize               length,
                                     GFile               *context,
                                     GPtrArray          **fixed,
                                     gsize               *new_length);

G_END_DECLS
