/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-devcontainer.h"
#include "dockyard-read-file.h"

/* ------------------------------------------------------------------------ */
/* JSON with comments                                                        */

static gboolean
skip_comment (const char  *text,
              gsize        length,
              gsize       *i,
              GString     *out,
              GError     **error)
{
  if (*i + 1 >= length || text[*i] != '/')
    return FALSE;

  if (text[*i + 1] == '/')
    {
      while (*i < length && text[*i] != '\n')
        (*i)++;
      return TRUE;
    }

  if (text[*i + 1] == '*')
    {
      gsize start = *i;

      *i += 2;
      while (*i + 1 < length && !(text[*i] == '*' && text[*i + 1] == '/'))
        {
          /* Kept so that the parser's line numbers stay right. */
          if (text[*i] == '\n' && out != NULL)
            g_string_append_c (out, '\n');
          (*i)++;
        }
      if (*i + 1 >= length)
        {
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       _("A comment is not closed (it starts at byte %zu)."), start + 1);
          *i = length;
          return TRUE;
        }
      *i += 2;
      return TRUE;
    }

  return FALSE;
}

/* Whether only white space and comments follow up to a closing bracket. */
static gboolean
comma_is_trailing (const char *text,
                   gsize       length,
                   gsize       i)
{
  while (i < length)
    {
      if (g_ascii_isspace (text[i]))
        i++;
      else if (text[i] == '/' && skip_comment (text, length, &i, NULL, NULL))
        continue;
      else
        return text[i] == '}' || text[i] == ']';
    }
  return FALSE;
}

/**
 * dockyard_jsonc_parse:
 * @text: JSON that may have `//` and block comments and trailing commas,
 *   as devcontainer.json may
 * @length: the length of @text, or -1 when it ends with a NUL
 *
 * Comments are dropped and trailing commas removed outside strings, then
 * json-glib parses the rest.
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
dockyard_jsonc_parse (const char  *text,
                      gssize       length,
                      GError     **error)
{
  g_autoptr(GString) out = NULL;
  g_autoptr(JsonParser) parser = NULL;
  GError *local_error = NULL;
  gsize len;
  gsize i = 0;

  g_return_val_if_fail (text != NULL, NULL);

  len = length < 0 ? strlen (text) : (gsize) length;
  out = g_string_sized_new (len);

  /* A byte order mark, as editors on Windows write. */
  if (len >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    i = 3;

  while (i < len)
    {
      char c = text[i];

      if (c == '\0')
        {
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       _("The file has a NUL byte: it is not text."));
          return NULL;
        }
      else if (c == '"')
        {
          g_string_append_c (out, c);
          for (i++; i < len && text[i] != '"'; i++)
            {
              if (text[i] == '\\' && i + 1 < len)
                g_string_append_c (out, text[i++]);
              g_string_append_c (out, text[i]);
            }
          if (i < len)
            g_string_append_c (out, text[i++]);
        }
      else if (c == '/' && skip_comment (text, len, &i, out, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, local_error);
              return NULL;
            }
          g_string_append_c (out, ' ');
        }
      else if (c == ',' && comma_is_trailing (text, len, i + 1))
        {
          g_string_append_c (out, ' ');
          i++;
        }
      else
        {
          g_string_append_c (out, c);
          i++;
        }
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, out->str, out->len, error))
    return NULL;
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   _("The file is empty."));
      return NULL;
    }

  return json_node_copy (json_parser_get_root (parser));
}

/* ------------------------------------------------------------------------ */
/* Variables                                                                 */

typedef struct
{
  const char *local_folder;
  const char *container_folder;  /* NULL until known */
} Variables;

static char *
substitute (const Variables *vars,
            const char      *value)
{
  GString *out = g_string_new (NULL);
  const char *p = value;

  while (*p != '\0')
    {
      const char *end;
      g_autofree char *name = NULL;
      g_autofree char *replacement = NULL;
      gboolean known = TRUE;

      if (!g_str_has_prefix (p, "${") || (end = strchr (p + 2, '}')) == NULL)
        {
          g_string_append_c (out, *p++);
          continue;
        }

      name = g_strndup (p + 2, end - (p + 2));
      if (strcmp (name, "localWorkspaceFolder") == 0)
        replacement = g_strdup (vars->local_folder);
      else if (strcmp (name, "localWorkspaceFolderBasename") == 0)
        replacement = g_path_get_basename (vars->local_folder);
      else if (strcmp (name, "containerWorkspaceFolder") == 0 && vars->container_folder != NULL)
        replacement = g_strdup (vars->container_folder);
      else if (strcmp (name, "containerWorkspaceFolderBasename") == 0 &&
               vars->container_folder != NULL)
        replacement = g_path_get_basename (vars->container_folder);
      else if (g_str_has_prefix (name, "localEnv:") || g_str_has_prefix (name, "env:"))
        {
          const char *rest = strchr (name, ':') + 1;
          const char *colon = strchr (rest, ':');
          g_autofree char *variable = colon ? g_strndup (rest, colon - rest) : g_strdup (rest);
          const char *env = g_getenv (variable);

          replacement = g_strdup (env != NULL ? env : colon != NULL ? colon + 1 : "");
        }
      else
        known = FALSE;

      if (known)
        g_string_append (out, replacement);
      else
        g_string_append_len (out, p, end + 1 - p);
      p = end + 1;
    }

  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Reading the members                                                       */

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static char *
value_to_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    case G_TYPE_DOUBLE:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
      }
    default:
      return NULL;
    }
}

