/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-dockerfile-generator.h"
#include "dockyard-dockerfile-private.h"
#include "dockyard-image-ref.h"
#include "dockyard-lint.h"
#include "dockyard-requirements.h"

/* The form behind Dockyard's Dockerfile editor and the Dockerfile it
 * stands for: DESIGN.md section 1 (pinned base image, work dir,
 * requirements installed through a pip cache mount), plus pinned apt
 * packages through apt cache mounts and an optional pinned JupyterLab.
 *
 * A file that says more than the form can (other instructions, comments)
 * keeps that text verbatim: each extra piece remembers which section of
 * the generated file it followed, and is written back there. */

#define PIP_CACHE_MOUNT "--mount=type=cache,target=/root/.cache/pip"
#define APT_CACHE_MOUNT "--mount=type=cache,target=/var/cache/apt,sharing=locked"
#define APT_LIB_MOUNT   "--mount=type=cache,target=/var/lib/apt,sharing=locked"
#define APT_INSTALL     "apt-get update && apt-get install -y --no-install-recommends"

typedef enum
{
  SECTION_START,
  SECTION_FROM,
  SECTION_WORKDIR,
  SECTION_APT,        /* the keep-cache step and the install */
  SECTION_JUPYTER,
  SECTION_REQUIREMENTS, /* COPY and pip install -r */
  SECTION_CMD,
  N_SECTIONS
} Section;

typedef struct
{
  Section  after;
  char    *text;   /* whole lines, ending with "\n" */
} Extra;

struct _DockyardDockerfileModel
{
  GObject    parent_instance;

  char      *base_image;
  char      *work_dir;
  char      *requirements_file;
  /* Whether its pip install has the cache mount: always in what the form
   * writes; a hand-written install without one is read as it is, and
   * keeps its line until the field is changed. */
  gboolean   requirements_cached;
  char     **apt_packages;
  char      *jupyterlab_version;
  char     **command;
  GPtrArray *extras;
};

