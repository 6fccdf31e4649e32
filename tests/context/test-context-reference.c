/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reference: for tricky folders made here, the tar that Dockyard sends
 * must hold the same entries as the one Docker's own client sends.
 *
 * The docker 28 CLI (/usr/local/bin/docker, 28.2 here; its .dockerignore
 * rules are moby/patternmatcher's, as in buildx) runs a classic build
 * (DOCKER_BUILDKIT=0)
 * against a fake engine, a SoupServer on a unix socket that keeps the
 * request body of POST /build and then fails the build. */
#include "config.h"

#include <archive_entry.h>
#include <gio/gunixsocketaddress.h>
#include <libsoup/soup.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context-test-utils.h"
#include "dockyard-build-context.h"
#include "dockyard-test-utils.h"

#define REFERENCE_DOCKER "/usr/local/bin/docker"

typedef struct
{
  SoupServer *server;
  char       *dir;
  char       *socket;
  GBytes     *body;
} FakeEngine;

typedef struct
{
  const char *name;
  const char *dockerfile;   /* NULL: the default */
  void      (*make) (const char *root);
} Reference;

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  FakeEngine *fake = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);

  if (g_str_equal (path, "/_ping"))
    {
      soup_message_headers_replace (headers, "Api-Version", "1.41");
      soup_message_headers_replace (headers, "Ostype", "linux");
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC, "OK", 2);
    }
  else if (g_str_has_suffix (path, "/version"))
    {
      const char *body = "{\"Version\":\"20.10.24\",\"ApiVersion\":\"1.41\",\"Os\":\"linux\"}";

      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        body, strlen (body));
    }
  else if (g_str_has_suffix (path, "/build"))
    {
      SoupMessageBody *request = soup_server_message_get_request_body (message);
      const char *body = "{\"errorDetail\":{\"message\":\"fake engine: no build\"},"
                         "\"error\":\"fake engine: no build\"}\r\n";

      g_clear_pointer (&fake->body, g_bytes_unref);
      fake->body = soup_message_body_flatten (request);
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        body, strlen (body));
    }
  else
    soup_server_message_set_status (message, 404, NULL);
}

static void
fake_engine_start (FakeEngine *fake)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;

  fake->dir = g_dir_make_tmp ("dockyard-fake-XXXXXX", &error);
  g_assert_no_error (error);
  fake->socket = g_build_filename (fake->dir, "docker.sock", NULL);

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                         &error);
  g_assert_no_error (error);
  address = g_unix_socket_address_new (fake->socket);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);

  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, handle_cb, fake, NULL);
  soup_server_listen_socket (fake->server, socket, 0, &error);
  g_assert_no_error (error);
}

static void
fake_engine_stop (FakeEngine *fake)
{
  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
  g_unlink (fake->socket);
  g_rmdir (fake->dir);
  g_clear_pointer (&fake->socket, g_free);
  g_clear_pointer (&fake->dir, g_free);
  g_clear_pointer (&fake->body, g_bytes_unref);
}

/* What `docker build .` sends for root, as tar bytes. */
static GBytes *
run_reference (FakeEngine *fake,
               const char *root,
               const char *dockerfile)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = g_strconcat ("unix://", fake->socket, NULL);
  g_autofree char *config = g_build_filename (fake->dir, "config", NULL);
  g_autofree char *output = NULL;
  const char *argv[] = { REFERENCE_DOCKER, "build", "-q", "-f", "Dockerfile", ".", NULL };

  if (dockerfile != NULL)
    argv[4] = dockerfile;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_setenv (launcher, "DOCKER_HOST", host, TRUE);
  g_subprocess_launcher_setenv (launcher, "DOCKER_BUILDKIT", "0", TRUE);
  g_subprocess_launcher_setenv (launcher, "DOCKER_CONFIG", config, TRUE);
  g_subprocess_launcher_set_cwd (launcher, root);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  /* The main loop must run: the fake engine is served from it. */
  g_subprocess_communicate_utf8_async (process, NULL, NULL,
                                       dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_subprocess_communicate_utf8_finish (process, result, &output, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("docker build: %s", output);

  if (fake->body == NULL)
    g_error ("docker build sent no context: %s", output);

  return g_steal_pointer (&fake->body);
}

static char *
describe_entries (GPtrArray *entries)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      TarEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *escaped = g_strescape (entry->path, NULL);
      /* Docker's Go writer also puts the file type bits in the mode field,
       * from which libarchive derives a type for a hard link; the type flag
       * (link) is what the engine goes by. */
      guint type = entry->hardlink != NULL ? 0 : entry->type;

      g_string_append_printf (out, "%s type=%o mode=%o size=%" G_GINT64_FORMAT
                              " mtime=%" G_GINT64_FORMAT " uid=%" G_GINT64_FORMAT
                              " gid=%" G_GINT64_FORMAT " symlink=%s hardlink=%s\n",
                              escaped, type, entry->mode, entry->size, entry->mtime,
                              entry->uid, entry->gid, entry->symlink, entry->hardlink);
    }

  return g_string_free (out, FALSE);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
