"""End-to-end tests of port allocation hygiene (RFC 6056, RFC 4787, RFC
7857) with the real controller, Open vSwitch and UDP traffic:

- 100 inside clients (secondary addresses 10.0.0.100-199 on h1) all using
  source port 40000 get 100 distinct public ports, and every reply reaches
  its own client;
- when the inside port cannot be preserved (source ports below the
  configured range), the public ports are not sequential;
- a public port freed by a REST delete is not given to a different inside
  endpoint within ``portReuseDelaySeconds`` (10 s here), and is after it.

Every test fails (never skips) when something it needs is missing.
"""

import json
import os
import sys
import time
import urllib.request

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

import flowmasq_net as fnet  # noqa: E402
from conftest import flowmasq_per_version  # noqa: E402
from flowmasq_topo import EXT_IP, H1_IP, H2_IP, OUTSIDE_ADDRESS  # noqa: E402

pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning')

REUSE_DELAY = 10
CLIENTS = ['10.0.0.%d' % i for i in range(100, 200)]

fm = flowmasq_per_version(extra_switch={'portReuseDelaySeconds': REUSE_DELAY})

# An echo that answers with the sender's address and port as it saw them:
# "<payload> <ip>:<port>".
ECHO_PEER = r'''
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
print('listening', flush=True)
while True:
    data, peer = s.recvfrom(65535)
    s.sendto(data + (' %s:%d' % peer).encode(), peer)
'''

# argv: dst port json-list-of-[src_address, src_port, payload] rounds wait
# One socket per client, all sending at once; clients without an answer
# resend every `wait` seconds (the same socket: the same binding) for
# `rounds` rounds. Prints one JSON object: payload -> {"reply", "local",
# "tries"} ("reply" null when none came).
MANY_CLIENTS = r'''
import json, select, socket, sys, time
dst, port = sys.argv[1], int(sys.argv[2])
clients = json.loads(sys.argv[3])
rounds, wait = int(sys.argv[4]), float(sys.argv[5])
socks = {}
for addr, sport, payload in clients:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, sport))
    socks[s] = payload
out = {p: {'reply': None, 'local': '%s:%d' % s.getsockname(), 'tries': 0}
       for s, p in socks.items()}
pending = set(socks)
for r in range(rounds):
    for s in list(pending):
        s.sendto(socks[s].encode(), (dst, port))
        out[socks[s]]['tries'] += 1
        time.sleep(0.005)   # paced: the first packets go to the controller
    deadline = time.time() + wait
    while pending and time.time() < deadline:
        ready, _, _ = select.select(list(pending), [], [], 0.2)
        for s in ready:
            data = s.recv(65535).decode()
            out[socks[s]]['reply'] = data
            pending.discard(s)
    if not pending:
        break
print(json.dumps(out))
'''


def _start_echo(fm, port):
    script = fm.script('echo_peer.py', ECHO_PEER)
    p = fm.popen('ext', [fnet.PY, '-u', script, EXT_IP, str(port)])
    fm.wait_listening('ext', port, proto='udp')
    return p


def _many_clients(fm, port, clients, rounds=4, wait=3.0):
    """Sends from every (address, port, payload) at once; returns the JSON
    result of MANY_CLIENTS."""
    script = fm.script('many_clients.py', MANY_CLIENTS)
    out, err, rc = fm.pexec('h1', [fnet.PY, script, EXT_IP, str(port),
                                   json.dumps(clients), str(rounds),
                                   str(wait)],
                            timeout=rounds * (wait + 2) + 30)
    assert rc == 0, 'client failed (rc %s): %s %s' % (rc, out, err)
    return json.loads(out)


def _seen_port(reply, payload):
    """The public port ext saw in an ECHO_PEER reply to ``payload``."""
    assert reply is not None, 'no reply to %s' % payload
    text, peer = reply.rsplit(' ', 1)
    assert text == payload, 'reply %r is for another client than %s' % (
        reply, payload)
    address, port = peer.split(':')
    assert address == OUTSIDE_ADDRESS, 'ext saw %s' % peer
    return int(port)


def _request(fm, host, port, sport, payload, wait=3.0, tries=3):
    """One UDP request/answer from host:sport; the public port ext saw."""
    raw = None
    for _ in range(tries):
        reply, _, raw = fm.udp_request(host, EXT_IP, port, payload,
                                       sport=sport, wait=wait)
        if reply is not None:
            return _seen_port(reply, payload)
    raise AssertionError('no reply to %s from %s:%d: %s' % (payload, host,
                                                           sport, raw))