/* g_set_str() is GLib 2.76. */
static void
set_str (char       **place,
         const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*place);
  *place = copy;
}

/* g_strv_builder_take() is GLib 2.80. */
static void
builder_take (GStrvBuilder *builder,
              char         *value)
{
  g_strv_builder_add (builder, value);
  g_free (value);
}

static void
add_unsupported (GStrvBuilder *unsupported,
                 const char   *format,
                 ...) G_GNUC_PRINTF (2, 3);

static void
add_unsupported (GStrvBuilder *unsupported,
                 const char   *format,
                 ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_strv_builder_add (unsupported, message);
}

/* "NAME=value" strings of an object of strings; in the same order. */
static GStrv
read_env (const Variables *vars,
          JsonObject      *object)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (object == NULL)
    return g_strv_builder_end (builder);

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      g_autofree char *text = value_to_string (value);
      g_autofree char *substituted = NULL;

      if (text == NULL)
        continue;  /* null unsets a variable in remoteEnv */
      substituted = substitute (vars, text);
      builder_take (builder, g_strdup_printf ("%s=%s", name, substituted));
    }

  return g_strv_builder_end (builder);
}

static void
mount_free (DockyardDevcontainerMount *mount)
{
  g_free (mount->type);
  g_free (mount->source);
  g_free (mount->target);
  g_free (mount);
}

/* "type=bind,source=/a,target=/b,readonly" as `docker run --mount` reads
 * it; unknown keys (consistency) are ignored as Docker on Linux does. */
static DockyardDevcontainerMount *
parse_mount_string (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  DockyardDevcontainerMount *mount = g_new0 (DockyardDevcontainerMount, 1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *eq = strchr (parts[i], '=');
      g_autofree char *key = g_strstrip (eq ? g_strndup (parts[i], eq - parts[i]) : g_strdup (parts[i]));
      const char *value = eq ? eq + 1 : NULL;

      if (g_str_equal (key, "type") && value)
        set_str (&mount->type, value);
      else if ((g_str_equal (key, "source") || g_str_equal (key, "src")) && value)
        set_str (&mount->source, value);
      else if ((g_str_equal (key, "target") || g_str_equal (key, "destination") ||
                g_str_equal (key, "dst")) && value)
        set_str (&mount->target, value);
      else if (g_str_equal (key, "readonly") || g_str_equal (key, "ro"))
        mount->read_only = value == NULL || g_ascii_strcasecmp (value, "true") == 0 ||
                           g_str_equal (value, "1");
    }

  if (mount->type == NULL)
    mount->type = g_strdup ("volume");
  if (mount->target == NULL)
    {
      mount_free (mount);
      return NULL;
    }
  return mount;
}

static void
read_mounts (DockyardDevcontainer *self,
             const Variables      *vars,
             JsonArray            *array,
             GStrvBuilder         *unsupported)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      DockyardDevcontainerMount *mount = NULL;

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *text = substitute (vars, json_node_get_string (node));
          mount = parse_mount_string (text);
          if (mount == NULL)
            add_unsupported (unsupported, _("The mount “%s” has no target."), text);
        }
      else if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *object = json_node_get_object (node);
          const char *type = get_string (object, "type");
          const char *source = get_string (object, "source");
          const char *target = get_string (object, "target");

          if (target == NULL)
            {
              add_unsupported (unsupported, _("A mount of “mounts” has no target."));
              continue;
            }
          mount = g_new0 (DockyardDevcontainerMount, 1);
          mount->type = g_strdup (type ? type : "volume");
          mount->source = source ? substitute (vars, source) : NULL;
          mount->target = substitute (vars, target);
        }

      if (mount == NULL)
        continue;
      if (!g_str_equal (mount->type, "bind") && !g_str_equal (mount->type, "volume") &&
          !g_str_equal (mount->type, "tmpfs"))
        {
          add_unsupported (unsupported, _("Mounts of type “%s” are not supported."), mount->type);
          mount_free (mount);
          continue;
        }
      g_ptr_array_add (self->mounts, mount);
    }
}

static void
command_free (DockyardDevcontainerCommand *command)
{
  g_free (command->name);
  g_strfreev (command->argv);
  g_free (command);
}

static char **
command_argv (const Variables *vars,
              JsonNode        *node)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);

      if (*text == '\0')
        return NULL;
      g_strv_builder_add (builder, "/bin/sh");
      g_strv_builder_add (builder, "-c");
      builder_take (builder, substitute (vars, text));
      return g_strv_builder_end (builder);
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      if (n == 0)
        return NULL;
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *text = value_to_string (json_array_get_element (array, i));

          if (text == NULL)
            return NULL;
          builder_take (builder, substitute (vars, text));
        }
      return g_strv_builder_end (builder);
    }

  return NULL;
}

