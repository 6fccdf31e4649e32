/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-image-ref.h"
#include "dockyard-lint-private.h"

/* Who a RUN runs as: USER expanded with the ARGs and ENVs before it, as
 * BuildKit does, the users the Dockerfile creates and those some common
 * base images are known to have; and whether the base image's Python is
 * externally managed. */

gboolean
_dockyard_lint_user_is_root (DockyardLint *lint)
{
  return lint->user_unknown_var == NULL &&
         (lint->user == NULL || g_str_equal (lint->user, "root") || g_str_equal (lint->user, "0"));
}

/* The user's home, or %NULL when it cannot be known here.  A name
 * nobody creates in this Dockerfile gets the usual /home/NAME (for the
 * message, not for a fix). */
char *
_dockyard_lint_user_home (DockyardLint *lint)
{
  if (_dockyard_lint_user_is_root (lint))
    return g_strdup ("/root");
  if (lint->user_home != NULL)
    return g_strdup (lint->user_home);
  if (lint->user_unknown_var != NULL || _dockyard_is_all_digits (lint->user))
    return NULL;
  return g_strconcat ("/home/", lint->user, NULL);
}

/* The first variable of @word without a value in @vars. */
static char *
first_unknown_var (const char *word,
                   GHashTable *vars)
{
  for (const char *p = strchr (word, '$'); p != NULL; p = strchr (p + 1, '$'))
    {
      const char *start = p + 1 + (p[1] == '{');
      gsize n = 0;
      g_autofree char *name = NULL;
      const char *value = NULL;

      while (g_ascii_isalnum (start[n]) || start[n] == '_')
        n++;
      if (n == 0)
        continue;
      name = g_strndup (start, n);
      if (!g_hash_table_lookup_extended (vars, name, NULL, (gpointer *) &value) || value == NULL)
        return g_steal_pointer (&name);
    }

  return NULL;
}

/* USER as BuildKit runs it: ARG and ENV expanded, then the name or uid
 * looked up among the users this Dockerfile creates or its base image is
 * known to have. */
void
_dockyard_lint_set_user (DockyardLint *lint,
          const char   *raw)
{
  g_autofree char *expanded = _dockyard_expand_word (raw, dockyard_dockerfile_get_escape_char (lint->df),
                                                     lint->vars);
  const char *colon;
  const DockyardLintUser *known = NULL;
  g_autofree char *group = NULL;

  g_clear_pointer (&lint->user, g_free);
  g_clear_pointer (&lint->user_raw, g_free);
  g_clear_pointer (&lint->user_unknown_var, g_free);
  g_clear_pointer (&lint->user_uid, g_free);
  g_clear_pointer (&lint->user_gid, g_free);
  g_clear_pointer (&lint->user_home, g_free);

  lint->user_raw = g_strdup (raw);
  if (expanded == NULL)
    {
      lint->user_unknown_var = first_unknown_var (raw, lint->vars);
      if (lint->user_unknown_var == NULL)
        lint->user_unknown_var = g_strdup (raw);
      lint->user = g_strndup (raw, strcspn (raw, ":"));
      return;
    }

  colon = strchr (expanded, ':');
  lint->user = g_strndup (expanded, colon != NULL ? (gsize) (colon - expanded) : strlen (expanded));
  if (colon != NULL)
    group = g_strdup (colon + 1);

  known = g_hash_table_lookup (lint->users, lint->user);
  if (known == NULL && _dockyard_is_all_digits (lint->user))
    {
      GHashTableIter iter;
      gpointer key, value;
      const char *name = NULL;

      g_hash_table_iter_init (&iter, lint->users);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (g_str_equal (((DockyardLintUser *) value)->uid, lint->user) &&
            (name == NULL || strcmp (key, name) < 0))   /* the same answer every time */
          {
            known = value;
            name = key;
          }
      /* the messages name the user: jovyan, not 1000 */
      if (name != NULL && !g_str_equal (lint->user, "0"))
        {
          g_free (lint->user);
          lint->user = g_strdup (name);
        }
    }

  if (known != NULL)
    {
      lint->user_uid = g_strdup (known->uid);
      lint->user_gid = g_strdup (known->gid);
      lint->user_home = g_strdup (known->home);
    }
  else if (_dockyard_is_all_digits (lint->user))
    lint->user_uid = g_strdup (lint->user);
  if (group != NULL && _dockyard_is_all_digits (group))
    {
      g_free (lint->user_gid);
      lint->user_gid = g_strdup (group);
    }
}

