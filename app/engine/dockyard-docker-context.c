/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dockyard-docker-context.h"
#include "dockyard-engine-error.h"

/* Files of the docker CLI's configuration are small; refuse runaway ones. */
#define MAX_META_SIZE (1024 * 1024)

/* $DOCKER_CONFIG, or ~/.docker, as the docker CLI. */
static char *
config_folder (void)
{
  const char *folder = g_getenv ("DOCKER_CONFIG");

  if (folder != NULL && *folder != '\0')
    return g_strdup (folder);
  return g_build_filename (g_get_home_dir (), ".docker", NULL);
}

static JsonObject *
load_json_object (const char  *path,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  gsize length;
  JsonNode *root;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  if (length > MAX_META_SIZE || !json_parser_load_from_data (parser, text, length, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", _("The file is too large."));
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s", _("It is not a JSON object."));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

void
dockyard_docker_context_free (DockyardDockerContext *context)
{
  if (context == NULL)
    return;
  g_free (context->name);
  g_free (context->description);
  g_free (context->host);
  g_free (context->tls_folder);
  g_free (context);
}

/* Reads contexts/meta/ID/meta.json and the TLS folder beside it. */
static DockyardDockerContext *
load_meta (const char  *contexts,
           const char  *id,
           GError     **error)
{
  g_autofree char *meta_path = g_build_filename (contexts, "meta", id, "meta.json", NULL);
  g_autofree char *tls_folder = g_build_filename (contexts, "tls", id, "docker", NULL);
  g_autoptr(JsonObject) meta = NULL;
  g_autoptr(DockyardDockerContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *docker;
  JsonNode *skip;

  meta = load_json_object (meta_path, &local_error);
  if (meta == NULL)
    {
      g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                   _("The Docker context file %s cannot be read: %s"), meta_path,
                   local_error->message);
      return NULL;
    }

  docker = get_object (get_object (meta, "Endpoints"), "docker");
  context = g_new0 (DockyardDockerContext, 1);
  context->name = g_strdup (get_string (meta, "Name"));
  context->description = g_strdup (get_string (get_object (meta, "Metadata"), "Description"));
  context->host = g_strdup (get_string (docker, "Host"));
  skip = docker != NULL ? json_object_get_member (docker, "SkipTLSVerify") : NULL;
  context->skip_tls_verify = skip != NULL && JSON_NODE_HOLDS_VALUE (skip) &&
                             json_node_get_value_type (skip) == G_TYPE_BOOLEAN &&
                             json_node_get_boolean (skip);
  if (g_file_test (tls_folder, G_FILE_TEST_IS_DIR))
    context->tls_folder = g_steal_pointer (&tls_folder);

  if (context->name == NULL || context->host == NULL)
    {
      g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                   _("The Docker context file %s names no Docker engine."), meta_path);
      return NULL;
    }
  return g_steal_pointer (&context);
}

/**
 * dockyard_docker_context_load:
 * @name: a context's name
 *
 * Reads `contexts/meta/<sha256 of @name>/meta.json` and finds the
 * context's TLS material under `contexts/tls/`.
 *
 * Returns: (transfer full): the context, or %NULL with an error naming it
 */
DockyardDockerContext *
dockyard_docker_context_load (const char  *name,
                              GError     **error)
{
  g_autofree char *folder = config_folder ();
  g_autofree char *contexts = g_build_filename (folder, "contexts", NULL);
  g_autofree char *id = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
  g_autofree char *meta_path = g_build_filename (contexts, "meta", id, "meta.json", NULL);

  g_return_val_if_fail (name != NULL, NULL);

  if (!g_file_test (meta_path, G_FILE_TEST_EXISTS))
    {
      /* Translators: %s is the name of a Docker context */
      g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                   _("There is no Docker context “%s” (looked in %s)."), name, contexts);
      return NULL;
    }
  return load_meta (contexts, id, error);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  const DockyardDockerContext *left = *(DockyardDockerContext * const *) a;
  const DockyardDockerContext *right = *(DockyardDockerContext * const *) b;

  return g_utf8_collate (left->name, right->name);
}

/**
 * dockyard_docker_context_list:
 *
 * The contexts the docker CLI knows, by name; unreadable ones are left out.
 * The built-in "default" context is not stored and not listed.
 *
 * Returns: (transfer container) (element-type DockyardDockerContext): the contexts
 */
GPtrArray *
dockyard_docker_context_list (void)
{
  g_autofree char *folder = config_folder ();
  g_autofree char *contexts = g_build_filename (folder, "contexts", NULL);
  g_autofree char *meta = g_build_filename (contexts, "meta", NULL);
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) dockyard_docker_context_free);
  g_autoptr(GDir) dir = g_dir_open (meta, 0, NULL);
  const char *id;

  while (dir != NULL && (id = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(GError) error = NULL;
      DockyardDockerContext *context = load_meta (contexts, id, &error);

      if (context == NULL)
        g_debug ("Docker context %s left out: %s", id, error->message);
      else
        g_ptr_array_add (list, context);
    }
  g_ptr_array_sort (list, compare_names);
  return list;
}

/**
 * dockyard_docker_context_current:
 *
 * The context the docker CLI would use: `DOCKER_CONTEXT`, or
 * `currentContext` in its config.json.
 *
 * Returns: (transfer full) (nullable): its name, or %NULL for the default
 */
char *
dockyard_docker_context_current (void)
{
  const char *env = g_getenv ("DOCKER_CONTEXT");
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) config = NULL;
  const char *name;

  if (env != NULL && *env != '\0')
    return g_str_equal (env, "default") ? NULL : g_strdup (env);

  folder = config_folder ();
  path = g_build_filename (folder, "config.json", NULL);
  config = load_json_object (path, NULL);
  name = get_string (config, "currentContext");
  if (name == NULL || *name == '\0' || g_str_equal (name, "default"))
    return NULL;
  return g_strdup (name);
}
