"""End-to-end tests of faults the switch's flows must outlive (issue 8,
items 1 and 2), with real Open vSwitch (fail_mode=secure) and real traffic:

- the controller is killed with SIGKILL in the middle of 20 rate-limited HTTP
  downloads and 20 UDP flows, and started again 3 s later with the same
  config: every download completes with the right sha256, UDP replies keep
  coming during the outage and after, the rebuilt binding table (REST) holds
  exactly the binding flow pairs on the switch, and bindings made afterwards
  get new ids and public ports no old flow uses;
- the OpenFlow connection is dropped (``ovs-vsctl set-controller`` to a port
  nobody listens on, then back to the same target: a new TCP session of a
  known dpid; ``del-controller`` would make OVS flush the flows) while
  transfers run: the same
  checks, and a binding whose flows were deleted by hand while the channel was
  down is released after the reconnect.

TCP FIN/RST (and, on OpenFlow 1.3, the SYN-ACK report) go to the controller:
while it is away they are not forwarded and TCP retransmits them, so the
downloads must survive that too. Every test fails (never skips) when
something it needs is missing.
"""

import json
import os
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

import flowmasq_net as fnet  # noqa: E402
from conftest import flowmasq_per_version  # noqa: E402
from flowmasq_topo import EXT_IP, H1_IP, H2_IP  # noqa: E402

pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning')

HTTP_PORT = 8088
ECHO_PORT = 7790
FILE_SIZE = 2 * 1024 * 1024
RATE = 160 * 1024       # bytes/s, paced by the server: 2 MiB take ~13 s, across the outage
OUTAGE_S = 3.0
UDP_INTERVAL_S = 0.2

fm = flowmasq_per_version(extra_config={'statistics': {'intervalSeconds': 1}})

# a UDP echo server that does not print (a full stdout pipe would stall it)
ECHO = r'''
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], int(sys.argv[2])))
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data, peer)
'''

# n UDP flows (one socket, one source port each) sending a numbered datagram
# every interval for duration seconds; prints, per flow, its source port and
# the wall-clock times its echoes came back
UDP_FLOWS = r'''
import json, select, socket, sys, time
dst, port, n, duration, interval = (sys.argv[1], int(sys.argv[2]),
    int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]))
socks = []
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('0.0.0.0', 0))
    s.setblocking(False)
    socks.append(s)
replies = [[] for _ in socks]
start = time.time()
next_send = start
seq = 0
while time.time() - start < duration:
    if time.time() >= next_send:
        for i, s in enumerate(socks):
            s.sendto(b'%d %d' % (i, seq), (dst, port))
        seq += 1
        next_send += interval
    ready, _, _ = select.select(socks, [], [], max(0.0, next_send - time.time()))
    for s in ready:
        try:
            data = s.recv(2048)
        except BlockingIOError:
            continue
        replies[int(data.split()[0])].append(time.time())
print(json.dumps({'ports': [s.getsockname()[1] for s in socks],
                  'sent': seq, 'replies': replies}))
'''


def _fail(net, msg):
    net.failed = True
    pytest.fail('%s\n%s' % (msg, net.diagnostics()), pytrace=False)


