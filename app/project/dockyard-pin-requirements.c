/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-container-run.h"
#include "dockyard-pin-requirements.h"
#include "dockyard-project-files.h"
#include "dockyard-read-file.h"
#include "dockyard-requirements.h"
#include "dockyard-text.h"

/* pip's own list of what is installed, from the first Python of the image
 * that has pip.  A fixed script, no user input in it; 127 says "no pip".
 * --all lists pip, setuptools and wheel too, which a project may require. */
#define FREEZE_NO_PIP 127
static const char * const freeze_command[] = {
  "/bin/sh", "-c",
  "for python in python3 python; do "
  "  if command -v \"$python\" >/dev/null 2>&1 && \"$python\" -m pip --version >/dev/null 2>&1; then "
  "    exec \"$python\" -m pip freeze --all; "
  "  fi; "
  "done; "
  "command -v pip >/dev/null 2>&1 && exec pip freeze --all; "
  "exit 127",
  NULL
};
static const char * const freeze_env[] = {
  "PIP_DISABLE_PIP_VERSION_CHECK=1",
  "PIP_NO_INPUT=1",
  "PYTHONDONTWRITEBYTECODE=1",
  NULL
};

G_DEFINE_QUARK (dockyard-pin-error-quark, dockyard_pin_error)

/* The plan ------------------------------------------------------------------------ */

struct _DockyardPinPlan
{
  gatomicrefcount  ref_count;
  GFile           *file;
  GFile           *root;          /* the project folder, or NULL */
  char            *display_name;  /* the file relative to it */
  GBytes          *original;
  GBytes          *text;
  GPtrArray       *pins;
  guint            n_changes;
  char            *backup_path;   /* where apply kept the original */
};

G_DEFINE_BOXED_TYPE (DockyardPinPlan, dockyard_pin_plan, dockyard_pin_plan_ref, dockyard_pin_plan_unref)

static void
pin_free (DockyardRequirementPin *pin)
{
  g_free (pin->name);
  g_free (pin->old_text);
  g_free (pin->new_text);
  g_free (pin->version);
  g_free (pin);
}

DockyardPinPlan *
dockyard_pin_plan_ref (DockyardPinPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
dockyard_pin_plan_unref (DockyardPinPlan *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_clear_object (&self->file);
  g_clear_object (&self->root);
  g_free (self->display_name);
  g_free (self->backup_path);
  g_bytes_unref (self->original);
  g_bytes_unref (self->text);
  g_ptr_array_unref (self->pins);
  g_free (self);
}

/* `pip freeze` lines are "Name==version"; editable and direct-URL installs
 * ("-e ...", "name @ url") have no version to pin to. */
static GHashTable *
parse_freeze (const char *freeze)
{
  GHashTable *versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit (freeze != NULL ? freeze : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *equals = strstr (line, "==");
      g_autofree char *name = NULL;
      char *version;

      if (equals == NULL || line[0] == '-' || line[0] == '#')
        continue;

      *equals = '\0';
      version = g_strstrip (equals + 2);
      /* Only a PEP 440 version: anything else could carry an option
       * (pip splits lines at \v, \f and other line breaks too). */
      if (!dockyard_requirement_version_is_valid (version))
        continue;

      name = dockyard_requirement_normalize_name (g_strstrip (line));
      g_hash_table_replace (versions, g_steal_pointer (&name), g_strdup (version));
    }

  return versions;
}

/* The specifier as the parser has it, without the spaces it may have. */
static char *
squeeze (const char *text,
         gsize       length)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < length && text[i] != '\0'; i++)
    if (text[i] != ' ' && text[i] != '\t')
      g_string_append_c (out, text[i]);

  return g_string_free (out, FALSE);
}

/* Where the requirement's specifier is on its line: from the end of the
 * name (and extras) to the marker, the comment, the options or the line's
 * end.  %FALSE when the line does not read as the parser read it (a
 * specifier continued on the next line, say): that line is left alone. */
