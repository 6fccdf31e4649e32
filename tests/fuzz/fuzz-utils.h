/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/* A critical is a bug in what reads the engine's answers (e.g. json-glib
 * handed a NULL node): make it a crash the fuzzer reports.  Called at the
 * start of every run; takes effect once. */
static inline void
fuzz_make_criticals_fatal (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
      g_once_init_leave (&done, 1);
    }
}
