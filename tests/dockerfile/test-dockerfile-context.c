/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a build reads from its context, told from the Dockerfile alone:
 * the paths Dockyard sends instead of the whole folder, and when it must
 * send everything. */
#include "config.h"

#include "dockyard-dockerfile-context.h"
#include "dockyard-test-utils.h"

typedef struct
{
  const char *name;
  const char *dockerfile;
  const char *sources;  /* joined by " ", NULL: everything */
} SourcesCase;

static const SourcesCase sources_cases[] = {
  { "nothing", "FROM busybox:1.35.0\nRUN true\n", "" },
  { "copy-files", "FROM busybox:1.35.0\nCOPY requirements.txt /app/\nCOPY ./src/ lib/x /app/\n",
    "requirements.txt src lib/x" },
  { "add-file", "FROM busybox:1.35.0\nADD archive.tar.gz /opt/\n", "archive.tar.gz" },
  { "add-url", "FROM busybox:1.35.0\nADD https://example.com/a.tgz /opt/\n", "" },
  { "json-form", "FROM busybox:1.35.0\nCOPY [\"my dir/a b.txt\", \"/x/\"]\n", "my dir/a b.txt" },
  { "twice", "FROM busybox:1.35.0\nCOPY a /x\nCOPY ./a /y\n", "a" },
  { "dot-dot", "FROM busybox:1.35.0\nCOPY ../../etc/passwd /x\n", "etc/passwd" },
  { "from-stage", "FROM busybox:1.35.0 AS b\nRUN touch /out\n"
    "FROM busybox:1.35.0\nCOPY --from=b /out /out\n", "" },
  { "heredoc", "FROM busybox:1.35.0\nCOPY <<EOF /etc/motd\nhello\nEOF\n", "" },
  { "bind-mount", "FROM busybox:1.35.0\nRUN --mount=type=bind,source=tools,target=/t /t/run\n", "tools" },
  { "cache-mount", "FROM busybox:1.35.0\nRUN --mount=type=cache,target=/root/.cache true\n", "" },
  { "bind-from-stage", "FROM busybox:1.35.0 AS b\nFROM busybox:1.35.0\n"
    "RUN --mount=type=bind,from=b,target=/b true\n", "" },
  { "onbuild-is-not-ours", "FROM busybox:1.35.0\nONBUILD COPY . /app\n", "" },
  /* Everything: */
  { "copy-dot", "FROM busybox:1.35.0\nCOPY . /app\n", NULL },
  { "copy-root", "FROM busybox:1.35.0\nCOPY / /app\n", NULL },
  { "wildcard", "FROM busybox:1.35.0\nCOPY *.py /app/\n", NULL },
  { "variable", "FROM busybox:1.35.0\nARG SRC=src\nCOPY $SRC /app/\n", NULL },
  { "bind-whole", "FROM busybox:1.35.0\nRUN --mount=type=bind,target=/src make -C /src\n", NULL },
  { "parents", "FROM busybox:1.35.0\nCOPY --parents a/b /app/\n", NULL },
  { "syntax", "# syntax=docker/dockerfile:1\nFROM busybox:1.35.0\nCOPY a /a\n", NULL },
};

static void
test_sources (gconstpointer data)
{
  const SourcesCase *c = data;
  g_autoptr(DockyardDockerfile) dockerfile = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sources = NULL;
  g_autofree char *joined = NULL;

  dockerfile = dockyard_dockerfile_new_from_data (c->dockerfile, -1, &error);
  g_assert_no_error (error);

  sources = dockyard_dockerfile_dup_context_sources (dockerfile);
  joined = sources != NULL ? g_strjoinv (" ", sources) : NULL;
  g_assert_cmpstr (joined, ==, c->sources);
}

static void
test_base_images (void)
{
  static const struct {
    const char *dockerfile;
    const char *images;  /* NULL: cannot tell */
  } cases[] = {
    { "FROM python:3.11.2\n", "python:3.11.2" },
    { "FROM scratch\nCOPY a /a\n", "" },
    { "FROM python:3.11.2 AS Build\nFROM build\nFROM python:3.11.2\nFROM debian:12.5\n",
      "python:3.11.2 debian:12.5" },
    { "ARG V=3.11.2\nFROM python:${V}\n", "python:3.11.2" },
    { "ARG BASE\nFROM $BASE\n", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DockyardDockerfile) dockerfile = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) images = NULL;
      g_autofree char *joined = NULL;

      dockerfile = dockyard_dockerfile_new_from_data (cases[i].dockerfile, -1, &error);
      g_assert_no_error (error);
      images = dockyard_dockerfile_dup_base_images (dockerfile);
      joined = images != NULL ? g_strjoinv (" ", images) : NULL;
      g_assert_cmpstr (joined, ==, cases[i].images);
    }
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  for (guint i = 0; i < G_N_ELEMENTS (sources_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/dockerfile/context-sources/%s", sources_cases[i].name);

      g_test_add_data_func (path, &sources_cases[i], test_sources);
    }
  g_test_add_func ("/dockerfile/context-sources/base-images", test_base_images);

  return g_test_run ();
}