static void
read_lifecycle (GPtrArray       *commands,
                const Variables *vars,
                JsonNode        *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &value))
        {
          char **argv = command_argv (vars, value);
          DockyardDevcontainerCommand *command;

          if (argv == NULL)
            continue;
          command = g_new0 (DockyardDevcontainerCommand, 1);
          command->name = g_strdup (name);
          command->argv = argv;
          g_ptr_array_add (commands, command);
        }
    }
  else
    {
      char **argv = command_argv (vars, node);
      DockyardDevcontainerCommand *command;

      if (argv == NULL)
        return;
      command = g_new0 (DockyardDevcontainerCommand, 1);
      command->argv = argv;
      g_ptr_array_add (commands, command);
    }
}

/* "1g", "512m", "1048576" as `docker run --shm-size` reads them. */
static gboolean
parse_size (const char *text,
            gint64     *size)
{
  char *end = NULL;
  guint64 value;
  guint64 unit = 1;

  if (!g_ascii_isdigit (*text))
    return FALSE;
  value = g_ascii_strtoull (text, &end, 10);
  switch (g_ascii_tolower (*end))
    {
    case '\0': break;
    case 'b': unit = 1; end++; break;
    case 'k': unit = G_GUINT64_CONSTANT (1) << 10; end++; break;
    case 'm': unit = G_GUINT64_CONSTANT (1) << 20; end++; break;
    case 'g': unit = G_GUINT64_CONSTANT (1) << 30; end++; break;
    default: return FALSE;
    }
  if (g_ascii_tolower (*end) == 'b' && unit > 1)
    end++;
  if (*end != '\0' || value > (guint64) G_MAXINT64 / unit)
    return FALSE;
  *size = (gint64) (value * unit);
  return TRUE;
}

/* The `docker run` options that map to the engine API; every other one is
 * named, never dropped silently. */
static void
add_string_array (GStrvBuilder    *builder,
                  const Variables *vars,
                  JsonObject      *object,
                  const char      *member)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *text = value_to_string (json_array_get_element (array, i));

      if (text != NULL)
        builder_take (builder, substitute (vars, text));
    }
}

/* runArgs, and the properties that say the same (init, capAdd,
 * securityOpt, privileged). */
static void
read_run_args (DockyardDevcontainer *self,
               const Variables      *vars,
               JsonObject           *object,
               GStrvBuilder         *unsupported)
{
  JsonNode *node = json_object_get_member (object, "runArgs");
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  g_autoptr(GStrvBuilder) cap_add = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) security_opt = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) devices = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) env = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
  static const char * const with_value[] = {
    "--cap-add", "--security-opt", "--device", "--gpus", "--env", "-e", "--label", "-l",
    "--shm-size", NULL,
  };
  guint n = array ? json_array_get_length (array) : 0;

  add_string_array (cap_add, vars, object, "capAdd");
  add_string_array (security_opt, vars, object, "securityOpt");
  node = json_object_get_member (object, "init");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    self->init = json_node_get_boolean (node);
  node = json_object_get_member (object, "privileged");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node))
    add_unsupported (unsupported,
                     _("“privileged” is not supported: Dockyard does not run privileged "
                       "containers."));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *arg = value_to_string (json_array_get_element (array, i));
      g_autofree char *option = NULL;
      g_autofree char *value = NULL;
      char *eq;

      if (arg == NULL)
        continue;
      {
        char *s = substitute (vars, arg);
        g_free (arg);
        arg = s;
      }

      eq = arg[0] == '-' ? strchr (arg, '=') : NULL;
      option = eq ? g_strndup (arg, eq - arg) : g_strdup (arg);
      if (eq != NULL)
        value = g_strdup (eq + 1);
      else if (g_strv_contains (with_value, option) && i + 1 < n)
        value = value_to_string (json_array_get_element (array, ++i));
      if (value != NULL)
        {
          char *s = substitute (vars, value);
          g_free (value);
          value = s;
        }

      if (g_str_equal (option, "--init"))
        {
          if (value == NULL || g_str_equal (value, "true"))
            self->init = TRUE;
          else if (g_str_equal (value, "false"))
            self->init = FALSE;
          else
            add_unsupported (unsupported, _("The run argument “%s” is not understood."), arg);
        }
      else if (!g_strv_contains (with_value, option))
        add_unsupported (unsupported,
                         _("The run argument “%s” is not supported: Dockyard does not use it."),
                         arg);
      else if (value == NULL)
        add_unsupported (unsupported, _("The run argument “%s” has no value."), arg);
      else if (g_str_equal (option, "--cap-add"))
        g_strv_builder_add (cap_add, value);
      else if (g_str_equal (option, "--security-opt"))
        g_strv_builder_add (security_opt, value);
      else if (g_str_equal (option, "--device"))
        g_strv_builder_add (devices, value);
      else if (g_str_equal (option, "--gpus"))
        set_str (&self->gpus, value);
      else if (g_str_equal (option, "--env") || g_str_equal (option, "-e"))
        {
          /* "NAME" alone passes the host's value on, as docker run does. */
          if (strchr (value, '=') != NULL)
            g_strv_builder_add (env, value);
          else if (g_getenv (value) != NULL)
            builder_take (env, g_strdup_printf ("%s=%s", value, g_getenv (value)));
        }
      else if (g_str_equal (option, "--label") || g_str_equal (option, "-l"))
        builder_take (labels, strchr (value, '=') ? g_strdup (value)
                                                         : g_strdup_printf ("%s=", value));
      else if (g_str_equal (option, "--shm-size"))
        {
          if (!parse_size (value, &self->shm_size))
            add_unsupported (unsupported, _("The shared memory size “%s” is not understood."),
                             value);
        }
    }

  self->cap_add = g_strv_builder_end (cap_add);
  self->security_opt = g_strv_builder_end (security_opt);
  self->devices = g_strv_builder_end (devices);
  self->run_env = g_strv_builder_end (env);
  self->labels = g_strv_builder_end (labels);
}

