/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "dockyard-lint.h"
#include "dockyard-test-utils.h"
#include "dockyard-text-edit.h"

#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static GPtrArray *
lint (const char *text,
      GFile      *context)
{
  return dockyard_lint_text (text, -1, context, NULL);
}

static guint
count_rule (GPtrArray  *findings,
            const char *rule)
{
  guint n = 0;

  for (guint i = 0; i < findings->len; i++)
    if (g_str_equal (dockyard_finding_get_rule (g_ptr_array_index (findings, i)), rule))
      n++;
  return n;
}

static DockyardFinding *
find_at (GPtrArray  *findings,
         const char *rule,
         guint       line,
         guint       column)
{
  for (guint i = 0; i < findings->len; i++)
    {
      DockyardFinding *f = g_ptr_array_index (findings, i);

      if (g_str_equal (dockyard_finding_get_rule (f), rule) &&
          dockyard_finding_get_line (f) == line && dockyard_finding_get_column (f) == column)
        return f;
    }
  return NULL;
}

static void
dump_findings (GPtrArray *findings)
{
  for (guint i = 0; i < findings->len; i++)
    {
      DockyardFinding *f = g_ptr_array_index (findings, i);

      g_test_message ("%s:%u:%u: %s [%s]", dockyard_finding_get_file (f) ? dockyard_finding_get_file (f) : "Dockerfile",
                      dockyard_finding_get_line (f), dockyard_finding_get_column (f),
                      dockyard_finding_get_message (f), dockyard_finding_get_rule (f));
    }
}

#define assert_finding(findings, rule, line, column) \
  G_STMT_START { \
    if (find_at ((findings), (rule), (line), (column)) == NULL) \
      { \
        dump_findings (findings); \
        g_error ("expected %s at %u:%u", (rule), (line), (column)); \
      } \
  } G_STMT_END

#define assert_no_rule(findings, rule) \
  G_STMT_START { \
    if (count_rule ((findings), (rule)) != 0) \
      { \
        dump_findings (findings); \
        g_error ("unexpected %s", (rule)); \
      } \
  } G_STMT_END

#define assert_len(findings, n) \
  G_STMT_START { \
    if ((findings)->len != (n)) \
      { \
        dump_findings (findings); \
        g_error ("expected %u findings, got %u", (guint) (n), (findings)->len); \
      } \
  } G_STMT_END

/* ---------------------------------------------------------------------- */

static void
test_base_image (void)
{
  g_autoptr(GPtrArray) f = NULL;

  f = lint ("FROM python\n", NULL);
  assert_finding (f, DOCKYARD_RULE_BASE_IMAGE_UNTAGGED, 1, 6);
  g_assert_cmpint (dockyard_finding_get_severity (g_ptr_array_index (f, 0)), ==, DOCKYARD_SEVERITY_ERROR);
  g_clear_pointer (&f, g_ptr_array_unref);

  f = lint ("FROM  --platform=linux/amd64 python:latest AS x\n", NULL);
  assert_finding (f, DOCKYARD_RULE_BASE_IMAGE_LATEST, 1, 30);
  assert_no_rule (f, DOCKYARD_RULE_BASE_IMAGE_FLOATING);
  g_clear_pointer (&f, g_ptr_array_unref);

  f = lint ("FROM python:3.8\nFROM node:lts\nFROM ubuntu:jammy\n", NULL);
  assert_finding (f, DOCKYARD_RULE_BASE_IMAGE_FLOATING, 1, 6);
  assert_finding (f, DOCKYARD_RULE_BASE_IMAGE_FLOATING, 2, 6);
  assert_finding (f, DOCKYARD_RULE_BASE_IMAGE_FLOATING, 3, 6);
  g_assert_cmpint (dockyard_finding_get_severity (g_ptr_array_index (f, 0)), ==, DOCKYARD_SEVERITY_WARNING);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* not firing: exact, digest, scratch, earlier stages (any case) */
  f = lint ("FROM python:3.8.8 AS Build\n"
            "FROM python:3.8@" DIGEST "\n"
            "FROM python:latest@" DIGEST "\n"
            "FROM scratch\n"
            "FROM build\n"
            "FROM ubuntu:jammy-20240227\n"
            "FROM localhost:5000/team/app:1.2.3\n", NULL);
  /* BuildKit's StageNameCasing is all there is */
  assert_finding (f, DOCKYARD_RULE_STAGE_NAME_CASING, 1, 1);
  assert_len (f, 1);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* a later stage name is not an earlier stage */
  f = lint ("FROM later\nFROM python:3.11.2 AS later\n", NULL);
  assert_finding (f, DOCKYARD_RULE_BASE_IMAGE_UNTAGGED, 1, 6);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* ARG substitution; continuation lines */
  f = lint ("ARG PY=3.8\nARG OK=3.8.8\nARG UNKNOWN\n"
            "FROM python:${PY}\n"
            "FROM python:$OK\n"
            "FROM python:${UNKNOWN}\n"
            "FROM python:${UNKNOWN:-latest}\n"
            "FROM \\\n   python\n", NULL);
  assert_finding (f, DOCKYARD_RULE_BASE_IMAGE_FLOATING, 4, 6);
  assert_finding (f, DOCKYARD_RULE_BASE_IMAGE_LATEST, 7, 6);
  assert_finding (f, DOCKYARD_RULE_BASE_IMAGE_UNTAGGED, 9, 4);
  /* BuildKit: "python:" with the defaults */
  assert_finding (f, DOCKYARD_RULE_INVALID_DEFAULT_ARG_IN_FROM, 6, 1);
  assert_len (f, 4);
}

static void
test_apt (void)
{
  g_autoptr(GPtrArray) f = NULL;

  f = lint ("FROM debian:bookworm-20240311\n"
            "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \\\n"
            "    --no-install-recommends curl git=1:2.39.2-1.1 ./local.deb $EXTRA \\\n"
            "    -o Dpkg::Options::=--force-confold wget/bookworm-backports\n"
            "RUN sudo apt install vim\n"
            "RUN apt-get -o Debug::pkgProblemResolver=yes install -y make=4.3-4.1\n"
            "RUN apt-get remove -y curl && apt-cache policy curl\n"
            "RUN echo apt-get install nothing > /dev/null\n", NULL);
  assert_finding (f, DOCKYARD_RULE_APT_UNPINNED, 3, 29);
  assert_finding (f, DOCKYARD_RULE_APT_UNPINNED, 4, 40);
  assert_finding (f, DOCKYARD_RULE_APT_UNPINNED, 5, 22);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_APT_UNPINNED), ==, 3);
  /* the three RUNs that install */
  assert_finding (f, DOCKYARD_RULE_APT_CACHE_MOUNT, 2, 1);
  assert_finding (f, DOCKYARD_RULE_APT_CACHE_MOUNT, 5, 1);
  assert_finding (f, DOCKYARD_RULE_APT_CACHE_MOUNT, 6, 1);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_APT_CACHE_MOUNT), ==, 3);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* not firing */
  f = lint ("FROM debian:bookworm-20240311\n"
            "RUN rm -f /etc/apt/apt.conf.d/docker-clean\n"
            "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n"
            "    --mount=type=cache,target=/var/lib/apt/,sharing=locked \\\n"
            "    apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10\n", NULL);
  assert_len (f, 0);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* one of the two mounts is not enough */
  f = lint ("FROM debian:bookworm-20240311\n"
            "RUN --mount=type=cache,target=/var/cache/apt apt-get install -y curl=7.88.1-10\n", NULL);
  assert_finding (f, DOCKYARD_RULE_APT_CACHE_MOUNT, 2, 1);
}