G_DEFINE_FINAL_TYPE (DockyardDockerfileModel, dockyard_dockerfile_model, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_IMAGE,
  PROP_WORK_DIR,
  PROP_REQUIREMENTS_FILE,
  PROP_APT_PACKAGES,
  PROP_JUPYTERLAB_VERSION,
  PROP_COMMAND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
extra_free (Extra *extra)
{
  g_free (extra->text);
  g_free (extra);
}

static void
dockyard_dockerfile_model_finalize (GObject *object)
{
  DockyardDockerfileModel *self = (DockyardDockerfileModel *) object;

  g_free (self->base_image);
  g_free (self->work_dir);
  g_free (self->requirements_file);
  g_strfreev (self->apt_packages);
  g_free (self->jupyterlab_version);
  g_strfreev (self->command);
  g_ptr_array_unref (self->extras);

  G_OBJECT_CLASS (dockyard_dockerfile_model_parent_class)->finalize (object);
}

static void
dockyard_dockerfile_model_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  DockyardDockerfileModel *self = DOCKYARD_DOCKERFILE_MODEL (object);

  switch (prop_id)
    {
    case PROP_BASE_IMAGE:
      g_value_set_string (value, self->base_image);
      break;
    case PROP_WORK_DIR:
      g_value_set_string (value, self->work_dir);
      break;
    case PROP_REQUIREMENTS_FILE:
      g_value_set_string (value, self->requirements_file);
      break;
    case PROP_APT_PACKAGES:
      g_value_set_boxed (value, self->apt_packages);
      break;
    case PROP_JUPYTERLAB_VERSION:
      g_value_set_string (value, self->jupyterlab_version);
      break;
    case PROP_COMMAND:
      g_value_set_boxed (value, self->command);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_dockerfile_model_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  DockyardDockerfileModel *self = DOCKYARD_DOCKERFILE_MODEL (object);

  switch (prop_id)
    {
    case PROP_BASE_IMAGE:
      dockyard_dockerfile_model_set_base_image (self, g_value_get_string (value));
      break;
    case PROP_WORK_DIR:
      dockyard_dockerfile_model_set_work_dir (self, g_value_get_string (value));
      break;
    case PROP_REQUIREMENTS_FILE:
      dockyard_dockerfile_model_set_requirements_file (self, g_value_get_string (value));
      break;
    case PROP_APT_PACKAGES:
      dockyard_dockerfile_model_set_apt_packages (self, g_value_get_boxed (value));
      break;
    case PROP_JUPYTERLAB_VERSION:
      dockyard_dockerfile_model_set_jupyterlab_version (self, g_value_get_string (value));
      break;
    case PROP_COMMAND:
      dockyard_dockerfile_model_set_command (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_dockerfile_model_class_init (DockyardDockerfileModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = dockyard_dockerfile_model_finalize;
  object_class->get_property = dockyard_dockerfile_model_get_property;
  object_class->set_property = dockyard_dockerfile_model_set_property;

  properties[PROP_BASE_IMAGE] = g_param_spec_string ("base-image", NULL, NULL, NULL, flags);
  properties[PROP_WORK_DIR] = g_param_spec_string ("work-dir", NULL, NULL, DOCKYARD_DEFAULT_WORK_DIR, flags);
  properties[PROP_REQUIREMENTS_FILE] =
    g_param_spec_string ("requirements-file", NULL, NULL, DOCKYARD_DEFAULT_REQUIREMENTS_FILE, flags);
  properties[PROP_APT_PACKAGES] = g_param_spec_boxed ("apt-packages", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_JUPYTERLAB_VERSION] = g_param_spec_string ("jupyterlab-version", NULL, NULL, NULL, flags);
  properties[PROP_COMMAND] = g_param_spec_boxed ("command", NULL, NULL, G_TYPE_STRV, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_dockerfile_model_init (DockyardDockerfileModel *self)
{
  self->work_dir = g_strdup (DOCKYARD_DEFAULT_WORK_DIR);
  self->requirements_file = g_strdup (DOCKYARD_DEFAULT_REQUIREMENTS_FILE);
  self->requirements_cached = TRUE;
  self->apt_packages = g_new0 (char *, 1);
  self->extras = g_ptr_array_new_with_free_func ((GDestroyNotify) extra_free);
}

/**
 * dockyard_dockerfile_model_new:
 *
 * Returns: (transfer full): an empty form with the defaults (work dir
 *   /usr/src/app, requirements.txt)
 */
DockyardDockerfileModel *
dockyard_dockerfile_model_new (void)
{
  return g_object_new (DOCKYARD_TYPE_DOCKERFILE_MODEL, NULL);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
set_strv (char               ***field,
          const char * const   *value,
          gboolean              allow_null)
{
  static const char * const empty[] = { NULL };

  if (value == NULL && !allow_null)
    value = empty;
  if (*field != NULL && value != NULL && g_strv_equal ((const char * const *) *field, value))
    return FALSE;
  if (*field == NULL && value == NULL)
    return FALSE;
  g_strfreev (*field);
  *field = g_strdupv ((char **) value);
  return TRUE;
}

const char *
dockyard_dockerfile_model_get_base_image (DockyardDockerfileModel *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self), NULL);

  return self->base_image;
}

void
dockyard_dockerfile_model_set_base_image (DockyardDockerfileModel *self,
                                          const char              *base_image)
{
  g_return_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self));

  if (set_string (&self->base_image, base_image))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_IMAGE]);
}

const char *
dockyard_dockerfile_model_get_work_dir (DockyardDockerfileModel *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self), NULL);

  return self->work_dir;
}

/**
 * dockyard_dockerfile_model_set_work_dir:
 * @work_dir: (nullable): an absolute path, %NULL for no WORKDIR
 */
void
dockyard_dockerfile_model_set_work_dir (DockyardDockerfileModel *self,
                                        const char              *work_dir)
{
  g_return_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self));

  if (set_string (&self->work_dir, work_dir))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORK_DIR]);
}

const char *
dockyard_dockerfile_model_get_requirements_file (DockyardDockerfileModel *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self), NULL);

  return self->requirements_file;
}

/**
 * dockyard_dockerfile_model_set_requirements_file:
 * @requirements_file: (nullable): relative to the build context, %NULL for none
 */
void
dockyard_dockerfile_model_set_requirements_file (DockyardDockerfileModel *self,
                                                 const char              *requirements_file)
{
  g_return_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self));

  if (requirements_file != NULL && *requirements_file == '\0')
    requirements_file = NULL;
  if (set_string (&self->requirements_file, requirements_file))
    {
      /* A changed field is written the form's way. */
      self->requirements_cached = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUIREMENTS_FILE]);
    }
}

