"""End-to-end tests: the real controller, Open vSwitch (userspace datapath)
and Mininet hosts.

Run as root with Debian's Python (it has the mininet package)::

    make build && /usr/bin/python3 -m pytest -v mininet/tests

The topology (see ``mininet/flowmasq_topo.py``) is started once per OpenFlow
version (OF1.3 and OF1.0).  All traffic stays inside the Mininet hosts'
namespaces: inside 10.0.0.0/24, outside 203.0.113.0/24.  A test that cannot
run (not root, no OVS, no mininet, no controller jar) fails -- it never skips.

Set FLOWMASQ_KEEP=1 to keep the work directory (controller log, config,
captures) of a passing run; a failing run always keeps it.
"""

import contextlib
import os
import re
import select
import subprocess
import sys
import time
import uuid

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

import flowmasq_net as fnet  # noqa: E402
from flowmasq_net import FlowmasqNet  # noqa: E402
from flowmasq_topo import (EXT_IP, H1_IP, H2_IP, OUTSIDE_ADDRESS,  # noqa: E402
                           OUTSIDE_MAC, OUTSIDE_PORT)

# mininet's own distutils.StrictVersion use is noise here
pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning')

UDP_IDLE_TIMEOUT = 3
MB10 = 10 * 1024 * 1024


@pytest.fixture(scope='module', params=['OpenFlow13', 'OpenFlow10'],
                ids=['of13', 'of10'])
def fm(request):
    """Controller + topology for one OpenFlow version (started once)."""
    net = FlowmasqNet(of_version=request.param, udp_timeout=UDP_IDLE_TIMEOUT)
    problem = None
    try:
        net.start()
    except Exception as e:  # pylint: disable=broad-except
        problem = e
    if problem is not None:
        # FAIL (never skip) with the reason and the controller log tail
        pytest.fail('could not bring up flowmasq (%s): %s'
                    % (request.param, problem), pytrace=False)
    print('\n[flowmasq %s] bridge %s, OpenFlow port %d, REST %s, workdir %s'
          % (net.of_version, net.switch_name, net.of_port, net.rest_url,
             net.workdir))
    yield net
    net.stop()
    if net.failed:
        print('[flowmasq %s] kept work directory %s'
              % (net.of_version, net.workdir))


@contextlib.contextmanager
def diag(fm, what):
    """On any failure inside, print diagnostics (controller log, flows,
    REST state) and keep the work directory."""
    try:
        yield
    except BaseException:
        fm.failed = True
        print('\n##### %s failed (%s) #####' % (what, fm.of_version))
        print(fm.diagnostics())
        raise


def _cookie(value):
    if isinstance(value, int):
        return value
    return int(str(value), 16) if str(value).startswith('0x') else int(value)


def _mentions_port(flow, port):
    """Does the flow's match or actions mention this L4 port?"""
    text = flow['match'] + ' ' + flow['actions']
    return re.search(r'(?:tp_src|tp_dst|udp_src|udp_dst|tcp_src|tcp_dst)'
                     r'=%d\b|[:=]%d->(?:tp|udp|tcp)_(?:src|dst)\b'
                     r'|mod_tp_(?:src|dst):%d\b' % (port, port, port),
                     text) is not None


# --------------------------------------------------------------------------

def test_pipeline_ready(fm):
    """The switch is connected and the base pipeline is installed."""
    with diag(fm, 'pipeline'):
        status, body = fm.health()
        assert status == 200 and body.get('ready') is True, (status, body)
        flows = fm.flows()
        drops = [f for f in flows if f['priority'] == 0]
        assert drops, 'no priority-0 (table-miss) flow installed'
        assert any(f['actions'] == 'drop' for f in drops), \
            'no priority-0 drop flow: %s' % [f['line'] for f in drops]
        arp = [f for f in flows if 'arp' in f['match'] and
               'controller' in f['actions'].lower()]
        assert arp, 'no ARP -> controller flow for the gateway addresses'