static gboolean
find_specifier (const char                *line,
                const DockyardRequirement *req,
                gsize                     *insert_at,
                gsize                     *spec_end)
{
  g_autofree char *found = NULL;
  g_autofree char *expected = NULL;
  const char *name;
  const char *p;
  const char *start;
  const char *end;

  if (!g_utf8_validate (line, -1, NULL) || req->column == 0 ||
      (glong) req->column - 1 > g_utf8_strlen (line, -1))
    return FALSE;

  name = g_utf8_offset_to_pointer (line, req->column - 1);
  if (!g_str_has_prefix (name, req->name))
    return FALSE;

  p = name + strlen (req->name);
  if (req->extras != NULL)
    {
      const char *q = p;
      const char *close;

      while (*q == ' ' || *q == '\t')
        q++;
      if (*q != '[' || (close = strchr (q, ']')) == NULL)
        return FALSE;
      p = close + 1;
    }
  *insert_at = p - line;

  for (end = p; *end != '\0' && *end != ';'; end++)
    {
      const char *next = end;

      if (*end == '\\')
        {
          for (next = end + 1; *next == ' ' || *next == '\t'; next++)
            ;
          if (*next == '\0')
            break;
        }
      if (*end == ' ' || *end == '\t')
        {
          while (*next == ' ' || *next == '\t')
            next++;
          if (*next == '#' || *next == '-')
            break;
        }
    }
  start = p;
  while (start < end && (*start == ' ' || *start == '\t'))
    start++;
  while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
    end--;

  found = squeeze (start, end - start);
  expected = squeeze (req->specifier ? req->specifier : "", req->specifier ? strlen (req->specifier) : 0);
  if (!g_str_equal (found, expected))
    return FALSE;

  *spec_end = end > start ? (gsize) (end - line) : *insert_at;
  return TRUE;
}

typedef struct
{
  const char *start;   /* the line's text */
  gsize       length;  /* without its line ending */
  gsize       eol;     /* the length of its line ending: 0, 1 ("\n") or 2 ("\r\n") */
  char       *replacement;
} Line;

/**
 * dockyard_pin_plan_new:
 * @file: the requirements file
 * @text: its contents
 * @length: the length of @text
 * @freeze: (nullable): what `pip freeze` printed in the image
 *
 * Works out what pinning the unpinned requirements of @text to the
 * versions of @freeze makes of the file.  Only the requirement part of
 * those lines changes; every other byte (comments, markers, other lines,
 * CRLF line endings) stays as it is.
 *
 * Returns: (transfer full): the plan
 */
DockyardPinPlan *
dockyard_pin_plan_new (GFile      *file,
                       const char *text,
                       gsize       length,
                       const char *freeze)
{
  g_autoptr(DockyardRequirements) requirements = NULL;
  g_autoptr(GHashTable) versions = parse_freeze (freeze);
  g_autoptr(GArray) lines = g_array_new (FALSE, TRUE, sizeof (Line));
  g_autofree char *copy = NULL;
  DockyardPinPlan *self;
  GString *out;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (text != NULL || length == 0, NULL);

  self = g_new0 (DockyardPinPlan, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->file = g_object_ref (file);
  self->original = g_bytes_new (text, length);
  self->pins = g_ptr_array_new_with_free_func ((GDestroyNotify) pin_free);

  /* A copy with every line nul-terminated where its ending starts. */
  copy = g_malloc (length + 1);
  if (length > 0)
    memcpy (copy, text, length);
  copy[length] = '\0';
  for (gsize at = 0; at < length || (at == length && lines->len == 0);)
    {
      const char *newline = memchr (copy + at, '\n', length - at);
      Line line = { copy + at, newline ? (gsize) (newline - (copy + at)) : length - at, newline ? 1 : 0, NULL };

      if (line.length > 0 && line.start[line.length - 1] == '\r' && newline != NULL)
        {
          line.length--;
          line.eol++;
        }
      g_array_append_val (lines, line);
      at += line.length + line.eol;
      if (newline == NULL)
        break;
    }
  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = &g_array_index (lines, Line, i);

      ((char *) line->start)[line->length] = '\0';
    }

  requirements = dockyard_requirements_parse (text, length, NULL);
  for (guint i = 0; i < dockyard_requirements_get_n_items (requirements); i++)
    {
      const DockyardRequirement *req = dockyard_requirements_get_item (requirements, i);
      g_autofree char *normalized = NULL;
      DockyardRequirementPin *pin;
      const char *version;
      Line *line;
      gsize insert_at;
      gsize spec_end;

      if (req->pinned || req->editable || req->url != NULL || req->name == NULL ||
          req->line == 0 || req->line > lines->len)
        continue;

      line = &g_array_index (lines, Line, req->line - 1);
      if (line->replacement != NULL)
        continue;

      normalized = dockyard_requirement_normalize_name (req->name);
      version = g_hash_table_lookup (versions, normalized);

      pin = g_new0 (DockyardRequirementPin, 1);
      pin->line = req->line;
      pin->name = g_strdup (req->name);
      pin->old_text = g_strndup (line->start, line->length);
      pin->version = g_strdup (version);
      g_ptr_array_add (self->pins, pin);

      /* With --hash the hashes name the files of some other version. */
      if (version == NULL || (req->hashes != NULL && req->hashes[0] != NULL) ||
          !find_specifier (line->start, req, &insert_at, &spec_end))
        continue;

      pin->new_text = g_strdup_printf ("%.*s==%s%s", (int) insert_at, line->start, version,
                                       line->start + spec_end);
      line->replacement = pin->new_text;
      self->n_changes++;
    }

  out = g_string_sized_new (length + 16 * self->n_changes);
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *line = &g_array_index (lines, Line, i);

      if (line->replacement != NULL)
        g_string_append (out, line->replacement);
      else
        g_string_append_len (out, text + (line->start - copy), line->length);
      g_string_append_len (out, text + (line->start - copy) + line->length, line->eol);
    }
  self->text = g_string_free_to_bytes (out);

  return self;
}