/**
 * dockyard_dockerfile_model_get_requirements_cached:
 *
 * Returns: whether the requirements are installed with pip's cache mount
 *   (%FALSE only for a hand-written install read as it is)
 */
gboolean
dockyard_dockerfile_model_get_requirements_cached (DockyardDockerfileModel *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self), TRUE);
  return self->requirements_cached;
}

/**
 * dockyard_dockerfile_model_set_requirements_cached:
 *
 * Whether the requirements install has pip's cache mount; setting the
 * requirements file sets it again.
 */
void
dockyard_dockerfile_model_set_requirements_cached (DockyardDockerfileModel *self,
                                                   gboolean                 cached)
{
  g_return_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self));
  self->requirements_cached = !!cached;
}

/**
 * dockyard_dockerfile_model_get_apt_packages:
 *
 * Returns: (transfer none): "name=version" items, maybe none
 */
const char * const *
dockyard_dockerfile_model_get_apt_packages (DockyardDockerfileModel *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self), NULL);

  return (const char * const *) self->apt_packages;
}

void
dockyard_dockerfile_model_set_apt_packages (DockyardDockerfileModel *self,
                                            const char * const      *apt_packages)
{
  g_return_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self));

  if (set_strv (&self->apt_packages, apt_packages, FALSE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APT_PACKAGES]);
}

const char *
dockyard_dockerfile_model_get_jupyterlab_version (DockyardDockerfileModel *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self), NULL);

  return self->jupyterlab_version;
}

/**
 * dockyard_dockerfile_model_set_jupyterlab_version:
 * @version: (nullable): e.g. "4.1.2", %NULL for no JupyterLab
 */
void
dockyard_dockerfile_model_set_jupyterlab_version (DockyardDockerfileModel *self,
                                                  const char              *version)
{
  g_return_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self));

  if (version != NULL && *version == '\0')
    version = NULL;
  if (set_string (&self->jupyterlab_version, version))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_JUPYTERLAB_VERSION]);
}

/**
 * dockyard_dockerfile_model_get_command:
 *
 * Returns: (transfer none) (nullable): the CMD argv, %NULL for none
 */
const char * const *
dockyard_dockerfile_model_get_command (DockyardDockerfileModel *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self), NULL);

  return (const char * const *) self->command;
}

void
dockyard_dockerfile_model_set_command (DockyardDockerfileModel *self,
                                       const char * const      *command)
{
  g_return_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self));

  if (command != NULL && command[0] == NULL)
    command = NULL;
  if (set_strv (&self->command, command, TRUE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMMAND]);
}

/**
 * dockyard_dockerfile_model_has_extra_instructions:
 *
 * Returns: %TRUE if the file the model was read from says more than the
 *   form shows (kept verbatim when generating)
 */
gboolean
dockyard_dockerfile_model_has_extra_instructions (DockyardDockerfileModel *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self), FALSE);

  return self->extras->len > 0;
}

/**
 * dockyard_dockerfile_model_validate:
 *
 * Checks what the form promises: an exactly pinned base image, pinned apt
 * packages and JupyterLab, and names that fit in a Dockerfile.
 *
 * Returns: %TRUE if valid, else %FALSE with a user-readable @error
 *   (%G_IO_ERROR_INVALID_ARGUMENT)
 */
