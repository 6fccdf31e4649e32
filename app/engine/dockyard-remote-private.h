/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* How an engine that is not a local unix socket is reached: parsed from a
 * tcp:// address and the docker CLI's TLS variables. */
typedef struct _DockyardRemote
{
  char               *address;      /* tcp://HOST:PORT, as shown to the user */
  GSocketConnectable *connectable;
  GTlsDatabase       *tls_database; /* NULL: plain TCP (loopback only) */
  GTlsCertificate    *tls_certificate;
  char               *tls_folder;   /* where ca.pem, cert.pem and key.pem were looked for */
  gboolean            loopback;
  GObject            *tunnel;       /* the DockyardSshTunnel of an ssh:// engine */
} DockyardRemote;

void             _dockyard_remote_clear              (DockyardRemote   *remote);
gboolean         _dockyard_remote_parse_tcp          (const char       *uri,
                                                      const char       *tls_verify,
                                                      const char       *cert_path,
                                                      DockyardRemote   *remote,
                                                      GError          **error);
gboolean         _dockyard_remote_open_ssh           (const char       *uri,
                                                      DockyardRemote   *remote,
                                                      GError          **error);
char            *_dockyard_remote_dup_ssh_error      (const DockyardRemote *remote);
GTlsInteraction *_dockyard_client_cert_interaction_new (GTlsCertificate *certificate);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DockyardRemote, _dockyard_remote_clear)

G_END_DECLS
