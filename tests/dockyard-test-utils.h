/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "dockyard-engine.h"
#include "dockyard-project.h"
#include "dockyard-tty-stream.h"

G_BEGIN_DECLS

/* In a test that needs the engine: skips (or, in CI, fails) without one. */
#define DOCKYARD_TEST_REQUIRE_ENGINE(engine) \
  G_STMT_START { \
    if ((engine) == NULL) \
      { \
        dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run"); \
        return; \
      } \
  } G_STMT_END

void         dockyard_test_init             (int          *argc,
                                             char       ***argv);
void         dockyard_test_skip_unless_ci   (const char   *why);
gboolean     dockyard_test_in_ci            (void);
const char  *dockyard_test_engine_socket    (void);
const char  *dockyard_test_engine_address   (void);
gboolean     dockyard_test_engine_control   (const char   *verb);
void         dockyard_test_store_result_cb  (GObject       *object,
                                             GAsyncResult  *result,
                                             gpointer       user_data);
void         dockyard_test_wait_for_async   (GAsyncResult **result);
void         dockyard_test_run_until        (gboolean     *done,
                                             guint         timeout_seconds);
char        *dockyard_test_artifact_path    (const char   *name);

DockyardEngine  *dockyard_test_connect_engine    (void);
DockyardEngine  *dockyard_test_connect_engine_at (const char      *socket);
DockyardProject *dockyard_test_open_project      (const char      *path);
JsonNode        *dockyard_test_request           (DockyardEngine  *engine,
                                                  const char      *method,
                                                  const char      *path,
                                                  GError         **error);
gboolean         dockyard_test_container_exists  (DockyardEngine  *engine,
                                                  const char      *id);
guint            dockyard_test_count_labelled    (DockyardEngine  *engine,
                                                  const char      *label,
                                                  const char      *value);
guint            dockyard_test_count_containers  (DockyardEngine  *engine,
                                                  const char      *project_path);
char            *dockyard_test_make_shared_dir   (const char      *prefix);
void             dockyard_test_remove_tree       (const char      *path);
void             dockyard_test_collect_tty       (DockyardTtyStream *stream,
                                                  GString         *output,
                                                  gboolean        *closed);
void             dockyard_test_uncollect_tty     (DockyardTtyStream *stream,
                                                  GString         *output,
                                                  gboolean        *closed);
gboolean         dockyard_test_wait_until        (gboolean       (*done) (gpointer data),
                                                  gpointer         data,
                                                  guint            timeout_seconds);

G_END_DECLS
