/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "dockyard-read-file.h"
#include "dockyard-cli.h"
#include "dockyard-dockerfile-generator.h"
#include "dockyard-lint.h"
#include "dockyard-project-files.h"

/* `dockyard --check`, `--check --fix` and `--init`: thin wrappers over the
 * Dockerfile code the window uses, for scripts and CI.  Findings are
 * printed GCC style (FILE:LINE:COL: error|warning: MESSAGE [RULE]) so that
 * editors and CI annotations pick them up, or as JSON or SARIF 2.1.0. */

typedef struct
{
  char     *file;
  guint     line;
  guint     column;
  char     *rule;
  char     *text;
  char     *message;
  gboolean  error;
  gboolean  has_fix;
} Output;

static void
output_free (Output *output)
{
  g_free (output->file);
  g_free (output->rule);
  g_free (output->text);
  g_free (output->message);
  g_free (output);
}

static int
compare_outputs (gconstpointer a,
                 gconstpointer b)
{
  const Output *oa = *(Output * const *) a;
  const Output *ob = *(Output * const *) b;
  int cmp;

  if ((cmp = g_strcmp0 (oa->file, ob->file)) != 0)
    return cmp;
  if (oa->line != ob->line)
    return oa->line < ob->line ? -1 : 1;
  if (oa->column != ob->column)
    return oa->column < ob->column ? -1 : 1;
  return g_strcmp0 (oa->rule, ob->rule);
}

/* A file of the build context as the user would name it. */
static char *
context_file_name (const char *context_name,
                   const char *relative)
{
  if (context_name == NULL)
    return g_strdup (relative);
  return g_build_filename (context_name, relative, NULL);
}

static void
add_outputs (GPtrArray  *outputs,
             GPtrArray  *findings,
             const char *dockerfile_name,
             const char *context_name,
             const char *verb)
{
  for (guint i = 0; i < findings->len; i++)
    {
      DockyardFinding *finding = g_ptr_array_index (findings, i);
      Output *output = g_new0 (Output, 1);
      const char *severity = dockyard_finding_get_severity (finding) == DOCKYARD_SEVERITY_ERROR
                             ? "error" : "warning";

      output->file = dockyard_finding_get_file (finding) != NULL
                     ? context_file_name (context_name, dockyard_finding_get_file (finding))
                     : g_strdup (dockerfile_name);
      output->line = dockyard_finding_get_line (finding);
      output->column = dockyard_finding_get_column (finding);
      output->rule = g_strdup (dockyard_finding_get_rule (finding));
      output->message = g_strdup (dockyard_finding_get_message (finding));
      output->error = dockyard_finding_get_severity (finding) == DOCKYARD_SEVERITY_ERROR;
      output->has_fix = dockyard_finding_has_fix (finding);
      output->text = g_strdup_printf ("%s:%u:%u: %s: %s [%s]", output->file, output->line,
                                      output->column, verb != NULL ? verb : severity,
                                      dockyard_finding_get_message (finding),
                                      output->rule);
      g_ptr_array_add (outputs, output);
    }
}

static gboolean
has_errors (GPtrArray *findings)
{
  for (guint i = 0; i < findings->len; i++)
    if (dockyard_finding_get_severity (g_ptr_array_index (findings, i)) == DOCKYARD_SEVERITY_ERROR)
      return TRUE;
  return FALSE;
}

/* Writes the fixed text, the previous one kept as NAME.orig (or, when that
 * holds an older original, NAME.N.orig).  Both writes
 * replace their file atomically, inside @context: a Dockerfile that is a
 * link to a file in the project is written through (its target and the
 * target's .orig), not replaced by a file; one that leads out is refused. */
