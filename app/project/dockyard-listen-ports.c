/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "dockyard-listen-ports.h"

/* The TCP state LISTEN in /proc/net/tcp's "st" column. */
#define TCP_LISTEN 0x0A

static void
listen_port_clear (DockyardListenPort *port)
{
  g_clear_pointer (&port->address, g_free);
}

static gboolean
parse_hex (const char *text,
           gsize       length,
           guint8     *bytes)
{
  for (gsize i = 0; i < length; i += 2)
    {
      int high = g_ascii_xdigit_value (text[i]);
      int low = g_ascii_xdigit_value (text[i + 1]);

      if (high < 0 || low < 0)
        return FALSE;
      bytes[i / 2] = (guint8) (high << 4 | low);
    }
  return TRUE;
}

/* The kernel prints an address as 32-bit words, each with %08X in the
 * host's byte order; the engines Dockyard talks to run on little-endian
 * machines (x86-64, arm64), so each word's bytes come reversed. */
static GInetAddress *
parse_address (const char *text,
               gsize       length)
{
  guint8 raw[16];
  guint8 bytes[16];

  if ((length != 8 && length != 32) || !parse_hex (text, length, raw))
    return NULL;

  for (gsize word = 0; word < length / 8; word++)
    for (gsize i = 0; i < 4; i++)
      bytes[word * 4 + i] = raw[word * 4 + 3 - i];

  /* ::ffff:a.b.c.d is the IPv4 address a.b.c.d on a dual-stack socket. */
  if (length == 32)
    {
      static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

      if (memcmp (bytes, mapped, sizeof mapped) == 0)
        return g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
      return g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV6);
    }
  return g_inet_address_new_from_bytes (bytes, G_SOCKET_FAMILY_IPV4);
}

/* "   0: 0100007F:1F90 00000000:0000 0A ..." */
static gboolean
parse_line (const char           *line,
            GInetAddress        **address,
            guint16              *port)
{
  g_auto(GStrv) fields = NULL;
  g_autofree char *copy = g_strstrip (g_strdup (line));
  const char *local;
  const char *colon;
  const char *column[4] = { NULL, };
  guint64 state, number;
  guint n = 0;

  /* Empty fields between repeated blanks are skipped. */
  fields = g_strsplit_set (copy, " \t", -1);
  for (guint i = 0; fields[i] != NULL && n < G_N_ELEMENTS (column); i++)
    if (*fields[i] != '\0')
      column[n++] = fields[i];
  if (n < 4 || !g_str_has_suffix (column[0], ":"))
    return FALSE;

  if (!g_ascii_string_to_unsigned (column[3], 16, 0, 0xff, &state, NULL) || state != TCP_LISTEN)
    return FALSE;

  local = column[1];
  colon = strchr (local, ':');
  if (colon == NULL || strlen (colon + 1) != 4 ||
      !g_ascii_string_to_unsigned (colon + 1, 16, 1, G_MAXUINT16, &number, NULL))
    return FALSE;

  *address = parse_address (local, colon - local);
  if (*address == NULL)
    return FALSE;
  *port = (guint16) number;
  return TRUE;
}

static int
compare_ports (gconstpointer a,
               gconstpointer b)
{
  const DockyardListenPort *pa = a, *pb = b;

  return (int) pa->port - (int) pb->port;
}

/**
 * dockyard_listen_ports_parse:
 * @text: the contents of /proc/net/tcp and /proc/net/tcp6, one after the
 *   other (their header lines included)
 * @length: the length of @text, or -1 when it is NUL-terminated
 *
 * Finds the listening TCP sockets.  Lines that are not socket lines (the
 * headers, anything else) are skipped; at most %DOCKYARD_LISTEN_PORTS_MAX
 * ports are kept.
 *
 * Returns: (transfer full) (element-type DockyardListenPort): one element
 *   per port, ordered by port
 */
GArray *
dockyard_listen_ports_parse (const char *text,
                             gssize      length)
{
  g_autoptr(GArray) ports = g_array_new (FALSE, TRUE, sizeof (DockyardListenPort));
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;

  g_array_set_clear_func (ports, (GDestroyNotify) listen_port_clear);
  if (text == NULL)
    return g_steal_pointer (&ports);

  /* A NUL inside ends the text: what follows it is no /proc line. */
  copy = length < 0 ? g_strdup (text) : g_strndup (text, length);
  lines = g_strsplit (copy, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) address = NULL;
      DockyardListenScope scope;
      gboolean ipv4_loopback;
      DockyardListenPort *port;
      gpointer found;
      guint16 number;

      if (!parse_line (lines[i], &address, &number))
        continue;

      if (g_inet_address_get_is_any (address))
        scope = DOCKYARD_LISTEN_SCOPE_ALL;
      else if (g_inet_address_get_is_loopback (address))
        scope = DOCKYARD_LISTEN_SCOPE_LOOPBACK;
      else
        scope = DOCKYARD_LISTEN_SCOPE_ADDRESS;
      ipv4_loopback = scope == DOCKYARD_LISTEN_SCOPE_ALL ||
                      (scope == DOCKYARD_LISTEN_SCOPE_LOOPBACK &&
                       g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4);

      if (g_hash_table_lookup_extended (index, GUINT_TO_POINTER (number), NULL, &found))
        {
          port = &g_array_index (ports, DockyardListenPort, GPOINTER_TO_UINT (found));
          port->ipv4_loopback |= ipv4_loopback;
          if (scope <= port->scope)
            continue;
        }
      else
        {
          DockyardListenPort empty = { number, scope, NULL, ipv4_loopback };

          if (ports->len >= DOCKYARD_LISTEN_PORTS_MAX)
            continue;
          g_hash_table_insert (index, GUINT_TO_POINTER (number), GUINT_TO_POINTER (ports->len));
          g_array_append_val (ports, empty);
          port = &g_array_index (ports, DockyardListenPort, ports->len - 1);
        }

      port->scope = scope;
      g_free (port->address);
      port->address = g_inet_address_to_string (address);
    }

  g_array_sort (ports, compare_ports);
  return g_steal_pointer (&ports);
}