def _delete_binding(fm, binding_id):
    req = urllib.request.Request('%s/api/v1/bindings/%s' % (
        fm.rest_url, binding_id), method='DELETE')
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status in (200, 204), r.status


def _one_binding(fm, address, port):
    bs = fm.find_bindings('udp', address, port)
    assert len(bs) == 1, 'bindings of %s:%d: %s' % (address, port, bs)
    return bs[0]


def test_a_hundred_clients_with_one_source_port_get_a_hundred_mappings(fm):
    h1 = fm.host('h1')
    intf = h1.defaultIntf().name
    for a in CLIENTS:
        h1.cmd('ip addr add %s/24 dev %s' % (a, intf))
    echo = _start_echo(fm, 7781)
    try:
        clients = [[a, 40000, 'client-%s' % a] for a in CLIENTS]
        result = _many_clients(fm, 7781, clients)
        missing = [p for p, r in result.items() if r['reply'] is None]
        assert not missing, '%d clients got no reply: %s' % (
            len(missing), missing[:10])
        seen = {}
        for a, sport, payload in clients:
            r = result[payload]
            assert r['local'] == '%s:%d' % (a, sport), r
            seen[a] = _seen_port(r['reply'], payload)
        retried = sum(1 for r in result.values() if r['tries'] > 1)
        print('public ports: %s; clients that resent: %d'
              % (sorted(seen.values()), retried))
        assert len(set(seen.values())) == len(CLIENTS), \
            'public ports shared: %s' % sorted(seen.values())
        # the controller agrees: one binding per client, on the port ext saw
        bindings = {b['inside_address']: b for b in fm.find_bindings(
            'udp', inside_port=40000)}
        assert set(bindings) == set(CLIENTS), sorted(bindings)
        for a in CLIENTS:
            assert bindings[a]['public_address'] == OUTSIDE_ADDRESS
            assert int(bindings[a]['public_port']) == seen[a], (
                bindings[a], seen[a])
        assert list(seen.values()).count(40000) <= 1
    finally:
        fm.kill(echo)
        for a in CLIENTS:
            h1.cmd('ip addr del %s/24 dev %s' % (a, intf))


def test_ports_that_cannot_be_preserved_are_not_sequential(fm):
    echo = _start_echo(fm, 7782)
    try:
        # source ports below the range (1024-65535): never preserved
        got = [_request(fm, 'h1', 7782, sport, 'low-%d' % sport)
               for sport in range(600, 640)]
        print('public ports in allocation order: %s' % got)
        assert all(1024 <= p <= 65535 for p in got), got
        assert len(set(got)) == len(got), got
        steps = [b - a for a, b in zip(got, got[1:])]
        plus_one = sum(1 for d in steps if d == 1)
        # the old allocator gave 1024, 1025, ...: 39 steps of +1
        assert plus_one <= 2, '%d +1 steps: %s' % (plus_one, got)
        most_common = max(steps.count(d) for d in set(steps))
        assert most_common <= 3, 'a step repeats %d times: %s' % (
            most_common, steps)
        assert max(got) - min(got) > 16000, 'bunched together: %s' % got
    finally:
        fm.kill(echo)


def test_a_freed_port_waits_the_reuse_delay_before_another_endpoint(fm):
    echo = _start_echo(fm, 7783)
    sport = 45123
    try:
        assert _request(fm, 'h1', 7783, sport, 'first') == sport, \
            'h1:%d is not preserved' % sport
        old = _one_binding(fm, H1_IP, sport)
        _delete_binding(fm, old['id'])
        freed = time.monotonic()
        assert not fm.find_bindings('udp', H1_IP, sport)

        # h2 asks for the same port (preservation) within the delay
        early = _request(fm, 'h2', 7783, sport, 'early')
        early_at = time.monotonic() - freed
        print('h2 within the delay (%.1f s after the delete): public port %d'
              % (early_at, early))
        assert early_at < REUSE_DELAY - 1, \
            'too slow to test inside the delay (%.1f s)' % early_at
        assert early != sport, \
            'freed port %d handed to another endpoint after %.1f s' % (
                sport, early_at)
        _delete_binding(fm, _one_binding(fm, H2_IP, sport)['id'])

        # after the delay the port is free for h2
        time.sleep(max(0.0, freed + REUSE_DELAY + 1.5 - time.monotonic()))
        late = _request(fm, 'h2', 7783, sport, 'late')
        print('h2 after the delay (%.1f s): public port %d'
              % (time.monotonic() - freed, late))
        assert late == sport, \
            'port %d not preserved for h2 after the reuse delay: got %d' % (
                sport, late)
        assert int(_one_binding(fm, H2_IP, sport)['public_port']) == sport
    finally:
        fm.kill(echo)