static void
test_apk (void)
{
  g_autoptr(GPtrArray) f = NULL;

  f = lint ("FROM alpine:3.19.1\n"
            "RUN apk add --no-cache --virtual .build-deps curl bash=5.2.21-r0 'musl>1.2' ./x.apk\n"
            "RUN apk update && apk upgrade\n", NULL);
  assert_finding (f, DOCKYARD_RULE_APK_UNPINNED, 2, 46);
  /* a range is not a pin (issue 17) */
  assert_finding (f, DOCKYARD_RULE_APK_UNPINNED, 2, 66);
  assert_len (f, 2);
}

static const char *
message_at (GPtrArray  *findings,
            const char *rule,
            guint       line,
            guint       column)
{
  DockyardFinding *f = find_at (findings, rule, line, column);

  if (f == NULL)
    {
      dump_findings (findings);
      g_error ("expected %s at %u:%u", rule, line, column);
    }
  return dockyard_finding_get_message (f);
}

/* One idea of "pinned" for every installer: exact versions only, the
 * reason in the message (issue 17). */
static void
test_exact_versions_only (void)
{
  g_autoptr(GPtrArray) f = NULL;

  f = lint ("FROM alpine:3.19.1\n"
            "RUN apk add 'flex>=2.6.1-r1' libffi~3.2.1 ok=1.0-r0 'a<2' b=~1.2 c@edge\n", NULL);
  g_assert_nonnull (strstr (message_at (f, DOCKYARD_RULE_APK_UNPINNED, 2, 13), "“>=2.6.1-r1” is a range"));
  g_assert_nonnull (strstr (message_at (f, DOCKYARD_RULE_APK_UNPINNED, 2, 30), "“~3.2.1” is a range"));
  assert_finding (f, DOCKYARD_RULE_APK_UNPINNED, 2, 53);
  assert_finding (f, DOCKYARD_RULE_APK_UNPINNED, 2, 59);
  assert_finding (f, DOCKYARD_RULE_APK_UNPINNED, 2, 66);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_APK_UNPINNED), ==, 5);
  g_clear_pointer (&f, g_ptr_array_unref);

  f = lint ("FROM debian:bookworm-20240311\n"
            "RUN apt-get install -y ruby=1:2.1.* git=1:2.39.2-1~deb12u1 wget/bookworm-backports x=1.?\n",
            NULL);
  g_assert_nonnull (strstr (message_at (f, DOCKYARD_RULE_APT_UNPINNED, 2, 24), "“1:2.1.*” is a wildcard"));
  g_assert_nonnull (strstr (message_at (f, DOCKYARD_RULE_APT_UNPINNED, 2, 60), "“bookworm-backports”"));
  assert_finding (f, DOCKYARD_RULE_APT_UNPINNED, 2, 84);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_APT_UNPINNED), ==, 3);
  g_clear_pointer (&f, g_ptr_array_unref);

  f = lint ("FROM node:20.11.1\n"
            "RUN pip install 'a>=2' b==3.* c==1.0 'd~=1.4' && "
            "npm install express@^4.18.2 x@4.18 y@latest z@1.2.3 w@1.x\n", NULL);
  g_assert_nonnull (strstr (message_at (f, DOCKYARD_RULE_PIP_UNPINNED, 2, 17), "“>=2” is a range"));
  g_assert_nonnull (strstr (message_at (f, DOCKYARD_RULE_PIP_UNPINNED, 2, 24), "“==3.*” is a wildcard"));
  g_assert_nonnull (strstr (message_at (f, DOCKYARD_RULE_PIP_UNPINNED, 2, 38), "is a range"));
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_PIP_UNPINNED), ==, 3);
  g_assert_nonnull (strstr (message_at (f, DOCKYARD_RULE_NPM_UNPINNED, 2, 62), "“^4.18.2” is a range"));
  g_assert_nonnull (strstr (message_at (f, DOCKYARD_RULE_NPM_UNPINNED, 2, 78), "“4.18” is a range"));
  g_assert_nonnull (strstr (message_at (f, DOCKYARD_RULE_NPM_UNPINNED, 2, 85), "“latest” is a name that moves"));
  g_assert_nonnull (strstr (message_at (f, DOCKYARD_RULE_NPM_UNPINNED, 2, 102), "“1.x” is a wildcard"));
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_NPM_UNPINNED), ==, 4);
}

static void
test_pip (void)
{
  g_autoptr(GPtrArray) f = NULL;

  f = lint ("FROM python:3.11.2\n"
            "RUN --mount=type=cache,target=/root/.cache/pip \\\n"
            "    pip install requests==2.31.0 numpy 'pandas>=2' \"scipy===1.12.0\" --no-deps . && \\\n"
            "    python3 -m pip install --upgrade pip==24.0 flask==3.* && \\\n"
            "    pip3.11 install -e ./src git+https://example.com/x.git 'a @ https://e.com/a.whl' && \\\n"
            "    pip download numpy && pip install -c constraints.txt attrs\n", NULL);
  assert_finding (f, DOCKYARD_RULE_PIP_UNPINNED, 3, 34);
  assert_finding (f, DOCKYARD_RULE_PIP_UNPINNED, 3, 40);
  assert_finding (f, DOCKYARD_RULE_PIP_UNPINNED, 4, 48);
  /* a git URL that names no commit follows a branch */
  assert_finding (f, DOCKYARD_RULE_PIP_UNPINNED, 5, 30);
  assert_len (f, 4);
}

static void
test_unknown_instruction (void)
{
  g_autoptr(GPtrArray) f = NULL;

  f = lint ("FROM debian:bookworm-20240311\n"
            "FOO bar\n"
            "  onbuild frobnicate x\n"
            "run true\n", NULL);
  assert_finding (f, DOCKYARD_RULE_UNKNOWN_INSTRUCTION, 2, 1);
  assert_finding (f, DOCKYARD_RULE_UNKNOWN_INSTRUCTION, 3, 11);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_UNKNOWN_INSTRUCTION), ==, 2);
  g_assert_cmpint (dockyard_finding_get_severity (find_at (f, DOCKYARD_RULE_UNKNOWN_INSTRUCTION, 2, 1)),
                   ==, DOCKYARD_SEVERITY_ERROR);
}

