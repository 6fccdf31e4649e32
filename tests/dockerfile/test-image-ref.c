/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-image-ref.h"
#include "dockyard-test-utils.h"

#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_valid (void)
{
  const struct {
    const char *ref;
    const char *domain;
    const char *path;
    const char *tag;
    const char *digest;
    const char *normalized;
  } cases[] = {
    { "python", NULL, "python", NULL, NULL, "docker.io/library/python" },
    { "python:3.11.2", NULL, "python", "3.11.2", NULL, "docker.io/library/python" },
    { "library/python:3.8", NULL, "library/python", "3.8", NULL, "docker.io/library/python" },
    { "jupyter/base-notebook:2023-10-20", NULL, "jupyter/base-notebook", "2023-10-20", NULL,
      "docker.io/jupyter/base-notebook" },
    { "localhost:5000/x", "localhost:5000", "x", NULL, NULL, "localhost:5000/x" },
    { "localhost/dockyard-test/python:3.11.2", "localhost", "dockyard-test/python", "3.11.2", NULL,
      "localhost/dockyard-test/python" },
    { "ghcr.io/org/app_name__x/sub-a--b:v1.2.3@" DIGEST, "ghcr.io", "org/app_name__x/sub-a--b",
      "v1.2.3", DIGEST, "ghcr.io/org/app_name__x/sub-a--b" },
    { "python@" DIGEST, NULL, "python", NULL, DIGEST, "docker.io/library/python" },
    { "[::1]:5000/img:tag", "[::1]:5000", "img", "tag", NULL, "[::1]:5000/img" },
    { "Registry.Example.com/img", "Registry.Example.com", "img", NULL, NULL, "Registry.Example.com/img" },
    { "localhost:5000", NULL, "localhost", "5000", NULL, "docker.io/library/localhost" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DockyardImageRef) ref = dockyard_image_ref_parse (cases[i].ref, &error);
      g_autoptr(DockyardImageRef) copy = NULL;
      g_autofree char *normalized = NULL;
      g_autofree char *str = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (dockyard_image_ref_get_domain (ref), ==, cases[i].domain);
      g_assert_cmpstr (dockyard_image_ref_get_path (ref), ==, cases[i].path);
      g_assert_cmpstr (dockyard_image_ref_get_tag (ref), ==, cases[i].tag);
      g_assert_cmpstr (dockyard_image_ref_get_digest (ref), ==, cases[i].digest);
      normalized = dockyard_image_ref_get_normalized_name (ref);
      g_assert_cmpstr (normalized, ==, cases[i].normalized);

      copy = dockyard_image_ref_copy (ref);
      str = dockyard_image_ref_to_string (copy);
      g_assert_cmpstr (str, ==, cases[i].ref);
    }
}

static void
test_invalid (void)
{
  const struct { const char *ref; gint code; } cases[] = {
    { "", DOCKYARD_IMAGE_REF_ERROR_EMPTY },
    { "Python:3.11", DOCKYARD_IMAGE_REF_ERROR_UPPERCASE },
    { "docker.io/Library/python", DOCKYARD_IMAGE_REF_ERROR_UPPERCASE },
    { "python:", DOCKYARD_IMAGE_REF_ERROR_INVALID_TAG },
    { "python:-x", DOCKYARD_IMAGE_REF_ERROR_INVALID_TAG },
    { "python:a/b", DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT },
    { "python@sha256:abc", DOCKYARD_IMAGE_REF_ERROR_INVALID_DIGEST },
    { "python@md5:0123456789abcdef0123456789abcdef", DOCKYARD_IMAGE_REF_ERROR_INVALID_DIGEST },
    { "-python", DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT },
    { "python_", DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT },
    { "a//b", DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT },
    { "exa_mple.com/img", DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT },
    { "localhost:50a0/img", DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT },
    { "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT },
    { "py thon", DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT },
  };
  g_autofree char *too_long = g_strnfill (256, 'a');
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(DockyardImageRef) ref = dockyard_image_ref_parse (cases[i].ref, &local_error);

      g_assert_null (ref);
      g_assert_error (local_error, DOCKYARD_IMAGE_REF_ERROR, cases[i].code);
    }

  g_assert_null (dockyard_image_ref_parse (too_long, &error));
  g_assert_error (error, DOCKYARD_IMAGE_REF_ERROR, DOCKYARD_IMAGE_REF_ERROR_NAME_TOO_LONG);
}

static void
test_pinning (void)
{
  const struct { const char *ref; DockyardImagePinning pinning; } cases[] = {
    { "python", DOCKYARD_IMAGE_PINNING_UNTAGGED },
    { "localhost:5000/x", DOCKYARD_IMAGE_PINNING_UNTAGGED },
    { "python:latest", DOCKYARD_IMAGE_PINNING_LATEST },
    { "python:latest@" DIGEST, DOCKYARD_IMAGE_PINNING_DIGEST },
    { "python@" DIGEST, DOCKYARD_IMAGE_PINNING_DIGEST },
    { "python:3.8@" DIGEST, DOCKYARD_IMAGE_PINNING_DIGEST },
    { "python:3.8", DOCKYARD_IMAGE_PINNING_FLOATING },
    { "python:3", DOCKYARD_IMAGE_PINNING_FLOATING },
    { "python:3.12-slim", DOCKYARD_IMAGE_PINNING_FLOATING },
    { "node:lts", DOCKYARD_IMAGE_PINNING_FLOATING },
    { "ubuntu:jammy", DOCKYARD_IMAGE_PINNING_FLOATING },
    { "ubuntu:22.04", DOCKYARD_IMAGE_PINNING_FLOATING },
    { "debian:bookworm-slim", DOCKYARD_IMAGE_PINNING_FLOATING },
    { "img:12345678", DOCKYARD_IMAGE_PINNING_FLOATING },
    { "python:3.8.8", DOCKYARD_IMAGE_PINNING_EXACT },
    { "python:3.11.2-slim-bookworm", DOCKYARD_IMAGE_PINNING_EXACT },
    { "node:v20.11.1-alpine3.19", DOCKYARD_IMAGE_PINNING_EXACT },
    { "eclipse-temurin:11.0.22_7-jdk", DOCKYARD_IMAGE_PINNING_EXACT },
    { "ubuntu:jammy-20240227", DOCKYARD_IMAGE_PINNING_EXACT },
    { "debian:bookworm-20240110-slim", DOCKYARD_IMAGE_PINNING_EXACT },
    { "jupyter/base-notebook:2023-10-20", DOCKYARD_IMAGE_PINNING_EXACT },
    { "localhost/dockyard-test/python:3.11.2", DOCKYARD_IMAGE_PINNING_EXACT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(DockyardImageRef) ref = dockyard_image_ref_parse (cases[i].ref, NULL);

      g_assert_nonnull (ref);
      g_test_message ("%s", cases[i].ref);
      g_assert_cmpint (dockyard_image_ref_get_pinning (ref), ==, cases[i].pinning);
    }

  g_assert_true (g_type_is_a (DOCKYARD_TYPE_IMAGE_PINNING, G_TYPE_ENUM));
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/dockerfile/image-ref/valid", test_valid);
  g_test_add_func ("/dockerfile/image-ref/invalid", test_invalid);
  g_test_add_func ("/dockerfile/image-ref/pinning", test_pinning);

  return g_test_run ();
}
