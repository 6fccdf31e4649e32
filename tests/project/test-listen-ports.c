/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Listening ports as Dockyard reads them from a container's
 * /proc/net/tcp and /proc/net/tcp6 (no engine here: the dev-ports test
 * reads a real container's). */
#include "config.h"

#include "dockyard-listen-ports.h"
#include "dockyard-test-utils.h"

#define TCP_HEADER \
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
#define TCP6_HEADER \
  "  sl  local_address                         remote_address                        st tx_queue " \
  "rx_queue tr tm->when retrnsmt   uid  timeout inode\n"

static const DockyardListenPort *
find (GArray  *ports,
      guint16  number)
{
  for (guint i = 0; i < ports->len; i++)
    if (g_array_index (ports, DockyardListenPort, i).port == number)
      return &g_array_index (ports, DockyardListenPort, i);
  return NULL;
}

static void
test_ipv4 (void)
{
  /* 0.0.0.0:8000 listening, 127.0.0.1:5432 listening, 127.0.0.1:47801
   * connected (state 01: not a listener), 10.1.2.3:9000 listening. */
  static const char text[] =
    TCP_HEADER
    "   0: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0\n"
    "   1: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0\n"
    "   2: 0100007F:BAB9 0100007F:1538 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 20 4 30 10 -1\n"
    "   3: 0302010A:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0\n";
  g_autoptr(GArray) ports = dockyard_listen_ports_parse (text, -1);
  const DockyardListenPort *port;

  g_assert_cmpuint (ports->len, ==, 3);
  /* Ordered by port. */
  g_assert_cmpuint (g_array_index (ports, DockyardListenPort, 0).port, ==, 5432);
  g_assert_cmpuint (g_array_index (ports, DockyardListenPort, 1).port, ==, 8000);
  g_assert_cmpuint (g_array_index (ports, DockyardListenPort, 2).port, ==, 9000);

  port = find (ports, 8000);
  g_assert_cmpint (port->scope, ==, DOCKYARD_LISTEN_SCOPE_ALL);
  g_assert_cmpstr (port->address, ==, "0.0.0.0");
  g_assert_true (port->ipv4_loopback);

  port = find (ports, 5432);
  g_assert_cmpint (port->scope, ==, DOCKYARD_LISTEN_SCOPE_LOOPBACK);
  g_assert_cmpstr (port->address, ==, "127.0.0.1");
  g_assert_true (port->ipv4_loopback);

  port = find (ports, 9000);
  g_assert_cmpint (port->scope, ==, DOCKYARD_LISTEN_SCOPE_ADDRESS);
  g_assert_cmpstr (port->address, ==, "10.1.2.3");
  g_assert_false (port->ipv4_loopback);

  g_assert_null (find (ports, 47801));
}

static void
test_ipv6 (void)
{
  /* [::]:8888, [::1]:3000, ::ffff:127.0.0.1:5000 (a dual-stack socket
   * bound to the IPv4 loopback), fe80::1:4000. */
  static const char text[] =
    TCP6_HEADER
    "   0: 00000000000000000000000000000000:22B8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5 1 0 100 0 0 10 0\n"
    "   1: 00000000000000000000000001000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 6 1 0 100 0 0 10 0\n"
    "   2: 0000000000000000FFFF00000100007F:1388 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 7 1 0 100 0 0 10 0\n"
    "   3: 000080FE000000000000000001000000:0FA0 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 8 1 0 100 0 0 10 0\n";
  g_autoptr(GArray) ports = dockyard_listen_ports_parse (text, -1);
  const DockyardListenPort *port;

  g_assert_cmpuint (ports->len, ==, 4);

  port = find (ports, 8888);
  g_assert_cmpint (port->scope, ==, DOCKYARD_LISTEN_SCOPE_ALL);
  g_assert_cmpstr (port->address, ==, "::");
  g_assert_true (port->ipv4_loopback);

  port = find (ports, 3000);
  g_assert_cmpint (port->scope, ==, DOCKYARD_LISTEN_SCOPE_LOOPBACK);
  g_assert_cmpstr (port->address, ==, "::1");
  g_assert_false (port->ipv4_loopback);

  port = find (ports, 5000);
  g_assert_cmpint (port->scope, ==, DOCKYARD_LISTEN_SCOPE_LOOPBACK);
  g_assert_cmpstr (port->address, ==, "127.0.0.1");
  g_assert_true (port->ipv4_loopback);

  port = find (ports, 4000);
  g_assert_cmpint (port->scope, ==, DOCKYARD_LISTEN_SCOPE_ADDRESS);
  g_assert_cmpstr (port->address, ==, "fe80::1");
}

static void
test_duplicates (void)
{
  /* One port on 127.0.0.1 and on ::1 (loopback), another on 127.0.0.1 and
   * on :: (every interface wins, whatever the order), the same line twice. */
  static const char text[] =
    TCP_HEADER
    "   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n"
    "   1: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 2 1\n"
    "   2: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 2 1\n"
    TCP6_HEADER
    "   0: 00000000000000000000000001000000:0BB8 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 3 1\n"
    "   1: 00000000000000000000000000000000:1F40 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 4 1\n";
  g_autoptr(GArray) ports = dockyard_listen_ports_parse (text, -1);
  const DockyardListenPort *port;

  g_assert_cmpuint (ports->len, ==, 2);

  port = find (ports, 3000);
  g_assert_cmpint (port->scope, ==, DOCKYARD_LISTEN_SCOPE_LOOPBACK);
  g_assert_cmpstr (port->address, ==, "127.0.0.1");
  g_assert_true (port->ipv4_loopback);

  port = find (ports, 8000);
  g_assert_cmpint (port->scope, ==, DOCKYARD_LISTEN_SCOPE_ALL);
  g_assert_cmpstr (port->address, ==, "::");
  g_assert_true (port->ipv4_loopback);
}

static void
test_garbage (void)
{
  static const char * const texts[] = {
    "",
    "\n\n\n",
    "cat: /proc/net/tcp6: No such file or directory\r\n",
    /* Not hex, too short, a port 0, an address of the wrong length, no
     * colon, a state that is no number, a truncated line. */
    "   0: 0100007G:1F40 00000000:0000 0A\n"
    "   1: 0100007F:1F4 00000000:0000 0A\n"
    "   2: 0100007F:0000 00000000:0000 0A\n"
    "   3: 01007F:1F40 00000000:0000 0A\n"
    "   4: 0100007F1F40 00000000:0000 0A\n"
    "   5: 0100007F:1F40 00000000:0000 ZZ\n"
    "   6: 0100007F:1F40\n"
    "0100007F:1F40 00000000:0000 0A 00000000:00000000\n",
  };
  /* A NUL ends the text; what follows is not read. */
  static const char with_nul[] =
    "   0: 0100007F:1F40 00000000:0000 0A 0 0\n\0   1: 0100007F:1F41 00000000:0000 0A 0 0\n";
  g_autoptr(GArray) empty = NULL;
  g_autoptr(GArray) cut = NULL;
  g_autoptr(GString) many = g_string_new (NULL);
  g_autoptr(GArray) bounded = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GArray) ports = dockyard_listen_ports_parse (texts[i], -1);

      g_assert_cmpuint (ports->len, ==, 0);
    }
  empty = dockyard_listen_ports_parse (NULL, 0);
  g_assert_cmpuint (empty->len, ==, 0);

  cut = dockyard_listen_ports_parse (with_nul, sizeof with_nul - 1);
  g_assert_cmpuint (cut->len, ==, 1);
  g_assert_cmpuint (g_array_index (cut, DockyardListenPort, 0).port, ==, 8000);

  /* Every port listening: at most DOCKYARD_LISTEN_PORTS_MAX are kept. */
  for (guint port = 1; port <= 5000; port++)
    g_string_append_printf (many, "%5u: 00000000:%04X 00000000:0000 0A 0 0\n", port, port);
  bounded = dockyard_listen_ports_parse (many->str, many->len);
  g_assert_cmpuint (bounded->len, ==, DOCKYARD_LISTEN_PORTS_MAX);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/listen-ports/ipv4", test_ipv4);
  g_test_add_func ("/listen-ports/ipv6", test_ipv6);
  g_test_add_func ("/listen-ports/duplicates", test_duplicates);
  g_test_add_func ("/listen-ports/garbage", test_garbage);

  return g_test_run ();
}