/* Cases from other linters' tests and real Dockerfiles (issue 17). */
static void
test_pinning_options_and_wrappers (void)
{
  g_autoptr(GPtrArray) f = NULL;
  g_autofree char *commit = g_strnfill (40, 'a');
  g_autofree char *text = NULL;

  /* Option values are not packages. */
  f = lint ("FROM python:3.11.2\n"
            "RUN pip install --root-user-action ignore poetry==1.8.5 && \\\n"
            "    pip install --use-feature truststore --keyring-provider auto a==1 && \\\n"
            "    pip install --use-deprecated legacy-certs b==2\n"
            "RUN npm install --loglevel verbose sax@0.1.1 && npm install --location global x@1.0.0\n"
            "RUN npm install package-v1.2.3.tar ./pkg.tgz\n", NULL);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_PIP_UNPINNED), ==, 0);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_NPM_UNPINNED), ==, 0);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_PIP_CACHE_MOUNT), ==, 1);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* Wrappers and other front ends are seen through. */
  f = lint ("FROM debian:bookworm-20240311\n"
            "RUN nice -n 10 apt-get install -y --no-install-recommends curl\n"
            "RUN uv pip install flask && pipx install black && uv pip install --system c==1.0\n",
            NULL);
  assert_finding (f, DOCKYARD_RULE_APT_UNPINNED, 2, 59);
  assert_finding (f, DOCKYARD_RULE_PIP_UNPINNED, 3, 20);
  assert_finding (f, DOCKYARD_RULE_PIP_UNPINNED, 3, 42);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_PIP_UNPINNED), ==, 2);
  /* uv and pipx keep their own caches: no advice about pip's */
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_PIP_CACHE_MOUNT), ==, 0);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* A git URL is pinned only by a full commit. */
  text = g_strdup_printf ("FROM node:20.11.1\n"
                          "RUN pip install git+https://host/repo.git#egg=x "
                          "git+https://host/repo.git@%s#egg=y git+https://host/r.git@v1.0\n"
                          "RUN npm install git+https://host/repo.git git+https://host/r.git#%s\n",
                          commit, commit);
  f = lint (text, NULL);
  assert_finding (f, DOCKYARD_RULE_PIP_UNPINNED, 2, 17);
  assert_finding (f, DOCKYARD_RULE_PIP_UNPINNED, 2, 122);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_PIP_UNPINNED), ==, 2);
  assert_finding (f, DOCKYARD_RULE_NPM_UNPINNED, 3, 17);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_NPM_UNPINNED), ==, 1);
}

static void
test_npm (void)
{
  g_autoptr(GPtrArray) f = NULL;

  f = lint ("FROM node:20.11.1\n"
            "RUN --mount=type=cache,target=/root/.npm \\\n"
            "    npm install -g typescript@5.3.3 eslint @scope/pkg@^1.0.0 @scope/ok@1.0.0 ./local lodash@latest\n"
            "RUN --mount=type=cache,target=/root/.npm npm ci\n"
            "RUN npm install\n"
            "RUN npm run build\n", NULL);
  assert_finding (f, DOCKYARD_RULE_NPM_UNPINNED, 3, 37);
  assert_finding (f, DOCKYARD_RULE_NPM_UNPINNED, 3, 44);
  assert_finding (f, DOCKYARD_RULE_NPM_UNPINNED, 3, 86);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_NPM_UNPINNED), ==, 3);
  assert_finding (f, DOCKYARD_RULE_NPM_CACHE_MOUNT, 5, 1);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_NPM_CACHE_MOUNT), ==, 1);
}

static void
test_python_from_apt (void)
{
  g_autoptr(GPtrArray) f = NULL;

  f = lint ("FROM debian:bookworm-20240311\n"
            "RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt \\\n"
            "    apt-get install -y python3=3.11.2-1 python3-pip=23.0.1+dfsg-1 python3.11-minimal=3.11.2-6\n"
            "FROM alpine:3.19.1\n"
            "RUN apk add python3=3.11.8-r0 py3-pip=23.3.1-r0\n", NULL);
  assert_finding (f, DOCKYARD_RULE_PYTHON_FROM_APT, 3, 24);
  assert_finding (f, DOCKYARD_RULE_PYTHON_FROM_APT, 3, 67);
  assert_finding (f, DOCKYARD_RULE_PYTHON_FROM_APT, 5, 13);
  assert_finding (f, DOCKYARD_RULE_APT_CACHE_DEFEATED, 2, 1);
  assert_len (f, 4);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* Build-only: a virtual group removed later, and headers for wheels. */
  f = lint ("FROM alpine:3.19.1\n"
            "RUN apk add --virtual .build-deps gcc=13.2.1-r0 python3=3.11.8-r0 && apk del .build-deps\n"
            "FROM debian:bookworm-20240311\n"
            "RUN apt-get install -y gcc=4:12.2.0-3 python3-dev=3.11.2-1+b1\n", NULL);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_PYTHON_FROM_APT), ==, 0);
}

static void
test_pip_cache_mount (void)
{
  g_autoptr(GPtrArray) f = NULL;

  f = lint ("FROM python:3.11.2\n"
            "RUN pip install flask==3.0.2\n"
            "RUN [\"pip\", \"install\", \"flask==3.0.2\"]\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.2\n"
            "USER app\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.2\n"
            "RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install flask==3.0.2\n"
            "FROM python:3.11.2\n"
            "ENV PIP_CACHE_DIR=/cache\n"
            "RUN --mount=type=cache,target=/cache pip install flask==3.0.2\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.2\n", NULL);
  assert_finding (f, DOCKYARD_RULE_PIP_CACHE_MOUNT, 2, 1);
  assert_finding (f, DOCKYARD_RULE_PIP_CACHE_MOUNT, 3, 1);
  /* root's cache under another user: never used (issue 17) */
  assert_finding (f, DOCKYARD_RULE_CACHE_MOUNT_USER, 6, 1);
  /* PIP_CACHE_DIR points past the mount */
  assert_finding (f, DOCKYARD_RULE_PIP_CACHE_DEFEATED, 11, 1);
  assert_len (f, 4);

  /* root gets a fix, another user's home cannot be fixed blindly */
  g_assert_true (dockyard_finding_has_fix (find_at (f, DOCKYARD_RULE_PIP_CACHE_MOUNT, 2, 1)));
  g_assert_false (dockyard_finding_has_fix (find_at (f, DOCKYARD_RULE_CACHE_MOUNT_USER, 6, 1)));
  g_assert_true (strstr (dockyard_finding_get_message (find_at (f, DOCKYARD_RULE_CACHE_MOUNT_USER, 6, 1)),
                         "/home/app/.cache/pip") != NULL);
}

/* BuildKit's build checks, with BuildKit's names and wording; cases from
 * frontend/dockerfile/docs/rules/ of moby/buildkit (issue 17). */
static char *check_fix (const char *before,
                        const char *rule,
                        guint       expected_fixes);