describe_files (GPtrArray *entries)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  for (guint i = 0; i < entries->len; i++)
    {
      TarEntry *entry = g_ptr_array_index (entries, i);

      /* A hard link is a regular file on disk. */
      if (entry->type == AE_IFREG || entry->type == AE_IFLNK || entry->hardlink != NULL)
        g_ptr_array_add (files, entry->path);
    }

  g_ptr_array_sort (files, compare_paths);
  g_ptr_array_add (files, NULL);

  return context_test_join ((const char * const *) files->pdata);
}

static void
test_reference (gconstpointer data)
{
  const Reference *reference = data;
  g_autofree char *root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) docker_tar = NULL;
  g_autoptr(GPtrArray) docker_entries = NULL;
  g_autoptr(GPtrArray) our_entries = NULL;
  g_auto(GStrv) our_files = NULL;
  g_autofree char *docker_description = NULL;
  g_autofree char *our_description = NULL;
  g_autofree char *docker_files = NULL;
  g_autofree char *our_files_joined = NULL;
  FakeEngine fake = { 0 };

  if (!g_file_test (REFERENCE_DOCKER, G_FILE_TEST_IS_EXECUTABLE))
    {
      dockyard_test_skip_unless_ci (REFERENCE_DOCKER " (the docker 28 CLI) is not installed");
      return;
    }

  root = context_test_make_dir ();
  context_test_write (root, reference->dockerfile ? reference->dockerfile : "Dockerfile",
                      "FROM scratch\nCOPY . /\n");
  reference->make (root);

  fake_engine_start (&fake);
  docker_tar = run_reference (&fake, root, reference->dockerfile);
  docker_entries = context_test_read_tar (docker_tar);

  our_entries = context_test_tar (root, reference->dockerfile, &error);
  g_assert_no_error (error);
  our_files = context_test_list (root, reference->dockerfile, &error);
  g_assert_no_error (error);

  /* Entry by entry, in order: names, types, modes, sizes, times, links. */
  docker_description = describe_entries (docker_entries);
  our_description = describe_entries (our_entries);
  g_test_message ("docker sent:\n%s", docker_description);
  g_assert_cmpstr (our_description, ==, docker_description);

  /* And `dockyard --context-list` lists what docker sends. */
  docker_files = describe_files (docker_entries);
  our_files_joined = context_test_join ((const char * const *) our_files);
  g_assert_cmpstr (our_files_joined, ==, docker_files);

  fake_engine_stop (&fake);
  context_test_remove_tree (root);
}

static void
make_exceptions (const char *root)
{
  context_test_write (root, ".dockerignore",
                      "docs\n!docs/keep.md\nbuild/\n!build/out/app\n*.log\n!important.log\n"
                      "nested/deep\n!nested/deep/x/y.txt\n"
                      /* an exception that is not a literal prefix does not
                       * open an excluded folder */
                      "vendor\n!*/keep\n");
  for (guint i = 0; i < 2; i++)
    {
      static const char *files[] = {
        "docs/keep.md", "docs/other.md", "docs/sub/keep.md", "build/out/app", "build/out/lib",
        "build/tmp", "debug.log", "important.log", "sub/debug.log", "nested/deep/x/y.txt",
        "nested/deep/x/z.txt", "nested/deep/w", "nested/shallow", "vendor/keep", "src/keep",
        "src/main.c",
      };

      context_test_write (root, files[i * 8 + 0], "0");
      for (guint j = 1; j < 8; j++)
        context_test_write (root, files[i * 8 + j], "x");
    }
}

static void
make_double_star (const char *root)
{
  static const char *files[] = {
    "a.pyc", "sub/b.pyc", "sub/deep/c.pyc", "node_modules/x.js", "web/node_modules/keep.js",
    "web/node_modules/y.js", "src/tmp/z", "src/a/tmp/z", "src/a/tmp/sub/w", "cache/keep",
    "cache/other", "sub/cache/keep", "sub/cache/other", "README.md", "deep/a/b/c/d.md",
  };

  context_test_write (root, ".dockerignore",
                      "**/*.pyc\n**/node_modules\n!**/node_modules/keep.js\nsrc/**/tmp\n"
                      "**/cache\n!cache/keep\ndeep/**\n!deep/a/b/**/*.md\n");
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    context_test_write (root, files[i], files[i]);
}

static void
make_syntax (const char *root)
{
  static const char *files[] = {
    "#notcomment", "# comment", "abs", "sub/abs", "trail/f", "up", "b", "a/x", "c", "x.pyc",
    "sub/y.pyc", "file1.txt", "filea.txt", "xyz", "yes", "*star", "xstar", "qa.md", "q.md",
    "aab", "a+b", "sp ace", "padded", "other", "dollar$", "dot.x", "dotxx", "[br]", "b2",
  };

  context_test_write (root, ".dockerignore",
                      "# comment\n #notcomment\n/abs\ntrail/\n../up\na/../b\n./c\n*.pyc\n"
                      "file[0-9].txt\n[x-z]*\n\\*star\nq?.md\na+b\nsp ace\n  padded  \n"
                      "dollar$\ndot.x\n\\[br\\]\n[^a]2\n\n\n");
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    context_test_write (root, files[i], "");
}

