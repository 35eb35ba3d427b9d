#!/usr/bin/python3
"""flowmasq demo: IP masquerade on an Open vSwitch switch, end to end.

Brings up the flowmasq topology (h1, h2 inside 10.0.0.0/24; ext outside on
203.0.113.0/24) on a userspace OVS bridge with the flowmasq controller
(OpenFlow 1.3), shows NAT at work, tears everything down and prints a
SUMMARY.  Exit status 0 only if every step passed.

    make build && sudo /usr/bin/python3 mininet/demo.py [--of10] [--keep]
"""

import argparse
import json
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import flowmasq_net as fnet  # noqa: E402
from flowmasq_topo import EXT_IP, FAR_IP, H1_IP, H2_IP, OUTSIDE_ADDRESS  # noqa: E402
from flowmasq_topo import DPID_COLON, INSIDE_GATEWAY  # noqa: E402

RESULTS = []   # (step, ok, detail)


def heading(text):
    print('\n' + '=' * 72)
    print('  ' + text)
    print('=' * 72, flush=True)


def step(name):
    """Decorator: run a demo step, record PASS/FAIL, never raise."""
    def wrap(fn):
        def run(*args, **kwargs):
            heading(name)
            try:
                detail = fn(*args, **kwargs)
                RESULTS.append((name, True, detail or ''))
                print('--> PASS %s' % (detail or ''))
                return True
            except Exception as e:  # pylint: disable=broad-except
                RESULTS.append((name, False, str(e).splitlines()[0]
                                if str(e) else type(e).__name__))
                print('--> FAIL: %s' % e)
                if not isinstance(e, AssertionError):
                    traceback.print_exc()
                return False
        return run
    return wrap


@step('HTTP download: 10 MB from ext (203.0.113.10) to h1 (10.0.0.11)')
def demo_http(fm):
    server, path, digest = fm.start_http_server(port=8000,
                                                size=10 * 1024 * 1024)
    out = fm.workdir / 'demo-download.bin'
    try:
        rc, summary = fm.http_download(
            'h1', 'http://%s:8000/%s' % (EXT_IP, path.name), out)
    finally:
        fm.kill(server)
    print('h1$ curl http://%s:8000/%s  ->  %s' % (EXT_IP, path.name, summary))
    assert rc == 0, 'curl failed (rc=%s)' % rc
    got = fnet.sha256_file(out)
    size = out.stat().st_size
    print('served   %10d bytes  sha256 %s' % (path.stat().st_size, digest))
    print('received %10d bytes  sha256 %s' % (size, got))
    assert got == digest, 'sha256 mismatch'
    return '%d bytes, sha256 match' % size


@step('iperf3: TCP h1 -> ext for 3 s')
def demo_iperf(fm):
    rc, data, raw = fm.iperf(client='h1', seconds=3)
    assert data is not None and 'error' not in data and rc == 0, \
        'iperf3 failed (rc=%s): %s' % (rc, (data or {}).get('error',
                                                           raw[-300:]))
    r = data['end']['sum_received']
    line = ('%.1f s  %.1f MBytes  %.1f Mbit/s received'
            % (r['seconds'], r['bytes'] / 1e6, r['bits_per_second'] / 1e6))
    print('[SUM] ' + line)
    assert r['bytes'] > 0
    return line


@step('UDP: request from h2 (10.0.0.12) to an echo server on ext')
def demo_udp(fm):
    server = fm.start_udp_echo(port=7777)
    try:
        reply, peer, raw = fm.udp_request('h2', EXT_IP, 7777,
                                          'hello through flowmasq')
    finally:
        fm.kill(server)
    seen = server.stdout.read().decode('utf-8', 'replace').strip()
    print('h2 got : %s' % raw)
    print('ext saw: %s' % seen.replace('listening\n', ''))
    assert reply == 'hello through flowmasq', 'no/wrong reply'
    assert ('from %s:' % OUTSIDE_ADDRESS) in seen, \
        'ext did not see the public address'
    return 'reply matched'


