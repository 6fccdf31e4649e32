/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * DockyardCheckFormat:
 * @DOCKYARD_CHECK_FORMAT_TEXT: GCC style, one finding a line
 * @DOCKYARD_CHECK_FORMAT_JSON: one JSON object with the findings and a summary
 * @DOCKYARD_CHECK_FORMAT_SARIF: SARIF 2.1.0
 */
typedef enum
{
  DOCKYARD_CHECK_FORMAT_TEXT,
  DOCKYARD_CHECK_FORMAT_JSON,
  DOCKYARD_CHECK_FORMAT_SARIF,
} DockyardCheckFormat;

int dockyard_cli_check (const char * const *paths,
                        gboolean            fix,
                        DockyardCheckFormat format);
int dockyard_cli_init  (const char         *dir,
                        const char         *base_image);

G_END_DECLS
