/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "dockyard-requirements.h"
#include "dockyard-test-utils.h"

static const DockyardRequirement *
find (const DockyardRequirements *reqs,
      const char                 *name)
{
  for (guint i = 0; i < dockyard_requirements_get_n_items (reqs); i++)
    {
      const DockyardRequirement *req = dockyard_requirements_get_item (reqs, i);

      if (g_strcmp0 (req->name, name) == 0)
        return req;
    }
  g_assert_not_reached ();
}

static void
test_parse (void)
{
  const char *text =
    "# a comment\n"
    "requests==2.31.0\n"
    "numpy >= 1.26 , < 2  # trailing comment\n"
    "pandas[performance,excel]==2.2.0 ; python_version >= \"3.9\"\n"
    "scipy===1.12.0\n"
    "flask==3.*\n"
    "Django~=5.0\n"
    "urllib3 == 2.2.1 \\\n"
    "    --hash=sha256:aaaa \\\n"
    "    --hash=sha256:bbbb\n"
    "mylib @ https://example.com/mylib-1.0.tar.gz\n"
    "https://example.com/other-2.0-py3-none-any.whl\n"
    "git+https://example.com/repo.git@v1#egg=fromgit\n"
    "./local/pkg\n"
    "-e ./editable#egg=edit\n"
    "--editable=git+https://example.com/e.git#egg=edit2\n"
    "-r base.txt\n"
    "--requirement=more.txt\n"
    "-c constraints.txt\n"
    "--index-url https://pypi.example.com/simple\n"
    "attrs\r\n"
    "   \n"
    "six==1.16.0#not-a-comment\n";
  g_autoptr(DockyardRequirements) reqs = dockyard_requirements_parse (text, -1, "requirements.txt");
  const DockyardRequirement *req;
  const char * const *includes;

  req = find (reqs, "requests");
  g_assert_true (req->pinned);
  g_assert_cmpstr (req->specifier, ==, "==2.31.0");
  g_assert_cmpuint (req->line, ==, 2);
  g_assert_cmpuint (req->column, ==, 1);
  g_assert_cmpstr (req->file, ==, "requirements.txt");

  req = find (reqs, "numpy");
  g_assert_false (req->pinned);
  g_assert_cmpstr (req->specifier, ==, ">= 1.26 , < 2");

  req = find (reqs, "pandas");
  g_assert_true (req->pinned);
  g_assert_cmpstr (req->extras, ==, "performance,excel");
  g_assert_cmpstr (req->marker, ==, "python_version >= \"3.9\"");

  g_assert_true (find (reqs, "scipy")->pinned);
  g_assert_false (find (reqs, "flask")->pinned);
  g_assert_false (find (reqs, "Django")->pinned);

  req = find (reqs, "urllib3");
  g_assert_true (req->pinned);
  g_assert_cmpuint (req->line, ==, 8);
  g_assert_cmpuint (g_strv_length (req->hashes), ==, 2);
  g_assert_cmpstr (req->hashes[1], ==, "sha256:bbbb");

  req = find (reqs, "mylib");
  g_assert_cmpstr (req->url, ==, "https://example.com/mylib-1.0.tar.gz");
  g_assert_null (req->specifier);

  req = find (reqs, "fromgit");
  g_assert_cmpstr (req->url, ==, "git+https://example.com/repo.git@v1#egg=fromgit");

  req = find (reqs, "edit");
  g_assert_true (req->editable);
  g_assert_cmpstr (req->url, ==, "./editable#egg=edit");
  g_assert_true (find (reqs, "edit2")->editable);

  req = find (reqs, "attrs");
  g_assert_false (req->pinned);
  g_assert_null (req->specifier);
  g_assert_cmpuint (req->line, ==, 21);

  req = find (reqs, "six");
  g_assert_true (req->pinned);
  g_assert_cmpstr (req->specifier, ==, "==1.16.0#not-a-comment");

  includes = dockyard_requirements_get_includes (reqs);
  g_assert_cmpuint (g_strv_length ((char **) includes), ==, 3);
  g_assert_cmpstr (includes[0], ==, "base.txt");
  g_assert_cmpstr (includes[1], ==, "more.txt");
  g_assert_cmpstr (includes[2], ==, "constraints.txt");

  /* 15 requirement lines, the bare URL and path included */
  g_assert_cmpuint (dockyard_requirements_get_n_items (reqs), ==, 15);
}