def test_http_download_10mb(fm):
    """A 10 MB HTTP download from ext to h1 arrives intact."""
    with diag(fm, 'http download'):
        server, path, digest = fm.start_http_server(port=8000, size=MB10,
                                                    name='file.bin')
        out = fm.workdir / 'download-h1.bin'
        try:
            rc, summary = fm.http_download(
                'h1', 'http://%s:8000/file.bin' % EXT_IP, out, timeout=120)
            print('curl: rc=%s %s' % (rc, summary))
            assert rc == 0, 'curl failed (rc=%s): %s' % (rc, summary)
            assert out.exists(), 'nothing downloaded'
            size = out.stat().st_size
            got = fnet.sha256_file(out)
            print('sent     %d bytes sha256 %s' % (MB10, digest))
            print('received %d bytes sha256 %s' % (size, got))
            assert size == MB10, 'size %d != %d' % (size, MB10)
            assert got == digest, 'sha256 mismatch'
        finally:
            fm.kill(server)
        log = server.stdout.read().decode('utf-8', 'replace')
        print('http.server log:\n' + log[-1000:])
        assert re.search(r'^%s - - .*"GET /file.bin' % re.escape(
            OUTSIDE_ADDRESS), log, re.M), \
            'ext did not see the request coming from %s' % OUTSIDE_ADDRESS
        assert H1_IP not in log
        tcp = fm.find_bindings('tcp', H1_IP)
        assert tcp, 'controller holds no TCP binding for %s: %s' % (
            H1_IP, fm.bindings())
        assert all(b.get('public_address') == OUTSIDE_ADDRESS for b in tcp), tcp


def test_iperf3_tcp(fm):
    """iperf3 TCP for 5 s, h1 -> ext, completes and moves bytes."""
    with diag(fm, 'iperf3'):
        rc, data, raw = fm.iperf(client='h1', seconds=5, port=5201)
        assert data is not None, 'iperf3 gave no JSON (rc=%s): %s' % (
            rc, raw[-2000:])
        assert 'error' not in data, 'iperf3 error: %s' % data.get('error')
        assert rc == 0, 'iperf3 rc=%s' % rc
        recv = data['end']['sum_received']
        sent = data['end']['sum_sent']
        print('iperf3: sent %d bytes, received %d bytes in %.1f s, %.1f Mbit/s'
              % (sent['bytes'], recv['bytes'], recv['seconds'],
                 recv['bits_per_second'] / 1e6))
        assert recv['bytes'] > 0, 'iperf3 received 0 bytes'
        assert recv['seconds'] >= 4.0, 'iperf3 ended early: %s' % recv


def test_udp_request_response(fm):
    """A UDP request from h2 gets the exact reply back through the NAT."""
    with diag(fm, 'udp request/response'):
        server = fm.start_udp_echo(port=7777)
        payload = 'flowmasq-' + uuid.uuid4().hex
        try:
            reply, peer, raw = fm.udp_request('h2', EXT_IP, 7777, payload,
                                              wait=3.0)
            print('udp client: %s' % raw)
            assert reply == payload, 'no/wrong reply: %r' % raw
            assert peer == '%s:7777' % EXT_IP, peer
        finally:
            fm.kill(server)
        log = server.stdout.read().decode('utf-8', 'replace')
        print('echo server log:\n' + log)
        assert ('from %s:' % OUTSIDE_ADDRESS) in log, \
            'ext did not see the datagram from %s' % OUTSIDE_ADDRESS
        assert H2_IP not in log
        assert fm.find_bindings('udp', H2_IP), \
            'no UDP binding for %s: %s' % (H2_IP, fm.bindings())


def test_capture_sees_only_public_address(fm):
    """tcpdump on ext: only 203.0.113.1 / 203.0.113.10 ever appear."""
    with diag(fm, 'capture'):
        cap, pcap = fm.start_capture('ext', name='ext.pcap')
        server, path, digest = fm.start_http_server(port=8001, size=200000,
                                                    name='small.bin')
        echo = fm.start_udp_echo(port=7778)
        try:
            rc, summary = fm.http_download(
                'h1', 'http://%s:8001/small.bin' % EXT_IP,
                fm.workdir / 'small-h1.bin', timeout=30)
            assert rc == 0, 'curl failed: %s' % summary
            reply, _, raw = fm.udp_request('h2', EXT_IP, 7778, 'capture-udp')
            assert reply == 'capture-udp', raw
        finally:
            lines = fm.stop_capture(cap, pcap)
            fm.kill(server)
            fm.kill(echo)
        pkts = fnet.ipv4_packets(lines)
        print('%d packets captured on ext-eth0, %d IPv4; first lines:\n%s'
              % (len(lines), len(pkts), '\n'.join(lines[:8])))
        assert pkts, 'no IPv4 packets captured'
        leaks = [l for l in lines if '10.0.0.' in l]
        assert not leaks, 'inside addresses leaked to the outside:\n%s' % (
            '\n'.join(leaks[:20]))
        allowed = {OUTSIDE_ADDRESS, EXT_IP}
        bad = [p for p in pkts if p[0] not in allowed or p[2] not in allowed]
        assert not bad, 'unexpected addresses: %s' % bad[:20]
        from_nat = [p for p in pkts if p[0] == OUTSIDE_ADDRESS]
        assert from_nat, 'no packet from %s seen' % OUTSIDE_ADDRESS
        assert any(p[4].startswith('Flags') for p in from_nat), \
            'no TCP from %s' % OUTSIDE_ADDRESS
        assert any(p[4].startswith('UDP') for p in from_nat), \
            'no UDP from %s' % OUTSIDE_ADDRESS