static void
test_buildkit_checks (void)
{
  g_autoptr(GPtrArray) f = NULL;
  g_autofree char *after = NULL;

  f = lint ("ARG BASE=alpine:3.19.1\n"
            "ARG EMPTY\n"
            "FROM ${BASE} AS base\n"
            "ENV PATH=$PAHT:/app/bin\n"
            "ENV AWS_SECRET_ACCESS_KEY=x GPG_PUBLIC_KEY=y\n"
            "WORKDIR app\n"
            "WORKDIR /other\n"
            "COPY $foo .\n"
            "CMD my-program start\n"
            "FROM ${BASES} AS build\n"
            "FROM python:${EMPTY}\n"
            "FROM scratch AS base\n"
            "FROM alpine:3.19.1 AS context\n"
            "ARG api_token\n"
            "ARG foo\n"
            "COPY $foo $TARGETARCH /x/\n"
            "ENTRYPOINT [\"x\"]\n"
            "FROM base AS child\n"
            "WORKDIR app\n"
            "SHELL [\"/bin/bash\", \"-c\"]\n"
            "CMD my-program start\n", NULL);
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_UNDEFINED_VAR, 4, 1), ==,
                   "Usage of undefined variable '$PAHT' (did you mean $PATH?)");
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_SECRETS_USED_IN_ARG_OR_ENV, 5, 1), ==,
                   "Do not use ARG or ENV instructions for sensitive data (ENV \"AWS_SECRET_ACCESS_KEY\")");
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_WORKDIR_RELATIVE_PATH, 6, 1), ==,
                   "Relative workdir \"app\" can have unexpected results if the base image changes");
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_UNDEFINED_VAR, 8, 1), ==, "Usage of undefined variable '$foo'");
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_JSON_ARGS_RECOMMENDED, 9, 1), ==,
                   "JSON arguments recommended for CMD to prevent unintended behavior related to OS signals");
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_UNDEFINED_ARG_IN_FROM, 10, 1), ==,
                   "FROM argument 'BASES' is not declared (did you mean BASE?)");
  assert_finding (f, DOCKYARD_RULE_INVALID_DEFAULT_ARG_IN_FROM, 10, 1);
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_INVALID_DEFAULT_ARG_IN_FROM, 11, 1), ==,
                   "Default value for ARG python:${EMPTY} results in empty or invalid base image name");
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_DUPLICATE_STAGE_NAME, 12, 1), ==,
                   "Duplicate stage name \"base\", stage names should be unique");
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_RESERVED_STAGE_NAME, 13, 1), ==,
                   "Stage name should not use the same name as reserved stage \"context\"");
  assert_finding (f, DOCKYARD_RULE_SECRETS_USED_IN_ARG_OR_ENV, 14, 1);
  /* a declared ARG, the platform ARGs only once declared */
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_UNDEFINED_VAR, 16, 1), ==,
                   "Usage of undefined variable '$TARGETARCH'");
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_UNDEFINED_VAR), ==, 3);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_SECRETS_USED_IN_ARG_OR_ENV), ==, 2);
  /* a stage on an earlier one inherits its WORKDIR; SHELL makes the shell form a choice */
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_WORKDIR_RELATIVE_PATH), ==, 1);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_JSON_ARGS_RECOMMENDED), ==, 1);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* the style rules and their fixes */
  after = check_fix ("FROM alpine:3.19.1 as build\n"
                     "maintainer Jane <jane@example.com>\n"
                     "ENV LEGACY value with spaces\n"
                     "LABEL a b\n"
                     "Run true\n"
                     "RUN true\n", DOCKYARD_RULE_FROM_AS_CASING, 1);
  g_assert_cmpstr (after, ==,
                   "FROM alpine:3.19.1 AS build\n"
                   "LABEL org.opencontainers.image.authors=\"Jane <jane@example.com>\"\n"
                   "ENV LEGACY=\"value with spaces\"\n"
                   "LABEL a=b\n"
                   "RUN true\n"
                   "RUN true\n");
  g_clear_pointer (&after, g_free);
  f = lint ("FROM alpine:3.19.1 as build\n"
            "maintainer Jane\n"
            "ENV LEGACY value with spaces\n"
            "Run true\n", NULL);
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_FROM_AS_CASING, 1, 1), ==,
                   "'as' and 'FROM' keywords' casing do not match");
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_MAINTAINER_DEPRECATED, 2, 1), ==,
                   "Maintainer instruction is deprecated in favor of using label");
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_CONSISTENT_INSTRUCTION_CASING, 2, 1), ==,
                   "Command 'maintainer' should match the case of the command majority (uppercase)");
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_LEGACY_KEY_VALUE_FORMAT, 3, 1), ==,
                   "\"ENV key=value\" should be used instead of legacy \"ENV key value\" format");
  assert_finding (f, DOCKYARD_RULE_CONSISTENT_INSTRUCTION_CASING, 4, 1);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* every FROM is checked, and COPY's --chown and --chmod are expanded */
  f = lint ("FROM Python:3.11.2\n"
            "FROM python:3.11.2\n"
            "COPY --chown=$app_user --chmod=${MODE} x /y\n", NULL);
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_INVALID_DEFAULT_ARG_IN_FROM, 1, 1), ==,
                   "Default value for ARG Python:3.11.2 results in empty or invalid base image name");
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_UNDEFINED_VAR, 3, 1), ==, "Usage of undefined variable '$app_user'");
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_UNDEFINED_VAR), ==, 1);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* lower-case majority: "from x as y" is right */
  f = lint ("from alpine:3.19.1 as build\nrun true\nRUN true\n", NULL);
  assert_no_rule (f, DOCKYARD_RULE_FROM_AS_CASING);
  assert_finding (f, DOCKYARD_RULE_CONSISTENT_INSTRUCTION_CASING, 3, 1);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_CONSISTENT_INSTRUCTION_CASING), ==, 1);
}

/* BuildKit's check directive and the comment above an instruction, for
 * every rule (issue 17) */
static void
test_check_directives (void)
{
  g_autoptr(GPtrArray) f = NULL;

  f = lint ("# syntax=docker/dockerfile:1\n"
            "# check=skip=JSONArgsRecommended,apt-unpinned;error=true\n"
            "FROM debian:bookworm-20240311\n"
            "# pinned by the base image's snapshot\n"
            "# check=skip=apt-cache-mount\n"
            "\n"
            "RUN apt-get install -y curl\n"
            "RUN apt-get install -y wget\n"
            "# check=skip=all\n"
            "RUN pip install flask\n"
            "#\n"
            "# check=skip=pip-unpinned\n"
            "#\n"
            "RUN pip install attrs\n"
            "CMD run me\n", NULL);
  assert_finding (f, DOCKYARD_RULE_APT_CACHE_MOUNT, 8, 1);
  g_assert_cmpint (dockyard_finding_get_severity (find_at (f, DOCKYARD_RULE_APT_CACHE_MOUNT, 8, 1)),
                   ==, DOCKYARD_SEVERITY_ERROR);
  /* an empty "#" starts the comment block over */
  assert_finding (f, DOCKYARD_RULE_PIP_UNPINNED, 14, 17);
  assert_finding (f, DOCKYARD_RULE_PIP_CACHE_MOUNT, 14, 1);
  assert_len (f, 3);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* error=false, skip=all; an option BuildKit refuses changes nothing */
  f = lint ("# check=skip=all\nFROM python\n", NULL);
  assert_len (f, 0);
  g_clear_pointer (&f, g_ptr_array_unref);
  f = lint ("# check=error=maybe;skip=all\nFROM python\n", NULL);
  assert_finding (f, DOCKYARD_RULE_BASE_IMAGE_UNTAGGED, 2, 6);
  g_clear_pointer (&f, g_ptr_array_unref);
  f = lint ("# check=error=false\nFROM python:3.11.2\nRUN pip install flask\n", NULL);
  g_assert_cmpint (dockyard_finding_get_severity (find_at (f, DOCKYARD_RULE_PIP_UNPINNED, 3, 17)),
                   ==, DOCKYARD_SEVERITY_WARNING);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* a comment in the heredoc above is the previous instruction's */
  f = lint ("FROM python:3.11.2\n"
            "COPY <<EOF /x\n"
            "# check=skip=pip-unpinned\n"
            "EOF\n"
            "RUN pip install flask\n", NULL);
  assert_finding (f, DOCKYARD_RULE_PIP_UNPINNED, 5, 17);
}