static gboolean
write_fixed (GFile       *context,
             GFile       *dockerfile,
             const char  *old_text,
             gsize        old_length,
             const char  *new_text,
             gsize        new_length,
             GFile      **backup_out,
             GError     **error)
{
  g_autofree char *dockerfile_path = NULL;
  g_autofree char *backup_path = NULL;

  if (g_file_peek_path (dockerfile) == NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (dockerfile);
      g_autofree char *basename = g_file_get_basename (dockerfile);
      g_autofree char *backup_name = g_strconcat (basename, ".orig", NULL);
      g_autoptr(GFile) backup = g_file_get_child (parent, backup_name);

      if (!g_file_replace_contents (backup, old_text, old_length, NULL, FALSE,
                                    G_FILE_CREATE_NONE, NULL, NULL, error)
          || !g_file_replace_contents (dockerfile, new_text, new_length, NULL, FALSE,
                                       G_FILE_CREATE_NONE, NULL, NULL, error))
        return FALSE;
      *backup_out = g_steal_pointer (&backup);
      return TRUE;
    }

  dockerfile_path = dockyard_project_resolve_write_path (context, dockerfile, NULL, error);
  if (dockerfile_path == NULL
      || !dockyard_project_replace_keeping_orig (dockerfile_path, old_text, old_length,
                                                 new_text, new_length, &backup_path, error))
    return FALSE;

  *backup_out = g_file_new_for_path (backup_path);
  return TRUE;
}

/* A Dockerfile by its name: Dockerfile, *.dockerfile, Dockerfile.* (not
 * Dockerfile.dockerignore, nor the .orig backups --fix keeps). */
static gboolean
is_dockerfile_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (g_str_has_suffix (lower, ".dockerignore") || g_str_has_suffix (lower, ".orig"))
    return FALSE;
  return g_str_equal (lower, "dockerfile") || g_str_has_suffix (lower, ".dockerfile") ||
         g_str_has_prefix (lower, "dockerfile.");
}

/* Every Dockerfile below @dir (by the names above), in a stable order;
 * hidden folders, node_modules and links to folders are not entered. */
static void
find_dockerfiles (GFile      *dir,
                  const char *dir_name,
                  guint       depth,
                  GPtrArray  *found)
{
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);

  if (depth > 32)
    return;
  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children == NULL)
    return;
  for (;;)
    {
      GFileInfo *info = NULL;
      const char *name;

      if (!g_file_enumerator_iterate (children, &info, NULL, NULL, NULL) || info == NULL)
        break;
      name = g_file_info_get_name (info);
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (name[0] != '.' && !g_str_equal (name, "node_modules"))
            g_ptr_array_add (dirs, g_strdup (name));
        }
      else if (is_dockerfile_name (name))
        g_ptr_array_add (names, g_strdup (name));
    }

  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_sort (dirs, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (found, g_build_filename (dir_name, g_ptr_array_index (names, i), NULL));
  for (guint i = 0; i < dirs->len; i++)
    {
      const char *name = g_ptr_array_index (dirs, i);
      g_autoptr(GFile) child = g_file_get_child (dir, name);
      g_autofree char *child_name = g_build_filename (dir_name, name, NULL);

      find_dockerfiles (child, child_name, depth + 1, found);
    }
}

/* "https://docs.docker.com/go/dockerfile/rule/undefined-var/" for
 * BuildKit's UndefinedVar; Dockyard's rules are in its README. */
static char *
rule_help_uri (const char *rule)
{
  GString *uri;

  if (!g_ascii_isupper (rule[0]))
    return NULL;
  uri = g_string_new ("https://docs.docker.com/go/dockerfile/rule/");
  for (const char *p = rule; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p) && p != rule &&
          (!g_ascii_isupper (p[-1]) || (p[1] != '\0' && g_ascii_islower (p[1]))))
        g_string_append_c (uri, '-');
      g_string_append_c (uri, g_ascii_tolower (*p));
    }
  g_string_append_c (uri, '/');
  return g_string_free (uri, FALSE);
}

static void
add_output_members (JsonBuilder *builder,
                    Output      *output,
                    gboolean     fixed)
{
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, output->file);
  json_builder_set_member_name (builder, "line");
  json_builder_add_int_value (builder, output->line);
  json_builder_set_member_name (builder, "column");
  json_builder_add_int_value (builder, output->column);
  json_builder_set_member_name (builder, "severity");
  json_builder_add_string_value (builder, output->error ? "error" : "warning");
  json_builder_set_member_name (builder, "rule");
  json_builder_add_string_value (builder, output->rule);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, output->message);
  json_builder_set_member_name (builder, "fixed");
  json_builder_add_boolean_value (builder, fixed);
  json_builder_set_member_name (builder, "fix_available");
  json_builder_add_boolean_value (builder, output->has_fix);
}

