/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOCKYARD_ENGINE_ERROR (dockyard_engine_error_quark ())

/**
 * DockyardEngineError:
 * @DOCKYARD_ENGINE_ERROR_NO_ENGINE: no engine answers on any socket tried
 * @DOCKYARD_ENGINE_ERROR_PERMISSION_DENIED: the socket exists but we may not connect
 * @DOCKYARD_ENGINE_ERROR_TOO_OLD: the engine's API version is below what Dockyard needs
 * @DOCKYARD_ENGINE_ERROR_BAD_REQUEST: the engine rejected the request (HTTP 400)
 * @DOCKYARD_ENGINE_ERROR_NOT_FOUND: no such image, container or endpoint (HTTP 404)
 * @DOCKYARD_ENGINE_ERROR_CONFLICT: the object is in the wrong state or the name is taken (HTTP 409)
 * @DOCKYARD_ENGINE_ERROR_SERVER_ERROR: the engine failed (HTTP 5xx)
 * @DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE: the answer is not what the API promises
 * @DOCKYARD_ENGINE_ERROR_DISCONNECTED: the connection broke while talking to the engine
 * @DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT: an endpoint URI Dockyard cannot use
 * @DOCKYARD_ENGINE_ERROR_TIMED_OUT: the engine took the request but did not answer in time
 * @DOCKYARD_ENGINE_ERROR_TLS: the TLS connection to an engine on the network failed: its
 *   certificate is not trusted, or it refused Dockyard's
 *
 * The message of an error from the engine is the engine's own message.
 */
typedef enum
{
  DOCKYARD_ENGINE_ERROR_NO_ENGINE,
  DOCKYARD_ENGINE_ERROR_PERMISSION_DENIED,
  DOCKYARD_ENGINE_ERROR_TOO_OLD,
  DOCKYARD_ENGINE_ERROR_BAD_REQUEST,
  DOCKYARD_ENGINE_ERROR_NOT_FOUND,
  DOCKYARD_ENGINE_ERROR_CONFLICT,
  DOCKYARD_ENGINE_ERROR_SERVER_ERROR,
  DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
  DOCKYARD_ENGINE_ERROR_DISCONNECTED,
  DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
  DOCKYARD_ENGINE_ERROR_TIMED_OUT,
  DOCKYARD_ENGINE_ERROR_TLS,
} DockyardEngineError;

GQuark   dockyard_engine_error_quark (void);

G_END_DECLS
