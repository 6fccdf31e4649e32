/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-dockerfile-generator.h"
#include "dockyard-lint.h"
#include "dockyard-test-utils.h"

static DockyardDockerfileModel *
model_from_text (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardDockerfile) df = dockyard_dockerfile_new_from_data (text, -1, &error);

  g_assert_no_error (error);
  return dockyard_dockerfile_model_new_from_dockerfile (df);
}

static void
assert_no_findings (const char *text)
{
  g_autoptr(GPtrArray) findings = dockyard_lint_text (text, -1, NULL, NULL);

  for (guint i = 0; i < findings->len; i++)
    g_test_message ("%u:%u %s", dockyard_finding_get_line (g_ptr_array_index (findings, i)),
                    dockyard_finding_get_column (g_ptr_array_index (findings, i)),
                    dockyard_finding_get_message (g_ptr_array_index (findings, i)));
  g_assert_cmpuint (findings->len, ==, 0);
}

static void
test_design_example (void)
{
  g_autoptr(DockyardDockerfileModel) model = dockyard_dockerfile_model_new ();
  g_autoptr(DockyardDockerfileModel) back = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpstr (dockyard_dockerfile_model_get_work_dir (model), ==, "/usr/src/app");
  g_assert_cmpstr (dockyard_dockerfile_model_get_requirements_file (model), ==, "requirements.txt");

  dockyard_dockerfile_model_set_base_image (model, "python:3.8.8");
  g_assert_true (dockyard_dockerfile_model_validate (model, NULL));
  text = dockyard_dockerfile_model_generate (model);

  /* DESIGN.md section 1, with the cache mount */
  g_assert_cmpstr (text, ==,
                   "FROM python:3.8.8\n"
                   "WORKDIR /usr/src/app\n"
                   "COPY requirements.txt .\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n");
  assert_no_findings (text);

  back = model_from_text (text);
  g_assert_true (dockyard_dockerfile_model_equal (model, back));
  g_assert_false (dockyard_dockerfile_model_has_extra_instructions (back));
}

static void
test_full_form (void)
{
  g_autoptr(DockyardDockerfileModel) model = dockyard_dockerfile_model_new ();
  g_autoptr(DockyardDockerfileModel) back = NULL;
  const char *apt[] = { "git=1:2.39.2-1.1", "curl=7.88.1-10+deb12u5", NULL };
  const char *cmd[] = { "jupyter", "lab", "--ip=0.0.0.0", "--NotebookApp.token=\"x\\y\"", NULL };
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;

  g_object_set (model,
                "base-image", "localhost/dockyard-test/python:3.11.2",
                "work-dir", "/work",
                "requirements-file", "deps/requirements-dev.txt",
                "apt-packages", apt,
                "jupyterlab-version", "4.1.2",
                "command", cmd,
                NULL);
  g_assert_true (dockyard_dockerfile_model_validate (model, NULL));

  text = dockyard_dockerfile_model_generate (model);
  g_test_message ("%s", text);
  g_assert_cmpstr (text, ==,
                   "FROM localhost/dockyard-test/python:3.11.2\n"
                   "WORKDIR /work\n"
                   "RUN " DOCKYARD_APT_KEEP_CACHE_COMMAND "\n"
                   "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n"
                   "    --mount=type=cache,target=/var/lib/apt,sharing=locked \\\n"
                   "    apt-get update && apt-get install -y --no-install-recommends \\\n"
                   "        git=1:2.39.2-1.1 \\\n"
                   "        curl=7.88.1-10+deb12u5\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip pip install jupyterlab==4.1.2\n"
                   "COPY deps/requirements-dev.txt deps/requirements-dev.txt\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip pip install -r deps/requirements-dev.txt\n"
                   "CMD [\"jupyter\", \"lab\", \"--ip=0.0.0.0\", \"--NotebookApp.token=\\\"x\\\\y\\\"\"]\n");
  assert_no_findings (text);

  back = model_from_text (text);
  g_assert_true (dockyard_dockerfile_model_equal (model, back));
  again = dockyard_dockerfile_model_generate (back);
  g_assert_cmpstr (again, ==, text);
}

