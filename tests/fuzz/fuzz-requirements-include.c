/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dockyard-requirements.h"

/* libFuzzer target: any bytes as a project's requirements.txt, loaded with
 * its -r/-c includes resolved inside the project (issue 16, item 2).  The
 * project has a subfolder, links inside and out, and next to it a file that
 * must never be read: a requirement from it is a bug.  Built and run by
 * tests/fuzz/run-fuzzer requirements-include. */

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static char *project;

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, text, -1, NULL);
}

static void
link_file (const char *dir,
           const char *name,
           const char *target)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (symlink (target, path) != 0)
    __builtin_trap ();
}

static void
make_project (void)
{
  g_autofree char *top = g_dir_make_tmp ("dockyard-fuzz-include-XXXXXX", NULL);
  g_autofree char *outside = g_build_filename (top, "outside", NULL);
  g_autofree char *sub = NULL;

  project = g_build_filename (top, "proj", NULL);
  sub = g_build_filename (project, "sub", NULL);
  g_mkdir_with_parents (sub, 0700);
  g_mkdir_with_parents (outside, 0700);
  write_file (outside, "secret.txt", "secretname==1\n-r ../proj/sub/ok.txt\n");
  write_file (top, "secret.txt", "secretname==2\n");
  write_file (sub, "ok.txt", "okname==1\n-r ../../outside/secret.txt\n-r ../requirements.txt\n");
  link_file (project, "out", "../outside");
  link_file (project, "out.txt", "../outside/secret.txt");
  link_file (project, "zero.txt", "/dev/zero");
  link_file (sub, "up.txt", "../../secret.txt");
  link_file (sub, "in.txt", "ok.txt");
  /* Loops: links to each other and to themselves, a folder link back up,
   * and a file that includes itself through one. */
  link_file (project, "ping.txt", "pong.txt");
  link_file (project, "pong.txt", "ping.txt");
  link_file (project, "self.txt", "self.txt");
  link_file (sub, "back", "..");
  write_file (sub, "again.txt", "againname==1\n-r back/sub/again.txt\n-r ../requirements.txt\n");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GFile) root = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(DockyardRequirements) reqs = NULL;
  g_autofree char *path = NULL;

  if (project == NULL)
    make_project ();

  path = g_build_filename (project, "requirements.txt", NULL);
  if (!g_file_set_contents (path, (const char *) data, size, NULL))
    __builtin_trap ();

  root = g_file_new_for_path (project);
  file = g_file_new_for_path (path);
  reqs = dockyard_requirements_load (root, file, "requirements.txt", NULL, NULL);
  if (reqs == NULL)
    return 0;

  for (guint i = 0; i < dockyard_requirements_get_n_items (reqs); i++)
    {
      const DockyardRequirement *req = dockyard_requirements_get_item (reqs, i);

      /* Nothing from outside the project, whatever the include says. */
      if (req->name != NULL && g_ascii_strncasecmp (req->name, "secretname", 10) == 0)
        __builtin_trap ();
      if (req->file == NULL || req->line == 0)
        __builtin_trap ();
    }

  {
    GPtrArray *unread = dockyard_requirements_get_unread (reqs);

    for (guint i = 0; i < unread->len; i++)
      {
        const DockyardRequirementsUnread *u = g_ptr_array_index (unread, i);

        if (u->file == NULL || u->include == NULL || u->reason == NULL || *u->reason == '\0')
          __builtin_trap ();
      }
  }

  return 0;
}