/* "debian" for debian, docker.io/debian and docker.io/library/debian */
static const char *
image_path (const DockyardImageRef *ref)
{
  const char *path = dockyard_image_ref_get_path (ref);
  const char *domain = dockyard_image_ref_get_domain (ref);

  if ((domain == NULL || g_str_equal (domain, "docker.io")) && g_str_has_prefix (path, "library/"))
    return path + strlen ("library/");
  return path;
}

static void
add_known_user (DockyardLint *lint,
                const char   *name,
                const char   *uid,
                const char   *gid)
{
  DockyardLintUser *user = g_new0 (DockyardLintUser, 1);

  user->uid = g_strdup (uid);
  user->gid = g_strdup (gid);
  user->home = g_strconcat ("/home/", name, NULL);
  g_hash_table_replace (lint->users, g_strdup (name), user);
}

/* What BuildKit reads from the configs of some common images: the user
 * they run as and the variables naming it. */
void
_dockyard_lint_add_base_image_facts (DockyardLint *lint,
                      const char   *image)
{
  g_autoptr(DockyardImageRef) ref = image != NULL ? dockyard_image_ref_parse (image, NULL) : NULL;
  const char *path;

  if (ref == NULL)
    return;
  path = image_path (ref);
  if (g_str_has_prefix (path, "jupyter/"))
    {
      /* docker-stacks: ENV NB_USER=jovyan NB_UID=1000 NB_GID=100, HOME */
      add_known_user (lint, "jovyan", "1000", "100");
      g_hash_table_replace (lint->vars, g_strdup ("NB_USER"), g_strdup ("jovyan"));
      g_hash_table_replace (lint->vars, g_strdup ("NB_UID"), g_strdup ("1000"));
      g_hash_table_replace (lint->vars, g_strdup ("NB_GID"), g_strdup ("100"));
      g_hash_table_replace (lint->vars, g_strdup ("HOME"), g_strdup ("/home/jovyan"));
      /* and they end with USER ${NB_UID}: a RUN runs as jovyan */
      _dockyard_lint_set_user (lint, "jovyan");
    }
  else if (g_str_equal (path, "node"))
    add_known_user (lint, "node", "1000", "1000");
  else if (g_str_has_prefix (path, "devcontainers/"))
    add_known_user (lint, "vscode", "1000", "1000");
}

/* Debian 12 and Ubuntu 23.04 on mark their Python as externally managed
 * (PEP 668): the system's pip refuses to install into it. */
gboolean
_dockyard_lint_base_is_externally_managed (const char *image)
{
  g_autoptr(DockyardImageRef) ref = image != NULL ? dockyard_image_ref_parse (image, NULL) : NULL;
  static const char * const old_debian[] = {
    "buster", "bullseye", "stretch", "jessie", "10", "11", "9", "8", NULL,
  };
  static const char * const new_ubuntu[] = {
    "lunar", "mantic", "noble", "oracular", "plucky", "questing", "devel", "rolling", "latest", NULL,
  };
  const char *path;
  const char *tag;
  g_autofree char *first = NULL;

  if (ref == NULL)
    return FALSE;
  path = image_path (ref);
  tag = dockyard_image_ref_get_tag (ref) != NULL ? dockyard_image_ref_get_tag (ref) : "latest";
  first = g_strndup (tag, strcspn (tag, "-."));

  if (g_str_equal (path, "debian") || g_str_equal (path, "buildpack-deps"))
    {
      /* buildpack-deps:bookworm-scm, debian:12.5-slim */
      first[strcspn (first, "-")] = '\0';
      return !g_strv_contains (old_debian, first) && !g_str_has_prefix (tag, "oldoldstable") &&
             !g_str_has_prefix (tag, "oldstable");
    }
  if (g_str_equal (path, "ubuntu"))
    {
      if (g_ascii_isdigit (*tag))
        return g_ascii_strtoull (tag, NULL, 10) >= 24 ||
               (g_ascii_strtoull (tag, NULL, 10) == 23 && strchr (tag, '.') != NULL &&
                g_ascii_strtoull (strchr (tag, '.') + 1, NULL, 10) >= 4);
      return g_strv_contains (new_ubuntu, first);
    }
  return FALSE;
}