def test_udp_binding_expires(fm):
    """A UDP binding and its two flows vanish after the idle timeout and
    come back with new traffic."""
    sport = 45555
    with diag(fm, 'udp expiry'):
        echo = fm.start_udp_echo(port=7779)
        try:
            reply, _, raw = fm.udp_request('h1', EXT_IP, 7779, 'expiry-1',
                                           sport=sport)
            t_sent = time.monotonic()
            assert reply == 'expiry-1', 'no reply: %s' % raw
            bs = fm.find_bindings('udp', H1_IP, sport)
            assert len(bs) == 1, 'expected one udp binding for %s:%d, got %s' \
                % (H1_IP, sport, fm.bindings())
            b = bs[0]
            print('binding: %s' % b)
            assert b.get('public_address') == OUTSIDE_ADDRESS, b
            assert b['idle_timeout_seconds'] == UDP_IDLE_TIMEOUT, b
            cookie = _cookie(b['cookie'])
            pub_port = int(b['public_port'])
            flows = fm.flows()
            mine = [f for f in flows if f['cookie'] == cookie]
            print('flows with cookie %#x:\n%s' % (
                cookie, '\n'.join(f['line'] for f in mine)))
            assert len(mine) == 2, \
                'expected 2 flows with the binding cookie %#x, got %d' % (
                    cookie, len(mine))
            outbound = [f for f in mine
                        if 'nw_src=%s' % H1_IP in f['match'] and
                        re.search(r'(?:tp|udp)_src=%d\b' % sport, f['match'])]
            inbound = [f for f in mine
                       if 'nw_dst=%s' % OUTSIDE_ADDRESS in f['match'] and
                       'in_port=%d' % OUTSIDE_PORT in f['match'] and
                       re.search(r'(?:tp|udp)_dst=%d\b' % pub_port,
                                 f['match'])]
            assert len(outbound) == 1, 'no outbound rewrite flow'
            assert len(inbound) == 1, 'no inbound rewrite flow'
            assert OUTSIDE_ADDRESS in outbound[0]['actions'], outbound
            assert H1_IP in inbound[0]['actions'], inbound

            # no traffic now: the switch's idle timeout must end it all
            deadline = t_sent + 15.0
            gone_at = None
            while time.monotonic() < deadline:
                still_b = fm.find_bindings('udp', H1_IP, sport)
                still_f = [f for f in fm.flows()
                           if f['cookie'] == cookie or
                           _mentions_port(f, sport) or
                           _mentions_port(f, pub_port)]
                if not still_b and not still_f:
                    gone_at = time.monotonic() - t_sent
                    break
                time.sleep(0.5)
            assert gone_at is not None, (
                'after %.0f s without traffic: bindings %s, flows %s' % (
                    time.monotonic() - t_sent, still_b,
                    [f['line'] for f in still_f]))
            print('binding and flows gone %.1f s after the last packet'
                  % gone_at)
            assert gone_at >= UDP_IDLE_TIMEOUT - 1, \
                'binding vanished too early (%.1f s)' % gone_at

            # New traffic from the same endpoint: a binding again, and the
            # reply to its very first packet arrives.  The old public port is
            # cooling down (a freed port is not handed out again at once), so
            # no stale datapath flow of the old binding can swallow the reply.
            reply, _, raw = fm.udp_request('h1', EXT_IP, 7779, 'expiry-2',
                                           sport=sport, wait=2.0)
            assert reply == 'expiry-2', \
                'first packet after expiry got no reply: %s' % raw
            again = fm.find_bindings('udp', H1_IP, sport)
            assert len(again) == 1, 'no binding after new traffic: %s' % (
                fm.bindings())
            print('new binding: %s' % again[0])
            assert int(again[0]['public_port']) != pub_port, \
                'the expired public port %d was handed out again at once' % (
                    pub_port)
        finally:
            fm.kill(echo)
            print('echo server log:\n%s' % echo.stdout.read().decode(
                'utf-8', 'replace'))