static char *
resolve_path (const char *base,
              const char *path)
{
  g_autofree char *joined = g_path_is_absolute (path) ? g_strdup (path)
                                                      : g_build_filename (base, path, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (joined);

  /* Cleaned of "." and "..", as Node's path.resolve() does. */
  return g_file_get_path (file);
}

static JsonObject *
require_object (JsonNode  *root,
                GError   **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   _("The configuration is not a JSON object."));
      return NULL;
    }
  return json_node_get_object (root);
}

/**
 * dockyard_devcontainer_new_from_data:
 * @text: the contents of a devcontainer.json
 * @config_file: its absolute path: relative paths in it start from its folder
 * @project_path: the project folder, `${localWorkspaceFolder}`
 *
 * Returns: (transfer full): the configuration, or %NULL with @error set
 */
DockyardDevcontainer *
dockyard_devcontainer_new_from_data (const char  *text,
                                     gsize        length,
                                     const char  *config_file,
                                     const char  *project_path,
                                     GError     **error)
{
  g_autoptr(DockyardDevcontainer) self = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GStrvBuilder) unsupported = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) ports = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) features = g_strv_builder_new ();
  g_autofree char *config_dir = NULL;
  g_autofree char *project_name = NULL;
  Variables vars = { project_path, NULL };
  JsonObject *object;
  JsonObject *build;
  JsonObject *host_requirements;
  JsonNode *node;
  const char *value;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (config_file != NULL && g_path_is_absolute (config_file), NULL);
  g_return_val_if_fail (project_path != NULL, NULL);

  root = dockyard_jsonc_parse (text, length, error);
  if (root == NULL || (object = require_object (root, error)) == NULL)
    return NULL;

  self = g_new0 (DockyardDevcontainer, 1);
  self->config_file = g_strdup (config_file);
  self->project_path = g_strdup (project_path);
  self->text = g_strndup (text, length);
  self->mounts = g_ptr_array_new_with_free_func ((GDestroyNotify) mount_free);
  for (guint i = 0; i < DOCKYARD_DEVCONTAINER_N_LIFECYCLE; i++)
    self->lifecycle[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) command_free);
  config_dir = g_path_get_dirname (config_file);
  project_name = g_path_get_basename (project_path);

  if ((value = get_string (object, "name")) != NULL)
    self->name = substitute (&vars, value);

  /* Where the folder goes comes first: ${containerWorkspaceFolder} in
   * everything else depends on it. */
  if ((value = get_string (object, "workspaceMount")) != NULL)
    {
      DockyardDevcontainerMount *mount;

      self->workspace_mount = substitute (&vars, value);
      mount = parse_mount_string (self->workspace_mount);
      if (mount != NULL)
        {
          self->workspace_mount_target = g_strdup (mount->target);
          mount_free (mount);
        }
    }
  if ((value = get_string (object, "workspaceFolder")) != NULL)
    self->workspace_folder = substitute (&vars, value);
  else if (self->workspace_mount == NULL)
    self->workspace_folder = g_build_filename ("/workspaces", project_name, NULL);
  if (self->workspace_mount_target == NULL)
    self->workspace_mount_target = g_build_filename ("/workspaces", project_name, NULL);
  if (self->workspace_folder == NULL)
    self->workspace_folder = g_strdup (self->workspace_mount_target);
  vars.container_folder = self->workspace_folder;

  build = get_object (object, "build");
  if ((value = get_string (object, "image")) != NULL)
    self->image = substitute (&vars, value);
  value = get_string (build, "dockerfile");
  if (value == NULL)
    value = get_string (object, "dockerFile");
  if (value != NULL)
    {
      g_autofree char *path = substitute (&vars, value);
      const char *context = get_string (build, "context");

      if (context == NULL)
        context = get_string (object, "context");

      self->dockerfile = resolve_path (config_dir, path);
      if (context != NULL)
        {
          g_autofree char *context_path = substitute (&vars, context);
          self->context = resolve_path (config_dir, context_path);
        }
      else
        self->context = g_strdup (config_dir);
      g_clear_pointer (&self->image, g_free);
    }
  self->build_args = read_env (&vars, get_object (build, "args"));
  if ((value = get_string (build, "target")) != NULL)
    self->target = substitute (&vars, value);
  if (build != NULL && json_object_has_member (build, "cacheFrom"))
    add_unsupported (unsupported, _("“build.cacheFrom” is not supported."));
  if (json_object_has_member (object, "dockerComposeFile"))
    add_unsupported (unsupported, _("Docker Compose configurations are not supported."));

  if ((value = get_string (object, "containerUser")) != NULL)
    self->container_user = substitute (&vars, value);
  if ((value = get_string (object, "remoteUser")) != NULL)
    self->remote_user = substitute (&vars, value);
  node = json_object_get_member (object, "updateRemoteUserUID");
  self->update_remote_user_uid = node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
                                 json_node_get_value_type (node) != G_TYPE_BOOLEAN ||
                                 json_node_get_boolean (node);

  self->container_env = read_env (&vars, get_object (object, "containerEnv"));
  self->remote_env = read_env (&vars, get_object (object, "remoteEnv"));

  node = json_object_get_member (object, "mounts");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    read_mounts (self, &vars, json_node_get_array (node), unsupported);

  node = json_object_get_member (object, "forwardPorts");
  for (guint i = 0; node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
                    i < json_array_get_length (json_node_get_array (node)); i++)
    {
      char *port = value_to_string (json_array_get_element (json_node_get_array (node), i));
      if (port != NULL)
        builder_take (ports, port);
    }
  self->forward_ports = g_strv_builder_end (ports);
  node = json_object_get_member (object, "portsAttributes");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    self->ports_attributes = json_node_copy (node);

  for (guint i = 0; i < DOCKYARD_DEVCONTAINER_N_LIFECYCLE; i++)
    read_lifecycle (self->lifecycle[i], &vars,
                    json_object_get_member (object, dockyard_devcontainer_lifecycle_key (i)));
  if (json_object_has_member (object, "initializeCommand"))
    add_unsupported (unsupported,
                     _("“initializeCommand” is not run: it would run on this computer, "
                       "not in the container."));
  if (json_object_has_member (object, "updateContentCommand"))
    add_unsupported (unsupported, _("“updateContentCommand” is not supported."));

  host_requirements = get_object (object, "hostRequirements");
  node = host_requirements ? json_object_get_member (host_requirements, "gpu") : NULL;
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    {
      if (json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node))
        self->gpu = g_strdup ("true");
      else if (json_node_get_value_type (node) == G_TYPE_STRING &&
               g_str_equal (json_node_get_string (node), "optional"))
        self->gpu = g_strdup ("optional");
    }
  else if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    self->gpu = g_strdup ("true");

  read_run_args (self, &vars, object, unsupported);

  if (get_object (object, "features") != NULL)
    {
      JsonObjectIter iter;
      const char *id;

      json_object_iter_init_ordered (&iter, get_object (object, "features"));
      while (json_object_iter_next_ordered (&iter, &id, NULL))
        {
          g_strv_builder_add (features, id);
          add_unsupported (unsupported,
                           _("The feature “%s” is not installed: Dev Container features are "
                             "not supported yet (they come from an OCI registry)."), id);
        }
    }
  self->features = g_strv_builder_end (features);

  if (self->image == NULL && self->dockerfile == NULL &&
      !json_object_has_member (object, "dockerComposeFile"))
    add_unsupported (unsupported,
                     _("The configuration names neither an image nor a Dockerfile: "
                       "the project’s own Dockerfile is used."));

  self->unsupported = g_strv_builder_end (unsupported);
  return g_steal_pointer (&self);
}

