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