guint
dockyard_pin_plan_get_n_pins (DockyardPinPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->pins->len;
}

/**
 * dockyard_pin_plan_get_pin:
 *
 * Returns: (transfer none): the @index-th unpinned requirement, in the
 *   order of the file
 */
const DockyardRequirementPin *
dockyard_pin_plan_get_pin (DockyardPinPlan *self,
                           guint            index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->pins->len, NULL);

  return g_ptr_array_index (self->pins, index);
}

/**
 * dockyard_pin_plan_get_n_changes:
 *
 * Returns: how many lines applying the plan changes
 */
guint
dockyard_pin_plan_get_n_changes (DockyardPinPlan *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_changes;
}

/**
 * dockyard_pin_plan_get_text:
 *
 * Returns: (transfer none): the file as applying the plan writes it
 */
GBytes *
dockyard_pin_plan_get_text (DockyardPinPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->text;
}

/**
 * dockyard_pin_plan_get_file:
 *
 * Returns: (transfer none): the requirements file
 */
GFile *
dockyard_pin_plan_get_file (DockyardPinPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->file;
}

/**
 * dockyard_pin_plan_get_original:
 *
 * Returns: (transfer none): the file as it was when the plan was made
 */
GBytes *
dockyard_pin_plan_get_original (DockyardPinPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->original;
}

/**
 * dockyard_pin_plan_get_backup_path:
 *
 * Returns: (nullable): where applying the plan kept the file as it was
 *   (NAME.orig, or NAME.N.orig when that holds an older original)
 */
const char *
dockyard_pin_plan_get_backup_path (DockyardPinPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->backup_path;
}

/**
 * dockyard_pin_plan_get_display_name:
 *
 * Returns: the requirements file as the user should see it: its path
 *   relative to the project folder ("sub/requirements.txt")
 */
const char *
dockyard_pin_plan_get_display_name (DockyardPinPlan *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->display_name == NULL)
    self->display_name = g_file_get_basename (self->file);
  return self->display_name;
}

/**
 * dockyard_pin_plan_apply:
 *
 * Writes the pinned file atomically, the previous version kept beside it
 * as NAME.orig, unless the file changed since the plan was made (then
 * %DOCKYARD_PIN_ERROR_CHANGED and nothing is written).  Blocking: the UI
 * calls dockyard_pin_plan_apply_async().
 *
 * Returns: %FALSE with @error set on failure
 */
