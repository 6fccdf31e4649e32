/* SPDX-License-Identifier: GPL-3.0-or-later */
/* devcontainer.json read without an engine: JSON with comments, the
 * property forms, variables, runArgs. */
#include "config.h"

#include <locale.h>

#include "dockyard-devcontainer.h"

static DockyardDevcontainer *
read_config (const char *text)
{
  g_autoptr(GError) error = NULL;
  DockyardDevcontainer *config;

  config = dockyard_devcontainer_new_from_data (text, strlen (text),
                                                "/home/u/proj/.devcontainer/devcontainer.json",
                                                "/home/u/proj", &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

static gboolean
unsupported_names (DockyardDevcontainer *config,
                   const char           *what)
{
  for (guint i = 0; config->unsupported[i] != NULL; i++)
    if (strstr (config->unsupported[i], what) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_jsonc (void)
{
  static const struct { const char *text; const char *json; } good[] = {
    { "// c\n{\"a\": 1}", "{\"a\":1}" },
    { "{\"a\": \"// not a comment\", /* c */ \"b\": [1, 2,],}", "{\"a\":\"// not a comment\",\"b\":[1,2]}" },
    { "{\"a\": \"x\\\"/*y*/\" , // c\n }", "{\"a\":\"x\\\"/*y*/\"}" },
    { "\xef\xbb\xbf{\"a\": [ /* only */ ]}", "{\"a\":[]}" },
    { "{\"a\": 1, /* c */\n// d\n}", "{\"a\":1}" },
  };
  static const char * const bad[] = {
    "{\"a\": 1 /* never closed }", "{\"a\": ,}", "", "// only a comment", "{\"a\": 1}\0x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = dockyard_jsonc_parse (good[i].text, -1, &error);
      g_autofree char *json = NULL;

      g_assert_no_error (error);
      json = json_to_string (node, FALSE);
      g_assert_cmpstr (json, ==, good[i].json);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = dockyard_jsonc_parse (bad[i], i == 4 ? 11 : -1, &error);

      g_assert_null (node);
      g_assert_nonnull (error);
    }
}

static void
test_build_and_workspace (void)
{
  g_autoptr(DockyardDevcontainer) config = NULL;
  g_autoptr(DockyardDevcontainer) plain = NULL;

  config = read_config ("{ \"build\": { \"dockerfile\": \"../docker/Dockerfile\", \"context\": \"..\","
                        "  \"args\": { \"V\": \"${localWorkspaceFolderBasename}\" }, \"target\": \"dev\" },"
                        "  \"image\": \"ignored\","
                        "  \"workspaceMount\": \"source=${localWorkspaceFolder},target=/w,type=bind\","
                        "  \"containerEnv\": { \"WS\": \"${containerWorkspaceFolder}\","
                        "                      \"E\": \"${localEnv:DOCKYARD_NO_SUCH:dflt}\" } }");
  g_assert_cmpstr (config->dockerfile, ==, "/home/u/proj/docker/Dockerfile");
  g_assert_cmpstr (config->context, ==, "/home/u/proj");
  g_assert_null (config->image);
  g_assert_cmpstr (config->build_args[0], ==, "V=proj");
  g_assert_cmpstr (config->target, ==, "dev");
  g_assert_cmpstr (config->workspace_folder, ==, "/w");
  g_assert_cmpstr (config->workspace_mount_target, ==, "/w");
  g_assert_cmpstr (config->container_env[0], ==, "WS=/w");
  g_assert_cmpstr (config->container_env[1], ==, "E=dflt");
  g_assert_true (config->update_remote_user_uid);

  /* The defaults: the folder of the file as context, /workspaces/NAME. */
  plain = read_config ("{ \"build\": { \"dockerfile\": \"Dockerfile\" } }");
  g_assert_cmpstr (plain->context, ==, "/home/u/proj/.devcontainer");
  g_assert_cmpstr (plain->workspace_folder, ==, "/workspaces/proj");
  g_assert_null (plain->workspace_mount);
}

static void
test_lifecycle (void)
{
  g_autoptr(DockyardDevcontainer) config = NULL;
  DockyardDevcontainerCommand *command;

  config = read_config ("{ \"image\": \"i\", \"onCreateCommand\": \"make && echo ${containerWorkspaceFolder}\","
                        "  \"postCreateCommand\": [\"pip\", \"install\", \"-e\", \".\"],"
                        "  \"postStartCommand\": { \"one\": \"echo 1\", \"two\": [\"echo\", \"2\"], \"none\": \"\" },"
                        "  \"postAttachCommand\": \"\", \"initializeCommand\": \"x\" }");
  g_assert_cmpuint (config->lifecycle[DOCKYARD_DEVCONTAINER_ON_CREATE]->len, ==, 1);
  command = g_ptr_array_index (config->lifecycle[DOCKYARD_DEVCONTAINER_ON_CREATE], 0);
  g_assert_null (command->name);
  g_assert_cmpstr (command->argv[0], ==, "/bin/sh");
  g_assert_cmpstr (command->argv[1], ==, "-c");
  g_assert_cmpstr (command->argv[2], ==, "make && echo /workspaces/proj");
  command = g_ptr_array_index (config->lifecycle[DOCKYARD_DEVCONTAINER_POST_CREATE], 0);
  g_assert_cmpuint (g_strv_length (command->argv), ==, 4);
  g_assert_cmpuint (config->lifecycle[DOCKYARD_DEVCONTAINER_POST_START]->len, ==, 2);
  command = g_ptr_array_index (config->lifecycle[DOCKYARD_DEVCONTAINER_POST_START], 1);
  g_assert_cmpstr (command->name, ==, "two");
  g_assert_cmpstr (command->argv[1], ==, "2");
  g_assert_cmpuint (config->lifecycle[DOCKYARD_DEVCONTAINER_POST_ATTACH]->len, ==, 0);
  g_assert_true (unsupported_names (config, "initializeCommand"));
}

static void
test_run_args (void)
{
  g_autoptr(DockyardDevcontainer) config = NULL;

  config = read_config ("{ \"image\": \"i\", \"runArgs\": [\"--cap-add=SYS_PTRACE\", \"--cap-add\", \"NET_ADMIN\","
                        "  \"--security-opt\", \"seccomp=unconfined\", \"--device=/dev/fuse\","
                        "  \"--gpus\", \"all\", \"-e\", \"A=1\", \"--env=B=2\", \"--label\", \"x=y\","
                        "  \"--shm-size=2g\", \"--init\", \"--network=host\", \"--privileged\", \"-v\", \"/a:/b\"],"
                        "  \"capAdd\": [\"SYS_ADMIN\"], \"privileged\": true,"
                        "  \"features\": { \"ghcr.io/devcontainers/features/node:1\": {} },"
                        "  \"hostRequirements\": { \"gpu\": true },"
                        "  \"mounts\": [\"source=v,target=/v,type=volume\", \"type=bind,src=/s,dst=/d,readonly\","
                        "              { \"type\": \"bind\", \"source\": \"${localWorkspaceFolder}/x\", \"target\": \"/x\" },"
                        "              \"type=npipe,target=/n\"] }");
  g_assert_cmpuint (g_strv_length (config->cap_add), ==, 3);
  g_assert_cmpstr (config->cap_add[0], ==, "SYS_ADMIN");
  g_assert_cmpstr (config->cap_add[2], ==, "NET_ADMIN");
  g_assert_cmpstr (config->security_opt[0], ==, "seccomp=unconfined");
  g_assert_cmpstr (config->devices[0], ==, "/dev/fuse");
  g_assert_cmpstr (config->gpus, ==, "all");
  g_assert_cmpstr (config->run_env[0], ==, "A=1");
  g_assert_cmpstr (config->run_env[1], ==, "B=2");
  g_assert_cmpstr (config->labels[0], ==, "x=y");
  g_assert_cmpint (config->shm_size, ==, G_GINT64_CONSTANT (2) << 30);
  g_assert_true (config->init);
  g_assert_cmpstr (config->gpu, ==, "true");
  g_assert_true (unsupported_names (config, "--network=host"));
  g_assert_true (unsupported_names (config, "--privileged"));
  g_assert_true (unsupported_names (config, "-v"));
  g_assert_true (unsupported_names (config, "“privileged”"));
  g_assert_true (unsupported_names (config, "ghcr.io/devcontainers/features/node:1"));
  g_assert_true (unsupported_names (config, "npipe"));
  g_assert_cmpuint (config->mounts->len, ==, 3);
  {
    DockyardDevcontainerMount *mount = g_ptr_array_index (config->mounts, 1);

    g_assert_cmpstr (mount->type, ==, "bind");
    g_assert_cmpstr (mount->source, ==, "/s");
    g_assert_cmpstr (mount->target, ==, "/d");
    g_assert_true (mount->read_only);
    mount = g_ptr_array_index (config->mounts, 2);
    g_assert_cmpstr (mount->source, ==, "/home/u/proj/x");
  }
}

static void
test_not_an_object (void)
{
  g_autoptr(GError) error = NULL;
  DockyardDevcontainer *config;

  config = dockyard_devcontainer_new_from_data ("[1]", 3, "/p/.devcontainer.json", "/p", &error);
  g_assert_null (config);
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/devcontainer/jsonc", test_jsonc);
  g_test_add_func ("/devcontainer/build-and-workspace", test_build_and_workspace);
  g_test_add_func ("/devcontainer/lifecycle", test_lifecycle);
  g_test_add_func ("/devcontainer/run-args", test_run_args);
  g_test_add_func ("/devcontainer/not-an-object", test_not_an_object);

  return g_test_run ();
}