static void
print_json (GPtrArray *fixed_outputs,
            GPtrArray *outputs,
            guint      n_files,
            guint      n_errors,
            guint      n_warnings)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint pass = 0; pass < 2; pass++)
    {
      GPtrArray *list = pass == 0 ? fixed_outputs : outputs;

      for (guint i = 0; i < list->len; i++)
        {
          json_builder_begin_object (builder);
          add_output_members (builder, g_ptr_array_index (list, i), pass == 0);
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "summary");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_add_int_value (builder, n_files);
  json_builder_set_member_name (builder, "errors");
  json_builder_add_int_value (builder, n_errors);
  json_builder_set_member_name (builder, "warnings");
  json_builder_add_int_value (builder, n_warnings);
  json_builder_set_member_name (builder, "fixed");
  json_builder_add_int_value (builder, fixed_outputs->len);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* A file name as a SARIF artifact URI: relative names stay relative
 * (code scanning resolves them against the checkout), absolute ones
 * become file: URIs. */
static char *
artifact_uri (const char *file)
{
  g_autofree char *escaped = g_uri_escape_string (file, "/", FALSE);

  if (g_path_is_absolute (file))
    return g_strconcat ("file://", escaped, NULL);
  if (g_str_has_prefix (escaped, "./"))
    return g_strdup (escaped + 2);
  return g_steal_pointer (&escaped);
}

/* SARIF 2.1.0, what code scanning services read: one run, the rules that
 * fired in tool.driver.rules, one result per finding left. */
static void
print_sarif (GPtrArray *outputs)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) rules = g_ptr_array_new ();
  g_autofree char *text = NULL;

  for (guint i = 0; i < outputs->len; i++)
    {
      Output *output = g_ptr_array_index (outputs, i);
      gboolean seen = FALSE;

      for (guint k = 0; k < rules->len && !seen; k++)
        seen = g_str_equal (g_ptr_array_index (rules, k), output->rule);
      if (!seen)
        g_ptr_array_add (rules, output->rule);
    }
  g_ptr_array_sort (rules, (GCompareFunc) g_strcmp0);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "$schema");
  json_builder_add_string_value (builder, "https://json.schemastore.org/sarif-2.1.0.json");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, "2.1.0");
  json_builder_set_member_name (builder, "runs");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "tool");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "driver");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "dockyard");
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PACKAGE_VERSION);
  json_builder_set_member_name (builder, "rules");
  json_builder_begin_array (builder);
  for (guint k = 0; k < rules->len; k++)
    {
      const char *rule = g_ptr_array_index (rules, k);
      g_autofree char *help = rule_help_uri (rule);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, rule);
      if (help != NULL)
        {
          json_builder_set_member_name (builder, "helpUri");
          json_builder_add_string_value (builder, help);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < outputs->len; i++)
    {
      Output *output = g_ptr_array_index (outputs, i);
      g_autofree char *uri = artifact_uri (output->file);
      guint index = 0;

      while (index < rules->len && !g_str_equal (g_ptr_array_index (rules, index), output->rule))
        index++;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ruleId");
      json_builder_add_string_value (builder, output->rule);
      json_builder_set_member_name (builder, "ruleIndex");
      json_builder_add_int_value (builder, index);
      json_builder_set_member_name (builder, "level");
      json_builder_add_string_value (builder, output->error ? "error" : "warning");
      json_builder_set_member_name (builder, "message");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, output->message);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "locations");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "physicalLocation");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "artifactLocation");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "uri");
      json_builder_add_string_value (builder, uri);
      json_builder_end_object (builder);
      if (output->line > 0)
        {
          json_builder_set_member_name (builder, "region");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "startLine");
          json_builder_add_int_value (builder, output->line);
          if (output->column > 0)
            {
              json_builder_set_member_name (builder, "startColumn");
              json_builder_add_int_value (builder, output->column);
            }
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/**
 * dockyard_cli_check:
 * @paths: Dockerfiles, or folders: every Dockerfile, `*.dockerfile` and
 *   `Dockerfile.*` below them is checked
 * @fix: apply the available fixes first
 * @format: how to print the findings
 *
 * Prints the findings to stdout and a one-line summary to stderr.
 *
 * Returns: the exit status: 2 if a path cannot be read or written, else 1
 *   if an error-level finding remains, else 0
 */