gboolean
dockyard_dockerfile_model_validate (DockyardDockerfileModel  *self,
                                    GError                  **error)
{
  g_autoptr(DockyardImageRef) ref = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self), FALSE);

  if (self->base_image == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("No base image is set"));
      return FALSE;
    }
  ref = dockyard_image_ref_parse (self->base_image, &local_error);
  if (ref == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, local_error->message);
      return FALSE;
    }
  switch (dockyard_image_ref_get_pinning (ref))
    {
    case DOCKYARD_IMAGE_PINNING_UNTAGGED:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The base image “%s” has no tag; give an exact version such as %s:3.11.2"),
                   self->base_image, self->base_image);
      return FALSE;
    case DOCKYARD_IMAGE_PINNING_LATEST:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The base image “%s” uses “latest”, which changes without notice; give an exact version"),
                   self->base_image);
      return FALSE;
    case DOCKYARD_IMAGE_PINNING_FLOATING:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The tag “%s” of the base image names no exact release; give a full version such as 3.11.2, or a digest"),
                   dockyard_image_ref_get_tag (ref));
      return FALSE;
    case DOCKYARD_IMAGE_PINNING_EXACT:
    case DOCKYARD_IMAGE_PINNING_DIGEST:
    default:
      break;
    }

  if (self->work_dir != NULL && (self->work_dir[0] != '/' || strpbrk (self->work_dir, "\n\\") != NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The work directory “%s” must be an absolute path"), self->work_dir);
      return FALSE;
    }

  if (self->requirements_file != NULL &&
      (self->requirements_file[0] == '/' || strpbrk (self->requirements_file, " \t\n\"'\\$") != NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The requirements file “%s” must be a path inside the project without spaces or quotes"),
                   self->requirements_file);
      return FALSE;
    }

  for (guint i = 0; self->apt_packages[i] != NULL; i++)
    {
      const char *pkg = self->apt_packages[i];
      const char *eq = strchr (pkg, '=');

      if (eq == NULL || eq == pkg || eq[1] == '\0' || strpbrk (pkg, " \t\n\"'\\$;&|") != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The apt package “%s” must be pinned as NAME=VERSION"), pkg);
          return FALSE;
        }
    }

  if (self->jupyterlab_version != NULL)
    {
      g_autofree char *spec = g_strconcat ("==", self->jupyterlab_version, NULL);

      if (!dockyard_requirement_specifier_is_pinned (spec) ||
          strpbrk (self->jupyterlab_version, " \t\n\"'\\$;&|,<>=") != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The JupyterLab version “%s” must be one exact version such as 4.1.2"),
                       self->jupyterlab_version);
          return FALSE;
        }
    }

  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Generating                                                              */

static void
append_extras (DockyardDockerfileModel *self,
               GString                 *out,
               Section                  section)
{
  for (guint i = 0; i < self->extras->len; i++)
    {
      Extra *extra = g_ptr_array_index (self->extras, i);

      if (extra->after == section)
        g_string_append (out, extra->text);
    }
}

static gboolean
requirements_in_work_dir (const char *file)
{
  return strchr (file, '/') == NULL;
}

/**
 * dockyard_dockerfile_model_generate:
 *
 * Returns: (transfer full): the Dockerfile text
 */