static void write_file (const char *dir,
                        const char *name,
                        const char *contents);

/* CopyIgnoredFile needs the context's .dockerignore */
static void
test_copy_ignored_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dockyard-lint-XXXXXX", NULL);
  g_autoptr(GFile) context = g_file_new_for_path (dir);
  g_autoptr(GPtrArray) f = NULL;

  write_file (dir, ".dockerignore", "node_modules\n*.md\nsecret/\n");
  f = lint ("FROM alpine:3.19.1\n"
            "COPY node_modules/ /app/node_modules/\n"
            "ADD README.md secret/key.pem src/ /app/\n"
            "COPY --from=build /node_modules /x\n"
            "COPY . /app\n", context);
  g_assert_cmpstr (message_at (f, DOCKYARD_RULE_COPY_IGNORED_FILE, 2, 1), ==,
                   "Attempting to Copy file \"node_modules\" that is excluded by .dockerignore");
  assert_finding (f, DOCKYARD_RULE_COPY_IGNORED_FILE, 3, 1);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_COPY_IGNORED_FILE), ==, 3);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* with an exception, BuildKit does not guess */
  write_file (dir, ".dockerignore", "node_modules\n!node_modules/keep\n");
  f = lint ("FROM alpine:3.19.1\nCOPY node_modules/ /app/node_modules/\n", context);
  assert_no_rule (f, DOCKYARD_RULE_COPY_IGNORED_FILE);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* "*" leaves out the context's root */
  write_file (dir, ".dockerignore", "*\n");
  f = lint ("FROM alpine:3.19.1\nCOPY . /app\n", context);
  assert_finding (f, DOCKYARD_RULE_COPY_IGNORED_FILE, 2, 1);

  dockyard_test_remove_tree (dir);
}


/* USER with ARG/ENV expanded, as BuildKit does; cache mounts for the
 * user who runs the RUN (issue 17). */
static void
test_cache_mount_user (void)
{
  g_autoptr(GPtrArray) f = NULL;
  g_autofree char *after = NULL;
  const char *message;

  /* Jupyter: USER ${NB_UID} is jovyan; no /root mount, --no-cache-dir kept
   * out of the layer only when the mount works */
  after = check_fix ("FROM quay.io/jupyter/scipy-notebook:2024-03-14\n"
                     "USER ${NB_UID}\n"
                     "RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir flask==3.0.2\n"
                     "RUN pip install --no-cache-dir attrs==23.2.0\n",
                     DOCKYARD_RULE_CACHE_MOUNT_USER, 1);
  g_assert_cmpstr (after, ==,
                   "FROM quay.io/jupyter/scipy-notebook:2024-03-14\n"
                   "USER ${NB_UID}\n"
                   "RUN --mount=type=cache,target=/home/jovyan/.cache/pip,uid=1000,gid=100 pip install flask==3.0.2\n"
                   "RUN --mount=type=cache,target=/home/jovyan/.cache/pip,uid=1000,gid=100 pip install attrs==23.2.0\n");
  g_clear_pointer (&after, g_free);

  /* docker-stacks' own pytorch-notebook: no USER, the image runs as jovyan */
  after = check_fix ("ARG BASE_IMAGE=quay.io/jupyter/scipy-notebook\n"
                     "FROM $BASE_IMAGE\n"
                     "RUN pip install --no-cache-dir --index-url 'https://download.pytorch.org/whl/cpu' torch==2.5.1\n",
                     DOCKYARD_RULE_PIP_CACHE_MOUNT, 1);
  g_assert_cmpstr (after, ==,
                   "ARG BASE_IMAGE=quay.io/jupyter/scipy-notebook\n"
                   "FROM $BASE_IMAGE\n"
                   "RUN --mount=type=cache,target=/home/jovyan/.cache/pip,uid=1000,gid=100 pip install --index-url 'https://download.pytorch.org/whl/cpu' torch==2.5.1\n");
  g_clear_pointer (&after, g_free);

  /* ARG default and a user the Dockerfile creates */
  after = check_fix ("FROM python:3.11.2\n"
                     "ARG APP_USER=app\n"
                     "RUN useradd --uid 1001 --create-home $APP_USER || useradd -u 1001 -m app\n"
                     "USER ${APP_USER}:${APP_USER}\n"
                     "RUN --mount=type=cache,target=/home/app/.cache/pip,sharing=locked pip install flask==3.0.2\n",
                     DOCKYARD_RULE_CACHE_MOUNT_USER, 1);
  g_assert_cmpstr (after, ==,
                   "FROM python:3.11.2\n"
                   "ARG APP_USER=app\n"
                   "RUN useradd --uid 1001 --create-home $APP_USER || useradd -u 1001 -m app\n"
                   "USER ${APP_USER}:${APP_USER}\n"
                   "RUN --mount=type=cache,target=/home/app/.cache/pip,uid=1001,sharing=locked pip install flask==3.0.2\n");
  g_clear_pointer (&after, g_free);

  /* A value that is not known here is said, and nothing is guessed */
  f = lint ("FROM python:3.11.2\n"
            "ARG NB_UID\n"
            "USER ${NB_UID}\n"
            "RUN pip install --no-cache-dir flask==3.0.2\n", NULL);
  message = dockyard_finding_get_message (find_at (f, DOCKYARD_RULE_PIP_CACHE_MOUNT, 4, 1));
  g_assert_nonnull (strstr (message, "NB_UID has no value"));
  g_assert_null (strstr (message, "${NB_UID}/"));
  g_assert_false (dockyard_finding_has_fix (find_at (f, DOCKYARD_RULE_PIP_CACHE_MOUNT, 4, 1)));
  g_clear_pointer (&f, g_ptr_array_unref);

  /* ENV expands too; a numeric user nobody names has no known home */
  f = lint ("FROM node:20.11.1\n"
            "ENV RUNNER=node\n"
            "USER $RUNNER\n"
            "RUN npm ci\n"
            "USER 4242\n"
            "RUN npm ci\n", NULL);
  g_assert_true (dockyard_finding_has_fix (find_at (f, DOCKYARD_RULE_NPM_CACHE_MOUNT, 4, 1)));
  g_assert_nonnull (strstr (dockyard_finding_get_message (find_at (f, DOCKYARD_RULE_NPM_CACHE_MOUNT, 4, 1)),
                            "/home/node/.npm"));
  g_assert_false (dockyard_finding_has_fix (find_at (f, DOCKYARD_RULE_NPM_CACHE_MOUNT, 6, 1)));
}

