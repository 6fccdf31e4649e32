/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-read-file.h"
#include "dockyard-cli.h"
#include "dockyard-dockerfile-generator.h"
#include "dockyard-lint.h"
#include "dockyard-project-files.h"

/* `dockyard --check`, `--check --fix` and `--init`: thin wrappers over the
 * Dockerfile code the window uses, for scripts and CI.  Findings are
 * printed GCC style (FILE:LINE:COL: error|warning: MESSAGE [RULE]) so that
 * editors and CI annotations pick them up. */

typedef struct
{
  char  *file;
  guint  line;
  guint  column;
  char  *rule;
  char  *text;
} Output;

static void
output_free (Output *output)
{
  g_free (output->file);
  g_free (output->rule);
  g_free (output->text);
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

/**
 * dockyard_cli_check:
 * @paths: Dockerfiles, or folders holding one
 * @fix: apply the available fixes first
 *
 * Returns: the exit status: 2 if a path cannot be read or written, else 1
 *   if an error-level finding remains, else 0
 */
int
dockyard_cli_check (const char * const *paths,
                    gboolean            fix)
{
  g_autoptr(GPtrArray) outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) output_free);
  g_autoptr(GPtrArray) fixed_outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) output_free);
  gboolean failed = FALSE;
  gboolean errors = FALSE;

  if (paths == NULL || paths[0] == NULL)
    {
      g_printerr (_("dockyard: --check needs a Dockerfile or a project folder\n"));
      return 2;
    }

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) path = g_file_new_for_commandline_arg (paths[i]);
      g_autoptr(GFile) dockerfile = NULL;
      g_autoptr(GFile) context = NULL;
      g_autoptr(GPtrArray) findings = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *dockerfile_name = NULL;
      g_autofree char *context_name = NULL;
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_query_file_type (path, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
        {
          dockerfile = g_file_get_child (path, "Dockerfile");
          context = g_object_ref (path);
          dockerfile_name = g_build_filename (paths[i], "Dockerfile", NULL);
          context_name = g_strdup (paths[i]);
        }
      else
        {
          g_autofree char *dir = g_path_get_dirname (paths[i]);

          dockerfile = g_object_ref (path);
          context = g_file_get_parent (path);
          dockerfile_name = g_strdup (paths[i]);
          /* "Dockerfile" names its requirements "requirements.txt", not
           * "./requirements.txt". */
          context_name = g_str_equal (dir, ".") && !g_str_has_prefix (paths[i], "./")
                         ? NULL : g_steal_pointer (&dir);
        }

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
      errors |= has_errors (findings);
      add_outputs (outputs, findings, dockerfile_name, context_name, NULL);
    }

  /* What --fix changed (at the places in the file as it was), then what
   * is left. */
  g_ptr_array_sort (fixed_outputs, compare_outputs);
  for (guint i = 0; i < fixed_outputs->len; i++)
    g_print ("%s\n", ((Output *) g_ptr_array_index (fixed_outputs, i))->text);
  if (fixed_outputs->len > 0)
    g_print (ngettext ("dockyard: applied %u fix; the previous file is kept with the suffix .orig\n",
                       "dockyard: applied %u fixes; the previous files are kept with the suffix .orig\n",
                       fixed_outputs->len),
             fixed_outputs->len);

  g_ptr_array_sort (outputs, compare_outputs);
  for (guint i = 0; i < outputs->len; i++)
    g_print ("%s\n", ((Output *) g_ptr_array_index (outputs, i))->text);

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