int
dockyard_cli_check (const char * const *paths,
                    gboolean            fix,
                    DockyardCheckFormat format)
{
  g_autoptr(GPtrArray) outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) output_free);
  g_autoptr(GPtrArray) fixed_outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) output_free);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  gboolean failed = FALSE;
  gboolean errors = FALSE;
  guint n_errors = 0;
  guint n_warnings = 0;
  guint n_checked = 0;

  if (paths == NULL || paths[0] == NULL)
    {
      g_printerr (_("dockyard: --check needs a Dockerfile or a project folder\n"));
      return 2;
    }

  /* Folders: the Dockerfiles below them.  A folder without any is an
   * error, as a missing file is. */
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) path = g_file_new_for_commandline_arg (paths[i]);

      if (g_file_query_file_type (path, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
        {
          guint before = files->len;

          find_dockerfiles (path, paths[i], 0, files);
          /* none: FOLDER/Dockerfile, and the reason it cannot be read */
          if (files->len == before)
            g_ptr_array_add (files, g_build_filename (paths[i], "Dockerfile", NULL));
        }
      else
        g_ptr_array_add (files, g_strdup (paths[i]));
    }

  for (guint i = 0; i < files->len; i++)
    {
      const char *name = g_ptr_array_index (files, i);
      g_autoptr(GFile) dockerfile = g_file_new_for_commandline_arg (name);
      g_autoptr(GFile) context = g_file_get_parent (dockerfile);
      g_autoptr(GPtrArray) findings = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *dockerfile_name = g_strdup (name);
      g_autofree char *context_name = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *dir = g_path_get_dirname (name);
      gsize length = 0;

      /* "Dockerfile" names its requirements "requirements.txt", not
       * "./requirements.txt". */
      context_name = g_str_equal (dir, ".") && !g_str_has_prefix (name, "./")
                     ? NULL : g_steal_pointer (&dir);

      if (!dockyard_read_file (NULL, dockerfile, DOCKYARD_MAX_TEXT_FILE_SIZE, &contents, &length, &error))
        {
          /* Translators: the first %s is a file name, the second an error message. */
          g_printerr (_("dockyard: cannot read %s: %s\n"), dockerfile_name, error->message);
          failed = TRUE;
          continue;
        }

      if (fix)
        {
          g_autoptr(GPtrArray) fixed = NULL;
          g_autofree char *new_text = NULL;
          gsize new_length = 0;

          new_text = dockyard_lint_fix_text (contents, length, context, &fixed, &new_length);
          if (fixed->len > 0 && (new_length != length || memcmp (new_text, contents, length) != 0))
            {
              g_autoptr(GFile) backup = NULL;

              if (!write_fixed (context, dockerfile, contents, length, new_text, new_length,
                                &backup, &error))
                {
                  g_printerr (_("dockyard: cannot write %s: %s\n"), dockerfile_name, error->message);
                  failed = TRUE;
                  continue;
                }

              add_outputs (fixed_outputs, fixed, dockerfile_name, context_name, "fixed");
              g_free (contents);
              contents = g_steal_pointer (&new_text);
              length = new_length;
            }
        }

      findings = dockyard_lint_text (contents, length, context, NULL);
      n_checked++;
      errors |= has_errors (findings);
      add_outputs (outputs, findings, dockerfile_name, context_name, NULL);
    }

  for (guint i = 0; i < outputs->len; i++)
    {
      if (((Output *) g_ptr_array_index (outputs, i))->error)
        n_errors++;
      else
        n_warnings++;
    }

  g_ptr_array_sort (fixed_outputs, compare_outputs);
  g_ptr_array_sort (outputs, compare_outputs);

  if (format == DOCKYARD_CHECK_FORMAT_JSON)
    print_json (fixed_outputs, outputs, n_checked, n_errors, n_warnings);
  else if (format == DOCKYARD_CHECK_FORMAT_SARIF)
    print_sarif (outputs);
  else
    {
      /* What --fix changed (at the places in the file as it was), then
       * what is left. */
      for (guint i = 0; i < fixed_outputs->len; i++)
        g_print ("%s\n", ((Output *) g_ptr_array_index (fixed_outputs, i))->text);
      if (fixed_outputs->len > 0)
        g_print (ngettext ("dockyard: applied %u fix; the previous file is kept with the suffix .orig\n",
                           "dockyard: applied %u fixes; the previous files are kept with the suffix .orig\n",
                           fixed_outputs->len),
                 fixed_outputs->len);
      for (guint i = 0; i < outputs->len; i++)
        g_print ("%s\n", ((Output *) g_ptr_array_index (outputs, i))->text);
    }

  {
    g_autofree char *files_part = g_strdup_printf (ngettext ("%u Dockerfile checked", "%u Dockerfiles checked", n_checked), n_checked);
    g_autofree char *errors_part = g_strdup_printf (ngettext ("%u error", "%u errors", n_errors), n_errors);
    g_autofree char *warnings_part = g_strdup_printf (ngettext ("%u warning", "%u warnings", n_warnings), n_warnings);

    /* Translators: e.g. "dockyard: 3 Dockerfiles checked: 1 error, 4 warnings" */
    g_printerr (_("dockyard: %s: %s, %s\n"), files_part, errors_part, warnings_part);
  }

  if (failed)
    return 2;
  return errors ? 1 : 0;
}