gboolean
dockyard_pin_plan_apply (DockyardPinPlan  *self,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_autofree char *current = NULL;
  g_autofree char *path = NULL;
  gsize length = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error)
      || !dockyard_read_file (self->root, self->file, DOCKYARD_MAX_TEXT_FILE_SIZE,
                              &current, &length, error))
    return FALSE;

  if (length != g_bytes_get_size (self->original) ||
      memcmp (current, g_bytes_get_data (self->original, NULL), length) != 0)
    {
      g_set_error (error, DOCKYARD_PIN_ERROR, DOCKYARD_PIN_ERROR_CHANGED,
                   _("The requirements file changed while the versions were read. Pin again."));
      return FALSE;
    }

  if (self->n_changes == 0)
    return TRUE;

  /* Every write lands inside the project: checked again now, the folders
   * on the way may have changed since the plan was made. */
  if (self->root != NULL)
    path = dockyard_project_resolve_write_path (self->root, self->file, NULL, error);
  else if ((path = g_file_get_path (self->file)) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("The project folder is not a local folder."));
      return FALSE;
    }
  if (path == NULL)
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  return dockyard_project_replace_keeping_orig (path, g_bytes_get_data (self->original, NULL),
                                                g_bytes_get_size (self->original),
                                                g_bytes_get_data (self->text, NULL),
                                                g_bytes_get_size (self->text),
                                                &self->backup_path, error);
}

static void
apply_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (dockyard_pin_plan_apply (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
dockyard_pin_plan_apply_async (DockyardPinPlan     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (self != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_pin_plan_apply_async);
  g_task_set_task_data (task, dockyard_pin_plan_ref (self), (GDestroyNotify) dockyard_pin_plan_unref);
  g_task_run_in_thread (task, apply_thread);
}

gboolean
dockyard_pin_plan_apply_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Asking the image ---------------------------------------------------------------- */

typedef struct
{
  DockyardProject *project;
  DockyardEngine  *engine;
  GFile           *file;
  char            *image;
  char            *display_name;
  GBytes          *text;
} PinData;

static void
pin_data_free (PinData *data)
{
  g_clear_object (&data->project);
  g_clear_object (&data->engine);
  g_clear_object (&data->file);
  g_free (data->image);
  g_free (data->display_name);
  g_clear_pointer (&data->text, g_bytes_unref);
  g_free (data);
}

static void
return_plan (GTask           *task,
             DockyardPinPlan *plan)
{
  PinData *data = g_task_get_task_data (task);

  g_set_object (&plan->root, dockyard_project_get_directory (data->project));
  g_free (plan->display_name);
  plan->display_name = g_strdup (data->display_name);

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, plan, (GDestroyNotify) dockyard_pin_plan_unref);
  else
    dockyard_pin_plan_unref (plan);
}

static void
freeze_ran_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardContainerRun *run = DOCKYARD_CONTAINER_RUN (object);
  PinData *data = g_task_get_task_data (task);
  GError *error = NULL;
  const char *err;
  int status;

  if (!dockyard_container_run_finish (run, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  status = dockyard_container_run_get_exit_status (run);
  if (status == FREEZE_NO_PIP)
    {
      g_task_return_new_error (task, DOCKYARD_PIN_ERROR, DOCKYARD_PIN_ERROR_NO_PIP,
                               _("The image %s has no pip: there is nothing to read the "
                                 "installed versions from."), data->image);
      return;
    }

  if (status != 0)
    {
      g_autoptr(GString) message = g_string_new (NULL);

      /* Say why, in pip's words. */
      g_string_printf (message, _("pip freeze failed in the image %s (exit status %d)."),
                       data->image, status);
      err = dockyard_container_run_get_stderr (run);
      if (err != NULL && *err != '\0')
        {
          g_autofree char *tail = dockyard_text_dup_tail (err, strlen (err), 5);

          g_string_append_printf (message, "\n%s", tail);
        }
      g_task_return_new_error (task, DOCKYARD_PIN_ERROR, DOCKYARD_PIN_ERROR_FAILED,
                               "%s", message->str);
      return;
    }

  return_plan (task, dockyard_pin_plan_new (data->file, g_bytes_get_data (data->text, NULL),
                                            g_bytes_get_size (data->text),
                                            dockyard_container_run_get_stdout (run)));
}

static void
image_inspected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PinData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(DockyardContainerRun) run = NULL;
  g_autoptr(GError) error = NULL;
  DockyardContainerSpec spec = { 0 };
  GCancellable *cancellable;

  node = dockyard_engine_request_finish (data->engine, result, &error);
  if (node == NULL)
    {
      if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NOT_FOUND))
        g_task_return_new_error (task, DOCKYARD_PIN_ERROR, DOCKYARD_PIN_ERROR_NO_IMAGE,
                                 _("The image %s is not built yet: build it first, then pin the "
                                   "requirements to what it installed."), data->image);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Labelled like every container Dockyard starts, but with neither the
   * project folder (`python -m pip` would list packages found in it) nor
   * a network: pip freeze only reads the image.  Not AutoRemove: its
   * output is read after it exited, then the run removes it.  One left by
   * a killed app carries the owner label and goes with the orphans at the
   * next start. */
  spec.image = data->image;
  spec.cmd = freeze_command;
  spec.env = freeze_env;
  spec.working_dir = "/";
  spec.role = "pin-requirements";
  spec.project_path = dockyard_project_get_host_path (data->project);
  spec.no_project_mount = TRUE;
  spec.no_network = TRUE;
  spec.auto_remove = FALSE;

  run = dockyard_container_run_new (data->engine, &spec);
  dockyard_container_run_set_read_output (run, TRUE);
  cancellable = g_task_get_cancellable (task);
  dockyard_container_run_async (run, cancellable, freeze_ran_cb, g_steal_pointer (&task));
}

