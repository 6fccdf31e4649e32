/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/stat.h>

#include <glib/gi18n.h>

#include "dockyard-read-file.h"
#include "dockyard-build-context.h"
#include "dockyard-container-spec.h"
#include "dockyard-context-stream.h"
#include "dockyard-devcontainer.h"
#include "dockyard-gpu.h"
#include "dockyard-dockerfile.h"
#include "dockyard-dockerfile-context.h"
#include "dockyard-host-path.h"
#include "dockyard-image-ref.h"
#include "dockyard-project.h"
#include "dockyard-project-files.h"
#include "dockyard-step-source.h"

/**
 * DockyardProject:
 *
 * A project folder: the build context of its image and the folder that the
 * dev and lab containers mount.
 */
struct _DockyardProject
{
  GObject  parent_instance;

  GFile   *directory;
  char    *name;
  char    *host_path;
  char    *image_name;  /* chosen by the user; NULL for the default */
  guint    has_dockerfile : 1;

  /* What the build uses: the project folder and its Dockerfile, or what
   * its devcontainer.json names. */
  GFile   *context_dir;
  GFile   *dockerfile;
  char    *dockerfile_name;  /* relative to context_dir */
  DockyardDevcontainer *devcontainer;
  GStrv    devcontainer_notes;
  guint    uses_devcontainer_build : 1;
  char    *gpu_device;  /* "Use GPUs": a CDI name, or NULL */
  GArray  *published_ports;  /* guint16, what the user listed in the Overview */
};

G_DEFINE_FINAL_TYPE (DockyardProject, dockyard_project, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_NAME,
  PROP_HAS_DOCKERFILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dockyard_project_finalize (GObject *object)
{
  DockyardProject *self = (DockyardProject *)object;

  g_clear_object (&self->directory);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->host_path, g_free);
  g_clear_pointer (&self->image_name, g_free);
  g_clear_object (&self->context_dir);
  g_clear_object (&self->dockerfile);
  g_clear_pointer (&self->dockerfile_name, g_free);
  g_clear_pointer (&self->devcontainer, dockyard_devcontainer_free);
  g_clear_pointer (&self->devcontainer_notes, g_strfreev);
  g_clear_pointer (&self->gpu_device, g_free);
  g_clear_pointer (&self->published_ports, g_array_unref);

  G_OBJECT_CLASS (dockyard_project_parent_class)->finalize (object);
}

