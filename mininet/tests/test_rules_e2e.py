"""End-to-end tests of the NAT rule chain (issue 7) on the extended topology
(see ``mininet/flowmasq_topo.py``): port forwards (TCP, a UDP port span,
hairpinning), static 1:1 NAT, network NAT (NETMAP), twice NAT towards an
overlapping site, a weighted virtual server with health checks, a pool, and
rules added and deleted at runtime through the REST API.

One controller and topology per OpenFlow version for the whole module, with
the rule chain in the config (RULES).  Every inside server is a name server
(:meth:`FlowmasqNet.start_name_server`): it answers with its host's name and
logs each client's address and port, so a test sees both which server
answered and what source address reached it.

Addresses (203.0.113.0/24 is the outside; 203.0.113.1 the gateway's own
address and the masquerade address):

=======================  ===================================================
203.0.113.1:8080/tcp     port forward "web" to h3:8080
203.0.113.1:5000-5001    port forward "games" (udp) to h3:5000-5001
203.0.113.80:80/tcp      virtual server "www", h3:80 weight 3, h4:80 weight 1
203.0.113.12             static 1:1 "h2" (10.0.0.12)
203.0.113.16/30          netmap "lab" of 10.0.0.16/30 (h5 10.0.0.17 -> .17)
10.88.0.0/24, 10.99/24   twice NAT "site-b": the inside appears to site B as
                         10.88.0.0/24, site B (b1 10.0.0.21) to the inside
                         as 10.99.0.0/24
203.0.113.20             pool "far-pool": one address, for 10.0.0.8/29 going
                         to 198.51.100.0/24 (far), no fallback
(the rest)               masquerade "lan" on 203.0.113.1
=======================  ===================================================

The forwards use port 8080/8081 servers, not the virtual server's port-80
ones, so that no inside endpoint belongs to two rules; h5 (netmap) serves
no other rule, since a network rule's flows rewrite all its traffic.
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
from flowmasq_topo import (DPID_COLON, EXT_IP, FAR_IP, H1_IP,  # noqa: E402
                           H2_IP, H3_IP, H4_IP, OUTSIDE_ADDRESS)
from test_e2e import diag  # noqa: E402

pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning')

FORWARD_TCP_PORT = 8080
FORWARD_UDP_PORTS = (5000, 5001)
RUNTIME_PORT = 8081
STATIC_PUBLIC = '203.0.113.12'
NETMAP_INSIDE = '10.0.0.16/30'
NETMAP_PUBLIC = '203.0.113.16/30'
H5_PUBLIC = '203.0.113.17'          # 10.0.0.17 with its host bits kept
H5_OFFSET = 1                       # h5's offset in NETMAP_INSIDE
INSIDE_AS = '10.88.0.0/24'
OUTSIDE_AS = '10.99.0.0/24'
H1_AS_SEEN_BY_B = '10.88.0.11'
B1_AS_SEEN_INSIDE = '10.99.0.21'
POOL_ADDRESS = '203.0.113.20'
VIP = '203.0.113.80'
VS_PORT = 80
HC_INTERVAL = 1          # seconds
HC_TIMEOUT_MS = 500
HC_FAILURES = 2
HC_SUCCESSES = 1
VS_CONNECTIONS = 400

RULES = [
    {'id': 'web', 'type': 'portForward', 'protocol': 'tcp',
     'public': '%s:%d' % (OUTSIDE_ADDRESS, FORWARD_TCP_PORT),
     'inside': '%s:%d' % (H3_IP, FORWARD_TCP_PORT)},
    {'id': 'games', 'type': 'portForward', 'protocol': 'udp',
     'public': '%s:%d-%d' % ((OUTSIDE_ADDRESS,) + FORWARD_UDP_PORTS),
     'inside': '%s:%d' % (H3_IP, FORWARD_UDP_PORTS[0])},
    {'id': 'www', 'type': 'virtualServer', 'protocol': 'tcp',
     'public': '%s:%d' % (VIP, VS_PORT), 'policy': 'weighted',
     'servers': [{'address': '%s:%d' % (H3_IP, VS_PORT), 'weight': 3},
                 {'address': '%s:%d' % (H4_IP, VS_PORT), 'weight': 1}],
     'healthCheck': {'intervalSeconds': HC_INTERVAL,
                     'timeoutMillis': HC_TIMEOUT_MS,
                     'failures': HC_FAILURES, 'successes': HC_SUCCESSES}},
    {'id': 'h2', 'type': 'static', 'inside': H2_IP, 'public': STATIC_PUBLIC},
    {'id': 'lab', 'type': 'netmap', 'inside': NETMAP_INSIDE,
     'public': NETMAP_PUBLIC},
    # before the pool and the masquerade: its match overlaps theirs
    {'id': 'site-b', 'type': 'twice', 'inside': '10.0.0.0/24',
     'insideAs': INSIDE_AS, 'outside': '10.0.0.0/24',
     'outsideAs': OUTSIDE_AS},
    {'id': 'far-pool', 'type': 'pool',
     'match': {'inside': '10.0.0.8/29', 'outside': '198.51.100.0/24'},
     'addresses': [POOL_ADDRESS]},
    {'id': 'lan', 'type': 'masquerade'},
]

# (host, port) of every name server the module starts
NAME_SERVERS = [('h1', 80), ('h2', 80), ('h3', 80), ('h4', 80), ('h5', 80),
                ('h3', FORWARD_TCP_PORT), ('h4', RUNTIME_PORT),
                ('ext', 80), ('b1', 80), ('far', 80)]

# a pool's returned address cools for the port reuse delay before another
# host gets it (120 s by default): short here, so the pool test can see it
REUSE_DELAY = 2
fm = flowmasq_per_version(extended=True, rules=RULES,
                          extra_switch={'portReuseDelaySeconds': REUSE_DELAY})


@pytest.fixture(scope='module')
def net(fm):  # pylint: disable=redefined-outer-name
    """The module's net with its name servers running
    (``net.name_servers[(host, port)]`` is each one's process)."""
    fm.name_servers = {}
    for host, port in NAME_SERVERS:
        fm.name_servers[(host, port)] = fm.start_name_server(host, port,
                                                             wait=False)
    for host, port in NAME_SERVERS:
        fm.wait_listening(host, port)
    return fm


def _hits(net, host, port, since):
    return net.name_server_hits(host, port, since)


def _get(net, client, url, server, port, timeout=5, local_port=None):
    """GET url from client; returns (body, the hits logged meanwhile by the
    name server on server:port)."""
    since = net.name_server_offset(server, port)
    body = net.http_text(client, url, timeout=timeout, local_port=local_port)
    return body, _hits(net, server, port, since)


def test_rules_listed_in_config_order(net):
    with diag(net, 'rules listed'):
        rules = net.rules_json()['rules']
        assert [r['id'] for r in rules] == [r['id'] for r in RULES], rules
        assert [r['position'] for r in rules] == \
            list(range(1, len(RULES) + 1)), rules
        assert [r['type'] for r in rules] == [r['type'] for r in RULES]
        numbers = [r['number'] for r in rules]
        assert len(set(numbers)) == len(numbers) and \
            numbers == sorted(numbers), numbers


def test_port_forward_tcp_udp_span_and_hairpin(net):
    with diag(net, 'port forward'):
        net.wait_rule_flows(net.rule_number('web'), timeout=15, count=2)
        body, hits = _get(net, 'ext', 'http://%s:%d/' % (
            OUTSIDE_ADDRESS, FORWARD_TCP_PORT), 'h3', FORWARD_TCP_PORT)
        assert body == 'h3\n', body
        # destination NAT only: h3 sees the outside client itself
        assert [a for a, _ in hits] == [EXT_IP], hits

        net.wait_rule_flows(net.rule_number('games'), timeout=15,
                            count=2 * len(FORWARD_UDP_PORTS))
        echoes = [net.start_udp_echo_on('h3', p) for p in FORWARD_UDP_PORTS]
        try:
            for port in FORWARD_UDP_PORTS:
                payload = 'span-%d' % port
                reply, peer, raw = net.udp_request('ext', OUTSIDE_ADDRESS,
                                                   port, payload)
                assert reply == payload, raw
                assert peer == '%s:%d' % (OUTSIDE_ADDRESS, port), raw
        finally:
            for e in echoes:
                net.kill(e)

        # hairpin: h1 (masquerade) reaches the forward by its public
        # endpoint, and h3 sees h1's public address, not 10.0.0.11
        body, hits = _get(net, 'h1', 'http://%s:%d/' % (
            OUTSIDE_ADDRESS, FORWARD_TCP_PORT), 'h3', FORWARD_TCP_PORT)
        assert body == 'h3\n', body
        assert [a for a, _ in hits] == [OUTSIDE_ADDRESS], hits


def test_static_nat_both_directions(net):
    with diag(net, 'static 1:1'):
        number = net.rule_number('h2')
        # its one host (offset 0): outbound and inbound flows; any other
        # flow of the rule is of the rule as a whole (e.g. its ARP)
        net.wait_rule_flows(number, timeout=15, count=2, entry=0)
        assert {f['cookie'] & fnet.RULE_ENTRY
                for f in net.rule_flows(number)} <= {0, fnet.RULE_ENTRY}

        # inbound-initiated: the outside reaches h2 by its own address
        body, hits = _get(net, 'ext', 'http://%s/' % STATIC_PUBLIC, 'h2', 80)
        assert body == 'h2\n', body
        assert [a for a, _ in hits] == [EXT_IP], hits

        # outbound: h2's connections leave from its static address, its
        # source port kept (no port translation in 1:1 NAT)
        body, hits = _get(net, 'h2', 'http://%s/' % EXT_IP, 'ext', 80,
                          local_port=41234)
        assert body == 'ext\n', body
        assert hits == [(STATIC_PUBLIC, 41234)], hits
        assert net.find_bindings(inside_address=H2_IP) == [], \
            'a static rule makes no bindings: %s' % net.bindings()

        assert net.ping('ext', STATIC_PUBLIC), 'ext cannot ping %s' % \
            STATIC_PUBLIC
        assert net.ping('h2', EXT_IP), 'h2 cannot ping ext'


def test_netmap_keeps_host_bits(net):
    with diag(net, 'netmap'):
        number = net.rule_number('lab')
        # the only host of the prefix is h5, at offset 1
        net.wait_rule_flows(number, timeout=15, count=2, entry=H5_OFFSET)
        assert {f['cookie'] & fnet.RULE_ENTRY
                for f in net.rule_flows(number)} <= {H5_OFFSET,
                                                     fnet.RULE_ENTRY}, \
            [f['line'] for f in net.rule_flows(number)]

        body, hits = _get(net, 'ext', 'http://%s/' % H5_PUBLIC, 'h5', 80)
        assert body == 'h5\n', body
        assert [a for a, _ in hits] == [EXT_IP], hits

        body, hits = _get(net, 'h5', 'http://%s/' % EXT_IP, 'ext', 80,
                          local_port=41235)
        assert body == 'ext\n', body
        assert hits == [(H5_PUBLIC, 41235)], hits
        assert net.ping('ext', H5_PUBLIC)


def test_twice_nat_between_overlapping_sites(net):
    with diag(net, 'twice NAT'):
        number = net.rule_number('site-b')
        # the trap flows (outbound per inside port, inbound), no pair yet
        net.wait_rule_flows(number, timeout=15, count=2,
                            entry=fnet.RULE_ENTRY)
        assert all(f['cookie'] == net.rule_cookie(number)
                   for f in net.rule_flows(number)), \
            [f['line'] for f in net.rule_flows(number)]

        # h1 reaches b1 (10.0.0.21, the inside's own numbering!) as
        # 10.99.0.21; b1 sees h1 as 10.88.0.11
        body, hits = _get(net, 'h1', 'http://%s/' % B1_AS_SEEN_INSIDE, 'b1',
                          80)
        assert body == 'b1\n', body
        assert [a for a, _ in hits] == [H1_AS_SEEN_BY_B], hits
        pair = [f for f in net.rule_flows(number)
                if f['cookie'] != net.rule_cookie(number)]
        assert len(pair) == 2, [f['line'] for f in net.rule_flows(number)]

        # b1 initiates towards h1's mapped address; h1 sees b1 as 10.99.0.21
        body, hits = _get(net, 'b1', 'http://%s/' % H1_AS_SEEN_BY_B, 'h1',
                          80)
        assert body == 'h1\n', body
        assert [a for a, _ in hits] == [B1_AS_SEEN_INSIDE], hits
        assert net.ping('h1', B1_AS_SEEN_INSIDE)


def _count(bodies):
    out = {}
    for b in bodies:
        out[b] = out.get(b, 0) + 1
    return out


def test_virtual_server_weights_and_health_checks(net):
    with diag(net, 'virtual server'):
        net.wait_rule_flows(net.rule_number('www'), timeout=15, count=1,
                            entry=fnet.RULE_ENTRY)
        h3_since = net.name_server_offset('h3', VS_PORT)
        h4_since = net.name_server_offset('h4', VS_PORT)
        # fixed source ports, each used once: on OpenFlow 1.0 (no TCP flag
        # matches) a reused port of a closed connection would go to its old
        # server (README, virtual servers)
        bodies = net.http_texts('ext', VIP, VS_PORT, VS_CONNECTIONS,
                                first_port=20000)
        counts = _count(bodies)
        print('virtual server answers: %s' % counts)
        assert set(counts) == {'h3', 'h4'}, counts
        # weights 3:1: each share within 5 points of the total (300 +- 20,
        # 100 +- 20)
        tolerance = VS_CONNECTIONS * 5 // 100
        assert abs(counts['h3'] - VS_CONNECTIONS * 3 // 4) <= tolerance, \
            counts
        assert abs(counts['h4'] - VS_CONNECTIONS // 4) <= tolerance, counts
        # the servers' own logs agree, and every client is ext itself
        h3_hits = _hits(net, 'h3', VS_PORT, h3_since)
        h4_hits = _hits(net, 'h4', VS_PORT, h4_since)
        assert (len(h3_hits), len(h4_hits)) == (counts['h3'],
                                                counts['h4']), counts
        assert {a for a, _ in h3_hits + h4_hits} == {EXT_IP}

        # h4's server stops: after the health check's failures, every new
        # connection goes to h3, none fails
        net.kill(net.name_servers.pop(('h4', VS_PORT)))
        try:
            time.sleep(HC_INTERVAL * HC_FAILURES + HC_TIMEOUT_MS / 1000.0 + 3)
            bodies = net.http_texts('ext', VIP, VS_PORT, 40, first_port=21000)
            assert _count(bodies) == {'h3': 40}, _count(bodies)
        finally:
            net.name_servers[('h4', VS_PORT)] = \
                net.start_name_server('h4', VS_PORT)
        # back in rotation after its successes
        time.sleep(HC_INTERVAL * HC_SUCCESSES + HC_TIMEOUT_MS / 1000.0 + 3)
        bodies = net.http_texts('ext', VIP, VS_PORT, 40, first_port=22000)
        counts = _count(bodies)
        assert set(counts) == {'h3', 'h4'}, counts
        assert counts['h4'] <= 20, 'h4 came back with more than its ' \
            'share: %s' % counts


def test_rule_chain_changes_at_runtime(net):
    with diag(net, 'rules at runtime'):
        before = {r['id']: r['position'] for r in net.rules_json()['rules']}
        # a download through the masquerade, kept on the wire while the
        # chain changes (paced by the server: 1 MB at 200 kB/s)
        server, _, digest = net.start_throttled_http_server(
            8000, 1024 * 1024, 200 * 1024, name='runtime.bin')
        target = net.workdir / 'runtime-download.bin'
        download = net.popen('h1', [
            'curl', '--noproxy', '*', '-sS', '--max-time', '60', '-o',
            str(target), 'http://%s:8000/runtime.bin' % EXT_IP])
        try:
            time.sleep(0.5)
            rule = {'id': 'runtime-fwd', 'type': 'portForward',
                    'protocol': 'tcp',
                    'public': '%s:%d' % (OUTSIDE_ADDRESS, RUNTIME_PORT),
                    'inside': '%s:%d' % (H4_IP, RUNTIME_PORT)}
            status, view = net.add_rule(rule, position=1)
            assert status == 201, (status, view)
            assert view['id'] == 'runtime-fwd' and view['position'] == 1, \
                view
            number = int(view['number'])
            config_numbers = [r['number'] for r in net.rules_json()['rules']
                              if r['id'] != 'runtime-fwd']
            assert number > max(config_numbers), (number, config_numbers)

            net.wait_rule_flows(number, timeout=5, count=2)
            body = net.http_text('ext', 'http://%s:%d/' % (
                OUTSIDE_ADDRESS, RUNTIME_PORT))
            assert body == 'h4\n', body

            after = {r['id']: r['position'] for r in net.rules_json()['rules']}
            assert after == dict({'runtime-fwd': 1},
                                 **{k: v + 1 for k, v in before.items()}), \
                (before, after)

            # a conflicting rule is refused, naming the rule it clashes with
            clash = dict(rule, id='clash',
                         public='%s:%d' % (OUTSIDE_ADDRESS, FORWARD_TCP_PORT),
                         inside='%s:%d' % (H4_IP, RUNTIME_PORT + 1))
            status, body = net.add_rule(clash)
            assert status == 409 and body.get('conflictsWith') == 'web', \
                (status, body)
            assert 'web' in str(body.get('error', body)), body
            status, body = net.add_rule({'id': 'clash2', 'type': 'static',
                                         'inside': '10.0.0.15',
                                         'public': STATIC_PUBLIC},
                                        position=1)
            assert status == 409 and body.get('conflictsWith') == 'h2', \
                (status, body)
            assert net.rule('clash') is None and net.rule('clash2') is None

            status, body = net.delete_rule('runtime-fwd')
            assert status == 200 and body.get('deleted') == 'runtime-fwd', \
                (status, body)
            assert net.wait_rule_flows_gone(number, timeout=5), \
                [f['line'] for f in net.rule_flows(number)]
            assert net.http_text('ext', 'http://%s:%d/' % (
                OUTSIDE_ADDRESS, RUNTIME_PORT), timeout=3) is None
            assert {r['id']: r['position']
                    for r in net.rules_json()['rules']} == before
            status, body = net.delete_rule('runtime-fwd')
            assert status == 404, (status, body)

            assert download.wait(timeout=60) == 0, download.stdout.read()
            assert fnet.sha256_or_none(target) == digest, \
                'the download through the masquerade broke'
        finally:
            if download.poll() is None:
                net.kill(download)
            net.kill(server)


def test_pool_address_paired_exhausted_and_returned(net):
    with diag(net, 'pool'):
        # h1 -> far uses the pool's one address, its source port kept
        body, hits = _get(net, 'h1', 'http://%s/' % FAR_IP, 'far', 80,
                          local_port=40123)
        assert body == 'far\n', body
        assert hits == [(POOL_ADDRESS, 40123)], hits
        held = net.find_bindings('tcp', H1_IP, 40123)
        assert [(b['public_address'], b['public_port']) for b in held] == \
            [(POOL_ADDRESS, 40123)], held

        # h3 matches the pool too, which is exhausted while h1 holds its
        # address: refused at once (ICMP admin-prohibited), no fallback
        refused = net.tcp_connect('h3', FAR_IP, 80, timeout=5)
        assert not refused['ok'] and refused['error'] == 'EHOSTUNREACH', \
            refused
        assert refused['seconds'] < 3, refused
        assert [b['id'] for b in held] == [
            b['id'] for b in net.find_bindings('tcp', H1_IP, 40123)], \
            'the refusal must not evict h1: %s' % net.bindings()

        # h1's bindings deleted: the address is free, and h3 gets it
        status, body = net.delete_bindings(H1_IP)
        assert status == 200, (status, body)
        # still cooling for another host: refused until the reuse delay is over
        early = net.tcp_connect('h3', FAR_IP, 80, timeout=5)
        assert early['error'] == 'EHOSTUNREACH', early
        time.sleep(REUSE_DELAY + 0.5)
        body, hits = _get(net, 'h3', 'http://%s/' % FAR_IP, 'far', 80)
        assert body == 'far\n', body
        assert [a for a, _ in hits] == [POOL_ADDRESS], hits


MULTI_ADDRESSES = ['203.0.113.2', '203.0.113.3']


def test_masquerade_over_two_addresses_through_natctl(net):
    """natctl adds a masquerade rule with two public addresses for h3 and h4
    towards far: each host keeps one address for all its connections (paired
    pooling), the two hosts use different ones; natctl lists and deletes it,
    and refuses a second rule with the same id."""
    with diag(net, 'masquerade over two addresses (natctl)'):
        rule = {'id': 'two-addresses', 'type': 'masquerade',
                'match': {'inside': '10.0.0.12/30',
                          'outside': '198.51.100.0/24'},
                'addresses': MULTI_ADDRESSES}
        position = [r['id'] for r in net.rules_json()['rules']].index(
            'far-pool') + 1
        rc, out, err = net.natctl('rules', 'add', '-s', DPID_COLON,
                                  '--position', position, json.dumps(rule))
        assert rc == 0, (rc, out, err)
        assert "rule 'two-addresses' added at position %d" % position in out, \
            out
        rc, out, err = net.natctl('rules', '-s', DPID_COLON)
        assert rc == 0 and 'two-addresses' in out and 'masquerade' in out, \
            (rc, out, err)

        seen = {}
        for host in ('h3', 'h4'):
            for _ in range(3):
                body, hits = _get(net, host, 'http://%s/' % FAR_IP, 'far', 80)
                assert body == 'far\n', (host, body)
                seen.setdefault(host, set()).update(a for a, _ in hits)
        assert all(len(a) == 1 for a in seen.values()), seen
        assert seen['h3'] | seen['h4'] == set(MULTI_ADDRESSES), seen

        rc, out, err = net.natctl('rules', 'add', '-s', DPID_COLON,
                                  json.dumps(rule))
        assert rc == 6 and 'two-addresses' in (out + err), (rc, out, err)

        rc, out, err = net.natctl('rules', 'delete', '-s', DPID_COLON,
                                  'two-addresses')
        assert rc == 0 and "rule 'two-addresses' deleted" in out, \
            (rc, out, err)
        assert net.rule('two-addresses') is None
        # without the rule, h4 -> far is the pool's again: refused while
        # another host holds the pool's address, else on the pool's address;
        # never on the deleted rule's
        body, hits = _get(net, 'h4', 'http://%s/' % FAR_IP, 'far', 80)
        assert body is None or [a for a, _ in hits] == [POOL_ADDRESS], \
            (body, hits)


def test_rules_survive_a_controller_restart(net):
    """kill -9 the controller in the middle of a download through the static
    rule and start it again: the download completes intact (the switch kept
    translating), the forwards' and the virtual server's bindings are adopted
    with their ids, no rule's flows are lost or doubled, a twice-NAT pair is
    made again on its next packet, and the virtual server still balances."""
    with diag(net, 'restart with rules'):
        rules_before = [(r['id'], r['number'], r['position'])
                        for r in net.rules_json()['rules']]
        assert net.http_text('ext', 'http://%s:%d/' % (VIP, VS_PORT)) in \
            ('h3\n', 'h4\n')
        before = {b['id']: b for b in net.bindings()}
        forwards = {i for i in before if i >= 1 << 47}
        sessions = {i for i, b in before.items()
                    if b['public_address'] == VIP}
        assert forwards and sessions, before
        flows_before = {n: len(net.rule_flows(n)) for _, n, _ in rules_before}
        server, _, digest = net.start_throttled_http_server(
            8001, 1024 * 1024, 200 * 1024, name='restart.bin')
        target = net.workdir / 'restart-download.bin'
        # h2 is the static rule's host: its traffic never needs the controller
        download = net.popen('h2', [
            'curl', '--noproxy', '*', '-sS', '--max-time', '60', '-o',
            str(target), 'http://%s:8001/restart.bin' % EXT_IP])
        echo = net.start_udp_echo_on('h3', FORWARD_UDP_PORTS[0])
        try:
            time.sleep(1)
            net.kill_controller()
            time.sleep(2)
            # no controller: the forward's flows still carry its traffic (UDP
            # here: a TCP segment with FIN waits for the controller on
            # OpenFlow 1.3, and is retransmitted once it is back)
            reply, peer, raw = net.udp_request('ext', OUTSIDE_ADDRESS,
                                               FORWARD_UDP_PORTS[0], 'away')
            assert reply == 'away' and peer == '%s:%d' % (
                OUTSIDE_ADDRESS, FORWARD_UDP_PORTS[0]), raw
            assert download.poll() is None, 'the download ended too early'
            net.restart_controller()

            assert download.wait(timeout=60) == 0, download.stdout.read()
            assert fnet.sha256_or_none(target) == digest
            assert [(r['id'], r['number'], r['position'])
                    for r in net.rules_json()['rules']] == rules_before
            after = {b['id'] for b in net.bindings()}
            assert forwards <= after, (forwards, after)
            assert sessions <= after, (sessions, after)
            for rule_id, number, _ in rules_before:
                if rule_id == 'site-b':
                    continue  # its pairs go; only its traps stay
                assert len(net.rule_flows(number)) == flows_before[number], \
                    (rule_id, [f['line'] for f in net.rule_flows(number)])
            body, hits = _get(net, 'h1', 'http://%s/' % B1_AS_SEEN_INSIDE,
                              'b1', 80)
            assert body == 'b1\n' and [a for a, _ in hits] == \
                [H1_AS_SEEN_BY_B], (body, hits)
            counts = _count(net.http_texts('ext', VIP, VS_PORT, 40,
                                           first_port=23000))
            assert set(counts) == {'h3', 'h4'}, counts
        finally:
            if download.poll() is None:
                net.kill(download)
            net.kill(server)
            net.kill(echo)
