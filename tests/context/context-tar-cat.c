/* SPDX-License-Identifier: GPL-3.0-or-later */
/* context-tar-cat [--count] DIR: the tar that a build of DIR sends, on
 * stdout, or only its size.  Reads the stream the way the HTTP layer does
 * (asynchronously, from the main loop), so that peak RSS measured around it
 * is what a build's upload costs. */
#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "dockyard-build-context.h"

typedef struct
{
  GMainLoop    *loop;
  GInputStream *stream;
  gboolean      count_only;
  guint64       total;
  GError       *error;
} State;

static void read_next (State *state);

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  State *state = user_data;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (state->stream, result,
                                                               &state->error);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      g_main_loop_quit (state->loop);
      return;
    }

  state->total += g_bytes_get_size (bytes);
  if (!state->count_only)
    fwrite (g_bytes_get_data (bytes, NULL), 1, g_bytes_get_size (bytes), stdout);

  read_next (state);
}

static void
read_next (State *state)
{
  g_input_stream_read_bytes_async (state->stream, 65536, G_PRIORITY_DEFAULT, NULL,
                                   read_cb, state);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(DockyardBuildContext) context = NULL;
  State state = { 0 };

  if (argc > 1 && g_str_equal (argv[1], "--count"))
    {
      state.count_only = TRUE;
      argv++;
      argc--;
    }

  if (argc != 2)
    {
      g_printerr ("usage: context-tar-cat [--count] DIR\n");
      return 2;
    }

  dir = g_file_new_for_commandline_arg (argv[1]);
  context = dockyard_build_context_new (dir, NULL);
  state.loop = g_main_loop_new (NULL, FALSE);
  state.stream = dockyard_build_context_open_tar_stream (context, NULL, &state.error);
  if (state.stream != NULL)
    {
      read_next (&state);
      g_main_loop_run (state.loop);
      g_input_stream_close (state.stream, NULL, NULL);
    }

  g_clear_object (&state.stream);
  g_main_loop_unref (state.loop);

  if (state.error != NULL)
    {
      g_printerr ("context-tar-cat: %s\n", state.error->message);
      g_error_free (state.error);
      return 1;
    }

  if (state.count_only)
    g_print ("%" G_GUINT64_FORMAT " bytes\n", state.total);

  return 0;
}
