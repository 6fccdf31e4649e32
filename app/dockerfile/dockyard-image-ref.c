/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-image-ref.h"

/* Image references as github.com/distribution/reference defines them:
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path-component ( "/" path-component )*
 *   domain    := host [ ":" port ]
 *
 * plus Docker's rule for telling a domain from a path: the first component
 * is a domain when it contains "." or ":", is "localhost", or has upper
 * case letters. */

#define NAME_MAX_LENGTH 255

struct _DockyardImageRef
{
  char *domain;
  char *path;
  char *tag;
  char *digest;
};

G_DEFINE_QUARK (dockyard-image-ref-error-quark, dockyard_image_ref_error)

G_DEFINE_BOXED_TYPE (DockyardImageRef, dockyard_image_ref,
                     dockyard_image_ref_copy, dockyard_image_ref_free)

G_DEFINE_ENUM_TYPE (DockyardImagePinning, dockyard_image_pinning,
  G_DEFINE_ENUM_VALUE (DOCKYARD_IMAGE_PINNING_UNTAGGED, "untagged"),
  G_DEFINE_ENUM_VALUE (DOCKYARD_IMAGE_PINNING_LATEST, "latest"),
  G_DEFINE_ENUM_VALUE (DOCKYARD_IMAGE_PINNING_FLOATING, "floating"),
  G_DEFINE_ENUM_VALUE (DOCKYARD_IMAGE_PINNING_EXACT, "exact"),
  G_DEFINE_ENUM_VALUE (DOCKYARD_IMAGE_PINNING_DIGEST, "digest"))