static void
test_cache_defeated (void)
{
  g_autoptr(GPtrArray) f = NULL;
  g_autofree char *after = NULL;

  after = check_fix ("FROM python:3.11.2\n"
                     "RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir flask==3.0.2\n"
                     "RUN --mount=type=cache,target=/root/.cache/pip PIP_NO_CACHE_DIR=1 pip install a==1.0\n"
                     "RUN --mount=type=cache,target=/root/.cache/pip [\"pip\", \"install\", \"--no-cache-dir\", \"b==1.0\"]\n",
                     DOCKYARD_RULE_PIP_CACHE_DEFEATED, 3);
  g_assert_cmpstr (after, ==,
                   "FROM python:3.11.2\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.2\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip pip install a==1.0\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip [\"pip\", \"install\", \"b==1.0\"]\n");
  g_clear_pointer (&after, g_free);

  /* ENV PIP_NO_CACHE_DIR: said, not removed (other steps may rely on it) */
  f = lint ("FROM python:3.11.2\n"
            "ENV PIP_NO_CACHE_DIR=1\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.2\n"
            "FROM python:3.11.2\n"
            "ENV PIP_NO_CACHE_DIR=0\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.2\n", NULL);
  assert_finding (f, DOCKYARD_RULE_PIP_CACHE_DEFEATED, 3, 1);
  g_assert_false (dockyard_finding_has_fix (find_at (f, DOCKYARD_RULE_PIP_CACHE_DEFEATED, 3, 1)));
  assert_len (f, 1);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* npm --cache past the mount */
  after = check_fix ("FROM node:20.11.1\n"
                     "RUN --mount=type=cache,target=/root/.npm npm ci --cache /tmp/npm\n"
                     "RUN --mount=type=cache,target=/tmp/npm npm ci --cache /tmp/npm\n",
                     DOCKYARD_RULE_NPM_CACHE_DEFEATED, 0);
  g_clear_pointer (&after, g_free);
  after = check_fix ("FROM node:20.11.1\n"
                     "RUN --mount=type=cache,target=/root/.npm npm install --cache /tmp/npm x@1.0.0\n"
                     "RUN --mount=type=cache,target=/tmp/npm npm install --cache /tmp/npm x@1.0.0\n",
                     DOCKYARD_RULE_NPM_CACHE_DEFEATED, 1);
  g_assert_cmpstr (after, ==,
                   "FROM node:20.11.1\n"
                   "RUN --mount=type=cache,target=/root/.npm npm install x@1.0.0\n"
                   "RUN --mount=type=cache,target=/tmp/npm npm install --cache /tmp/npm x@1.0.0\n");
  g_clear_pointer (&after, g_free);

  /* the cache variables point past the mount: the mount moves */
  after = check_fix ("FROM node:20.11.1\n"
                     "ENV npm_config_cache=/cache/npm PIP_CACHE_DIR=/cache/pip\n"
                     "RUN --mount=type=cache,target=/root/.npm,sharing=locked npm ci\n"
                     "RUN --mount=type=cache,target=/root/.cache/pip pip install a==1.0\n",
                     DOCKYARD_RULE_NPM_CACHE_DEFEATED, 1);
  g_assert_cmpstr (after, ==,
                   "FROM node:20.11.1\n"
                   "ENV npm_config_cache=/cache/npm PIP_CACHE_DIR=/cache/pip\n"
                   "RUN --mount=type=cache,target=/cache/npm,sharing=locked npm ci\n"
                   "RUN --mount=type=cache,target=/cache/pip pip install a==1.0\n");
  g_clear_pointer (&after, g_free);

  /* apt: both mounts, but docker-clean still empties them */
  after = check_fix ("FROM debian:bookworm-20240311\n"
                     "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n"
                     "    --mount=type=cache,target=/var/lib/apt,sharing=locked \\\n"
                     "    apt-get update && apt-get install -y curl=7.88.1-10\n",
                     DOCKYARD_RULE_APT_CACHE_DEFEATED, 1);
  g_assert_nonnull (strstr (after, "\nRUN " DOCKYARD_APT_KEEP_CACHE_COMMAND "\nRUN --mount"));
}

static void
test_pip_cache_ineffective (void)
{
  g_autoptr(GPtrArray) f = NULL;
  g_autofree char *after = NULL;

  f = lint ("FROM python:3.11.2\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install --index-url http://pypi.internal:8080/simple a==1.0\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install -i http://pypi.internal:8080/simple --trusted-host pypi.internal b==1.0\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install -i https://pypi.org/simple c==1.0\n"
            "ENV PIP_INDEX_URL=http://mirror.lan/simple\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install d==1.0\n"
            "RUN --mount=type=cache,target=/root/.cache/pip PIP_TRUSTED_HOST=mirror.lan pip install e==1.0\n", NULL);
  assert_finding (f, DOCKYARD_RULE_PIP_CACHE_INEFFECTIVE, 2, 1);
  assert_finding (f, DOCKYARD_RULE_PIP_CACHE_INEFFECTIVE, 6, 1);
  assert_len (f, 2);
  g_clear_pointer (&f, g_ptr_array_unref);

  after = check_fix ("FROM python:3.11.2\n"
                     "RUN --mount=type=cache,target=/root/.cache/pip pip install --index-url http://pypi.internal:8080/simple a==1.0\n"
                     "RUN --mount=type=cache,target=/root/.cache/pip [\"pip\", \"install\", \"-i\", \"http://h/simple\", \"b==1.0\"]\n",
                     DOCKYARD_RULE_PIP_CACHE_INEFFECTIVE, 2);
  g_assert_cmpstr (after, ==,
                   "FROM python:3.11.2\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip pip install --trusted-host pypi.internal:8080 --index-url http://pypi.internal:8080/simple a==1.0\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip [\"pip\", \"install\", \"--trusted-host\", \"h\", \"-i\", \"http://h/simple\", \"b==1.0\"]\n");
}

/* pip against an externally managed Python (issue 18, item 5) */
static void
test_pip_externally_managed (void)
{
  g_autoptr(GPtrArray) f = NULL;
  g_autofree char *after = NULL;

  after = check_fix ("FROM debian:bookworm-20240311\n"
                     "RUN apt-get install -y python3-pip=23.0.1+dfsg-1\n"
                     "RUN pip install flask==3.0.2\n",
                     DOCKYARD_RULE_PIP_EXTERNALLY_MANAGED, 1);
  g_assert_nonnull (strstr (after, "\nENV PIP_BREAK_SYSTEM_PACKAGES=1\nRUN "));
  g_clear_pointer (&after, g_free);

  f = lint ("FROM ubuntu:24.04\n"
            "RUN apt-get install -y python3-pip=24.0+dfsg-1ubuntu1 && python3 -m pip install flask==3.0.2\n", NULL);
  assert_finding (f, DOCKYARD_RULE_PIP_EXTERNALLY_MANAGED, 2, 58);
  g_assert_cmpint (dockyard_finding_get_severity (find_at (f, DOCKYARD_RULE_PIP_EXTERNALLY_MANAGED, 2, 58)),
                   ==, DOCKYARD_SEVERITY_ERROR);
  g_assert_nonnull (strstr (dockyard_finding_get_message (find_at (f, DOCKYARD_RULE_PIP_EXTERNALLY_MANAGED, 2, 58)),
                            "venv"));
  g_clear_pointer (&f, g_ptr_array_unref);

  /* not firing: python images, old Debian, a venv, the variable, the option */
  f = lint ("FROM python:3.11.2\n"
            "RUN pip install flask==3.0.2\n"
            "FROM debian:bullseye-20240311\n"
            "RUN apt-get install -y python3-pip=20.3.4-4\n"
            "RUN pip install flask==3.0.2\n"
            "FROM debian:bookworm-20240311\n"
            "RUN apt-get install -y python3-pip=23.0.1+dfsg-1 python3-venv=3.11.2-1+b1\n"
            "RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install flask==3.0.2\n"
            "RUN pip install --break-system-packages flask==3.0.2\n"
            "ENV PIP_BREAK_SYSTEM_PACKAGES=1\n"
            "RUN pip install flask==3.0.2\n", NULL);
  assert_no_rule (f, DOCKYARD_RULE_PIP_EXTERNALLY_MANAGED);
}