static void
dockyard_project_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DockyardProject *self = DOCKYARD_PROJECT (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_object (value, self->directory);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_HAS_DOCKERFILE:
      g_value_set_boolean (value, self->has_dockerfile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_project_class_init (DockyardProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_project_finalize;
  object_class->get_property = dockyard_project_get_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_object ("directory", NULL, NULL, G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_HAS_DOCKERFILE] =
    g_param_spec_boolean ("has-dockerfile", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_project_init (DockyardProject *self)
{
}

/* The Dockerfile and context a devcontainer.json names, when both are in
 * the project folder (the build context is sent from there); else the
 * project's own, with a note saying why. */
static void
use_devcontainer (DockyardProject *self,
                  GStrvBuilder    *notes)
{
  g_autofree char *project_path = g_file_get_path (self->directory);
  g_autofree char *context = NULL;
  g_autofree char *dockerfile = NULL;
  DockyardDevcontainer *config = self->devcontainer;

  for (guint i = 0; config->unsupported[i] != NULL; i++)
    g_strv_builder_add (notes, config->unsupported[i]);

  if (config->dockerfile == NULL || project_path == NULL)
    return;

  context = dockyard_devcontainer_dup_relative (project_path, config->context);
  dockerfile = dockyard_devcontainer_dup_relative (config->context, config->dockerfile);
  if (context == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("The build context “%s” is outside the project folder: "
                           "the project’s own Dockerfile is used."), config->context);
      g_strv_builder_add (notes, message);
    }
  else if (dockerfile == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("The Dockerfile “%s” is outside its build context: "
                           "the project’s own Dockerfile is used."), config->dockerfile);
      g_strv_builder_add (notes, message);
    }
  else
    {
      g_set_object (&self->context_dir, NULL);
      self->context_dir = g_file_resolve_relative_path (self->directory, context);
      g_set_object (&self->dockerfile, NULL);
      self->dockerfile = g_file_resolve_relative_path (self->context_dir, dockerfile);
      g_free (self->dockerfile_name);
      self->dockerfile_name = g_steal_pointer (&dockerfile);
      self->uses_devcontainer_build = TRUE;
    }
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DockyardProject *self = task_data;
  g_autofree char *path = g_file_get_path (self->directory);
  g_autoptr(GStrvBuilder) notes = g_strv_builder_new ();
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  /* A devcontainer.json that cannot be read is said, not fatal: the
   * project still opens with its own Dockerfile. */
  self->devcontainer = dockyard_devcontainer_load (self->directory, cancellable, &error);
  if (self->devcontainer != NULL)
    use_devcontainer (self, notes);
  else if (error != NULL)
    g_strv_builder_add (notes, error->message);
  g_clear_error (&error);
  self->devcontainer_notes = g_strv_builder_end (notes);

  info = g_file_query_info (self->dockerfile, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &error);
  if (info == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_task_return_new_error (task, error->domain, error->code,
                               _("Cannot read the Dockerfile of “%s”: %s"),
                               self->name, error->message);
      return;
    }
  self->has_dockerfile = info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR;
  g_clear_error (&error);

  /* Temporary files of saves that a kill interrupted: the folder may be
   * large or on a slow disk, hence the thread.  Not being able to tidy up
   * is no reason not to open the project. */
  if (path != NULL && dockyard_project_remove_stale_temp_files (path, &error) < 0)
    g_debug ("Cannot look for stale temporary files: %s", error->message);

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

static void
resolve_host_path_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardProject *self = g_task_get_task_data (task);
  GError *error = NULL;

  self->host_path = dockyard_host_path_resolve_finish (result, &error);
  if (self->host_path == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_run_in_thread (task, open_thread);
}

static void
query_directory_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardProject *self = g_task_get_task_data (task);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  if (info == NULL)
    {
      g_task_return_new_error (task, error->domain, error->code,
                               _("Cannot open “%s”: %s"), self->name, error->message);
      return;
    }

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                               _("“%s” is not a folder."), self->name);
      return;
    }

  /* Inside Flatpak the folder may be a document-portal path that the
   * engine on the host cannot mount. */
  dockyard_host_path_resolve_async (self->directory, cancellable,
                                    resolve_host_path_cb, g_steal_pointer (&task));
}

/**
 * dockyard_project_open_async:
 * @directory: the project folder
 *
 * Checks that @directory is a folder and looks at what it holds.  Temporary
 * files that saves interrupted by a kill left in it are removed (see
 * dockyard_project_remove_stale_temp_files()).
 */
void
dockyard_project_open_async (GFile               *directory,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DockyardProject *self;

  g_return_if_fail (G_IS_FILE (directory));

  self = g_object_new (DOCKYARD_TYPE_PROJECT, NULL);
  self->directory = g_object_ref (directory);
  self->name = g_file_get_basename (directory);
  self->context_dir = g_object_ref (directory);
  self->dockerfile = g_file_get_child (directory, "Dockerfile");
  self->dockerfile_name = g_strdup ("Dockerfile");
  if (self->name == NULL || g_strcmp0 (self->name, "/") == 0)
    {
      g_free (self->name);
      self->name = g_file_get_parse_name (directory);
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_project_open_async);
  g_task_set_task_data (task, self, g_object_unref);

  g_file_query_info_async (directory, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, cancellable,
                           query_directory_cb, g_steal_pointer (&task));
}

/**
 * dockyard_project_open_finish:
 *
 * Returns: (transfer full): the project
 */
DockyardProject *
dockyard_project_open_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * dockyard_project_get_directory:
 *
 * Returns: (transfer none): the project folder
 */
GFile *
dockyard_project_get_directory (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  return self->directory;
}

/**
 * dockyard_project_get_host_path:
 *
 * The folder as the container engine's host knows it: what the dev and lab
 * containers bind-mount. The folder's own path, except inside Flatpak where
 * a document-portal path is mapped back to the host's.
 *
 * Returns: (transfer none): the host path
 */
const char *
dockyard_project_get_host_path (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  return self->host_path;
}