static inline gboolean
is_lower_alnum (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* alphanumeric (separator alphanumeric)*, separator := [._] | __ | -+ */
static gboolean
is_path_component (const char *s,
                   gsize       len)
{
  gsize i = 0;

  if (len == 0 || !is_lower_alnum (s[0]))
    return FALSE;

  while (i < len)
    {
      while (i < len && is_lower_alnum (s[i]))
        i++;
      if (i == len)
        return TRUE;

      if (s[i] == '.')
        i++;
      else if (s[i] == '_')
        i += (i + 1 < len && s[i + 1] == '_') ? 2 : 1;
      else if (s[i] == '-')
        while (i < len && s[i] == '-')
          i++;
      else
        return FALSE;

      if (i >= len || !is_lower_alnum (s[i]))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_domain_component (const char *s,
                     gsize       len)
{
  if (len == 0 || !g_ascii_isalnum (s[0]) || !g_ascii_isalnum (s[len - 1]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && s[i] != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_domain (const char *s,
           gsize       len)
{
  const char *colon = NULL;
  gsize host_len = len;

  if (len > 0 && s[0] == '[')
    {
      const char *close = memchr (s, ']', len);

      if (close == NULL || close == s + 1)
        return FALSE;
      for (const char *p = s + 1; p < close; p++)
        if (!g_ascii_isxdigit (*p) && *p != ':')
          return FALSE;
      host_len = close - s + 1;
      if (host_len < len && s[host_len] != ':')
        return FALSE;
    }
  else
    {
      gsize start = 0;

      colon = memchr (s, ':', len);
      if (colon != NULL)
        host_len = colon - s;
      for (gsize i = 0; i <= host_len; i++)
        {
          if (i == host_len || s[i] == '.')
            {
              if (!is_domain_component (s + start, i - start))
                return FALSE;
              start = i + 1;
            }
        }
    }

  if (host_len < len)
    {
      /* ":port" */
      if (host_len + 1 >= len)
        return FALSE;
      for (gsize i = host_len + 1; i < len; i++)
        if (!g_ascii_isdigit (s[i]))
          return FALSE;
    }

  return TRUE;
}

/* [\w][\w.-]{0,127} */
static gboolean
is_tag (const char *s)
{
  gsize len = strlen (s);

  if (len == 0 || len > 128 || !(g_ascii_isalnum (s[0]) || s[0] == '_'))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_digest (const char *s)
{
  const char *colon = strchr (s, ':');
  gsize hex_len;
  gsize expected = 0;

  if (colon == NULL)
    return FALSE;

  if (strncmp (s, "sha256:", 7) == 0)
    expected = 64;
  else if (strncmp (s, "sha384:", 7) == 0)
    expected = 96;
  else if (strncmp (s, "sha512:", 7) == 0)
    expected = 128;
  else
    return FALSE;

  hex_len = strlen (colon + 1);
  if (hex_len != expected)
    return FALSE;
  for (const char *p = colon + 1; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;

  return TRUE;
}

static gboolean
has_upper (const char *s,
           gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (g_ascii_isupper (s[i]))
      return TRUE;
  return FALSE;
}

/**
 * dockyard_image_ref_parse:
 * @reference: e.g. "python:3.11.2", "localhost:5000/team/app@sha256:..."
 *
 * Returns: (transfer full): the reference, or %NULL with @error set
 */
DockyardImageRef *
dockyard_image_ref_parse (const char  *reference,
                          GError     **error)
{
  g_autoptr(DockyardImageRef) self = NULL;
  g_autofree char *name = NULL;
  const char *at;
  const char *slash;
  const char *colon;
  const char *path;
  gsize first_len;

  g_return_val_if_fail (reference != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (*reference == '\0')
    {
      g_set_error (error, DOCKYARD_IMAGE_REF_ERROR, DOCKYARD_IMAGE_REF_ERROR_EMPTY,
                   _("The image reference is empty"));
      return NULL;
    }

  self = g_new0 (DockyardImageRef, 1);

  at = strrchr (reference, '@');
  if (at != NULL)
    {
      if (!is_digest (at + 1))
        {
          g_set_error (error, DOCKYARD_IMAGE_REF_ERROR, DOCKYARD_IMAGE_REF_ERROR_INVALID_DIGEST,
                       _("“%s” is not a valid image digest"), at + 1);
          return NULL;
        }
      self->digest = g_strdup (at + 1);
      name = g_strndup (reference, at - reference);
    }
  else
    name = g_strdup (reference);

  /* A ":" after the last "/" starts the tag; one before is a port. */
  slash = strrchr (name, '/');
  colon = strrchr (slash != NULL ? slash : name, ':');
  if (colon != NULL)
    {
      if (!is_tag (colon + 1))
        {
          g_set_error (error, DOCKYARD_IMAGE_REF_ERROR, DOCKYARD_IMAGE_REF_ERROR_INVALID_TAG,
                       _("“%s” is not a valid image tag"), colon + 1);
          return NULL;
        }
      self->tag = g_strdup (colon + 1);
      *(char *) colon = '\0';
    }

  if (*name == '\0')
    {
      g_set_error (error, DOCKYARD_IMAGE_REF_ERROR, DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT,
                   _("“%s” is not a valid image reference"), reference);
      return NULL;
    }
  if (strlen (name) > NAME_MAX_LENGTH)
    {
      g_set_error (error, DOCKYARD_IMAGE_REF_ERROR, DOCKYARD_IMAGE_REF_ERROR_NAME_TOO_LONG,
                   _("The image name is longer than %d characters"), NAME_MAX_LENGTH);
      return NULL;
    }

  slash = strchr (name, '/');
  first_len = slash != NULL ? (gsize) (slash - name) : strlen (name);
  path = name;
  if (slash != NULL &&
      (memchr (name, '.', first_len) != NULL || memchr (name, ':', first_len) != NULL ||
       (first_len == strlen ("localhost") && strncmp (name, "localhost", first_len) == 0) ||
       has_upper (name, first_len)))
    {
      if (!is_domain (name, first_len))
        {
          g_set_error (error, DOCKYARD_IMAGE_REF_ERROR, DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT,
                       _("“%s” is not a valid image reference"), reference);
          return NULL;
        }
      self->domain = g_strndup (name, first_len);
      path = slash + 1;
    }

  for (const char *p = path; ; )
    {
      const char *end = strchr (p, '/');
      gsize len = end != NULL ? (gsize) (end - p) : strlen (p);

      if (!is_path_component (p, len))
        {
          g_autofree char *lower = g_ascii_strdown (p, len);

          if (has_upper (p, len) && is_path_component (lower, len))
            g_set_error (error, DOCKYARD_IMAGE_REF_ERROR, DOCKYARD_IMAGE_REF_ERROR_UPPERCASE,
                         _("The repository name must be lower case: “%s”"), reference);
          else
            g_set_error (error, DOCKYARD_IMAGE_REF_ERROR, DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT,
                         _("“%s” is not a valid image reference"), reference);
          return NULL;
        }
      if (end == NULL)
        break;
      p = end + 1;
    }

  /* A bare 64-character hex name is an image ID, not a repository. */
  if (self->domain == NULL && strlen (path) == 64 && strspn (path, "0123456789abcdef") == 64)
    {
      g_set_error (error, DOCKYARD_IMAGE_REF_ERROR, DOCKYARD_IMAGE_REF_ERROR_INVALID_FORMAT,
                   _("“%s” is an image ID, not a repository name"), reference);
      return NULL;
    }

  self->path = g_strdup (path);

  return g_steal_pointer (&self);
}

DockyardImageRef *
dockyard_image_ref_copy (const DockyardImageRef *self)
{
  DockyardImageRef *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (DockyardImageRef, 1);
  copy->domain = g_strdup (self->domain);
  copy->path = g_strdup (self->path);
  copy->tag = g_strdup (self->tag);
  copy->digest = g_strdup (self->digest);

  return copy;
}

void
dockyard_image_ref_free (DockyardImageRef *self)
{
  if (self == NULL)
    return;

  g_free (self->domain);
  g_free (self->path);
  g_free (self->tag);
  g_free (self->digest);
  g_free (self);
}

/**
 * dockyard_image_ref_get_domain:
 *
 * Returns: (nullable): the registry as written ("localhost:5000"), or
 *   %NULL when the reference names none (Docker Hub)
 */
const char *
dockyard_image_ref_get_domain (const DockyardImageRef *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->domain;
}

const char *
dockyard_image_ref_get_path (const DockyardImageRef *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path;
}

const char *
dockyard_image_ref_get_tag (const DockyardImageRef *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->tag;
}

const char *
dockyard_image_ref_get_digest (const DockyardImageRef *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->digest;
}

/**
 * dockyard_image_ref_get_name:
 *
 * Returns: (transfer full): the repository as written, without tag or
 *   digest ("python", "localhost:5000/team/app")
 */
char *
dockyard_image_ref_get_name (const DockyardImageRef *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->domain != NULL)
    return g_strconcat (self->domain, "/", self->path, NULL);
  return g_strdup (self->path);
}

/**
 * dockyard_image_ref_get_normalized_name:
 *
 * Returns: (transfer full): the fully qualified repository
 *   ("docker.io/library/python")
 */
char *
dockyard_image_ref_get_normalized_name (const DockyardImageRef *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->domain != NULL)
    return g_strconcat (self->domain, "/", self->path, NULL);
  if (strchr (self->path, '/') == NULL)
    return g_strconcat ("docker.io/library/", self->path, NULL);
  return g_strconcat ("docker.io/", self->path, NULL);
}

char *
dockyard_image_ref_to_string (const DockyardImageRef *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  if (self->domain != NULL)
    g_string_append_printf (out, "%s/", self->domain);
  g_string_append (out, self->path);
  if (self->tag != NULL)
    g_string_append_printf (out, ":%s", self->tag);
  if (self->digest != NULL)
    g_string_append_printf (out, "@%s", self->digest);

  return g_string_free (out, FALSE);
}

static gboolean
is_date (const char *s)
{
  int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int month = (s[4] - '0') * 10 + (s[5] - '0');
  int day = (s[6] - '0') * 10 + (s[7] - '0');

  return year >= 1990 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/**
 * dockyard_image_tag_is_exact_release:
 * @tag: an image tag
 *
 * Whether @tag names one release rather than a moving target: it has a
 * version with at least three numeric parts ("3.8.8", "v1.2.3-alpine",
 * "11.0.2_9-jdk") or a date stamp ("jammy-20240227", "2024-02-27").
 */
gboolean
dockyard_image_tag_is_exact_release (const char *tag)
{
  const char *p;

  g_return_val_if_fail (tag != NULL, FALSE);

  p = tag;
  while (*p != '\0')
    {
      const char *run;
      guint parts = 0;
      gsize first_len;

      if (!g_ascii_isdigit (*p))
        {
          p++;
          continue;
        }

      /* A maximal \d+(\.\d+)* run. */
      run = p;
      for (;;)
        {
          while (g_ascii_isdigit (*p))
            p++;
          parts++;
          if (*p == '.' && g_ascii_isdigit (p[1]))
            p++;
          else
            break;
        }
      if (parts >= 3)
        return TRUE;

      first_len = strspn (run, "0123456789");
      if (first_len >= 8 && is_date (run))
        return TRUE;

      /* YYYY-MM-DD */
      if (first_len == 4 && strlen (run) >= 10 && run[4] == '-' && run[7] == '-' &&
          g_ascii_isdigit (run[5]) && g_ascii_isdigit (run[6]) &&
          g_ascii_isdigit (run[8]) && g_ascii_isdigit (run[9]))
        {
          char compact[9] = { run[0], run[1], run[2], run[3], run[5], run[6], run[8], run[9], 0 };

          if (is_date (compact))
            return TRUE;
        }
    }

  return FALSE;
}

/**
 * dockyard_image_ref_get_pinning:
 *
 * Returns: how firmly the reference names one image
 */
DockyardImagePinning
dockyard_image_ref_get_pinning (const DockyardImageRef *self)
{
  g_return_val_if_fail (self != NULL, DOCKYARD_IMAGE_PINNING_UNTAGGED);

  if (self->digest != NULL)
    return DOCKYARD_IMAGE_PINNING_DIGEST;
  if (self->tag == NULL)
    return DOCKYARD_IMAGE_PINNING_UNTAGGED;
  if (g_str_equal (self->tag, "latest"))
    return DOCKYARD_IMAGE_PINNING_LATEST;
  if (dockyard_image_tag_is_exact_release (self->tag))
    return DOCKYARD_IMAGE_PINNING_EXACT;
  return DOCKYARD_IMAGE_PINNING_FLOATING;
}

/* The tag of @reference if it names @self's repository. */
static char *
tag_in_repository (const DockyardImageRef *self,
                   const char             *reference)
{
  g_autoptr(DockyardImageRef) other = dockyard_image_ref_parse (reference, NULL);
  g_autofree char *name = NULL;
  g_autofree char *other_name = NULL;

  if (other == NULL || other->tag == NULL)
    return NULL;
  name = dockyard_image_ref_get_normalized_name (self);
  other_name = dockyard_image_ref_get_normalized_name (other);
  if (!g_str_equal (name, other_name))
    return NULL;
  return g_strdup (other->tag);
}

/**
 * dockyard_image_ref_has_same_tag:
 * @reference: another reference, e.g. a tag the engine has
 *
 * Returns: whether @reference names @self's repository with @self's tag
 */
gboolean
dockyard_image_ref_has_same_tag (const DockyardImageRef *self,
                                 const char             *reference)
{
  g_autofree char *tag = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (reference != NULL, FALSE);

  tag = tag_in_repository (self, reference);
  return tag != NULL && g_strcmp0 (tag, self->tag) == 0;
}

/**
 * dockyard_image_ref_release_candidate:
 * @reference: another reference, e.g. a tag the engine has
 *
 * An exact release that @self could be pinned to: a tag of the same
 * repository that names one release and, when @self has a floating tag,
 * continues it ("3.11" -> "3.11.2", "3.11.2-slim"; not "3.110.1").
 *
 * Returns: (transfer full) (nullable): the tag of @reference, or %NULL if
 *   it is no such release
 */
char *
dockyard_image_ref_release_candidate (const DockyardImageRef *self,
                                      const char             *reference)
{
  g_autofree char *tag = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (reference != NULL, NULL);

  tag = tag_in_repository (self, reference);
  if (tag == NULL || !dockyard_image_tag_is_exact_release (tag))
    return NULL;
  if (dockyard_image_ref_get_pinning (self) == DOCKYARD_IMAGE_PINNING_FLOATING &&
      !(g_str_has_prefix (tag, self->tag) &&
        (tag[strlen (self->tag)] == '.' || tag[strlen (self->tag)] == '-')))
    return NULL;
  return g_steal_pointer (&tag);
}

static int
compare_tags_descending (gconstpointer a,
                         gconstpointer b)
{
  g_autofree char *ka = g_utf8_collate_key_for_filename (*(const char * const *) a, -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (*(const char * const *) b, -1);

  return -strcmp (ka, kb);
}

/**
 * dockyard_image_tags_sort_newest_first:
 * @tags: (element-type utf8): tags
 *
 * Sorts @tags with the highest version first, comparing numbers by value
 * ("3.11.10" before "3.11.9").
 */
void
dockyard_image_tags_sort_newest_first (GPtrArray *tags)
{
  g_return_if_fail (tags != NULL);

  g_ptr_array_sort (tags, compare_tags_descending);
}