char *
dockyard_dockerfile_model_generate (DockyardDockerfileModel *self)
{
  GString *out;

  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (self), NULL);

  out = g_string_new (NULL);

  append_extras (self, out, SECTION_START);

  if (self->base_image != NULL)
    g_string_append_printf (out, "FROM %s\n", self->base_image);
  append_extras (self, out, SECTION_FROM);

  if (self->work_dir != NULL)
    g_string_append_printf (out, "WORKDIR %s\n", self->work_dir);
  append_extras (self, out, SECTION_WORKDIR);

  if (self->apt_packages[0] != NULL)
    {
      g_string_append (out, "RUN " DOCKYARD_APT_KEEP_CACHE_COMMAND "\n");
      g_string_append (out, "RUN " APT_CACHE_MOUNT " \\\n    " APT_LIB_MOUNT " \\\n    " APT_INSTALL);
      for (guint i = 0; self->apt_packages[i] != NULL; i++)
        g_string_append_printf (out, " \\\n        %s", self->apt_packages[i]);
      g_string_append_c (out, '\n');
    }
  append_extras (self, out, SECTION_APT);

  if (self->jupyterlab_version != NULL)
    g_string_append_printf (out, "RUN " PIP_CACHE_MOUNT " pip install jupyterlab==%s\n",
                            self->jupyterlab_version);
  append_extras (self, out, SECTION_JUPYTER);

  if (self->requirements_file != NULL)
    {
      /* A file at the top of the context lands in the work dir, as in
       * DESIGN.md; a nested one keeps its relative path. */
      g_string_append_printf (out, "COPY %s %s\n", self->requirements_file,
                              requirements_in_work_dir (self->requirements_file) ? "." : self->requirements_file);
      if (self->requirements_cached)
        g_string_append_printf (out, "RUN " PIP_CACHE_MOUNT " pip install -r %s\n", self->requirements_file);
      else
        g_string_append_printf (out, "RUN pip install -r %s\n", self->requirements_file);
    }
  append_extras (self, out, SECTION_REQUIREMENTS);

  if (self->command != NULL)
    {
      g_string_append (out, "CMD [");
      for (guint i = 0; self->command[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          _dockyard_json_quote (out, self->command[i]);
        }
      g_string_append (out, "]\n");
    }
  append_extras (self, out, SECTION_CMD);

  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------------- */
/* Reading a Dockerfile back                                               */

static gboolean
flags_are (DockyardInstruction *ins,
           const char          *a,
           const char          *b)
{
  const char * const *flags = dockyard_instruction_get_flags (ins);
  guint n = g_strv_length ((char **) flags);

  if (b == NULL)
    return n == 1 && g_str_equal (flags[0], a);
  return n == 2 && ((g_str_equal (flags[0], a) && g_str_equal (flags[1], b)) ||
                    (g_str_equal (flags[0], b) && g_str_equal (flags[1], a)));
}

static gboolean
is_keyword (DockyardInstruction *ins,
            const char          *keyword)
{
  return g_str_equal (dockyard_instruction_get_keyword (ins), keyword) &&
         dockyard_instruction_get_n_heredocs (ins) == 0;
}

static gboolean
shell_arg_is (DockyardInstruction *ins,
              const char          *prefix,
              const char         **rest)
{
  if (dockyard_instruction_is_json (ins) || dockyard_instruction_get_n_args (ins) != 1)
    return FALSE;
  if (!g_str_has_prefix (dockyard_instruction_get_args (ins)[0], prefix))
    return FALSE;
  *rest = dockyard_instruction_get_args (ins)[0] + strlen (prefix);
  return TRUE;
}

static gboolean
has_no_space (const char *s)
{
  return *s != '\0' && strpbrk (s, " \t") == NULL;
}

/* The apt packages of an install RUN as generated, or NULL. */
static char **
match_apt_install (DockyardInstruction *ins)
{
  const char *rest;
  g_auto(GStrv) words = NULL;
  g_autoptr(GPtrArray) packages = g_ptr_array_new_with_free_func (g_free);

  if (!is_keyword (ins, "RUN") || !flags_are (ins, APT_CACHE_MOUNT, APT_LIB_MOUNT) ||
      !shell_arg_is (ins, APT_INSTALL " ", &rest))
    return NULL;

  words = g_strsplit_set (rest, " \t", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (strchr (words[i], '=') == NULL || strpbrk (words[i], "\"'\\$;&|") != NULL)
        return NULL;
      g_ptr_array_add (packages, g_strdup (words[i]));
    }
  if (packages->len == 0)
    return NULL;

  g_ptr_array_add (packages, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&packages), FALSE);
}

static gboolean
match_apt_keep (DockyardInstruction *ins)
{
  const char *rest;

  return is_keyword (ins, "RUN") && dockyard_instruction_get_flags (ins)[0] == NULL &&
         shell_arg_is (ins, DOCKYARD_APT_KEEP_CACHE_COMMAND, &rest) && *rest == '\0';
}

static char *
match_jupyter (DockyardInstruction *ins)
{
  const char *rest;

  if (is_keyword (ins, "RUN") && flags_are (ins, PIP_CACHE_MOUNT, NULL) &&
      shell_arg_is (ins, "pip install jupyterlab==", &rest) && has_no_space (rest))
    return g_strdup (rest);
  return NULL;
}

/* `COPY requirements.txt .` then `RUN pip install -r requirements.txt`,
 * with the pip cache mount (as the form writes it) or, written by hand,
 * without: @cached says which. */