/**
 * dockyard_cli_init:
 * @dir: the project folder (created if missing)
 * @base_image: an exactly pinned image, e.g. python:3.11.2
 *
 * Writes a Dockerfile, a .dockerignore and an empty requirements.txt.
 * Never overwrites: an existing Dockerfile stops it, an existing
 * .dockerignore or requirements.txt is kept.
 *
 * Returns: the exit status: 0 on success, 2 with a message on stderr
 */
int
dockyard_cli_init (const char *dir,
                   const char *base_image)
{
  g_autoptr(DockyardDockerfileModel) model = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *dockerfile_name = NULL;
  gboolean existed;
  struct {
    const char *name;
    const char *contents;
  } others[] = {
    { ".dockerignore", DOCKYARD_DOCKERIGNORE_DEFAULTS },
    { DOCKYARD_DEFAULT_REQUIREMENTS_FILE, "" },
  };

  if (dir == NULL || *dir == '\0')
    {
      g_printerr (_("dockyard: --init needs a project folder\n"));
      return 2;
    }
  if (base_image == NULL || *base_image == '\0')
    {
      g_printerr (_("dockyard: --init needs --base IMAGE with an exact version, e.g. --base python:3.11.2\n"));
      return 2;
    }

  model = dockyard_dockerfile_model_new ();
  dockyard_dockerfile_model_set_base_image (model, base_image);
  if (!dockyard_dockerfile_model_validate (model, &error))
    {
      g_printerr (_("dockyard: refusing --base %s: %s\n"), base_image, error->message);
      return 2;
    }

  folder = g_file_new_for_commandline_arg (dir);
  if (!g_file_make_directory_with_parents (folder, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_printerr (_("dockyard: cannot create %s: %s\n"), dir, error->message);
      return 2;
    }
  g_clear_error (&error);

  dockerfile_name = g_build_filename (dir, "Dockerfile", NULL);
  text = dockyard_dockerfile_model_generate (model);
  if (!dockyard_project_create_file (folder, "Dockerfile", text, &existed, NULL, &error))
    {
      g_printerr (_("dockyard: cannot write %s: %s\n"), dockerfile_name, error->message);
      return 2;
    }
  if (existed)
    {
      g_printerr (_("dockyard: %s already exists; --init never overwrites a file\n"), dockerfile_name);
      return 2;
    }
  g_print (_("Created %s\n"), dockerfile_name);

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autofree char *name = g_build_filename (dir, others[i].name, NULL);

      if (!dockyard_project_create_file (folder, others[i].name, others[i].contents, &existed, NULL, &error))
        {
          g_printerr (_("dockyard: cannot write %s: %s\n"), name, error->message);
          return 2;
        }
      if (existed)
        g_print (_("Kept the existing %s\n"), name);
      else
        g_print (_("Created %s\n"), name);
    }

  return 0;
}