const char *
dockyard_project_get_name (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  return self->name;
}

/**
 * dockyard_project_dup_path:
 *
 * Returns: (transfer full): the folder as a user would write it
 */
char *
dockyard_project_dup_path (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  return g_file_get_parse_name (self->directory);
}

/**
 * dockyard_project_get_dockerfile:
 *
 * The Dockerfile the project builds: `Dockerfile` in its folder, or the one
 * its devcontainer.json names.
 *
 * Returns: (transfer none): the Dockerfile
 */
GFile *
dockyard_project_get_dockerfile (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  return self->dockerfile;
}

/**
 * dockyard_project_get_context_directory:
 *
 * Returns: (transfer none): the folder sent as the build context: the
 *   project folder, or the `build.context` of its devcontainer.json
 */
GFile *
dockyard_project_get_context_directory (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  return self->context_dir;
}

/**
 * dockyard_project_get_devcontainer:
 *
 * Returns: (transfer none) (nullable): the project's devcontainer.json as
 *   read when the project was opened, or %NULL
 */
const DockyardDevcontainer *
dockyard_project_get_devcontainer (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  return self->devcontainer;
}

/**
 * dockyard_project_get_devcontainer_notes:
 *
 * What of the devcontainer.json Dockyard does not do, or why it could not
 * be read, each a sentence for the user.
 *
 * Returns: (transfer none): the notes, maybe none
 */
const char * const *
dockyard_project_get_devcontainer_notes (DockyardProject *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  return self->devcontainer_notes ? (const char * const *) self->devcontainer_notes : none;
}

/**
 * dockyard_project_set_gpu_device:
 * @device: (nullable): a CDI device name (%DOCKYARD_GPU_DEFAULT_DEVICE for
 *   "Use GPUs"), or %NULL
 *
 * Gives the dev and lab containers started from now on @device.
 */
void
dockyard_project_set_gpu_device (DockyardProject *self,
                                 const char      *device)
{
  char *copy;

  g_return_if_fail (DOCKYARD_IS_PROJECT (self));

  copy = g_strdup (device);
  g_free (self->gpu_device);
  self->gpu_device = copy;
}

/**
 * dockyard_project_get_gpu_device:
 *
 * Returns: (nullable): the GPUs the dev and lab containers get: what
 *   dockyard_project_set_gpu_device() set, else all GPUs when the
 *   devcontainer.json asks for them (`hostRequirements.gpu: true`,
 *   `--gpus`), else %NULL
 */
const char *
dockyard_project_get_gpu_device (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);

  if (self->gpu_device != NULL)
    return self->gpu_device;
  if (self->devcontainer != NULL &&
      (self->devcontainer->gpus != NULL || g_strcmp0 (self->devcontainer->gpu, "true") == 0))
    return DOCKYARD_GPU_DEFAULT_DEVICE;
  return NULL;
}

/**
 * dockyard_project_set_published_ports:
 * @ports: (array length=n_ports) (nullable): TCP ports of the dev container
 *
 * The ports the user listed for the project (besides devcontainer.json's
 * `forwardPorts`): dev containers started from now on publish them (see
 * dockyard_dev_ports_configured()).
 */
void
dockyard_project_set_published_ports (DockyardProject *self,
                                      const guint16   *ports,
                                      gsize            n_ports)
{
  g_return_if_fail (DOCKYARD_IS_PROJECT (self));

  g_clear_pointer (&self->published_ports, g_array_unref);
  self->published_ports = g_array_sized_new (FALSE, FALSE, sizeof (guint16), n_ports);
  if (n_ports > 0)
    g_array_append_vals (self->published_ports, ports, n_ports);
}

/**
 * dockyard_project_get_published_ports:
 * @n_ports: (out): where to store the number of ports
 *
 * Returns: (array length=n_ports) (transfer none) (nullable): what
 *   dockyard_project_set_published_ports() set
 */
const guint16 *
dockyard_project_get_published_ports (DockyardProject *self,
                                      gsize           *n_ports)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  g_return_val_if_fail (n_ports != NULL, NULL);

  *n_ports = self->published_ports != NULL ? self->published_ports->len : 0;
  return self->published_ports != NULL ? (const guint16 *) self->published_ports->data : NULL;
}