static char *
match_copy_requirements (DockyardInstruction *copy,
                         DockyardInstruction *run,
                         gboolean            *cached)
{
  const char * const *args;
  const char *rest;

  if (copy == NULL || run == NULL || !is_keyword (copy, "COPY") ||
      dockyard_instruction_get_flags (copy)[0] != NULL || dockyard_instruction_is_json (copy) ||
      dockyard_instruction_get_n_args (copy) != 2)
    return NULL;

  args = dockyard_instruction_get_args (copy);
  if (!(requirements_in_work_dir (args[0]) ? g_str_equal (args[1], ".") : g_str_equal (args[0], args[1])))
    return NULL;

  if (!is_keyword (run, "RUN") ||
      !(flags_are (run, PIP_CACHE_MOUNT, NULL) || dockyard_instruction_get_flags (run)[0] == NULL) ||
      !shell_arg_is (run, "pip install -r ", &rest) || !g_str_equal (rest, args[0]))
    return NULL;

  *cached = dockyard_instruction_get_flags (run)[0] != NULL;
  return g_strdup (args[0]);
}

/* Whole lines from @start to @end, line end included. */
static char *
lines_text (const char *text,
            gsize       length,
            gsize       start,
            gsize       end)
{
  g_autoptr(GString) out = NULL;

  while (start > 0 && text[start - 1] != '\n')
    start--;
  while (end < length && text[end] != '\n')
    end++;
  out = g_string_new_len (text + start, end - start);
  if (out->len > 0 && out->str[out->len - 1] == '\r')
    g_string_truncate (out, out->len - 1);
  g_string_append_c (out, '\n');

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Comments between instructions are kept; blank lines are not (the
 * generated layout has none). */
static void
add_trivia (DockyardDockerfileModel *self,
            const char              *text,
            gsize                    from,
            gsize                    to,
            Section                  after)
{
  g_autoptr(GString) kept = g_string_new (NULL);
  g_autofree char *chunk = g_strndup (text + from, to - from);
  g_auto(GStrv) lines = g_strsplit (chunk, "\n", -1);
  Extra *extra;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strdup (lines[i]);

      g_strchomp (line);
      if (strspn (line, " \t") == strlen (line))
        continue;
      g_string_append_printf (kept, "%s\n", line);
    }
  if (kept->len == 0)
    return;

  extra = g_new0 (Extra, 1);
  extra->after = after;
  extra->text = g_string_free (g_steal_pointer (&kept), FALSE);
  g_ptr_array_add (self->extras, extra);
}

/**
 * dockyard_dockerfile_model_new_from_dockerfile:
 *
 * Reads the form back from a Dockerfile.  What the form cannot express is
 * kept verbatim and written back by dockyard_dockerfile_model_generate()
 * at the same place relative to the parts the form knows.
 *
 * Returns: (transfer full): the model
 */