static void
file_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PinData *data = g_task_get_task_data (task);
  g_autoptr(DockyardPinPlan) plan = NULL;
  g_autoptr(GBytes) text = NULL;
  g_autofree char *contents = NULL;
  GError *error = NULL;
  GCancellable *cancellable;
  gsize length = 0;

  if (!dockyard_read_file_finish (G_FILE (object), result, &contents, &length, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  text = g_bytes_new_take (g_steal_pointer (&contents), length);
  data->text = g_bytes_ref (text);

  /* Nothing to pin: no need to ask the image. */
  plan = dockyard_pin_plan_new (data->file, g_bytes_get_data (text, NULL),
                                g_bytes_get_size (text), NULL);
  if (dockyard_pin_plan_get_n_pins (plan) == 0)
    {
      return_plan (task, g_steal_pointer (&plan));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  dockyard_engine_inspect_image_async (data->engine, data->image, cancellable,
                                       image_inspected_cb, g_steal_pointer (&task));
}

/**
 * dockyard_pin_requirements_async:
 * @project: the project
 * @engine: the engine that built its image
 * @file_name: the requirements file, relative to the project folder
 *
 * Reads which versions of the requirements are installed in the project's
 * image (the last one built), with `pip freeze` in a short-lived container
 * (a #DockyardContainerRun) that is removed before this finishes, also
 * when it fails or is cancelled.  Nothing is written: see
 * dockyard_pin_plan_apply_async().
 */
void
dockyard_pin_requirements_async (DockyardProject     *project,
                                 DockyardEngine      *engine,
                                 const char          *file_name,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  PinData *data;

  g_return_if_fail (DOCKYARD_IS_PROJECT (project));
  g_return_if_fail (DOCKYARD_IS_ENGINE (engine));
  g_return_if_fail (file_name != NULL);

  data = g_new0 (PinData, 1);
  data->project = g_object_ref (project);
  data->engine = g_object_ref (engine);
  /* The Dockerfile names it relative to its build context. */
  data->file = g_file_resolve_relative_path (dockyard_project_get_context_directory (project),
                                             file_name);
  data->image = dockyard_project_dup_image_name (project);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_pin_requirements_async);
  g_task_set_task_data (task, data, (GDestroyNotify) pin_data_free);

  /* The name comes from the Dockerfile: "../x" or "/x" is not the
   * project's to read, let alone to rewrite. */
  data->display_name = g_file_get_relative_path (dockyard_project_get_directory (project), data->file);
  if (data->display_name == NULL)
    {
      g_autofree char *display = g_filename_display_name (file_name);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               _("Dockyard does not write “%s”: it is outside the project folder"),
                               display);
      g_object_unref (task);
      return;
    }

  dockyard_read_file_async (dockyard_project_get_directory (project), data->file,
                            DOCKYARD_MAX_TEXT_FILE_SIZE, cancellable, file_loaded_cb, task);
}

/**
 * dockyard_pin_requirements_finish:
 *
 * Returns: (transfer full): what pinning would change, or %NULL
 */
DockyardPinPlan *
dockyard_pin_requirements_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
