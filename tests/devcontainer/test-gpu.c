/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Use GPUs": on an engine with CDI (Docker 28 with a made-up CDI spec,
 * DOCKYARD_TEST_CDI_DEVICE naming its device, see tests/run-engines) the
 * device node and the variable of the spec are inside the dev and lab
 * containers; on Docker without CDI or GPUs, and on Podman, starting says
 * clearly that GPUs cannot be had, and no container is left. */
#include "config.h"

#include <unistd.h>

#include "dockyard-dev-session.h"
#include "dockyard-exec-stream.h"
#include "dockyard-gpu.h"
#include "dockyard-lab-session.h"
#include "dockyard-test-utils.h"

typedef struct
{
  DockyardEngine  *engine;
  char            *folder;
  DockyardProject *project;
  const char      *device;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->engine = dockyard_test_connect_engine ();
  fixture->folder = g_dir_make_tmp ("dockyard-gpu-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (fixture->folder, 0777);
  fixture->project = dockyard_test_open_project (fixture->folder);
  /* The made-up device where the engine has its spec, else NVIDIA's. */
  fixture->device = g_getenv ("DOCKYARD_TEST_CDI_DEVICE");
  if (fixture->device == NULL || *fixture->device == '\0')
    fixture->device = DOCKYARD_GPU_DEFAULT_DEVICE;
  dockyard_project_set_gpu_device (fixture->project, fixture->device);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->engine != NULL)
    g_assert_cmpuint (dockyard_test_count_containers (fixture->engine,
                                                      dockyard_project_get_host_path (fixture->project)),
                      ==, 0);
  dockyard_test_remove_tree (fixture->folder);
  g_clear_object (&fixture->project);
  g_clear_object (&fixture->engine);
  g_free (fixture->folder);
}

static gboolean
expect_device (Fixture *fixture)
{
  return dockyard_engine_get_has_cdi (fixture->engine) &&
         g_strcmp0 (fixture->device, DOCKYARD_GPU_DEFAULT_DEVICE) != 0;
}

static void
assert_clear_refusal (Fixture      *fixture,
                      const GError *error)
{
  const char *expected = dockyard_engine_get_is_podman (fixture->engine)
                         ? "Podman" : "nvidia-ctk cdi generate";

  g_assert_nonnull (error);
  if (strstr (error->message, expected) == NULL)
    g_error ("“%s” is not in the error: %s", expected, error->message);
}

/* The variable is in the container's first process: an exec gets the
 * container's configured environment, without what CDI added. */
static const char check_command[] =
  "if [ -c /dev/dockyard-gpu ]; then echo node=yes; else echo node=no; fi; "
  "echo \"variable=$(tr '\\0' '\\n' </proc/1/environ | sed -n 's/^DOCKYARD_TEST_GPU=//p')\"; "
  "echo checked-$((2*21))";

static void
test_dev (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(DockyardDevSession) session = NULL;
  g_autoptr(DockyardTtyStream) stream = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) stopped = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  g_autofree char *typed = g_strdup_printf ("%s\r", check_command);

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);
  g_test_message ("engine %s, CDI %s, device %s", dockyard_engine_get_version (fixture->engine),
                  dockyard_engine_get_has_cdi (fixture->engine) ? "yes" : "no", fixture->device);

  session = dockyard_dev_session_new (fixture->project, fixture->engine);
  dockyard_dev_session_set_image (session, g_getenv (dockyard_engine_get_is_podman (fixture->engine)
                                                     && g_getenv ("DOCKYARD_TEST_PODMAN_BUSYBOX_IMAGE")
                                                     ? "DOCKYARD_TEST_PODMAN_BUSYBOX_IMAGE"
                                                     : "DOCKYARD_TEST_BUSYBOX_IMAGE"));
  dockyard_dev_session_start_async (session, 24, 80, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  stream = dockyard_dev_session_start_finish (session, result, &error);

  if (!expect_device (fixture))
    {
      /* Docker 20.10 without the NVIDIA runtime, Docker without CDI, Podman. */
      g_assert_null (stream);
      assert_clear_refusal (fixture, error);
    }
  else
    {
      g_assert_no_error (error);
      dockyard_test_collect_tty (stream, output, NULL);
      dockyard_tty_stream_write (stream, typed, strlen (typed));
      dockyard_test_wait_for_output (output, "checked-42");
      g_assert_nonnull (strstr (output->str, "\nnode=yes\r"));
      g_assert_nonnull (strstr (output->str, "\nvariable=present\r"));
      g_signal_handlers_disconnect_by_data (stream, output);
    }

  dockyard_dev_session_stop_async (session, dockyard_test_store_result_cb, &stopped);
  dockyard_test_wait_for_async (&stopped);
  dockyard_dev_session_stop_finish (session, stopped, NULL);
}

static void
test_lab (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(DockyardLabSession) lab = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) stopped = NULL;
  g_autoptr(GError) error = NULL;
  const char * const argv[] = { "/bin/sh", "-c", check_command, NULL };

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);
  if (g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE") == NULL)
    {
      dockyard_test_skip_unless_ci ("no Python test image");
      return;
    }

  lab = dockyard_lab_session_new (fixture->project, fixture->engine);
  dockyard_lab_session_set_image (lab, g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE"));
  dockyard_lab_session_start_async (lab, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);

  if (!expect_device (fixture))
    {
      g_assert_false (dockyard_lab_session_start_finish (lab, result, &error));
      assert_clear_refusal (fixture, error);
    }
  else
    {
      g_autoptr(GAsyncResult) opened = NULL;
      g_autoptr(DockyardExecStream) exec = NULL;
      g_autoptr(GString) output = g_string_new (NULL);

      g_assert_true (dockyard_lab_session_start_finish (lab, result, &error));
      g_assert_no_error (error);

      /* Inside the lab container, through exec. */
      dockyard_exec_stream_new_async (fixture->engine, dockyard_lab_session_get_container_id (lab),
                                      argv, NULL, "/", NULL, NULL,
                                      dockyard_test_store_result_cb, &opened);
      dockyard_test_wait_for_async (&opened);
      exec = dockyard_exec_stream_new_finish (opened, &error);
      g_assert_no_error (error);
      dockyard_test_collect_tty (DOCKYARD_TTY_STREAM (exec), output, NULL);
      dockyard_test_wait_for_output (output, "checked-42");
      g_assert_nonnull (strstr (output->str, "node=yes\r"));
      g_assert_nonnull (strstr (output->str, "\nvariable=present\r"));
      g_signal_handlers_disconnect_by_data (exec, output);
    }

  dockyard_lab_session_stop_async (lab, dockyard_test_store_result_cb, &stopped);
  dockyard_test_wait_for_async (&stopped);
  dockyard_lab_session_stop_finish (lab, stopped, NULL);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add ("/gpu/dev", Fixture, NULL, fixture_setup, test_dev, fixture_teardown);
  g_test_add ("/gpu/lab", Fixture, NULL, fixture_setup, test_lab, fixture_teardown);

  return g_test_run ();
}