DockyardDockerfileModel *
dockyard_dockerfile_model_new_from_dockerfile (DockyardDockerfile *dockerfile)
{
  g_autoptr(DockyardDockerfileModel) self = NULL;
  Section last = SECTION_START;
  gsize length;
  const char *text;
  gsize previous_end = 0;
  guint n;
  gboolean single_stage;

  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE (dockerfile), NULL);

  self = g_object_new (DOCKYARD_TYPE_DOCKERFILE_MODEL, NULL);
  /* Only what the file says: no defaults for parts it does not have. */
  g_clear_pointer (&self->work_dir, g_free);
  g_clear_pointer (&self->requirements_file, g_free);

  text = dockyard_dockerfile_get_text (dockerfile, &length);
  n = dockyard_dockerfile_get_n_instructions (dockerfile);
  single_stage = dockyard_dockerfile_get_n_stages (dockerfile) == 1;

  for (guint i = 0; i < n; i++)
    {
      DockyardInstruction *ins = dockyard_dockerfile_get_instruction (dockerfile, i);
      DockyardInstruction *next = i + 1 < n ? dockyard_dockerfile_get_instruction (dockerfile, i + 1) : NULL;
      const DockyardSourceRange *range = dockyard_instruction_get_range (ins);
      gsize start = range->start.offset;
      gsize end = range->end.offset;
      gsize line_start = start;
      Section matched = N_SECTIONS;
      guint consumed = 1;

      while (line_start > previous_end && text[line_start - 1] != '\n')
        line_start--;
      add_trivia (self, text, previous_end, line_start, last);

      if (last < SECTION_FROM && single_stage && is_keyword (ins, "FROM") &&
          dockyard_instruction_get_flags (ins)[0] == NULL && dockyard_instruction_get_n_args (ins) == 1)
        {
          set_string (&self->base_image, dockyard_instruction_get_args (ins)[0]);
          matched = SECTION_FROM;
        }
      else if (last < SECTION_WORKDIR && last >= SECTION_FROM && is_keyword (ins, "WORKDIR") &&
               dockyard_instruction_get_n_args (ins) == 1 &&
               dockyard_instruction_get_flags (ins)[0] == NULL &&
               dockyard_instruction_get_args (ins)[0][0] == '/')
        {
          set_string (&self->work_dir, dockyard_instruction_get_args (ins)[0]);
          matched = SECTION_WORKDIR;
        }
      else if (last < SECTION_APT && last >= SECTION_FROM && match_apt_keep (ins) && next != NULL)
        {
          g_auto(GStrv) packages = match_apt_install (next);

          if (packages != NULL)
            {
              set_strv (&self->apt_packages, (const char * const *) packages, FALSE);
              matched = SECTION_APT;
              consumed = 2;
            }
        }
      else if (last < SECTION_JUPYTER && last >= SECTION_FROM)
        {
          g_autofree char *version = match_jupyter (ins);
          g_autofree char *file = NULL;

          if (version != NULL)
            {
              set_string (&self->jupyterlab_version, version);
              matched = SECTION_JUPYTER;
            }
          else if ((file = match_copy_requirements (ins, next, &self->requirements_cached)) != NULL)
            {
              set_string (&self->requirements_file, file);
              matched = SECTION_REQUIREMENTS;
              consumed = 2;
            }
        }
      else if (last < SECTION_REQUIREMENTS && last >= SECTION_FROM)
        {
          g_autofree char *file = match_copy_requirements (ins, next, &self->requirements_cached);

          if (file != NULL)
            {
              set_string (&self->requirements_file, file);
              matched = SECTION_REQUIREMENTS;
              consumed = 2;
            }
        }

      if (matched == N_SECTIONS && last < SECTION_CMD && last >= SECTION_FROM &&
          is_keyword (ins, "CMD") && dockyard_instruction_is_json (ins) &&
          dockyard_instruction_get_n_args (ins) > 0 && dockyard_instruction_get_flags (ins)[0] == NULL &&
          i + 1 == n)
        {
          set_strv (&self->command, dockyard_instruction_get_args (ins), TRUE);
          matched = SECTION_CMD;
        }

      if (consumed == 2)
        end = dockyard_instruction_get_range (next)->end.offset;

      if (matched == N_SECTIONS)
        {
          Extra *extra = g_new0 (Extra, 1);

          extra->after = last;
          extra->text = lines_text (text, length, start, end);
          g_ptr_array_add (self->extras, extra);
        }
      else
        last = matched;

      while (end < length && text[end] != '\n')
        end++;
      previous_end = end < length ? end + 1 : length;
      i += consumed - 1;
    }

  add_trivia (self, text, previous_end, length, last);

  return g_steal_pointer (&self);
}

/**
 * dockyard_dockerfile_model_equal:
 *
 * Returns: %TRUE if both models describe the same form (extra
 *   instructions included)
 */
gboolean
dockyard_dockerfile_model_equal (DockyardDockerfileModel *a,
                                 DockyardDockerfileModel *b)
{
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (a), FALSE);
  g_return_val_if_fail (DOCKYARD_IS_DOCKERFILE_MODEL (b), FALSE);

  if (g_strcmp0 (a->base_image, b->base_image) != 0 ||
      g_strcmp0 (a->work_dir, b->work_dir) != 0 ||
      g_strcmp0 (a->requirements_file, b->requirements_file) != 0 ||
      a->requirements_cached != b->requirements_cached ||
      g_strcmp0 (a->jupyterlab_version, b->jupyterlab_version) != 0 ||
      !g_strv_equal ((const char * const *) a->apt_packages, (const char * const *) b->apt_packages) ||
      (a->command == NULL) != (b->command == NULL) ||
      (a->command != NULL && !g_strv_equal ((const char * const *) a->command,
                                            (const char * const *) b->command)) ||
      a->extras->len != b->extras->len)
    return FALSE;

  for (guint i = 0; i < a->extras->len; i++)
    {
      Extra *ea = g_ptr_array_index (a->extras, i);
      Extra *eb = g_ptr_array_index (b->extras, i);

      if (ea->after != eb->after || !g_str_equal (ea->text, eb->text))
        return FALSE;
    }

  return TRUE;
}