static void
test_onbuild_heredoc_continuation (void)
{
  g_autoptr(GPtrArray) f = NULL;

  f = lint ("FROM python:3.11.2\n"
            "ONBUILD RUN pip install flask\n"
            "RUN <<EOF\n"
            "set -e\n"
            "apt-get update\n"
            "apt-get install -y \\\n"
            "  curl\n"
            "EOF\n"
            "RUN python3 <<EOF\n"
            "print('apt-get install -y curl')\n"
            "EOF\n"
            "RUN apt-get install -y \\\n"
            "# a comment inside\n"
            "    wget\n", NULL);
  assert_finding (f, DOCKYARD_RULE_PIP_UNPINNED, 2, 25);
  assert_finding (f, DOCKYARD_RULE_PIP_CACHE_MOUNT, 2, 1);
  assert_finding (f, DOCKYARD_RULE_APT_UNPINNED, 7, 3);
  assert_finding (f, DOCKYARD_RULE_APT_CACHE_MOUNT, 3, 1);
  assert_finding (f, DOCKYARD_RULE_APT_UNPINNED, 14, 5);
  assert_finding (f, DOCKYARD_RULE_APT_CACHE_MOUNT, 12, 1);
  assert_len (f, 6);
}

static void
test_parse_error (void)
{
  g_autoptr(GPtrArray) f = lint ("FROM python:3.11.2\n\nENV ONLY_KEY\n", NULL);

  assert_len (f, 1);
  assert_finding (f, DOCKYARD_RULE_PARSE_ERROR, 3, 1);
  g_assert_cmpint (dockyard_finding_get_severity (g_ptr_array_index (f, 0)), ==, DOCKYARD_SEVERITY_ERROR);
}

/* ---------------------------------------------------------------------- */

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (parent, 0755);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_requirement_unpinned (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dockyard-lint-XXXXXX", NULL);
  g_autoptr(GFile) context = g_file_new_for_path (dir);
  g_autoptr(GPtrArray) f = NULL;

  write_file (dir, "requirements.txt", "# deps\nrequests==2.31.0\nflask\n-r dev/extra.txt\n");
  write_file (dir, "dev/extra.txt", "pytest>=8\nblack==24.2.0\n");
  write_file (dir, "reqs/other.txt", "numpy\n");
  write_file (dir, "src/app/requirements.txt", "scipy~=1.12\n");

  f = lint ("FROM python:3.11.2\n"
            "WORKDIR /usr/src/app\n"
            "COPY requirements.txt .\n"
            "COPY dev/ ./dev/\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n"
            "COPY reqs/other.txt /tmp/r.txt\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install --requirement=/tmp/r.txt\n"
            "COPY src /opt/src\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install -r /opt/src/app/requirements.txt\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
            context);
  assert_finding (f, DOCKYARD_RULE_REQUIREMENT_UNPINNED, 3, 1);
  g_assert_cmpstr (dockyard_finding_get_file (find_at (f, DOCKYARD_RULE_REQUIREMENT_UNPINNED, 3, 1)),
                   ==, "requirements.txt");
  assert_finding (f, DOCKYARD_RULE_REQUIREMENT_UNPINNED, 1, 1);
  g_assert_cmpuint (count_rule (f, DOCKYARD_RULE_REQUIREMENT_UNPINNED), ==, 4);
  {
    g_autoptr(GHashTable) files = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < f->len; i++)
      if (dockyard_finding_get_file (g_ptr_array_index (f, i)) != NULL)
        g_hash_table_add (files, (gpointer) dockyard_finding_get_file (g_ptr_array_index (f, i)));
    g_assert_true (g_hash_table_contains (files, "requirements.txt"));
    g_assert_true (g_hash_table_contains (files, "dev/extra.txt"));
    g_assert_true (g_hash_table_contains (files, "reqs/other.txt"));
    g_assert_true (g_hash_table_contains (files, "src/app/requirements.txt"));
  }
  g_clear_pointer (&f, g_ptr_array_unref);

  /* without a COPY: the same relative path in the context; not firing
   * without a context */
  f = lint ("FROM python:3.11.2\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r reqs/other.txt\n",
            context);
  assert_finding (f, DOCKYARD_RULE_REQUIREMENT_UNPINNED, 1, 1);
  g_clear_pointer (&f, g_ptr_array_unref);
  f = lint ("FROM python:3.11.2\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r reqs/other.txt\n",
            NULL);
  assert_len (f, 0);
  g_clear_pointer (&f, g_ptr_array_unref);

  /* all pinned */
  write_file (dir, "requirements.txt", "requests==2.31.0\n");
  f = lint ("FROM python:3.11.2\nCOPY requirements.txt .\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n", context);
  assert_len (f, 0);
}

/* ---------------------------------------------------------------------- */
/* Fixes                                                                   */

/* The lines of @before that no edit touches must all be in @after, in the
 * same order, byte for byte. */
static void
assert_untouched_lines_kept (const char *before,
                             const char *after,
                             GPtrArray  *fixed)
{
  g_auto(GStrv) old_lines = g_strsplit (before, "\n", -1);
  g_auto(GStrv) new_lines = g_strsplit (after, "\n", -1);
  gsize offset = 0;
  guint k = 0;

  for (guint i = 0; old_lines[i] != NULL; i++)
    {
      gsize len = strlen (old_lines[i]);
      gboolean touched = FALSE;

      for (guint f = 0; f < fixed->len; f++)
        {
          GPtrArray *edits = dockyard_finding_get_fix (g_ptr_array_index (fixed, f));

          for (guint e = 0; edits != NULL && e < edits->len; e++)
            {
              const DockyardTextEdit *edit = g_ptr_array_index (edits, e);

              if (edit->offset + edit->length > offset && edit->offset < offset + len + 1 &&
                  !(edit->length == 0 && edit->offset == offset && g_str_has_suffix (edit->text, "\n")))
                touched = TRUE;
            }
        }

      if (!touched)
        {
          while (new_lines[k] != NULL && !g_str_equal (new_lines[k], old_lines[i]))
            k++;
          if (new_lines[k] == NULL)
            g_error ("line %u “%s” was changed", i + 1, old_lines[i]);
          k++;
        }
      offset += len + 1;
    }
}

static char *
check_fix (const char *before,
           const char *rule,
           guint       expected_fixes)
{
  g_autoptr(GPtrArray) fixed = NULL;
  g_autoptr(GPtrArray) after_findings = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *twice = NULL;
  char *after;

  after = dockyard_lint_fix_text (before, -1, NULL, &fixed, NULL);
  g_test_message ("fixed:\n%s", after);
  g_assert_cmpuint (count_rule (fixed, rule), ==, expected_fixes);

  after_findings = lint (after, NULL);
  dump_findings (after_findings);
  assert_no_rule (after_findings, rule);
  assert_untouched_lines_kept (before, after, fixed);

  /* Nothing left to fix: a second run changes nothing. */
  twice = dockyard_lint_fix_text (after, -1, NULL, &again, NULL);
  g_assert_cmpuint (count_rule (again, rule), ==, 0);

  return after;
}

