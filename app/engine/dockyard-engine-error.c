/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-engine-error.h"

G_DEFINE_QUARK (dockyard-engine-error-quark, dockyard_engine_error)
