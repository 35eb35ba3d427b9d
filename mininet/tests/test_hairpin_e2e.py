"""End-to-end hairpinning (RFC 4787 REQ-9, RFC 5382 REQ-8): inside hosts
reach each other through their public endpoints, and each sees the other's
*external* address and port as the source.

Same rules as test_e2e.py; this module runs its own topology per OpenFlow
version with the default (RFC) timers, so bindings do not expire mid-test.
"""

import os
import re
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

import flowmasq_net as fnet  # noqa: E402
from conftest import flowmasq_per_version  # noqa: E402
from flowmasq_topo import EXT_IP, H2_IP, OUTSIDE_ADDRESS  # noqa: E402
from test_e2e import diag  # noqa: E402

pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning')


net = flowmasq_per_version()


def _public_port(net, proto, inside_port):
    bs = net.find_bindings(proto, H2_IP, inside_port)
    assert len(bs) == 1, 'expected a %s binding for %s:%d: %s' % (
        proto, H2_IP, inside_port, net.bindings())
    assert bs[0]['public_address'] == OUTSIDE_ADDRESS, bs
    return int(bs[0]['public_port'])


def test_udp_hairpin(net):
    """h2 talks to the outside from port 7000, then serves on it; h1 sends to
    h2's public endpoint and gets the answer; h2 saw 203.0.113.1 as source."""
    with diag(net, 'udp hairpin'):
        ext_echo = net.start_udp_echo(7777)
        try:
            reply, _, raw = net.udp_request('h2', EXT_IP, 7777, 'punch', sport=7000)
            assert reply == 'punch', raw
        finally:
            net.kill(ext_echo)
        public = _public_port(net, 'udp', 7000)
        script = net.script('udp_echo_h2.py', fnet.UDP_ECHO_SERVER)
        server = net.popen('h2', ['/usr/bin/python3', '-u', script, H2_IP, '7000'])
        try:
            net.wait_listening('h2', 7000, proto='udp')
            reply, peer, raw = net.udp_request('h1', OUTSIDE_ADDRESS, public,
                                               'hairpin-udp', sport=5000)
            assert reply == 'hairpin-udp', raw
            assert peer == '%s:%d' % (OUTSIDE_ADDRESS, public), \
                'h1 must see the reply from h2\'s public endpoint: %s' % peer
        finally:
            net.kill(server)
        seen = server.stdout.read().decode()
        print('h2 saw:\n%s' % seen)
        assert re.search(r'from %s:\d+ ' % re.escape(OUTSIDE_ADDRESS), seen), seen
        assert '10.0.0.11' not in seen, seen


def test_tcp_hairpin(net):
    """h2 opens a TCP connection to the outside from port 8080 (a binding,
    kept while closing), then listens on 8080; h1 connects to h2's public endpoint and h2's
    server sees 203.0.113.1 as the peer."""
    with diag(net, 'tcp hairpin'):
        # The client aborts with RST (SO_LINGER 0) so that port 8080 is free
        # for the listener at once (a FIN close would leave it in TIME_WAIT).
        http, _, _ = net.start_http_server(port=8000, size=1024, name='small.bin')
        client = ('import socket, struct\n'
                  's = socket.socket()\n'
                  's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n'
                  's.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))\n'
                  's.bind(("%s", 8080))\n'
                  's.connect(("%s", 8000))\n'
                  's.sendall(b"GET /small.bin HTTP/1.0\\r\\n\\r\\n")\n'
                  'print(s.recv(64).split(b"\\r\\n")[0].decode())\n'
                  's.close()\n' % (H2_IP, EXT_IP))
        try:
            out, err, rc = net.pexec('h2', ['/usr/bin/python3', '-c', client], timeout=15)
            assert rc == 0 and out.startswith('HTTP/1.0 200'), out + err
        finally:
            net.kill(http)
        public = _public_port(net, 'tcp', 8080)
        server = net.popen('h2', ['socat', 'TCP4-LISTEN:8080,reuseaddr',
                                  'SYSTEM:echo peer=$SOCAT_PEERADDR port=$SOCAT_PEERPORT'])
        try:
            net.wait_listening('h2', 8080)
            out, err, rc = net.pexec('h1', ['socat', '-T', '5', '-',
                                            'TCP4:%s:%d' % (OUTSIDE_ADDRESS, public)],
                                     timeout=15)
            print('h1 got: %r %r' % (out, err))
            assert rc == 0, err
            assert re.match(r'peer=%s port=\d+$' % re.escape(OUTSIDE_ADDRESS), out.strip()), \
                'the server must see the NAT\'s public address: %r' % out
        finally:
            net.kill(server)
        counters = net.stats().get('counters', {})
        assert counters.get('nat.hairpin.created', 0) >= 1, counters