@step('ICMP: ping and traceroute from h1 to far (198.51.100.20, behind ext)')
def demo_icmp(fm):
    out, err, rc = fm.pexec('h1', ['ping', '-n', '-c', '3', '-i', '0.2', '-W', '2',
                                   FAR_IP], timeout=20)
    print('h1$ ping -c 3 %s\n%s' % (FAR_IP, '\n'.join(out.strip().splitlines()[-2:])))
    assert rc == 0 and ' 0% packet loss' in out, 'ping lost packets'
    out, err, rc = fm.pexec('h1', ['traceroute', '-n', '-q', '1', '-N', '1', '-w', '2',
                                   '-m', '5', FAR_IP], timeout=40)
    print('h1$ traceroute -n %s\n%s' % (FAR_IP, out.rstrip()))
    hops = [l.split()[1] for l in out.splitlines()[1:] if len(l.split()) > 1]
    assert hops[:3] == [INSIDE_GATEWAY, EXT_IP, FAR_IP], 'hops %s' % hops
    return 'ping 0%% loss; traceroute hops %s' % ' > '.join(hops[:3])


@step('Bindings held by the controller: natctl bindings (REST API)')
def demo_bindings(fm):
    rc, out, err = fm.natctl('bindings')
    print('$ natctl bindings\n' + out.rstrip())
    assert rc == 0, 'natctl exited %d: %s' % (rc, err.strip())
    bindings = fm.bindings()
    inside = {b.get('inside_address') for b in bindings}
    assert H1_IP in inside and H2_IP in inside, \
        'expected bindings for %s and %s' % (H1_IP, H2_IP)
    rc, out, err = fm.natctl('switches')
    print('\n$ natctl switches\n' + out.rstrip())
    assert rc == 0, 'natctl switches exited %d: %s' % (rc, err.strip())
    return '%d bindings' % len(bindings)


@step('FTP through the NAT: active (PORT) and passive downloads of 5 MB from '
      'vsftpd on ext with lftp on h1 (the ALG rewrites PORT)')
def demo_ftp(fm):
    root = fm.workdir / 'demo-ftp'
    root.mkdir(parents=True, exist_ok=True)
    digest = fnet.make_random_file(root / 'file.bin', 5 * 1024 * 1024)
    server = fm.start_vsftpd('ext', str(root))
    try:
        results = []
        for passive in (False, True):
            mode = 'passive' if passive else 'active'
            rc, out, got = fm.lftp_get('h1', EXT_IP, 'file.bin',
                                       fm.workdir / ('demo-ftp-%s.bin' % mode),
                                       passive=passive, timeout=60)
            print('h1$ lftp (%s) get file.bin: exit %d, sha256 %s' % (
                mode, rc, 'match' if got == digest else 'MISMATCH'))
            assert rc == 0 and got == digest, '%s download failed' % mode
            results.append(mode)
        seen = ['%s from %s: %s' % (e['kind'], e['client'], e['text'])
                for e in fm.vsftpd_log(server)
                if e['text'].startswith(('PORT ', 'EPRT ', 'PASV', '227 '))]
        print('what vsftpd on ext saw (the PORT names the public address):')
        for line in seen:
            print('  ' + line)
        assert any('PORT 203,0,113,1,' in l or 'EPRT |1|203.0.113.1|' in l
                   for l in seen), 'the server never saw the public address'
        rc, out, err = fm.natctl('bindings', '--inside', H1_IP, '--proto',
                                 'tcp')
        print('$ natctl bindings --inside %s --proto tcp\n%s' % (H1_IP,
                                                               out.rstrip()))
    finally:
        fm.stop_vsftpd(server)
    return 'active and passive 5 MB downloads, sha256 match'


@step('Operate: natctl delete removes a binding and its flows; natctl add '
      'publishes h1:8080 at 203.0.113.1:8080')
def demo_operate(fm):
    udp = [b for b in fm.bindings() if b.get('protocol') == 'udp'] or \
        fm.bindings()
    victim = udp[0]
    cookie = int(victim['cookie'], 16)
    rc, out, err = fm.natctl('delete', victim['id'])
    print('$ natctl delete %s\n%s' % (victim['id'], (out + err).rstrip()))
    assert rc == 0, 'natctl delete exited %d' % rc
    left = [f for f in fm.flows() if f['cookie'] == cookie]
    print('flows with cookie %s left on the switch: %d' % (victim['cookie'],
                                                           len(left)))
    assert not left, 'flows survived the delete: %s' % left
    www = fm.workdir / 'demo-static'
    www.mkdir(exist_ok=True)
    (www / 'hello.txt').write_text('hello from h1 behind flowmasq\n')
    server = fm.popen('h1', [fnet.PY, '-m', 'http.server', '8080', '--bind',
                             H1_IP, '--directory', str(www)])
    try:
        fm.wait_listening('h1', 8080)
        rc, out, err = fm.natctl('add', '--proto', 'tcp', '--inside',
                                 '%s:8080' % H1_IP, '--public',
                                 '%s:8080' % OUTSIDE_ADDRESS)
        print('$ natctl add --proto tcp --inside %s:8080 --public %s:8080\n%s'
              % (H1_IP, OUTSIDE_ADDRESS, (out + err).rstrip()))
        assert rc == 0, 'natctl add exited %d' % rc
        out, err, rc = fm.pexec('ext', ['curl', '--noproxy', '*', '-sS',
                                        '--max-time', '10',
                                        'http://%s:8080/hello.txt'
                                        % OUTSIDE_ADDRESS], timeout=20)
        print('ext$ curl http://%s:8080/hello.txt\n%s' % (OUTSIDE_ADDRESS,
                                                          (out + err).rstrip()))
        assert rc == 0 and 'hello from h1' in out, 'ext could not reach h1'
    finally:
        fm.kill(server)
    return 'binding %s deleted with its flows; static binding reached from ext' \
        % victim['id']