def test_unsolicited_inbound_dropped(fm):
    """Unsolicited TCP/UDP from outside is dropped in the switch and never
    reaches the controller."""
    with diag(fm, 'unsolicited inbound'):
        ext = fm.ext
        # ARP for 203.0.113.1 legitimately goes to the controller; pin it so
        # that only the IP packets under test could reach it.
        ext.cmd('ip neigh replace %s lladdr %s dev ext-eth0 nud permanent'
                % (OUTSIDE_ADDRESS, OUTSIDE_MAC))
        try:
            counters = fm.stats().get('counters', {})
            assert 'nat.packet_in' in counters, \
                'no nat.packet_in counter in /api/v1/stats: %s' % counters
            before = counters['nat.packet_in']
            drop_before = fm.drop_flow_packets()

            out, err, rc = fm.pexec('ext', [
                'curl', '--noproxy', '*', '-sS', '--max-time', '2',
                'http://%s:8081/' % OUTSIDE_ADDRESS], timeout=10)
            print('curl from ext: rc=%s %s' % (rc, (out + err).strip()))
            assert rc != 0, 'unsolicited TCP got an answer: %s' % out
            assert rc == 28, ('expected a timeout (curl rc 28, nothing '
                              'answered), got rc=%s: %s' % (rc, out + err))

            reply, _, raw = fm.udp_request('ext', OUTSIDE_ADDRESS, 9999,
                                           'unsolicited', wait=1.5)
            print('udp from ext: %s' % raw)
            assert reply is None, 'unsolicited UDP got a reply: %s' % raw

            time.sleep(0.5)
            counters_after = fm.stats().get('counters', {})
            after = counters_after.get('nat.packet_in')
            drop_after = fm.drop_flow_packets()
            print('nat.packet_in %s -> %s; drop flow packets %d -> %d'
                  % (before, after, drop_before, drop_after))
            changed = {k: (counters.get(k), v)
                       for k, v in counters_after.items()
                       if counters.get(k) != v}
            print('counters that changed: %s' % changed)
            assert after == before, \
                'unsolicited inbound reached the controller: nat.packet_in ' \
                '%s -> %s' % (before, after)
            assert drop_after >= drop_before + 2, \
                'table-miss drop flow did not count the packets (%d -> %d)' % (
                    drop_before, drop_after)
        finally:
            ext.cmd('ip neigh del %s dev ext-eth0' % OUTSIDE_ADDRESS)


# --------------------------------------------------------------------------
# TCP state-aware timers (RFC 5382 REQ-5)

TCP_ECHO_SERVER = r'''
import socket, sys, threading
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(8)
print('listening', flush=True)
def serve(c, peer):
    print('accepted %s:%d' % peer, flush=True)
    while True:
        data = c.recv(4096)
        if not data:
            break
        c.sendall(data)
    c.close()
    print('closed %s:%d' % peer, flush=True)
while True:
    c, peer = s.accept()
    threading.Thread(target=serve, args=(c, peer), daemon=True).start()
'''

# Connects from a fixed port, echoes once, then holds the connection until a
# line arrives on stdin; then half-closes, waits for the server's FIN, closes.
TCP_HOLD_CLIENT = r'''
import socket, sys
dst, port, sport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', sport))
s.settimeout(5)
s.connect((dst, port))
s.sendall(b'tcp-state')
print('ECHO %s' % s.recv(64).decode(), flush=True)
sys.stdin.readline()
s.shutdown(socket.SHUT_WR)
print('EOF' if s.recv(64) == b'' else 'DATA', flush=True)
s.close()
sys.stdin.readline()
'''