gboolean
dockyard_project_get_has_dockerfile (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), FALSE);
  return self->has_dockerfile;
}

/**
 * dockyard_project_dup_default_image_name:
 *
 * The image the project builds unless the user chose another name: the
 * folder name made a valid image name (lower case, letters, digits and
 * separators), tagged "dev".
 *
 * Returns: (transfer full): e.g. "my-project:dev"
 */
char *
dockyard_project_dup_default_image_name (DockyardProject *self)
{
  g_autofree char *ascii = NULL;
  g_autofree char *lower = NULL;
  GString *name;

  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);

  /* "Übersetzung" makes "ubersetzung", not "bersetzung". */
  ascii = g_str_to_ascii (self->name, NULL);
  lower = g_ascii_strdown (ascii, -1);
  name = g_string_new (NULL);

  /* A separator only between two alphanumerics, as image references require. */
  for (const char *p = lower; *p != '\0' && name->len < 120; p++)
    {
      gboolean after_alnum = name->len > 0 && g_ascii_isalnum (name->str[name->len - 1]);

      if (g_ascii_isalnum (*p))
        g_string_append_c (name, *p);
      else if (after_alnum)
        g_string_append_c (name, (*p == '.' || *p == '_') ? *p : '-');
    }

  while (name->len > 0 && !g_ascii_isalnum (name->str[name->len - 1]))
    g_string_truncate (name, name->len - 1);

  if (name->len == 0)
    g_string_append (name, "project");

  g_string_append (name, ":dev");
  return g_string_free (name, FALSE);
}

/**
 * dockyard_project_dup_image_name:
 *
 * The image the project builds, runs and opens the lab in: the name set with
 * dockyard_project_set_image_name(), else the default one.
 *
 * Returns: (transfer full): e.g. "my-project:dev"
 */
char *
dockyard_project_dup_image_name (DockyardProject *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);

  if (self->image_name != NULL)
    return g_strdup (self->image_name);
  return dockyard_project_dup_default_image_name (self);
}

/**
 * dockyard_project_set_image_name:
 * @image_name: (nullable): a name checked with dockyard_project_check_image_name(),
 *   or %NULL for the default
 */
void
dockyard_project_set_image_name (DockyardProject *self,
                                 const char      *image_name)
{
  g_autofree char *fallback = NULL;

  g_return_if_fail (DOCKYARD_IS_PROJECT (self));
  g_return_if_fail (image_name == NULL || dockyard_project_check_image_name (image_name, NULL));

  fallback = dockyard_project_dup_default_image_name (self);
  if (g_strcmp0 (image_name, fallback) == 0)
    image_name = NULL;
  if (g_strcmp0 (image_name, self->image_name) != 0)
    {
      g_free (self->image_name);
      self->image_name = g_strdup (image_name);
    }
}

/**
 * dockyard_project_check_image_name:
 * @image_name: what the user typed, e.g. "registry.example.com/team/app:dev"
 *
 * Whether the build may tag its image @image_name: a valid reference in
 * lower case, without a digest (a build names a tag; the digest comes from
 * a registry once pushed).
 *
 * Returns: %TRUE if it may, else %FALSE with @error saying why
 */
gboolean
dockyard_project_check_image_name (const char  *image_name,
                                   GError     **error)
{
  g_autoptr(DockyardImageRef) ref = NULL;

  g_return_val_if_fail (image_name != NULL, FALSE);

  ref = dockyard_image_ref_parse (image_name, error);
  if (ref == NULL)
    return FALSE;

  if (dockyard_image_ref_get_digest (ref) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A build names its image with a tag, not a digest: “%s”"), image_name);
      return FALSE;
    }

  return TRUE;
}

/**
 * dockyard_project_new_build:
 * @engine: the engine to build with
 *
 * Returns: (transfer full): a build of the project's image, ready to run
 */