static void
make_names (const char *root)
{
  static const char *files[] = {
    "with space", "double\"quote", "single'quote", "new\nline", "tab\there", "ünïcödé.txt",
    "日本語/ファイル", "back\\slash", "-dash", "dir with space/file", "keep.tmp", "drop.tmp",
    "a-very-long-name-that-does-not-fit-in-the-hundred-characters-of-a-ustar-header/and-a-file"
    "-with-another-long-name-to-need-pax.txt",
  };
  g_autofree char *script = g_build_filename (root, "run.sh", NULL);
  g_autofree char *secret = g_build_filename (root, "private", NULL);
  g_autofree char *dir = g_build_filename (root, "restricted", NULL);
  g_autofree char *fifo = g_build_filename (root, "fifo", NULL);
  g_autofree char *hard = g_build_filename (root, "hard", NULL);

  context_test_write (root, ".dockerignore", "*.tmp\n!keep.tmp\nnew*\n!new?line\n");
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    context_test_write (root, files[i], files[i]);

  context_test_write (root, "run.sh", "#!/bin/sh\n");
  g_assert_no_errno (g_chmod (script, 0755));
  context_test_write (root, "private", "secret");
  g_assert_no_errno (g_chmod (secret, 0600));
  context_test_write (root, "restricted/file", "");
  g_assert_no_errno (g_chmod (dir, 0700));
  g_assert_no_errno (link (script, hard));
  g_assert_no_errno (mkfifo (fifo, 0640));
  context_test_symlink (root, "link", "run.sh");
  context_test_symlink (root, "abs-link", "/etc/hostname");
  context_test_symlink (root, "dangling", "nowhere");
  context_test_symlink (root, "dirlink", "restricted");
  context_test_mkdir (root, "empty/nested");
}

static void
make_everything_excluded (const char *root)
{
  context_test_write (root, ".dockerignore", "*\n!src\n");
  context_test_write (root, "src/main.c", "");
  context_test_write (root, "src/sub/x.c", "");
  context_test_write (root, "other", "");
  context_test_write (root, "lib/x", "");
}

static void
make_dockerfile_in_excluded_dir (const char *root)
{
  context_test_write (root, ".dockerignore", "ci\n.dockerignore\n");
  context_test_write (root, "ci/other", "");
  context_test_write (root, "ci/sub/x", "");
  context_test_write (root, "main.c", "");
}

/* What changed since Docker 20.10: ".+()|{}$" are literal. */
static void
make_current_syntax (const char *root)
{
  static const char *files[] = {
    "build", "dist/x", "buildscripts", "build|dist", "src/c/a.cc", "src/c++/a.cc", "a(b)c",
    "abc", "aa", "a{2}", "README.md", "readme.md", "(xi)readme.md", "a-b", "a\\-b", "x+y1",
    "xxy1", "cls/Up", "cls/up", "cls/x7", "cls/xd", "cls/q^r", "cls/[x]", "cls/x", "pre/fix",
    "prefix", "suf/xfoo", "suf/foo", "(a|aa)+x",
  };

  context_test_write (root, ".dockerignore",
                      "build|dist\nsrc/c++\na(b)c\na{2}\n(?i)readme.md\na\\-b\nx+y*\n"
                      "cls/[[:upper:]]*\ncls/x\\d\ncls/q^r*\ncls/[[]*]\npre**\n**foo\n"
                      "(a|aa)+*\n");
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    context_test_write (root, files[i], files[i]);
}

/* A folder's results carry to what is inside it: an exception reopens only
 * what it names, and a pattern skipped for a folder is skipped below it. */
static void
make_parent_results (const char *root)
{
  static const char *files[] = {
    "pkg/a/node_modules/keep.js", "pkg/a/node_modules/other.js", "node_modules/x",
    "a/b/c/node_modules/d/e", "d/f", "d/g", "src/a/b/tmp/file", "src/tmp", "src/keep",
  };

  context_test_write (root, ".dockerignore",
                      "**/node_modules\n!pkg/a/node_modules/keep.js\nd\n!d/f\nd\n"
                      "src/**/tmp\n");
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    context_test_write (root, files[i], files[i]);
}

static const Reference references[] = {
  { "exceptions", NULL, make_exceptions },
  { "double-star", NULL, make_double_star },
  { "syntax", NULL, make_syntax },
  { "names-modes-links", NULL, make_names },
  { "everything-excluded", NULL, make_everything_excluded },
  { "dockerfile-in-excluded-dir", "ci/Dockerfile.ci", make_dockerfile_in_excluded_dir },
  { "current-syntax", NULL, make_current_syntax },
  { "parent-results", NULL, make_parent_results },
};

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  for (guint i = 0; i < G_N_ELEMENTS (references); i++)
    {
      g_autofree char *path = g_strdup_printf ("/context/reference/%s", references[i].name);

      g_test_add_data_func (path, &references[i], test_reference);
    }

  return g_test_run ();
}
