"""End-to-end tests of operating flowmasq: natctl against the real REST API
of the real controller, with Open vSwitch and Mininet hosts.

- a binding made by traffic is listed by ``natctl bindings``, deleted by
  ``natctl delete``; its flows are gone from the switch and the next packet
  makes a new binding;
- ``natctl add`` makes a static binding that an outside client reaches;
- ``/metrics`` counters move; the binding log records creation and expiry
  with the FLOW_REMOVED counters.

Every test fails (never skips) when something it needs is missing.
"""

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

import flowmasq_net as fnet  # noqa: E402
from conftest import flowmasq_per_version  # noqa: E402
from flowmasq_topo import EXT_IP, H1_IP, OUTSIDE_ADDRESS  # noqa: E402

pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning')

# long enough for several natctl runs (a JVM start each) before expiry
UDP_IDLE_TIMEOUT = 15
LOG_NAME = 'bindings.jsonl'

fm = flowmasq_per_version(
    udp_timeout=UDP_IDLE_TIMEOUT,
    extra_config={'statistics': {'intervalSeconds': 1},
                  'bindingLog': {'path': '@WORKDIR@/' + LOG_NAME,
                                 'maxFileMegabytes': 1, 'maxFiles': 2}})


def _binding_json(fm, inside_port, proto='udp'):
    rc, out, err = fm.natctl('bindings', '--inside', H1_IP, '--proto', proto,
                             '--json')
    assert rc == 0, (rc, out, err)
    return [b for b in json.loads(out) if b['inside_port'] == inside_port]


def _cookie_flows(fm, cookie):
    value = int(cookie, 16)
    return [f for f in fm.flows() if f['cookie'] == value]


def test_natctl_lists_deletes_and_the_next_packet_rebinds(fm):
    echo = fm.start_udp_echo(port=7777)
    try:
        sport = 41001
        reply, peer, raw = fm.udp_request('h1', EXT_IP, 7777, 'first',
                                          sport=sport)
        assert reply == 'first', raw
        # the first packet went out by packet-out; this one uses the flows
        reply, peer, raw = fm.udp_request('h1', EXT_IP, 7777, 'second',
                                          sport=sport)
        assert reply == 'second', raw

        # the human table names the binding
        rc, table, err = fm.natctl('bindings', '--inside', H1_IP)
        assert rc == 0, (rc, table, err)
        print(table)
        assert '%s:%d' % (H1_IP, sport) in table, table
        old = _binding_json(fm, sport)
        assert len(old) == 1, old
        old = old[0]
        assert old['public_address'] == OUTSIDE_ADDRESS, old
        assert old['origin'] == 'dynamic', old
        assert _cookie_flows(fm, old['cookie']), 'no flows with its cookie'

        # traffic counters arrive with the next statistics poll (1 s here)
        got = fnet.wait_until(lambda: (_binding_json(fm, sport) or [{}])[0]
                              .get('traffic'), 10,
                              'flow statistics for the binding')
        assert got['packets_out'] >= 1 and got['packets_in'] >= 1, got

        rc, out, err = fm.natctl('delete', old['id'])
        assert rc == 0 and 'deleted' in out, (rc, out, err)
        # natctl answered after the switch confirmed: the flows are gone now
        assert _cookie_flows(fm, old['cookie']) == [], fm.dump_flows()
        rc, out, err = fm.natctl('show', old['id'])
        assert rc == 3, (rc, out, err)
        rc, out, err = fm.natctl('delete', old['id'])
        assert rc == 3 and 'does not exist' in out, (rc, out, err)
        rc, out, err = fm.natctl('delete', '--ignore-missing', old['id'])
        assert rc == 0, (rc, out, err)

        # the next packet of the same flow makes a new binding
        reply, peer, raw = fm.udp_request('h1', EXT_IP, 7777, 'again',
                                          sport=sport)
        assert reply == 'again', raw
        new = _binding_json(fm, sport)
        assert len(new) == 1 and new[0]['id'] != old['id'], (old, new)
        assert _cookie_flows(fm, new[0]['cookie'])
    finally:
        fm.kill(echo)