static void
test_extras_kept (void)
{
  const char *text =
    "# syntax=docker/dockerfile:1\n"
    "FROM python:3.11.2\n"
    "\n"
    "# system tools\n"
    "ENV PYTHONUNBUFFERED=1\n"
    "WORKDIR /usr/src/app\n"
    "COPY requirements.txt .\n"
    "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n"
    "COPY . .\n"
    "RUN  echo \\\n"
    "   done\n"
    "CMD [\"python\", \"app.py\"]\n"
    "EXPOSE 8000\n";
  g_autoptr(DockyardDockerfileModel) model = model_from_text (text);
  g_autoptr(DockyardDockerfileModel) back = NULL;
  g_autofree char *generated = NULL;
  g_autofree char *edited = NULL;
  const char *cmd[] = { "python", "-m", "app", NULL };

  g_assert_cmpstr (dockyard_dockerfile_model_get_base_image (model), ==, "python:3.11.2");
  g_assert_cmpstr (dockyard_dockerfile_model_get_work_dir (model), ==, "/usr/src/app");
  g_assert_cmpstr (dockyard_dockerfile_model_get_requirements_file (model), ==, "requirements.txt");
  g_assert_null (dockyard_dockerfile_model_get_command (model));
  g_assert_true (dockyard_dockerfile_model_has_extra_instructions (model));

  /* Instructions the form does not know stay verbatim, in place; only
   * blank lines go. */
  generated = dockyard_dockerfile_model_generate (model);
  g_assert_cmpstr (generated, ==,
                   "# syntax=docker/dockerfile:1\n"
                   "FROM python:3.11.2\n"
                   "# system tools\n"
                   "ENV PYTHONUNBUFFERED=1\n"
                   "WORKDIR /usr/src/app\n"
                   "COPY requirements.txt .\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n"
                   "COPY . .\n"
                   "RUN  echo \\\n"
                   "   done\n"
                   "CMD [\"python\", \"app.py\"]\n"
                   "EXPOSE 8000\n");

  back = model_from_text (generated);
  g_assert_true (dockyard_dockerfile_model_equal (model, back));

  /* Editing the form keeps the extras around the edited parts. */
  dockyard_dockerfile_model_set_base_image (model, "python:3.12.2");
  dockyard_dockerfile_model_set_jupyterlab_version (model, "4.1.2");
  dockyard_dockerfile_model_set_command (model, cmd);
  edited = dockyard_dockerfile_model_generate (model);
  g_assert_cmpstr (edited, ==,
                   "# syntax=docker/dockerfile:1\n"
                   "FROM python:3.12.2\n"
                   "# system tools\n"
                   "ENV PYTHONUNBUFFERED=1\n"
                   "WORKDIR /usr/src/app\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip pip install jupyterlab==4.1.2\n"
                   "COPY requirements.txt .\n"
                   "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n"
                   "COPY . .\n"
                   "RUN  echo \\\n"
                   "   done\n"
                   "CMD [\"python\", \"app.py\"]\n"
                   "EXPOSE 8000\n"
                   "CMD [\"python\", \"-m\", \"app\"]\n");
}

static void
test_multi_stage_verbatim (void)
{
  const char *text = "FROM python:3.11.2 AS build\nRUN echo\nFROM build\nCMD [\"x\"]\n";
  g_autoptr(DockyardDockerfileModel) model = model_from_text (text);
  g_autofree char *generated = dockyard_dockerfile_model_generate (model);

  g_assert_null (dockyard_dockerfile_model_get_base_image (model));
  g_assert_cmpstr (generated, ==, text);
}