@step('Controller restart: kill -9 the controller in the middle of a download; '
      'the switch keeps forwarding, the new controller rebuilds its bindings')
def demo_restart(fm):
    # 3 MiB paced by the server at 300 KiB/s: about 10 s, across the outage
    server, path, digest = fm.start_throttled_http_server(
        port=8002, size=3 * 1024 * 1024, rate=300 * 1024, name='restart.bin')
    out = fm.workdir / 'demo-restart.bin'
    curl = fm.popen('h1', ['curl', '--noproxy', '*', '-sS', '--max-time', '90',
                           '-o', str(out),
                           'http://%s:8002/%s' % (EXT_IP, path.name)])
    try:
        time.sleep(2.0)
        before = fm.bindings()
        at_kill = out.stat().st_size if out.exists() else 0
        print('before: %d binding(s); h1 has %d of %d bytes of %s (300 KiB/s)'
              % (len(before), at_kill, path.stat().st_size, path.name))
        fm.kill_controller()
        print('$ kill -9 <controller>   (the switch keeps its flows: '
              'fail_mode=secure)')
        time.sleep(3.0)
        partial = out.stat().st_size if out.exists() else 0
        print('3 s without a controller: h1 has %d bytes (+%d)'
              % (partial, partial - at_kill))
        assert at_kill < partial < path.stat().st_size, \
            'the download did not go on during the outage'
        fm.restart_controller()
        rebuilt = [l for l in fm.controller.log_tail(200).splitlines()
                   if 'rebuilt binding table' in l]
        print('controller started again; its log says:')
        print('  ' + rebuilt[-1].strip() if rebuilt else '  (nothing)')
        assert rebuilt, 'no "rebuilt binding table" line in the log'
        after = fm.bindings()
        ids_before = {b['id'] for b in before}
        kept = [b for b in after if b['id'] in ids_before]
        print('after: %d binding(s), %d with the same id as before'
              % (len(after), len(kept)))
        assert kept, 'no binding survived the restart'
        rc = curl.wait(timeout=120)
    finally:
        if curl.poll() is None:
            fm.kill(curl)
        fm.kill(server)
    assert rc == 0, 'curl failed across the restart (rc=%s)' % rc
    got = fnet.sha256_file(out)
    print('served   sha256 %s\nreceived sha256 %s' % (digest, got))
    assert got == digest, 'sha256 mismatch'
    return '%d bytes across a kill -9, sha256 match; %d binding(s) adopted' \
        % (out.stat().st_size, len(kept))

DEMO_VIP = '203.0.113.80'
DEMO_FORWARD_PORT = 9080


@step('NAT rules at runtime: natctl rules add publishes h1:9080 as a port '
      'forward, a REST POST adds a virtual server at 203.0.113.80:80 over '
      'h1:80 and h2:80; ext reaches both; both deleted again')