DockyardBuild *
dockyard_project_new_build (DockyardProject *self,
                            DockyardEngine  *engine)
{
  g_autofree char *image_name = NULL;
  DockyardBuild *build;

  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), NULL);
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (engine), NULL);

  image_name = dockyard_project_dup_image_name (self);
  build = dockyard_build_new (engine, image_name);
  dockyard_build_set_dockerfile (build, self->dockerfile_name);
  if (self->uses_devcontainer_build)
    {
      if (self->devcontainer->target != NULL)
        dockyard_build_set_target (build, self->devcontainer->target);
      for (guint i = 0; self->devcontainer->build_args[i] != NULL; i++)
        {
          g_auto(GStrv) pair = g_strsplit (self->devcontainer->build_args[i], "=", 2);
          dockyard_build_set_build_arg (build, pair[0], pair[1] ? pair[1] : "");
        }
    }

  /* Without a bridge network a RUN step would have no network at all. */
  if (!dockyard_engine_get_has_bridge (engine))
    dockyard_build_set_network_mode (build, "host");

  return build;
}

/* ------------------------------------------------------------------------ */
/* The build context                                                         */

typedef struct
{
  DockyardEngine *engine;
  char          **sources;  /* NULL: the whole folder */
  char          **images;   /* base images to look at for ONBUILD triggers */
  guint           next_image;
} OpenContext;

static void
open_context_free (OpenContext *state)
{
  g_clear_object (&state->engine);
  g_strfreev (state->sources);
  g_strfreev (state->images);
  g_free (state);
}

/* Whether a source or a folder on its way is a symbolic link: BuildKit
 * follows it for a COPY source, so what it points to would be needed too. */
static gboolean
source_crosses_symlink (GFile      *directory,
                        const char *source)
{
  g_autofree char *root = g_file_get_path (directory);
  g_autoptr(GString) path = g_string_new (root);
  g_auto(GStrv) parts = g_strsplit (source, "/", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      struct stat st;

      g_string_append_printf (path, "/%s", parts[i]);
      if (lstat (path->str, &st) != 0)
        return FALSE;  /* missing: the build says so */
      if (S_ISLNK (st.st_mode))
        return TRUE;
    }

  return FALSE;
}