static void
test_validate (void)
{
  const struct { const char *image; gboolean ok; } images[] = {
    { "python:3.11.2", TRUE },
    { "python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", TRUE },
    { "python", FALSE },
    { "python:latest", FALSE },
    { "python:3.11", FALSE },
    { "Python:3.11.2", FALSE },
    { NULL, FALSE },
  };
  g_autoptr(DockyardDockerfileModel) model = dockyard_dockerfile_model_new ();
  const char *bad_apt[] = { "curl", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autoptr(GError) error = NULL;

      dockyard_dockerfile_model_set_base_image (model, images[i].image);
      g_assert_cmpint (dockyard_dockerfile_model_validate (model, &error), ==, images[i].ok);
      if (!images[i].ok)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }

  dockyard_dockerfile_model_set_base_image (model, "python:3.11.2");
  dockyard_dockerfile_model_set_apt_packages (model, bad_apt);
  g_assert_false (dockyard_dockerfile_model_validate (model, NULL));
  dockyard_dockerfile_model_set_apt_packages (model, NULL);
  dockyard_dockerfile_model_set_jupyterlab_version (model, "4.*");
  g_assert_false (dockyard_dockerfile_model_validate (model, NULL));
  dockyard_dockerfile_model_set_jupyterlab_version (model, NULL);
  dockyard_dockerfile_model_set_requirements_file (model, "my reqs.txt");
  g_assert_false (dockyard_dockerfile_model_validate (model, NULL));
  dockyard_dockerfile_model_set_requirements_file (model, NULL);
  dockyard_dockerfile_model_set_work_dir (model, "relative");
  g_assert_false (dockyard_dockerfile_model_validate (model, NULL));
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_notify (void)
{
  g_autoptr(DockyardDockerfileModel) model = dockyard_dockerfile_model_new ();
  const char *apt[] = { "git=1", NULL };
  guint count = 0;

  g_signal_connect (model, "notify", G_CALLBACK (count_notify), &count);
  dockyard_dockerfile_model_set_base_image (model, "python:3.11.2");
  dockyard_dockerfile_model_set_base_image (model, "python:3.11.2");
  dockyard_dockerfile_model_set_apt_packages (model, apt);
  dockyard_dockerfile_model_set_apt_packages (model, apt);
  dockyard_dockerfile_model_set_work_dir (model, "/usr/src/app");
  g_assert_cmpuint (count, ==, 2);
}

/* Random models: generate -> parse -> model -> generate is the identity,
 * and the generated file has no findings. */
static char *
random_word (GRand      *rand,
             const char *alphabet)
{
  guint len = g_rand_int_range (rand, 1, 12);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < len; i++)
    g_string_append_c (s, alphabet[g_rand_int_range (rand, 0, strlen (alphabet))]);
  return g_string_free (s, FALSE);
}

static void
test_round_trip_property (void)
{
  static const char * const images[] = {
    "python:3.11.2", "python:3.8.8-slim-bookworm", "localhost:5000/team/py:1.2.3",
    "python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "ubuntu:jammy-20240227",
  };
  static const char * const dirs[] = { "/usr/src/app", "/work", "/home/dev/My Project", NULL };
  static const char * const reqs[] = { "requirements.txt", "deps/dev.txt", "a/b/c-1.txt", NULL };
  static const char * const odd[] = { "\"", "\\", "\\\\n", "é", "😀", " ", "\t", "$HOME", "'", "[", "]", ",", "\n" };
  guint seed = g_test_rand_int ();
  GRand *rand = g_rand_new_with_seed (seed);

  g_test_message ("seed %u", seed);

  for (guint round = 0; round < 500; round++)
    {
      g_autoptr(DockyardDockerfileModel) model = dockyard_dockerfile_model_new ();
      g_autoptr(DockyardDockerfileModel) back = NULL;
      g_autoptr(GPtrArray) apt = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) cmd = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *text = NULL;
      g_autofree char *again = NULL;
      g_autoptr(GPtrArray) findings = NULL;
      guint n;

      dockyard_dockerfile_model_set_base_image (model, images[g_rand_int_range (rand, 0, G_N_ELEMENTS (images))]);
      dockyard_dockerfile_model_set_work_dir (model, dirs[g_rand_int_range (rand, 0, G_N_ELEMENTS (dirs))]);
      dockyard_dockerfile_model_set_requirements_file (model, reqs[g_rand_int_range (rand, 0, G_N_ELEMENTS (reqs))]);

      n = g_rand_int_range (rand, 0, 4);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *name = random_word (rand, "abcdefghijklmnopqrstuvwxyz0123456789-+.");
          g_autofree char *version = random_word (rand, "0123456789.:~+-abc");

          g_ptr_array_add (apt, g_strdup_printf ("a%s=%s", name, version));
        }
      g_ptr_array_add (apt, NULL);
      dockyard_dockerfile_model_set_apt_packages (model, (const char * const *) apt->pdata);

      if (g_rand_boolean (rand))
        {
          g_autofree char *v = g_strdup_printf ("%d.%d.%d", g_rand_int_range (rand, 0, 10),
                                                g_rand_int_range (rand, 0, 20), g_rand_int_range (rand, 0, 20));

          dockyard_dockerfile_model_set_jupyterlab_version (model, v);
        }

      n = g_rand_int_range (rand, 0, 4);
      for (guint i = 0; i < n; i++)
        {
          GString *arg = g_string_new (NULL);
          guint parts = g_rand_int_range (rand, 1, 4);

          for (guint k = 0; k < parts; k++)
            {
              if (g_rand_boolean (rand))
                g_string_append (arg, odd[g_rand_int_range (rand, 0, G_N_ELEMENTS (odd))]);
              else
                {
                  g_autofree char *w = random_word (rand, "abcxyz-=./");

                  g_string_append (arg, w);
                }
            }
          g_ptr_array_add (cmd, g_string_free (arg, FALSE));
        }
      g_ptr_array_add (cmd, NULL);
      dockyard_dockerfile_model_set_command (model, (const char * const *) cmd->pdata);

      g_assert_true (dockyard_dockerfile_model_validate (model, NULL));
      text = dockyard_dockerfile_model_generate (model);
      back = model_from_text (text);
      if (!dockyard_dockerfile_model_equal (model, back))
        g_error ("round %u: the model did not survive:\n%s", round, text);
      g_assert_false (dockyard_dockerfile_model_has_extra_instructions (back));
      again = dockyard_dockerfile_model_generate (back);
      g_assert_cmpstr (again, ==, text);

      findings = dockyard_lint_text (text, -1, NULL, NULL);
      if (findings->len > 0)
        g_error ("round %u: %s\n%s", round,
                 dockyard_finding_get_message (g_ptr_array_index (findings, 0)), text);
    }

  g_rand_free (rand);
}