def demo_rules(fm):
    servers = [fm.start_name_server(h, p, wait=False)
               for h, p in (('h1', DEMO_FORWARD_PORT), ('h1', 80), ('h2', 80))]
    added = []
    try:
        for h, p in (('h1', DEMO_FORWARD_PORT), ('h1', 80), ('h2', 80)):
            fm.wait_listening(h, p)
        forward = ('{"id": "demo-fwd", "type": "portForward", "protocol": '
                   '"tcp", "public": "%s:%d", "inside": "%s:%d"}'
                   % (OUTSIDE_ADDRESS, DEMO_FORWARD_PORT, H1_IP,
                      DEMO_FORWARD_PORT))
        rc, out, err = fm.natctl('rules', 'add', '-s', DPID_COLON, forward)
        print("$ natctl rules add -s %s '%s'\n%s" % (DPID_COLON, forward,
                                                     (out + err).rstrip()))
        assert rc == 0, 'natctl rules add exited %d' % rc
        added.append('demo-fwd')
        vs = {'id': 'demo-www', 'type': 'virtualServer', 'protocol': 'tcp',
              'public': '%s:80' % DEMO_VIP, 'policy': 'roundRobin',
              'servers': [{'address': '%s:80' % H1_IP},
                          {'address': '%s:80' % H2_IP}],
              'healthCheck': {'intervalSeconds': 1, 'timeoutMillis': 500,
                              'failures': 2, 'successes': 1}}
        status, view = fm.add_rule(vs)
        print('$ curl -X POST %s/api/v1/switches/%s/rules -d \'%s\'\n'
              'HTTP %s: rule %r at position %s, number %s'
              % (fm.rest_url, DPID_COLON, json.dumps(vs), status,
                 view.get('id'), view.get('position'), view.get('number')))
        assert status == 201, 'POST answered %s: %s' % (status, view)
        added.append('demo-www')
        rc, out, err = fm.natctl('rules')
        print('$ natctl rules\n' + out.rstrip())
        assert rc == 0, 'natctl rules exited %d' % rc
        numbers = [fm.rule_number('demo-fwd'), fm.rule_number('demo-www')]
        fm.wait_rule_flows(numbers[0], timeout=10, count=2)
        fm.wait_rule_flows(numbers[1], timeout=10, count=1)

        url = 'http://%s:%d/' % (OUTSIDE_ADDRESS, DEMO_FORWARD_PORT)
        body = fm.http_text('ext', url, timeout=10)
        print('ext$ curl %s\n%s' % (url, (body or '(no answer)').rstrip()))
        assert body == 'h1\n', 'the port forward did not reach h1: %r' % body
        # fixed source ports, each used once (a reused port of a closed
        # connection stays with its old server on OpenFlow 1.0)
        bodies = fm.http_texts('ext', DEMO_VIP, 80, 8, timeout=5,
                               first_port=31000)
        print('ext$ 8 x curl http://%s/  ->  %s' % (DEMO_VIP, ' '.join(
            b.strip() for b in bodies)))
        assert sorted(bodies) == ['h1'] * 4 + ['h2'] * 4, \
            'round robin over h1 and h2 expected: %s' % bodies

        rc, out, err = fm.natctl('rules', 'delete', '-s', DPID_COLON,
                                 'demo-fwd')
        print('$ natctl rules delete -s %s demo-fwd\n%s'
              % (DPID_COLON, (out + err).rstrip()))
        assert rc == 0, 'natctl rules delete exited %d' % rc
        added.remove('demo-fwd')
        status, body = fm.delete_rule('demo-www')
        print('$ curl -X DELETE %s/api/v1/switches/%s/rules/demo-www\n'
              'HTTP %s: %s' % (fm.rest_url, DPID_COLON, status,
                               json.dumps(body)))
        assert status == 200, 'DELETE answered %s: %s' % (status, body)
        added.remove('demo-www')
        body = fm.http_text('ext', url, timeout=3)
        print('ext$ curl %s  ->  %s' % (url, 'no answer' if body is None
                                        else body.strip()))
        assert body is None, 'the deleted forward still answers'
        # the rules' own flows: the forward's bindings, the virtual
        # server's traps and its connections' bindings
        for number in numbers:
            assert fm.wait_rule_flows_gone(number, timeout=5), \
                'flows of rule %d are left: %s' % (
                    number, [f['line'] for f in fm.rule_flows(number)])
        left = [f['line'] for f in fm.flows() if f['cookie'] >> 56 == 0xf1
                and (f['cookie'] >> 48) & 0xff == 0x01 and
                ('nw_dst=%s' % DEMO_VIP in f['line']
                 or 'set_field:%s->ip_src' % DEMO_VIP in f['line'])]
        assert not left, 'virtual-server bindings are left: %s' % left
    finally:
        for rule_id in added:
            fm.delete_rule(rule_id)
        for s in servers:
            fm.kill(s)
    return 'forward answered by h1, virtual server by h1 and h2 (4 each); ' \
        'both deleted, their flows gone'


