/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-build.h"
#include "dockyard-engine.h"

G_BEGIN_DECLS

/* What every build test has: an engine, a context folder, the tar(1) that
 * streams it, and the tag the build makes (removed again at the end). */
typedef struct
{
  DockyardEngine *engine;
  char           *dir;
  GSubprocess    *tar;
  char           *tag;
} BuildFixture;

void          build_fixture_init           (BuildFixture   *fixture,
                                            DockyardEngine *engine,
                                            const char     *prefix,
                                            char           *tag);
void          build_fixture_clear          (BuildFixture   *fixture);
void          build_fixture_write_file     (BuildFixture   *fixture,
                                            const char     *name,
                                            const char     *contents);
GInputStream *build_fixture_context_stream (BuildFixture   *fixture);
char         *build_fixture_run            (BuildFixture   *fixture,
                                            DockyardBuild  *build,
                                            GError        **error);
char              *build_fixture_failing_dockerfile (const char    *base,
                                                    const char    *more);
DockyardBuildStep *build_fixture_assert_failed_run  (DockyardBuild *build);

G_END_DECLS
