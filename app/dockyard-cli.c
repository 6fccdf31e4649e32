/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LEAD-TEMP: replaced by the Dockerfile engine work (issue 3). */
#include "config.h"

#include "dockyard-cli.h"

int
dockyard_cli_check (const char * const *paths,
                    gboolean            fix)
{
  return 2;
}

int
dockyard_cli_init (const char *dir,
                   const char *base_image)
{
  return 2;
}