@step('Flow table: the rewrite actions in the switch (ovs-ofctl dump-flows)')
def demo_flows(fm):
    lines = fm.dump_flows()
    print('# ovs-ofctl -O %s dump-flows %s' % (fm.of_version, fm.switch_name))
    for l in lines:
        print(l)
    rewrites = [l for l in lines if OUTSIDE_ADDRESS in l.split('actions=')[1]]
    assert rewrites, 'no flow rewrites to %s' % OUTSIDE_ADDRESS
    return '%d flows, %d rewrite to %s' % (len(lines), len(rewrites),
                                           OUTSIDE_ADDRESS)


@step('tcpdump on ext: the outside sees only 203.0.113.1')
def demo_capture(fm):
    cap, pcap = fm.start_capture('ext', name='demo.pcap')
    server, path, _ = fm.start_http_server(port=8001, size=100000,
                                           name='small.bin')
    echo = fm.start_udp_echo(port=7778)
    try:
        fm.http_download('h1', 'http://%s:8001/small.bin' % EXT_IP,
                         fm.workdir / 'demo-small.bin', timeout=30)
        fm.udp_request('h2', EXT_IP, 7778, 'capture')
    finally:
        lines = fm.stop_capture(cap, pcap)
        fm.kill(server)
        fm.kill(echo)
    pkts = fnet.ipv4_packets(lines)
    srcs = sorted({p[0] for p in pkts})
    tcp = next((l for l in lines if 'IP %s.' % OUTSIDE_ADDRESS in l and
                'Flags' in l), None)
    udp = next((l for l in lines if 'IP %s.' % OUTSIDE_ADDRESS in l and
                'UDP' in l), None)
    print('ext-eth0$ tcpdump -nn  (%d packets)' % len(lines))
    for l in (tcp, udp):
        if l:
            print('  ' + l)
    print('IPv4 source addresses seen: %s' % ', '.join(srcs))
    leaks = [l for l in lines if '10.0.0.' in l]
    assert not leaks, 'inside address seen outside: %s' % leaks[0]
    assert tcp and udp, 'no TCP/UDP packet from %s captured' % OUTSIDE_ADDRESS
    assert set(srcs) <= {OUTSIDE_ADDRESS, EXT_IP}, srcs
    return 'sources: %s' % ', '.join(srcs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--of10', action='store_true',
                    help='use OpenFlow 1.0 instead of 1.3')
    ap.add_argument('--keep', action='store_true',
                    help='keep the work directory (controller log, pcap)')
    args = ap.parse_args()
    of_version = 'OpenFlow10' if args.of10 else 'OpenFlow13'

    heading('flowmasq demo: bringing up controller + topology (%s)'
            % of_version)
    fm = fnet.FlowmasqNet(of_version=of_version)
    up = False
    try:
        try:
            fm.start()
            up = True
            print('bridge %s (userspace datapath), controller OpenFlow '
                  '127.0.0.1:%d, REST %s' % (fm.switch_name, fm.of_port,
                                             fm.rest_url))
            print('inside : h1 %s, h2 %s  (default route via 10.0.0.1)'
                  % (H1_IP, H2_IP))
            print('outside: ext %s  ("the Internet"; NAT address %s)'
                  % (EXT_IP, OUTSIDE_ADDRESS))
            RESULTS.append(('bring-up', True, fm.switch_name))
        except Exception as e:  # pylint: disable=broad-except
            print('FAILED to bring up: %s' % e)
            RESULTS.append(('bring-up', False, str(e).splitlines()[0]))
        if up:
            demo_http(fm)
            demo_iperf(fm)
            demo_udp(fm)
            demo_icmp(fm)
            demo_bindings(fm)
            demo_flows(fm)
            demo_capture(fm)
            demo_ftp(fm)
            demo_operate(fm)
            demo_restart(fm)
            demo_rules(fm)
        ok = all(r[1] for r in RESULTS)
        if not ok and up:
            fm.failed = True
            heading('diagnostics')
            print(fm.diagnostics())
        if args.keep:
            fm.failed = True
    finally:
        heading('tearing down')
        fm.stop()
        if fm.failed:
            print('work directory kept: %s' % fm.workdir)

    ok = all(r[1] for r in RESULTS)
    print('\n' + '#' * 72)
    print('SUMMARY')
    for name, passed, detail in RESULTS:
        print('  %-4s  %-66s' % ('PASS' if passed else 'FAIL', name))
        if detail:
            print('        %s' % detail[:200])
    print('RESULT: %s' % ('ALL PASSED' if ok else 'FAILED'))
    print('#' * 72)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