/**
 * dockyard_devcontainer_find:
 * @project_dir: a project folder
 *
 * Looks for `.devcontainer/devcontainer.json`, then `.devcontainer.json`, as
 * the reference tool does.  Blocking: call it in a thread.
 *
 * Returns: (transfer full) (nullable): the file, or %NULL when there is none
 */
GFile *
dockyard_devcontainer_find (GFile *project_dir)
{
  static const char * const names[] = { ".devcontainer/devcontainer.json", ".devcontainer.json" };

  g_return_val_if_fail (G_IS_FILE (project_dir), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GFile) file = g_file_resolve_relative_path (project_dir, names[i]);

      if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_REGULAR)
        return g_steal_pointer (&file);
    }

  return NULL;
}

/**
 * dockyard_devcontainer_load:
 * @project_dir: a project folder
 *
 * Finds and reads the project's devcontainer.json.  Blocking: call it in a
 * thread.  The file is read only if it is inside the project folder.
 *
 * Returns: (transfer full) (nullable): the configuration, or %NULL: with
 *   @error set when it cannot be read, without when there is none
 */
DockyardDevcontainer *
dockyard_devcontainer_load (GFile         *project_dir,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *text = NULL;
  g_autofree char *config_file = NULL;
  g_autofree char *project_path = NULL;
  g_autoptr(GError) local_error = NULL;
  DockyardDevcontainer *self;
  gsize length;

  g_return_val_if_fail (G_IS_FILE (project_dir), NULL);

  file = dockyard_devcontainer_find (project_dir);
  if (file == NULL)
    return NULL;

  if (!dockyard_read_file (project_dir, file, DOCKYARD_MAX_TEXT_FILE_SIZE, &text, &length, error))
    return NULL;

  config_file = g_file_get_path (file);
  project_path = g_file_get_path (project_dir);
  self = dockyard_devcontainer_new_from_data (text, length, config_file, project_path,
                                              &local_error);
  if (self == NULL)
    {
      g_autofree char *name = g_file_get_relative_path (project_dir, file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Cannot read “%s”: %s"), name, local_error->message);
    }
  return self;
}

void
dockyard_devcontainer_free (DockyardDevcontainer *self)
{
  if (self == NULL)
    return;

  g_free (self->config_file);
  g_free (self->project_path);
  g_free (self->text);
  g_free (self->name);
  g_free (self->image);
  g_free (self->dockerfile);
  g_free (self->context);
  g_strfreev (self->build_args);
  g_free (self->target);
  g_free (self->workspace_folder);
  g_free (self->workspace_mount);
  g_free (self->workspace_mount_target);
  g_free (self->container_user);
  g_free (self->remote_user);
  g_strfreev (self->container_env);
  g_strfreev (self->remote_env);
  g_strfreev (self->run_env);
  g_clear_pointer (&self->mounts, g_ptr_array_unref);
  g_strfreev (self->forward_ports);
  g_clear_pointer (&self->ports_attributes, json_node_unref);
  for (guint i = 0; i < DOCKYARD_DEVCONTAINER_N_LIFECYCLE; i++)
    g_clear_pointer (&self->lifecycle[i], g_ptr_array_unref);
  g_free (self->gpu);
  g_strfreev (self->cap_add);
  g_strfreev (self->security_opt);
  g_strfreev (self->devices);
  g_free (self->gpus);
  g_strfreev (self->labels);
  g_strfreev (self->features);
  g_strfreev (self->unsupported);
  g_free (self);
}

const char *
dockyard_devcontainer_lifecycle_key (DockyardDevcontainerLifecycle step)
{
  static const char * const keys[] = {
    "onCreateCommand", "postCreateCommand", "postStartCommand", "postAttachCommand",
  };

  g_return_val_if_fail (step < DOCKYARD_DEVCONTAINER_N_LIFECYCLE, NULL);
  return keys[step];
}

/**
 * dockyard_devcontainer_dup_relative:
 * @base: a folder, absolute and clean
 * @path: an absolute, clean path
 *
 * Returns: (transfer full) (nullable): @path relative to @base ("." for
 *   @base itself), or %NULL when it is not inside @base
 */
char *
dockyard_devcontainer_dup_relative (const char *base,
                                    const char *path)
{
  g_autoptr(GFile) base_file = g_file_new_for_path (base);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  if (g_file_equal (base_file, file))
    return g_strdup (".");
  return g_file_get_relative_path (base_file, file);
}

static void
add_strv_member (JsonBuilder        *builder,
                 const char         *name,
                 const char * const *strv)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * dockyard_devcontainer_to_json:
 *
 * Dockyard's reading, for `dockyard --devcontainer` and the tests that
 * compare it with the reference tool's.
 *
 * Returns: (transfer full): an object node
 */
JsonNode *
dockyard_devcontainer_to_json (const DockyardDevcontainer *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  add_string_member (builder, "configFile", self->config_file);
  add_string_member (builder, "name", self->name);
  add_string_member (builder, "image", self->image);
  add_string_member (builder, "dockerfile", self->dockerfile);
  add_string_member (builder, "context", self->context);
  add_strv_member (builder, "buildArgs", (const char * const *) self->build_args);
  add_string_member (builder, "target", self->target);
  add_string_member (builder, "workspaceFolder", self->workspace_folder);
  add_string_member (builder, "workspaceMount", self->workspace_mount);
  add_string_member (builder, "workspaceMountTarget", self->workspace_mount_target);
  add_string_member (builder, "containerUser", self->container_user);
  add_string_member (builder, "remoteUser", self->remote_user);
  json_builder_set_member_name (builder, "updateRemoteUserUID");
  json_builder_add_boolean_value (builder, self->update_remote_user_uid);
  add_strv_member (builder, "containerEnv", (const char * const *) self->container_env);
  add_strv_member (builder, "remoteEnv", (const char * const *) self->remote_env);
  add_strv_member (builder, "runEnv", (const char * const *) self->run_env);
  json_builder_set_member_name (builder, "mounts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->mounts->len; i++)
    {
      DockyardDevcontainerMount *mount = g_ptr_array_index (self->mounts, i);

      json_builder_begin_object (builder);
      add_string_member (builder, "type", mount->type);
      add_string_member (builder, "source", mount->source);
      add_string_member (builder, "target", mount->target);
      json_builder_set_member_name (builder, "readOnly");
      json_builder_add_boolean_value (builder, mount->read_only);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  add_strv_member (builder, "forwardPorts", (const char * const *) self->forward_ports);
  for (guint step = 0; step < DOCKYARD_DEVCONTAINER_N_LIFECYCLE; step++)
    {
      json_builder_set_member_name (builder, dockyard_devcontainer_lifecycle_key (step));
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->lifecycle[step]->len; i++)
        {
          DockyardDevcontainerCommand *command = g_ptr_array_index (self->lifecycle[step], i);

          json_builder_begin_object (builder);
          add_string_member (builder, "name", command->name);
          add_strv_member (builder, "argv", (const char * const *) command->argv);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  add_string_member (builder, "gpu", self->gpu);
  add_strv_member (builder, "capAdd", (const char * const *) self->cap_add);
  add_strv_member (builder, "securityOpt", (const char * const *) self->security_opt);
  add_strv_member (builder, "devices", (const char * const *) self->devices);
  add_string_member (builder, "gpus", self->gpus);
  add_strv_member (builder, "labels", (const char * const *) self->labels);
  json_builder_set_member_name (builder, "shmSize");
  json_builder_add_int_value (builder, self->shm_size);
  json_builder_set_member_name (builder, "init");
  json_builder_add_boolean_value (builder, self->init);
  add_strv_member (builder, "features", (const char * const *) self->features);
  add_strv_member (builder, "unsupported", (const char * const *) self->unsupported);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * dockyard_devcontainer_substitute_container_env:
 * @value: a value of `remoteEnv` (or a lifecycle command)
 * @env: (array zero-terminated=1): the container's environment, `NAME=value`
 *
 * Replaces `${containerEnv:NAME}` and `${containerEnv:NAME:default}`, which
 * only the running container can tell, as the reference tool does.
 *
 * Returns: (transfer full): the value
 */
char *
dockyard_devcontainer_substitute_container_env (const char         *value,
                                                const char * const *env)
{
  GString *out = g_string_new (NULL);
  const char *p = value;

  while (*p != '\0')
    {
      const char *end;
      g_autofree char *spec = NULL;
      const char *colon;
      g_autofree char *name = NULL;
      const char *found = NULL;
      gsize len;

      if (!g_str_has_prefix (p, "${containerEnv:") || (end = strchr (p, '}')) == NULL)
        {
          g_string_append_c (out, *p++);
          continue;
        }

      spec = g_strndup (p + strlen ("${containerEnv:"), end - p - strlen ("${containerEnv:"));
      colon = strchr (spec, ':');
      name = colon ? g_strndup (spec, colon - spec) : g_strdup (spec);
      len = strlen (name);
      for (guint i = 0; env != NULL && env[i] != NULL; i++)
        if (strncmp (env[i], name, len) == 0 && env[i][len] == '=')
          found = env[i] + len + 1;  /* the last one wins, as in the engine */
      g_string_append (out, found != NULL ? found : colon != NULL ? colon + 1 : "");
      p = end + 1;
    }

  return g_string_free (out, FALSE);
}

/* "NAME=value" lists merged as Object.assign() does: a name keeps the place
 * it first had, with the last value. */
static GStrv
merge_env (GPtrArray *lists)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint l = 0; l < lists->len; l++)
    {
      char **list = g_ptr_array_index (lists, l);

      for (guint i = 0; list != NULL && list[i] != NULL; i++)
        {
          const char *eq = strchr (list[i], '=');
          g_autofree char *name = g_strndup (list[i], eq - list[i]);

          if (!g_hash_table_contains (values, name))
            g_ptr_array_add (names, g_strdup (name));
          g_hash_table_insert (values, g_steal_pointer (&name), g_strdup (eq + 1));
        }
    }

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      builder_take (builder, g_strdup_printf ("%s=%s", name,
                                              (char *) g_hash_table_lookup (values, name)));
    }
  return g_strv_builder_end (builder);
}

/* forwardPorts of every fragment, each port once: a number and
 * "localhost:N" are the same port (as the reference tool counts them). */
static void
add_forward_port (GPtrArray  *ports,
                  GHashTable *seen,
                  const char *port)
{
  const char *key = g_str_has_prefix (port, "localhost:") ? port + strlen ("localhost:") : port;

  if (g_hash_table_contains (seen, key))
    return;
  g_hash_table_add (seen, g_strdup (key));
  g_ptr_array_add (ports, g_strdup (key));
}

static void
add_forward_ports (GPtrArray  *ports,
                   GHashTable *seen,
                   JsonNode   *node)
{
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *port = value_to_string (json_array_get_element (array, i));

      if (port != NULL)
        add_forward_port (ports, seen, port);
    }
}

/* Copies every member of @from (an object node, or %NULL) into @into. */
static void
assign_members (JsonObject *into,
                JsonNode   *from)
{
  g_autoptr(GList) names = NULL;
  JsonObject *object;

  if (from == NULL || !JSON_NODE_HOLDS_OBJECT (from))
    return;
  object = json_node_get_object (from);
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (into, l->data, json_node_copy (json_object_get_member (object, l->data)));
}

/**
 * dockyard_devcontainer_merge_metadata:
 * @label: the image's `devcontainer.metadata` label: a JSON array of
 *   configuration fragments (or one object), as the Dev Containers tools
 *   and images built with them write it
 *
 * Merges the image's metadata under the configuration, as the reference
 * tool does: the configuration's own values win; `remoteUser` and
 * `containerUser` come from the last fragment that has them; `containerEnv` and `remoteEnv` are merged by name; the
 * lifecycle commands of every fragment run, the image's first; `capAdd`
 * and `securityOpt` are joined; `init` is on when any asks for it;
 * `forwardPorts` are joined, each port once; `portsAttributes` are merged by
 * port, the configuration's winning.  A label that is not JSON is ignored.
 */
void
dockyard_devcontainer_merge_metadata (DockyardDevcontainer *self,
                                      const char           *label)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) fragments = g_ptr_array_new ();
  g_autoptr(GPtrArray) container_env = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) remote_env = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GStrvBuilder) cap_add = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) security_opt = g_strv_builder_new ();
  GPtrArray *commands[DOCKYARD_DEVCONTAINER_N_LIFECYCLE];
  g_autoptr(GPtrArray) forward_ports = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen_ports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonObject) ports_attributes = json_object_new ();
  Variables vars = { NULL, self->workspace_folder };
  char *remote_user = NULL;
  char *container_user = NULL;

  g_return_if_fail (self != NULL);

  if (label == NULL || (root = dockyard_jsonc_parse (label, -1, NULL)) == NULL)
    return;
  if (JSON_NODE_HOLDS_OBJECT (root))
    g_ptr_array_add (fragments, json_node_get_object (root));
  else if (JSON_NODE_HOLDS_ARRAY (root))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (root)); i++)
      {
        JsonNode *node = json_array_get_element (json_node_get_array (root), i);

        if (JSON_NODE_HOLDS_OBJECT (node))
          g_ptr_array_add (fragments, json_node_get_object (node));
      }
  if (fragments->len == 0)
    return;

  /* Variables in the label mean the same project. */
  vars.local_folder = self->project_path;

  for (guint step = 0; step < DOCKYARD_DEVCONTAINER_N_LIFECYCLE; step++)
    commands[step] = g_ptr_array_new_with_free_func ((GDestroyNotify) command_free);

  for (guint f = 0; f < fragments->len; f++)
    {
      JsonObject *fragment = g_ptr_array_index (fragments, f);
      const char *value;
      JsonNode *node;

      if ((value = get_string (fragment, "remoteUser")) != NULL)
        remote_user = (char *) value;
      if ((value = get_string (fragment, "containerUser")) != NULL)
        container_user = (char *) value;
      g_ptr_array_add (container_env, read_env (&vars, get_object (fragment, "containerEnv")));
      g_ptr_array_add (remote_env, read_env (&vars, get_object (fragment, "remoteEnv")));
      add_string_array (cap_add, &vars, fragment, "capAdd");
      add_string_array (security_opt, &vars, fragment, "securityOpt");
      node = json_object_get_member (fragment, "init");
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node))
        self->init = TRUE;
      for (guint step = 0; step < DOCKYARD_DEVCONTAINER_N_LIFECYCLE; step++)
        read_lifecycle (commands[step], &vars,
                        json_object_get_member (fragment, dockyard_devcontainer_lifecycle_key (step)));
      add_forward_ports (forward_ports, seen_ports, json_object_get_member (fragment, "forwardPorts"));
      assign_members (ports_attributes, json_object_get_member (fragment, "portsAttributes"));
    }

  if (self->remote_user == NULL && remote_user != NULL)
    self->remote_user = g_strdup (remote_user);
  if (self->container_user == NULL && container_user != NULL)
    self->container_user = g_strdup (container_user);

  g_ptr_array_add (container_env, self->container_env);
  g_ptr_array_add (remote_env, self->remote_env);
  self->container_env = merge_env (container_env);
  self->remote_env = merge_env (remote_env);

  g_strv_builder_addv (cap_add, (const char **) self->cap_add);
  g_strfreev (self->cap_add);
  self->cap_add = g_strv_builder_end (cap_add);
  g_strv_builder_addv (security_opt, (const char **) self->security_opt);
  g_strfreev (self->security_opt);
  self->security_opt = g_strv_builder_end (security_opt);

  /* The configuration's ports and their attributes after the image's. */
  for (guint i = 0; self->forward_ports != NULL && self->forward_ports[i] != NULL; i++)
    add_forward_port (forward_ports, seen_ports, self->forward_ports[i]);
  g_ptr_array_add (forward_ports, NULL);
  g_strfreev (self->forward_ports);
  self->forward_ports = (GStrv) g_ptr_array_steal (forward_ports, NULL);

  assign_members (ports_attributes, self->ports_attributes);
  if (json_object_get_size (ports_attributes) > 0)
    {
      g_clear_pointer (&self->ports_attributes, json_node_unref);
      self->ports_attributes = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (self->ports_attributes, ports_attributes);
    }

  /* The image's commands first, then the configuration's. */
  for (guint step = 0; step < DOCKYARD_DEVCONTAINER_N_LIFECYCLE; step++)
    {
      g_ptr_array_extend_and_steal (commands[step], g_steal_pointer (&self->lifecycle[step]));
      self->lifecycle[step] = commands[step];
    }
}

/**
 * dockyard_devcontainer_copy_with_metadata:
 * @label: (nullable): the image's `devcontainer.metadata` label
 *
 * Reads the configuration again (from memory) and merges @label under it
 * (dockyard_devcontainer_merge_metadata()): what a container of that image
 * gets.
 *
 * Returns: (transfer full): the merged configuration
 */
DockyardDevcontainer *
dockyard_devcontainer_copy_with_metadata (const DockyardDevcontainer *self,
                                          const char                 *label)
{
  DockyardDevcontainer *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = dockyard_devcontainer_new_from_data (self->text, strlen (self->text), self->config_file,
                                              self->project_path, NULL);
  g_assert (copy != NULL);  /* it was read once already */
  dockyard_devcontainer_merge_metadata (copy, label);
  return copy;
}