class _Traffic:
    """Downloads and UDP flows from h1 and h2 to ext, started together."""

    def __init__(self, net, tag, downloads, udp_flows, udp_seconds):
        self.net = net
        self.digest = None
        self.curls = []
        self.udp = []
        # a server of its own per test (port + tag), so each serves one file
        port = HTTP_PORT + (0 if tag == 'restart' else 1)
        _, _, self.digest = net.start_throttled_http_server(
            port=port, size=FILE_SIZE, rate=RATE, name='%s.bin' % tag)
        url = 'http://%s:%d/%s.bin' % (EXT_IP, port, tag)
        for i in range(downloads):
            out = net.workdir / ('%s-%d.bin' % (tag, i))
            p = net.popen('h1' if i % 2 == 0 else 'h2', [
                'curl', '--noproxy', '*', '-sS',
                '--max-time', '150', '-o', str(out), url])
            self.curls.append((p, out))
        script = net.script('udp_flows.py', UDP_FLOWS)
        for host in ('h1', 'h2'):
            self.udp.append(net.popen(host, [
                fnet.PY, script, EXT_IP, str(ECHO_PORT), str(udp_flows // 2),
                str(udp_seconds), str(UDP_INTERVAL_S)]))

    def sizes(self):
        return [out.stat().st_size if out.exists() else 0
                for _, out in self.curls]

    def in_progress(self):
        """Checks that every download is still on the wire (part of the
        file received, not all of it), so the fault falls inside it."""
        sizes = self.sizes()
        done = [s for s in sizes if s >= FILE_SIZE]
        if done or not any(sizes):
            _fail(self.net, 'downloads not in progress at the fault: %s bytes '
                  'of %d' % (sizes, FILE_SIZE))
        return sizes

    def grew_since(self, earlier):
        """Checks that every download received data since ``earlier``
        (its sizes): the switch forwarded it on its own."""
        now = self.sizes()
        stuck = [(i, a, b) for i, (a, b) in enumerate(zip(earlier, now))
                 if b <= a]
        if stuck:
            _fail(self.net, 'downloads received nothing during the outage '
                  '(index, bytes before, bytes after): %s' % stuck)

    def finish_downloads(self, timeout=150):
        deadline = time.monotonic() + timeout
        failures = []
        for p, out in self.curls:
            try:
                p.wait(timeout=max(1, deadline - time.monotonic()))
            except Exception:  # pylint: disable=broad-except
                failures.append('%s: still running' % out.name)
                continue
            text = p.stdout.read().decode(errors='replace').strip()
            digest = fnet.sha256_or_none(out)
            if p.returncode != 0 or digest != self.digest:
                failures.append('%s: curl rc=%s %s sha256 %s' % (
                    out.name, p.returncode, text, digest))
        return failures

    def finish_udp(self, timeout=60):
        flows = []
        for p in self.udp:
            out, _ = p.communicate(timeout=timeout)
            data = json.loads(out.decode().strip().splitlines()[-1])
            flows.extend(zip(data['ports'], data['replies']))
        return flows


def _start_echo(net):
    if getattr(net, '_restart_echo', None) is None:
        script = net.script('udp_echo_quiet.py', ECHO)
        net._restart_echo = net.popen(  # pylint: disable=protected-access
            'ext', [fnet.PY, script, EXT_IP, str(ECHO_PORT)])
        net.wait_listening('ext', ECHO_PORT, proto='udp')


def _table_matches_switch(net, timeout=15.0):
    """Waits until the REST binding ids are exactly the binding cookies on
    the switch, each with its two flows; returns (bindings, cookies)."""
    deadline = time.monotonic() + timeout
    while True:
        bindings = net.bindings()
        cookies = net.binding_cookies_on_switch()
        ids = {int(b['id']) for b in bindings}
        on_switch = {c & 0xFFFFFFFFFFFF for c in cookies}
        pairs = all(n == 2 for n in cookies.values())
        if ids == on_switch and pairs and len(bindings) == len(cookies):
            return bindings, cookies
        if time.monotonic() > deadline:
            _fail(net, 'REST bindings %s != binding flow pairs on the switch '
                  '%s' % (sorted(ids), {hex(c): n for c, n in cookies.items()}))
        time.sleep(0.5)


def _udp_kept_flowing(net, flows, outage_start, outage_end, back_at):
    stalled = []
    for port, times in flows:
        during = [t for t in times if outage_start + 0.5 < t < outage_end]
        after = [t for t in times if t > back_at + 0.5]
        if not during or not after:
            stalled.append('sport %d: %d replies, %d during the outage, %d '
                           'after' % (port, len(times), len(during),
                                      len(after)))
    if stalled:
        _fail(net, 'UDP flows stalled:\n' + '\n'.join(stalled))


def _new_bindings_do_not_collide(net, old, first_sport):
    old_ids = {int(b['id']) for b in old}
    old_public = {(b['protocol'], int(b['public_port'])) for b in old}
    for i in range(5):
        sport = first_sport + i
        reply, _, raw = net.udp_request('h1', EXT_IP, ECHO_PORT, 'new%d' % i,
                                        sport=sport, wait=5)
        if reply != 'new%d' % i:
            _fail(net, 'new UDP flow from sport %d got no answer: %s'
                  % (sport, raw))
        found = net.find_bindings(protocol='udp', inside_address=H1_IP,
                                  inside_port=sport)
        if len(found) != 1:
            _fail(net, 'no binding for the new flow from %d: %s'
                  % (sport, found))
        b = found[0]
        assert int(b['id']) > max(old_ids), (b, sorted(old_ids))
        assert (b['protocol'], int(b['public_port'])) not in old_public, b


def test_controller_killed_and_restarted_mid_transfer_loses_nothing(fm):
    _start_echo(fm)
    traffic = _Traffic(fm, 'restart', downloads=20, udp_flows=20,
                       udp_seconds=20)
    time.sleep(3.0)
    before = fm.bindings()
    if len(before) < 40:
        _fail(fm, 'expected 40 bindings before the kill, got %d'
              % len(before))
    at_fault = traffic.in_progress()
    outage_start = time.time()
    fm.kill_controller()
    time.sleep(OUTAGE_S)
    traffic.grew_since(at_fault)
    restart_at = time.time()
    fm.restart_controller()
    back_at = time.time()

    failures = traffic.finish_downloads()
    if failures:
        _fail(fm, 'downloads across the restart failed:\n'
              + '\n'.join(failures))
    _udp_kept_flowing(fm, traffic.finish_udp(), outage_start, restart_at,
                      back_at)
    adopted = fm.counter('nat.rebuild.adopted') + \
        fm.counter('nat.rebuild.repaired')
    if adopted < 40:
        _fail(fm, 'only %d bindings adopted after the restart' % adopted)
    _table_matches_switch(fm)
    _new_bindings_do_not_collide(fm, before, 47000)
    _table_matches_switch(fm)


def _delete_flows_by_hand(net, cookie):
    """ovs-ofctl del-flows --strict on each flow of one cookie, as an
    operator (or an expiry the controller never heard of) would."""
    for f in net.flows():
        if f['cookie'] != cookie:
            continue
        spec = 'priority=%d,%s' % (f['priority'], f['match'])
        r = fnet.run(['ovs-ofctl', '-O', net.of_version, '--strict',
                      'del-flows', net.switch_name, spec])
        if r.returncode != 0:
            _fail(net, 'del-flows %s failed: %s' % (spec, r.stdout))


def test_switch_reconnect_keeps_bindings_and_releases_what_it_lost(fm):
    _start_echo(fm)
    reply, _, raw = fm.udp_request('h2', EXT_IP, ECHO_PORT, 'doomed',
                                   sport=46001, wait=5)
    assert reply == 'doomed', raw
    doomed = fm.find_bindings(protocol='udp', inside_address=H2_IP,
                              inside_port=46001)
    assert len(doomed) == 1, doomed
    doomed_id = int(doomed[0]['id'])
    traffic = _Traffic(fm, 'reconnect', downloads=20, udp_flows=20,
                       udp_seconds=16)
    time.sleep(3.0)
    before = fm.bindings()
    released_before = fm.counter('nat.rebuild.released')
    at_fault = traffic.in_progress()
    outage_start = time.time()
    targets = fm.disconnect_switch()
    _delete_flows_by_hand(fm, (0xF101 << 48) | doomed_id)
    time.sleep(OUTAGE_S)
    traffic.grew_since(at_fault)
    restart_at = time.time()
    # the controller must notice the drop before "ready" means the new session
    deadline = time.monotonic() + 15
    while fm.health()[0] == 200 and time.monotonic() < deadline:
        time.sleep(0.1)
    fm.reconnect_switch(targets)
    back_at = time.time()

    gone = [b for b in fm.bindings() if int(b['id']) == doomed_id]
    if gone:
        _fail(fm, 'binding %d whose flows were deleted while the switch was '
              'away is still listed: %s' % (doomed_id, gone))
    if fm.counter('nat.rebuild.released') <= released_before:
        _fail(fm, 'nat.rebuild.released did not move')
    failures = traffic.finish_downloads()
    if failures:
        _fail(fm, 'downloads across the reconnect failed:\n'
              + '\n'.join(failures))
    _udp_kept_flowing(fm, traffic.finish_udp(), outage_start, restart_at,
                      back_at)
    _table_matches_switch(fm)
    _new_bindings_do_not_collide(fm, before, 48000)
    _table_matches_switch(fm)