static void
open_context_return (GTask *task)
{
  DockyardProject *self = g_task_get_source_object (task);
  OpenContext *state = g_task_get_task_data (task);
  g_autoptr(DockyardBuildContext) context = NULL;
  g_autoptr(GInputStream) tar = NULL;
  GInputStream *stream;
  GError *error = NULL;

  context = dockyard_build_context_new (self->context_dir, self->dockerfile_name);
  dockyard_build_context_set_sources (context, (const char * const *) state->sources);
  tar = dockyard_build_context_open_tar_stream (context, g_task_get_cancellable (task), &error);
  if (tar == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The tar is made by blocking file I/O, which libsoup's asynchronous
   * reads would hop to a pool thread for, 8 KiB at a time: a thread of its
   * own makes it ahead, and the main loop polls for it like a socket. */
  stream = dockyard_context_stream_new (tar, g_task_get_cancellable (task), &error);
  if (stream == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, stream, g_object_unref);
}

static void inspect_next_image (GTask *task);

static void
image_inspected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenContext *state = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = dockyard_engine_request_finish (DOCKYARD_ENGINE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Not present (the build pulls it), or it has ONBUILD triggers that may
   * copy anything: the whole folder. */
  if (node == NULL || dockyard_image_inspect_has_onbuild (node))
    {
      g_clear_pointer (&state->sources, g_strfreev);
      open_context_return (task);
      return;
    }

  inspect_next_image (g_steal_pointer (&task));
}

static void
inspect_next_image (GTask *task)
{
  OpenContext *state = g_task_get_task_data (task);
  GCancellable *cancellable;

  if (state->images[state->next_image] == NULL)
    {
      open_context_return (task);
      g_object_unref (task);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  dockyard_engine_inspect_image_async (state->engine, state->images[state->next_image++],
                                       cancellable, image_inspected_cb, task);
}

static void
dockerfile_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardProject *self = g_task_get_source_object (task);
  OpenContext *state = g_task_get_task_data (task);
  g_autoptr(DockyardDockerfile) dockerfile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gsize length;

  if (!dockyard_read_file_finish (G_FILE (object), result, &text, &length, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* The build itself says what is wrong with the Dockerfile. */
      open_context_return (task);
      return;
    }

  dockerfile = dockyard_dockerfile_new_from_data (text, length, NULL);
  if (dockerfile != NULL)
    {
      state->sources = dockyard_dockerfile_dup_context_sources (dockerfile);
      state->images = dockyard_dockerfile_dup_base_images (dockerfile);
    }

  for (guint i = 0; state->sources != NULL && state->sources[i] != NULL; i++)
    if (source_crosses_symlink (self->context_dir, state->sources[i]))
      g_clear_pointer (&state->sources, g_strfreev);

  if (state->sources == NULL || state->images == NULL)
    {
      g_clear_pointer (&state->sources, g_strfreev);
      open_context_return (task);
      return;
    }

  inspect_next_image (g_steal_pointer (&task));
}

/**
 * dockyard_project_open_context_async:
 * @engine: the engine that will build: its images tell whether a base
 *   image has ONBUILD triggers
 *
 * Opens the build context: the folder as a tar, made while it is read.
 * Like BuildKit with Docker's own client, only what the Dockerfile reads is
 * sent (with the Dockerfile and the ignore files) when that can be told for
 * certain from the Dockerfile and its base images; else the whole folder
 * minus what `.dockerignore` excludes.
 */
void
dockyard_project_open_context_async (DockyardProject     *self,
                                     DockyardEngine      *engine,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenContext *state;

  g_return_if_fail (DOCKYARD_IS_PROJECT (self));
  g_return_if_fail (DOCKYARD_IS_ENGINE (engine));

  state = g_new0 (OpenContext, 1);
  state->engine = g_object_ref (engine);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_project_open_context_async);
  g_task_set_task_data (task, state, (GDestroyNotify) open_context_free);

  dockyard_read_file_async (self->directory, self->dockerfile, DOCKYARD_MAX_TEXT_FILE_SIZE,
                            cancellable, dockerfile_loaded_cb, g_steal_pointer (&task));
}

/**
 * dockyard_project_open_context_finish:
 * @sources: (out) (optional) (transfer full) (nullable): what is sent, if
 *   not the whole folder: the paths the Dockerfile reads
 *
 * Returns: (transfer full): the build context as a tar stream
 */
GInputStream *
dockyard_project_open_context_finish (DockyardProject  *self,
                                      GAsyncResult     *result,
                                      char           ***sources,
                                      GError          **error)
{
  GTask *task = G_TASK (result);

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (sources != NULL)
    {
      OpenContext *state = g_task_get_task_data (task);

      *sources = g_task_had_error (task) ? NULL : g_strdupv (state->sources);
    }

  return g_task_propagate_pointer (task, error);
}

static void
load_dockerfile_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardBuildStep *step = g_task_get_task_data (task);
  g_autoptr(DockyardDockerfile) dockerfile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint position;

  if (!dockyard_read_file_finish (G_FILE (object), result, &contents, &length, &error) ||
      (dockerfile = dockyard_dockerfile_new_from_data (contents, length, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!dockyard_step_source_find (dockerfile, step, &position))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("The step is not an instruction of the Dockerfile."));
  else
    g_task_return_int (task, dockyard_instruction_get_range (
                         dockyard_dockerfile_get_instruction (dockerfile, position))->start.line);
}

/**
 * dockyard_project_find_step_line_async:
 * @step: a step of a build of this project
 *
 * Finds the line of the project's Dockerfile that @step came from.
 */
void
dockyard_project_find_step_line_async (DockyardProject     *self,
                                       DockyardBuildStep   *step,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOCKYARD_IS_PROJECT (self));
  g_return_if_fail (DOCKYARD_IS_BUILD_STEP (step));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_project_find_step_line_async);
  g_task_set_task_data (task, g_object_ref (step), g_object_unref);

  dockyard_read_file_async (self->directory, self->dockerfile, DOCKYARD_MAX_TEXT_FILE_SIZE,
                            cancellable, load_dockerfile_cb, g_steal_pointer (&task));
}

/**
 * dockyard_project_find_step_line_finish:
 *
 * Returns: the 1-based line, or 0 with @error set
 */
guint
dockyard_project_find_step_line_finish (DockyardProject  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  gssize line;

  g_return_val_if_fail (DOCKYARD_IS_PROJECT (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  line = g_task_propagate_int (G_TASK (result), error);
  return line > 0 ? (guint) line : 0;
}
