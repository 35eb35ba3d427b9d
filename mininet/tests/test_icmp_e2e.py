"""End-to-end ICMP through flowmasq (RFC 5508): ping, traceroute in UDP and
ICMP mode, and path-MTU discovery across the 1400-byte link behind ext.

Same rules as test_e2e.py: the real controller jar, OVS userspace datapath,
Mininet hosts; the topology starts once per OpenFlow version for this module;
a missing prerequisite fails, never skips.  ``far`` (198.51.100.20) sits
behind ext, which routes and whose interface towards far has MTU 1400.
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

from flowmasq_topo import EXT_IP, FAR_IP, FAR_LINK_MTU, H1_IP  # noqa: E402
from flowmasq_topo import INSIDE_GATEWAY, OUTSIDE_ADDRESS  # noqa: E402
from test_e2e import diag, fm  # noqa: E402,F401  (module-scoped fixture)


def _loss(ping_output):
    m = re.search(r'(\d+)% packet loss', ping_output)
    return int(m.group(1)) if m else None


def _counter(fm, name):
    return fm.stats().get('counters', {}).get(name, 0)


def test_ping_through_the_nat_and_to_the_gateway(fm):
    """ping from inside to the outside host, to the host behind the router,
    and to the gateway itself; ping from outside to the public address."""
    with diag(fm, 'ping'):
        for host, dst in (('h1', EXT_IP), ('h1', FAR_IP), ('h2', EXT_IP),
                          ('h1', INSIDE_GATEWAY), ('h1', OUTSIDE_ADDRESS),
                          ('ext', OUTSIDE_ADDRESS)):
            out, err, rc = fm.pexec(host, ['ping', '-n', '-c', '3', '-i', '0.2',
                                           '-W', '2', dst], timeout=20)
            print('%s -> %s: %s' % (host, dst, out.strip().splitlines()[-2:]))
            assert rc == 0 and _loss(out) == 0, \
                'ping %s -> %s lost packets:\n%s%s' % (host, dst, out, err)
        assert _counter(fm, 'nat.icmp.echo_out') >= 9
        assert _counter(fm, 'nat.icmp.echo_in') >= 9


def test_outside_sees_only_the_public_address_for_icmp(fm):
    """The echo requests reach ext from 203.0.113.1, never from 10.0.0.x."""
    with diag(fm, 'icmp capture'):
        cap = fm.popen('ext', ['tcpdump', '-l', '-n', '--immediate-mode',
                               '-c', '2', '-i', 'ext-eth0', 'icmp'])
        fm.pexec('ext', ['sleep', '1'])
        fm.pexec('h1', ['ping', '-n', '-c', '2', '-i', '0.2', EXT_IP])
        out, _ = cap.communicate(timeout=10)
        text = out.decode()
        print(text)
        assert re.search(r'IP %s > %s: ICMP echo request' % (
            re.escape(OUTSIDE_ADDRESS), re.escape(EXT_IP)), text), text
        assert '10.0.0.' not in text, text


def _hops(output):
    hops = {}
    for line in output.splitlines():
        m = re.match(r'\s*(\d+)\s+(\S+)', line)
        if m and m.group(2) != '*':
            hops[int(m.group(1))] = m.group(2)
    return hops


def test_traceroute_udp_and_icmp_modes(fm):
    """Three hops: the gateway (time exceeded from the controller), ext
    (its time exceeded translated back through the NAT), far (port
    unreachable / echo reply translated back)."""
    with diag(fm, 'traceroute'):
        for mode in ([], ['-I']):
            out, err, rc = fm.pexec('h1', ['traceroute', '-n', '-q', '1', '-N', '1',
                                           '-w', '2', '-m', '5'] + mode + [FAR_IP],
                                    timeout=40)
            print('traceroute %s:\n%s%s' % (' '.join(mode) or 'udp', out, err))
            assert rc == 0, err
            hops = _hops(out)
            assert hops.get(1) == INSIDE_GATEWAY, hops
            assert hops.get(2) == EXT_IP, hops
            assert hops.get(3) == FAR_IP, hops
        assert _counter(fm, 'nat.icmp.time_exceeded_sent') >= 2
        assert _counter(fm, 'nat.icmp.error_in') >= 3


def test_ttl_expiry_on_an_installed_binding_flow(fm):
    """Once a binding's flows are in the switch, a TTL-1 packet of that
    flow dies in the switch's dec_ttl; the switch must punt it (OF1.3 async
    config / OF1.0 SET_CONFIG flag) so the gateway still answers.

    All probes go to one destination port (-U -p): with the default
    address-and-port-dependent filtering, probes to increasing ports would
    each open a new session through the controller instead of using the
    installed flow."""
    with diag(fm, 'ttl on binding flow'):
        args = ['traceroute', '-n', '-q', '1', '-N', '1', '-w', '2', '-m', '3',
                '-U', '-p', '33434', '--sport=45000', FAR_IP]
        first, _, _ = fm.pexec('h1', args, timeout=30)
        assert fm.find_bindings('udp', H1_IP, 45000), fm.bindings()
        before = _counter(fm, 'nat.icmp.time_exceeded_sent')
        out, err, rc = fm.pexec('h1', args, timeout=30)
        print('first run:\n%s\nsecond run:\n%s%s' % (first, out, err))
        hops = _hops(out)
        assert hops.get(2) == EXT_IP and hops.get(3) == FAR_IP, out
        if fm.of_version == 'OpenFlow13':
            assert hops.get(1) == INSIDE_GATEWAY, out
            assert _counter(fm, 'nat.icmp.time_exceeded_sent') > before
        else:
            # OpenFlow 1.0 cannot ask OVS to punt TTL-expired packets (README,
            # "ICMP"): the switch drops them, and the gateway hop shows '*'.
            assert 1 not in hops, 'OF1.0 unexpectedly punted TTL-expired packets: %s' % out


def test_path_mtu_discovery_across_a_smaller_link(fm):
    """h1 uploads 2 MB to far with DF set (Linux TCP default); ext cannot
    forward 1500-byte packets onto its 1400-byte link and sends
    'fragmentation needed' to 203.0.113.1; the controller translates it to
    h1, whose kernel lowers the path MTU; the upload completes intact."""
    with diag(fm, 'pmtu'):
        port = 9100
        src = fm.workdir / 'upload.bin'
        dst = fm.workdir / 'received.bin'
        src.write_bytes(os.urandom(2 * 1024 * 1024))
        fm.pexec('h1', ['ip', 'route', 'flush', 'cache'])
        before = _counter(fm, 'nat.icmp.error_in')
        srv = fm.popen('far', ['socat', '-u', 'TCP4-LISTEN:%d,reuseaddr' % port,
                               'OPEN:%s,creat,trunc' % dst])
        try:
            fm.wait_listening('far', port)
            out, err, rc = fm.pexec('h1', ['socat', '-u', 'OPEN:%s' % src,
                                           'TCP4:%s:%d' % (FAR_IP, port)],
                                    timeout=60)
            assert rc == 0, 'upload failed: %s%s' % (out, err)
            srv.wait(timeout=20)
        finally:
            fm.kill(srv)
        assert dst.read_bytes() == src.read_bytes(), 'upload corrupted'
        route, _, _ = fm.pexec('h1', ['ip', 'route', 'get', FAR_IP])
        print('h1$ ip route get %s: %s' % (FAR_IP, route.strip()))
        assert 'mtu %d' % FAR_LINK_MTU in route, \
            'h1 did not learn the path MTU: %s' % route
        assert _counter(fm, 'nat.icmp.error_in') > before
        assert H1_IP  # the inside host did the upload
