"""End-to-end malformed input (issue 8 item 6): while the real OVS switch is
connected, a second configured switch -- played by the bench jar's fuzzing
client -- sends 100,000 seeded, mutated OpenFlow messages (broken packet-ins
of every kind, truncated/oversized/unknown-type/wrong-version messages,
framing loss now and then, after which it reconnects).  Afterwards the
controller is alive, the real switch's session was never interrupted, real
traffic through the NAT works and gets a new binding, and the controller
counted what it dropped without any exception escaping.

The fuzzed switch (dpid f2) exists only in the controller's configuration:
its packet-outs go back over the fuzzer's socket, never onto a network.
"""

import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

import flowmasq_net as fnet  # noqa: E402
from conftest import flowmasq_per_version  # noqa: E402
from flowmasq_topo import DPID_COLON, EXT_IP, H1_IP  # noqa: E402
from test_e2e import diag  # noqa: E402

pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning')

BENCH_JAR = fnet.REPO / 'bench' / 'target' / 'flowmasq-bench.jar'
FUZZ_DPID = '00:00:00:00:00:00:00:f2'
FUZZ_SEED = '0x5EEDF122'
FUZZ_MESSAGES = 100000
FUZZ_SWITCH = {
    'dpid': FUZZ_DPID,
    'name': 'fuzzed',
    'inside': [{'ports': [1, 2], 'gateway': '10.9.0.1/24',
                'mac': '02:f1:00:00:09:01'}],
    'outside': {'port': 3, 'address': '192.0.2.1/24',
                'mac': '02:f1:00:00:09:02', 'nextHop': '192.0.2.10'},
    'portRange': {'first': 10000, 'last': 65535},
    'mssClamp': 1400,
}

net = flowmasq_per_version(extra_switches=[FUZZ_SWITCH])


def _switch(net, dpid):
    for s in net.rest_json('/api/v1/switches').get('switches', []):
        if s.get('dpid') == dpid:
            return s
    return None


def _connected_since(s):
    return s.get('connected_since', s.get('connectedSince'))


def _run_fuzzer(net):
    assert BENCH_JAR.exists(), '%s missing: run "make build" first' % BENCH_JAR
    version = '1.3' if net.of_version == 'OpenFlow13' else '1.0'
    cmd = ['java', '-jar', str(BENCH_JAR), 'fuzz',
           '--controller', '127.0.0.1:%d' % net.of_port,
           '--dpid', FUZZ_DPID, '--version', version,
           '--messages', str(FUZZ_MESSAGES), '--seed', FUZZ_SEED,
           '--inside', '10.9.0.1/24', '--inside-ports', '1,2',
           '--outside-port', '3', '--public', '192.0.2.1',
           '--next-hop', '192.0.2.10', '--gateway-mac', '02:f1:00:00:09:01',
           '--outside-mac', '02:f1:00:00:09:02',
           '--remotes', '198.51.100.20,203.0.113.99']
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=180, check=False)
    assert p.returncode == 0, 'fuzzer failed (rc %d):\n%s\n%s' % (
        p.returncode, p.stdout[-2000:], p.stderr[-4000:])
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_controller_serves_the_real_switch_after_a_fuzzed_one(net):
    with diag(net, 'fuzz'):
        before = _switch(net, DPID_COLON)
        assert before and before['connected'], before
        counters0 = net.stats().get('counters', {})

        result = _run_fuzzer(net)
        print('fuzzer: %s' % result)
        assert result['sent'] == FUZZ_MESSAGES, result

        assert net.controller.alive(), 'controller died:\n%s' % \
            net.controller.log_tail()
        after = _switch(net, DPID_COLON)
        assert after and after['connected'], after
        assert _connected_since(after) == _connected_since(before), \
            'the real switch reconnected during the fuzz: %s -> %s' % (
                before, after)

        # real traffic through the NAT, with a new binding for it
        old = {b['id'] for b in net.find_bindings('tcp', H1_IP)}
        http, _, digest = net.start_http_server(port=8081, size=256 * 1024,
                                                name='fuzz.bin')
        try:
            out = net.workdir / 'fuzz-h1.bin'
            rc, summary = net.http_download(
                'h1', 'http://%s:8081/fuzz.bin' % EXT_IP, out, timeout=60)
            assert rc == 0, summary
            assert fnet.sha256_file(out) == digest, summary
        finally:
            net.kill(http)
        new = [b for b in net.find_bindings('tcp', H1_IP)
               if b['id'] not in old]
        assert new, 'no new binding for h1: %s' % net.bindings()

        counters = net.stats().get('counters', {})

        def grew(name):
            return counters.get(name, 0) - counters0.get(name, 0)
        malformed = sum(v - counters0.get(k, 0) for k, v in counters.items()
                        if k.startswith('nat.malformed.'))
        print('parse errors %d, malformed packet-ins %d, framing errors %d'
              % (grew('of.parse_errors'), malformed,
                 grew('of.framing_errors')))
        assert grew('of.parse_errors') > 0, counters
        assert malformed > 0, counters
        assert counters.get('of.pipeline_exceptions', 0) == 0, counters
        assert counters.get('handler.exceptions', 0) == 0, counters
        # only framing loss closes a session, and every framing loss did
        assert result['unexpected_closes'] == 0, result
        assert result['reconnects'] == grew('of.framing_errors'), \
            (result, counters)
        assert result['reconnects'] > 0, result