static void
test_specifiers (void)
{
  g_assert_true (dockyard_requirement_specifier_is_pinned ("==1.0"));
  g_assert_true (dockyard_requirement_specifier_is_pinned ("== 1.0"));
  g_assert_true (dockyard_requirement_specifier_is_pinned ("===1.0-custom"));
  g_assert_true (dockyard_requirement_specifier_is_pinned ("(==1.0)"));
  g_assert_false (dockyard_requirement_specifier_is_pinned ("==1.*"));
  g_assert_false (dockyard_requirement_specifier_is_pinned (">=1.0"));
  g_assert_false (dockyard_requirement_specifier_is_pinned ("~=1.0"));
  g_assert_false (dockyard_requirement_specifier_is_pinned ("!=1.0"));
  g_assert_false (dockyard_requirement_specifier_is_pinned ("=="));
  g_assert_false (dockyard_requirement_specifier_is_pinned (NULL));

  {
    g_autofree char *n = dockyard_requirement_normalize_name ("Foo__Bar.baz-_Qux");

    g_assert_cmpstr (n, ==, "foo-bar-baz-qux");
  }
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (parent, 0755);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_load_includes (void)
{
  g_autofree char *dir = g_dir_make_tmp ("dockyard-req-XXXXXX", NULL);
  g_autofree char *top_path = NULL;
  g_autoptr(GFile) top = NULL;
  g_autoptr(DockyardRequirements) reqs = NULL;
  g_autoptr(GError) error = NULL;
  const DockyardRequirement *req;

  write_file (dir, "requirements.txt", "-r reqs/base.txt\n-c reqs/constraints.txt\nflask\n-r missing.txt\n");
  write_file (dir, "reqs/base.txt", "requests>=2\n-r ../requirements.txt\n-r extra.txt\n");
  write_file (dir, "reqs/extra.txt", "numpy==1.26.4\n");
  write_file (dir, "reqs/constraints.txt", "requests==2.31.0\n");

  top_path = g_build_filename (dir, "requirements.txt", NULL);
  top = g_file_new_for_path (top_path);
  reqs = dockyard_requirements_load (NULL, top, "proj/requirements.txt", NULL, &error);
  g_assert_no_error (error);

  req = find (reqs, "flask");
  g_assert_cmpstr (req->file, ==, "proj/requirements.txt");
  g_assert_false (dockyard_requirements_is_satisfied_pinned (reqs, req));

  req = find (reqs, "requests");
  g_assert_cmpstr (req->file, ==, "proj/reqs/base.txt");
  g_assert_cmpuint (req->line, ==, 1);
  g_assert_false (req->pinned);
  g_assert_false (req->constraint);
  /* ... but a constraints file pins it */
  g_assert_true (dockyard_requirements_is_satisfied_pinned (reqs, req));

  req = find (reqs, "numpy");
  g_assert_cmpstr (req->file, ==, "proj/reqs/extra.txt");
  g_assert_true (req->pinned);

  /* The cycle back to requirements.txt is read once. */
  g_assert_cmpuint (dockyard_requirements_get_n_items (reqs), ==, 4);

  /* A missing top file is an error. */
  {
    g_autoptr(GFile) missing = g_file_get_child (top, "nope");
    g_autoptr(DockyardRequirements) none = dockyard_requirements_load (NULL, missing, NULL, NULL, &error);

    g_assert_null (none);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  }
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/dockerfile/requirements/parse", test_parse);
  g_test_add_func ("/dockerfile/requirements/specifiers", test_specifiers);
  g_test_add_func ("/dockerfile/requirements/load-includes", test_load_includes);

  return g_test_run ();
}