def test_metrics_counters_move(fm):
    before = fm.metrics()
    created_before = fnet.metric_sum(before,
                                     'flowmasq_bindings_created_total')
    echo = fm.start_udp_echo(port=7778)
    try:
        for sport in (42001, 42002, 42003):
            reply, _, raw = fm.udp_request('h1', EXT_IP, 7778, 'm',
                                           sport=sport)
            assert reply == 'm', raw
    finally:
        fm.kill(echo)
    after = fm.metrics()
    assert fnet.metric_sum(after, 'flowmasq_bindings_created_total',
                           protocol='udp') >= created_before + 3
    assert fnet.metric_sum(after, 'flowmasq_packet_ins_total') > \
        fnet.metric_sum(before, 'flowmasq_packet_ins_total')
    assert fnet.metric_sum(after, 'flowmasq_flow_mods_total') > \
        fnet.metric_sum(before, 'flowmasq_flow_mods_total')
    assert fnet.metric_sum(after, 'flowmasq_bindings_active',
                           protocol='udp') >= 3
    assert fnet.metric_sum(after, 'flowmasq_binding_setup_seconds_count') > 0
    assert fnet.metric_sum(after, 'jvm_memory_used_bytes') > 0


def test_static_binding_reachable_from_outside(fm):
    www = fm.workdir / 'static-www'
    www.mkdir(exist_ok=True)
    payload = os.urandom(2 * 1024 * 1024)
    (www / 'blob').write_bytes(payload)
    server = fm.popen('h1', [fnet.PY, '-m', 'http.server', '8080', '--bind',
                             H1_IP, '--directory', str(www)])
    try:
        fm.wait_listening('h1', 8080)
        rc, out, err = fm.natctl('add', '--proto', 'tcp', '--inside',
                                 '%s:8080' % H1_IP, '--public',
                                 '%s:8080' % OUTSIDE_ADDRESS, '--json')
        assert rc == 0, (rc, out, err)
        static = json.loads(out)
        assert static['origin'] == 'static' and \
            static['idle_timeout_seconds'] == 0, static

        # a second claim on the same public endpoint is a conflict (exit 6)
        rc, out, err = fm.natctl('add', '--proto', 'tcp', '--inside',
                                 '%s:9090' % H1_IP, '--public',
                                 '%s:8080' % OUTSIDE_ADDRESS)
        assert rc == 6 and str(static['id']) in err, (rc, out, err)

        target = fm.workdir / 'static-download'
        rc, summary = fm.http_download(
            'ext', 'http://%s:8080/blob' % OUTSIDE_ADDRESS, target,
            timeout=60)
        assert rc == 0, summary
        assert fnet.sha256_file(target) == \
            __import__('hashlib').sha256(payload).hexdigest(), summary

        rc, out, err = fm.natctl('delete', static['id'])
        assert rc == 0, (rc, out, err)
        assert _cookie_flows(fm, static['cookie']) == []
        rc, summary = fm.http_download(
            'ext', 'http://%s:8080/blob' % OUTSIDE_ADDRESS,
            fm.workdir / 'static-after-delete', timeout=3)
        assert rc != 0, 'reached the inside server after the delete: ' + \
            summary
    finally:
        fm.kill(server)


def test_binding_log_records_creation_and_expiry(fm):
    log_path = fm.workdir / LOG_NAME
    echo = fm.start_udp_echo(port=7779)
    try:
        sport = 43001
        for payload in ('log-me', 'and-me'):   # the second uses the flows
            reply, _, raw = fm.udp_request('h1', EXT_IP, 7779, payload,
                                           sport=sport)
            assert reply == payload, raw
    finally:
        fm.kill(echo)

    def records():
        if not log_path.exists():
            return []
        return [json.loads(l) for l in log_path.read_text().splitlines()
                if l.strip()]

    def mine(event):
        return [r for r in records() if r['event'] == event and
                r['inside'] == '%s:%d' % (H1_IP, sport)]

    created = fnet.wait_until(lambda: mine('created'), 10, 'the created record')
    # expiry after the UDP idle timeout, then both FLOW_REMOVED messages
    removed = fnet.wait_until(lambda: mine('removed'), UDP_IDLE_TIMEOUT + 20,
                              'the removed record')
    assert created[0]['public'].startswith(OUTSIDE_ADDRESS + ':'), created
    r = removed[0]
    assert r['reason'] == 'idle_timeout', r
    assert r['binding'] == created[0]['binding'], (created, r)
    assert r['packets_out'] >= 1 and r['bytes_out'] > 0, r
    assert r['packets_in'] >= 1 and r['bytes_in'] > 0, r
    assert r['duration_s'] >= UDP_IDLE_TIMEOUT - 1, r