/* Issue 18, item 10: a hand-written COPY + pip install without the cache
 * mount is the form's Requirements File as it is, written back unchanged;
 * changing the field writes the form's cached install. */
static void
test_hand_written_requirements (void)
{
  const char *text =
    "FROM python:3.11.2\n"
    "WORKDIR /usr/src/app\n"
    "COPY requirements.txt .\n"
    "RUN pip install -r requirements.txt\n"
    "COPY . .\n";
  g_autoptr(DockyardDockerfileModel) model = model_from_text (text);
  g_autoptr(DockyardDockerfileModel) same = model_from_text (text);
  g_autofree char *generated = NULL;
  g_autofree char *changed = NULL;

  g_assert_cmpstr (dockyard_dockerfile_model_get_requirements_file (model), ==, "requirements.txt");
  generated = dockyard_dockerfile_model_generate (model);
  g_assert_nonnull (strstr (generated, "COPY requirements.txt .\nRUN pip install -r requirements.txt\n"));

  /* The same text set again is no change. */
  dockyard_dockerfile_model_set_requirements_file (model, "requirements.txt");
  g_assert_true (dockyard_dockerfile_model_equal (model, same));

  dockyard_dockerfile_model_set_requirements_file (model, "requirements-dev.txt");
  g_assert_false (dockyard_dockerfile_model_equal (model, same));
  changed = dockyard_dockerfile_model_generate (model);
  g_assert_nonnull (strstr (changed, "COPY requirements-dev.txt .\n"
                                     "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements-dev.txt\n"));
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/dockerfile/generator/design-example", test_design_example);
  g_test_add_func ("/dockerfile/generator/full-form", test_full_form);
  g_test_add_func ("/dockerfile/generator/extras-kept", test_extras_kept);
  g_test_add_func ("/dockerfile/generator/hand-written-requirements", test_hand_written_requirements);
  g_test_add_func ("/dockerfile/generator/multi-stage-verbatim", test_multi_stage_verbatim);
  g_test_add_func ("/dockerfile/generator/validate", test_validate);
  g_test_add_func ("/dockerfile/generator/notify", test_notify);
  g_test_add_func ("/dockerfile/generator/round-trip-property", test_round_trip_property);

  return g_test_run ();
}