static void
test_fix_pip (void)
{
  g_autofree char *after = NULL;

  after = check_fix ("# keep me\n"
                     "FROM python:3.11.2\n"
                     "WORKDIR /usr/src/app\n"
                     "RUN pip install --no-cache-dir flask==3.0.2 \\\n"
                     "    && pip install requests==2.31.0   # tail\n"
                     "  onbuild run pip install attrs==23.2.0\n"
                     "CMD [\"bash\"]\n",
                     DOCKYARD_RULE_PIP_CACHE_MOUNT, 2);
  g_assert_cmpstr (after, ==,
                   "# keep me\n"
                   "FROM python:3.11.2\n"
                   "WORKDIR /usr/src/app\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.2 \\\n"
                   "    && pip install requests==2.31.0   # tail\n"
                   /* BuildKit's ConsistentInstructionCasing, fixed too */
                   "  ONBUILD run --mount=type=cache,target=/root/.cache/pip pip install attrs==23.2.0\n"
                   "CMD [\"bash\"]\n");
  g_clear_pointer (&after, g_free);

  /* In the exec form the element goes, not just its text. */
  after = check_fix ("FROM python:3.11.2\n"
                     "RUN [\"pip\",\"install\",\"--no-cache-dir\",\"flask==3.0.0\"]\n"
                     "RUN [\"pip\", \"install\", \"--no-cache-dir\"]\n",
                     DOCKYARD_RULE_PIP_CACHE_MOUNT, 2);
  g_assert_cmpstr (after, ==,
                   "FROM python:3.11.2\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip [\"pip\",\"install\",\"flask==3.0.0\"]\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip [\"pip\", \"install\"]\n");
}

static void
test_fix_apt (void)
{
  g_autofree char *after = NULL;

  after = check_fix ("FROM debian:bookworm-20240311\r\n"
                     "RUN apt-get update && apt-get install -y curl=7.88.1-10\r\n"
                     "RUN --mount=type=cache,target=/var/lib/apt,sharing=locked \\\r\n"
                     "    apt-get install -y wget=1.21.3-1+b2\r\n"
                     "FROM ubuntu:22.04.4\n"
                     "RUN rm -f /etc/apt/apt.conf.d/docker-clean\n"
                     "  RUN apt-get install -y git=1:2.34.1-1ubuntu1.10\n",
                     DOCKYARD_RULE_APT_CACHE_MOUNT, 3);
  g_assert_cmpstr (after, ==,
                   "FROM debian:bookworm-20240311\r\n"
                   "RUN " DOCKYARD_APT_KEEP_CACHE_COMMAND "\r\n"
                   "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl=7.88.1-10\r\n"
                   "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked \\\r\n"
                   "    apt-get install -y wget=1.21.3-1+b2\r\n"
                   "FROM ubuntu:22.04.4\n"
                   "RUN rm -f /etc/apt/apt.conf.d/docker-clean\n"
                   "  RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get install -y git=1:2.34.1-1ubuntu1.10\n");
}

static void
test_fix_npm_and_several (void)
{
  g_autofree char *after = NULL;
  g_autoptr(GPtrArray) findings = NULL;

  after = check_fix ("FROM node:20.11.1\nRUN npm ci && pip install x==1.0\n", DOCKYARD_RULE_NPM_CACHE_MOUNT, 1);
  g_assert_cmpstr (after, ==,
                   "FROM node:20.11.1\n"
                   "RUN --mount=type=cache,target=/root/.npm --mount=type=cache,target=/root/.cache/pip npm ci && pip install x==1.0\n");
  findings = lint (after, NULL);
  g_assert_cmpuint (findings->len, ==, 0);
}

static void
test_text_edits (void)
{
  g_autoptr(GPtrArray) edits = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_text_edit_free);
  g_autofree char *out = NULL;
  gsize len;
  guint applied;

  g_ptr_array_add (edits, dockyard_text_edit_new (6, 0, "B"));
  g_ptr_array_add (edits, dockyard_text_edit_new (0, 5, "HELLO"));
  g_ptr_array_add (edits, dockyard_text_edit_new (6, 0, "B"));        /* the same: once */
  g_ptr_array_add (edits, dockyard_text_edit_new (6, 0, "C"));        /* also an insertion here */
  g_ptr_array_add (edits, dockyard_text_edit_new (2, 2, "xx"));       /* overlaps: skipped */
  g_ptr_array_add (edits, dockyard_text_edit_new (100, 0, "nowhere")); /* out of range */
  out = dockyard_text_edits_apply ("hello world", 11, edits, &len, &applied);
  g_assert_cmpstr (out, ==, "HELLO BCworld");
  g_assert_cmpuint (len, ==, strlen (out));
  g_assert_cmpuint (applied, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/dockerfile/lint/base-image", test_base_image);
  g_test_add_func ("/dockerfile/lint/apt", test_apt);
  g_test_add_func ("/dockerfile/lint/apk", test_apk);
  g_test_add_func ("/dockerfile/lint/pip", test_pip);
  g_test_add_func ("/dockerfile/lint/exact-versions-only", test_exact_versions_only);
  g_test_add_func ("/dockerfile/lint/npm", test_npm);
  g_test_add_func ("/dockerfile/lint/unknown-instruction", test_unknown_instruction);
  g_test_add_func ("/dockerfile/lint/pinning-options-and-wrappers", test_pinning_options_and_wrappers);
  g_test_add_func ("/dockerfile/lint/python-from-apt", test_python_from_apt);
  g_test_add_func ("/dockerfile/lint/pip-cache-mount", test_pip_cache_mount);
  g_test_add_func ("/dockerfile/lint/cache-mount-user", test_cache_mount_user);
  g_test_add_func ("/dockerfile/lint/cache-defeated", test_cache_defeated);
  g_test_add_func ("/dockerfile/lint/pip-cache-ineffective", test_pip_cache_ineffective);
  g_test_add_func ("/dockerfile/lint/pip-externally-managed", test_pip_externally_managed);
  g_test_add_func ("/dockerfile/lint/buildkit-checks", test_buildkit_checks);
  g_test_add_func ("/dockerfile/lint/copy-ignored-file", test_copy_ignored_file);
  g_test_add_func ("/dockerfile/lint/check-directives", test_check_directives);
  g_test_add_func ("/dockerfile/lint/onbuild-heredoc-continuation", test_onbuild_heredoc_continuation);
  g_test_add_func ("/dockerfile/lint/parse-error", test_parse_error);
  g_test_add_func ("/dockerfile/lint/requirement-unpinned", test_requirement_unpinned);
  g_test_add_func ("/dockerfile/lint/fix/pip", test_fix_pip);
  g_test_add_func ("/dockerfile/lint/fix/apt", test_fix_apt);
  g_test_add_func ("/dockerfile/lint/fix/npm-and-several", test_fix_npm_and_several);
  g_test_add_func ("/dockerfile/lint/text-edits", test_text_edits);

  return g_test_run ();
}
