/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>

G_BEGIN_DECLS

void         dockyard_test_init             (int          *argc,
                                             char       ***argv);
void         dockyard_test_skip_unless_ci   (const char   *why);
gboolean     dockyard_test_in_ci            (void);
const char  *dockyard_test_engine_socket    (void);
gboolean     dockyard_test_engine_control   (const char   *verb);
void         dockyard_test_store_result_cb  (GObject       *object,
                                             GAsyncResult  *result,
                                             gpointer       user_data);
void         dockyard_test_wait_for_async   (GAsyncResult **result);
void         dockyard_test_run_until        (gboolean     *done,
                                             guint         timeout_seconds);
char        *dockyard_test_artifact_path    (const char   *name);

G_END_DECLS