# A SYN that is never answered (203.0.113.99 is on the outside segment but no
# host has it: ext, the next hop, does not forward, so it drops the SYN).
TCP_SYN_ONLY = r'''
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', int(sys.argv[2])))
s.settimeout(1.5)
try:
    s.connect((sys.argv[1], 9))
    print('CONNECTED')
except OSError as e:
    print('NO ANSWER %s' % e)
'''

TCP_TRANSITORY = 240
TCP_ESTABLISHED = 7440


def _read_line(proc, timeout=10.0):
    """One line of a helper process's stdout, or '' after timeout."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        return ''
    return proc.stdout.readline().decode('utf-8', 'replace').strip()


def _tcp_binding(fm, sport, want_state, timeout=5.0):
    """Poll REST until the TCP binding of h1:sport is in want_state."""
    deadline = time.monotonic() + timeout
    b = None
    while time.monotonic() < deadline:
        bs = fm.find_bindings('tcp', H1_IP, sport)
        b = bs[0] if bs else None
        if b is not None and b.get('state') == want_state:
            return b
        time.sleep(0.2)
    raise AssertionError('binding of %s:%d not %s after %.0f s: %s' % (
        H1_IP, sport, want_state, timeout, b))


def _binding_flows(fm, binding, sport):
    """(outbound, inbound, handshake) flow dicts of a binding, from ovs-ofctl;
    handshake is the SYN-ACK report flow of a transitory binding (OF1.3), or
    None."""
    cookie = _cookie(binding['cookie'])
    mine = [f for f in fm.flows() if f['cookie'] == cookie]
    shake = [f for f in mine if 'tcp_flags=' in f['match']]
    plain = [f for f in mine if 'tcp_flags=' not in f['match']]
    out = [f for f in plain if 'nw_src=%s' % H1_IP in f['match'] and
           re.search(r'tp_src=%d\b' % sport, f['match'])]
    inb = [f for f in plain if 'in_port=%d' % OUTSIDE_PORT in f['match']]
    assert len(out) == 1 and len(inb) == 1 and len(shake) <= 1, \
        'expected one outbound, one inbound and at most one handshake flow ' \
        'with cookie %#x: %s' % (cookie, [f['line'] for f in mine])
    print('outbound: %s\ninbound:  %s\nhandshake: %s' % (
        out[0]['line'], inb[0]['line'], shake[0]['line'] if shake else None))
    return out[0], inb[0], (shake[0] if shake else None)


def _expect(fm, binding, sport, state, idle, reports):
    assert binding['state'] == state, binding
    assert binding['idle_timeout_seconds'] == idle, binding
    out, inb, shake = _binding_flows(fm, binding, sport)
    assert out.get('idle_timeout') == str(idle), \
        'outbound idle_timeout %s, expected %d: %s' % (
            out.get('idle_timeout'), idle, out['line'])
    assert 'idle_timeout' not in inb, 'inbound flow has a timer: %s' % inb
    for f in (out, inb):
        assert 'controller' not in f['actions'].lower(), \
            'a binding flow sends to the controller: %s' % f['line']
    assert (shake is not None) == reports, 'handshake report flow %s: %s' % (
        'missing' if reports else 'still there',
        shake['line'] if shake else None)
    if shake is not None:
        assert 'tcp_flags=+syn+ack' in shake['match'], shake['line']
        assert 'in_port=%d' % OUTSIDE_PORT in shake['match'], shake['line']
        assert 'controller' in shake['actions'].lower(), shake['line']
        assert 'send_flow_rem' not in shake['line'], shake['line']


def test_tcp_state_timers(fm):
    """OF1.3: a TCP binding is transitory (240 s) until the peer answers,
    established (7440 s) after, and transitory again after FIN; the flows'
    idle_timeout follows.  OF1.0 cannot see TCP flags: established 7440 s
    from the first packet to the end (README, Timers)."""
    of13 = fm.of_version == 'OpenFlow13'
    first_state = 'transitory' if of13 else 'established'
    first_idle = TCP_TRANSITORY if of13 else TCP_ESTABLISHED
    with diag(fm, 'tcp state timers'):
        # 1. A SYN nobody answers: the binding never leaves its first state.
        syn_port = 46001
        script = fm.script('tcp_syn_only.py', TCP_SYN_ONLY)
        out, err, rc = fm.pexec('h1', [fnet.PY, script, '203.0.113.99',
                                       str(syn_port)], timeout=10)
        print('unanswered SYN: rc=%s %s' % (rc, (out + err).strip()))
        assert 'NO ANSWER' in out, out + err
        b = _tcp_binding(fm, syn_port, first_state)
        print('binding after an unanswered SYN: %s' % b)
        _expect(fm, b, syn_port, first_state, first_idle, reports=of13)

        # 2. A connection: established once the peer answers.
        port, sport = 9100, 46002
        server = fm.popen('ext', [fnet.PY, '-u', fm.script(
            'tcp_echo.py', TCP_ECHO_SERVER), EXT_IP, str(port)])
        fm.wait_listening('ext', port)
        client = fm.popen('h1', [fnet.PY, '-u', fm.script(
            'tcp_hold.py', TCP_HOLD_CLIENT), EXT_IP, str(port), str(sport)],
            stdin=subprocess.PIPE)
        try:
            line = _read_line(client)
            assert line == 'ECHO tcp-state', 'no echo: %r' % line
            b = _tcp_binding(fm, sport, 'established')
            print('binding of a live connection: %s' % b)
            _expect(fm, b, sport, 'established', TCP_ESTABLISHED,
                    reports=False)

            # 3. Close: FIN both ways (through the controller on OF1.3).
            before = fm.counter('nat.tcp.fin_rst')
            client.stdin.write(b'close\n')
            client.stdin.flush()
            line = _read_line(client)
            assert line == 'EOF', 'server FIN did not arrive: %r' % line
            after_state = 'closing' if of13 else 'established'
            after_idle = TCP_TRANSITORY if of13 else TCP_ESTABLISHED
            b = _tcp_binding(fm, sport, after_state)
            print('binding after FIN: %s' % b)
            _expect(fm, b, sport, after_state, after_idle, reports=False)
            fins = fm.counter('nat.tcp.fin_rst') - before
            print('FIN/RST segments through the controller: %d' % fins)
            assert fins >= (2 if of13 else 0), fins
            if of13:
                assert fm.counter('nat.tcp.established') >= 1
                assert fm.counter('nat.tcp.closing') >= 1
            client.stdin.write(b'exit\n')
            client.stdin.flush()
        finally:
            fm.kill(client)
            fm.kill(server)
        log = server.stdout.read().decode('utf-8', 'replace')
        print('server log:\n' + log)
        assert 'accepted %s:%d' % (OUTSIDE_ADDRESS, sport) in log, log
        assert 'closed %s:%d' % (OUTSIDE_ADDRESS, sport) in log, log


def test_tcp_simultaneous_open(fm):
    """RFC 5382 REQ-4: the outside peer's SYN to a port the filter does not
    (yet) allow gets no RST; once the inside host's own SYN has opened the
    session, the peer's retransmitted SYN passes and the simultaneous open
    completes, with data both ways."""
    with diag(fm, 'simultaneous open'):
        cap = fm.popen('ext', ['tcpdump', '-l', '-n', '--immediate-mode', '-i',
                               'ext-eth0', 'tcp[tcpflags] & tcp-rst != 0'])
        # the TCP address first: socat opens addresses in order, and the
        # SYSTEM child exiting first would interrupt connect() (SIGCHLD)
        ext = fm.popen('ext', ['socat', '-T', '10',
                               'TCP4:%s:46300,sourceport=9300,connect-timeout=15'
                               % OUTSIDE_ADDRESS,
                               'SYSTEM:echo from-ext; read l; echo "got $l" >&2'])
        try:
            time.sleep(2.5)   # ext's first SYN (and a retransmission) meet no mapping
            out, err, rc = fm.pexec('h1', ['socat', '-T', '10',
                                           'TCP4:%s:9300,sourceport=46300' % EXT_IP,
                                           'SYSTEM:echo from-h1; read l; echo "got $l" >&2'],
                                    timeout=20)
            ext_out, _ = ext.communicate(timeout=20)
        finally:
            fm.kill(ext)
            fm.kill(cap)
        rsts = cap.stdout.read().decode()
        print('h1 got %r (%s); ext got %r; RSTs seen on ext: %r'
              % (out, err.strip(), ext_out.decode(), rsts))
        # each side's child prints (on socat's stderr) the line the other sent
        assert rc == 0 and 'got from-ext' in err, (out, err)
        assert 'got from-h1' in ext_out.decode(), ext_out
        assert OUTSIDE_ADDRESS not in rsts, 'the NAT answered an unsolicited SYN with RST'
