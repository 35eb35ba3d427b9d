"""End-to-end flood protection (issue 8 items 4 and 5) against real OVS.

1. One inside host (h1) opens 20,000 new UDP flows in 10 s. Its per-host
   quota (bindingsPerHost 1000) and rate (200/s, burst 400) cap it, and the
   switch drops its further new flows (penalty box) while the other host (h2)
   keeps working: its ping (translated on the controller) and its UDP
   request/response through an existing binding (the switch's path) keep a
   median RTT within 2x the idle baseline (measured just before; one more
   round when a shared CI machine stalls the first), no answer is lost, and
   20 new TCP connections all succeed.
2. The outside host blasts UDP datagrams and TCP SYNs at the public address
   and other addresses of the outside network: nothing of it reaches the
   controller and no binding is created.
"""

import re
import statistics
import threading
import time

import flowmasq_topo as topo
from conftest import flowmasq_per_version
from flowmasq_net import PY

QUOTA = 1000
RATE = 200
BURST = 400
PENALTY_SECONDS = 3
FLOOD_FLOWS = 20000
FLOOD_SECONDS = 10
SAMPLES = 80
H1_IP = '10.0.0.11'
UDP_ECHO_PORT = 7777
HTTP_PORT = 8000
# OpenFlow 1.0 has no meters: OVS's own limit (above anything this test's
# legitimate traffic needs; the per-host box stops the flooder itself)
OF10_RATE_LIMIT = (2000, 500)

fm = flowmasq_per_version(extra_switch={'limits': {
    'bindingsPerHost': QUOTA, 'newBindingsPerSecond': RATE,
    'newBindingsBurst': BURST, 'penaltySeconds': PENALTY_SECONDS}})

FLOOD = r'''
import socket, sys, time
src, dst, dport, n, seconds, first = (sys.argv[1], sys.argv[2],
    int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]))
start = time.monotonic()
sent = 0
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((src, first + i))   # a new source port: a new flow
        s.sendto(b'flood', (dst, dport))
        sent += 1
    except OSError:
        pass
    finally:
        s.close()
    ahead = start + (i + 1) * seconds / n - time.monotonic()
    if ahead > 0:
        time.sleep(ahead)
print('SENT %d IN %.2f' % (sent, time.monotonic() - start), flush=True)
'''

UDP_RTT = r'''
import socket, sys, time
dst, dport, sport, n, gap = (sys.argv[1], int(sys.argv[2]), int(sys.argv[3]),
    int(sys.argv[4]), float(sys.argv[5]))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('', sport))
s.settimeout(1.0)
for i in range(n):
    payload = b'rtt-%d' % i
    t0 = time.perf_counter()
    s.sendto(payload, (dst, dport))
    try:
        while True:
            data, _ = s.recvfrom(2048)
            if data == payload:
                print('RTT %.3f' % ((time.perf_counter() - t0) * 1000),
                      flush=True)
                break
    except socket.timeout:
        print('LOST', flush=True)
    time.sleep(gap)
'''

BLAST = r'''
import random, socket, struct, sys
src = sys.argv[1]
targets = sys.argv[2].split(',')
n_udp, n_syn = int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(8)

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sent_udp = 0
for i in range(n_udp):
    try:
        u.sendto(b'unsolicited', (rnd.choice(targets), rnd.randint(1, 65535)))
        sent_udp += 1
    except OSError:
        pass
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
sent_syn = 0
for i in range(n_syn):
    dst = rnd.choice(targets)
    sport, dport = rnd.randint(1024, 65535), rnd.randint(1, 65535)
    hdr = struct.pack('!HHIIBBHHH', sport, dport, rnd.getrandbits(32), 0,
                      5 << 4, 0x02, 65535, 0, 0)
    pseudo = struct.pack('!4s4sBBH', socket.inet_aton(src),
                         socket.inet_aton(dst), 0, 6, len(hdr))
    hdr = hdr[:16] + struct.pack('!H', csum(pseudo + hdr)) + hdr[18:]
    try:
        r.sendto(hdr, (dst, 0))
        sent_syn += 1
    except OSError:
        pass
print('SENT %d %d' % (sent_udp, sent_syn), flush=True)
'''


def _ping_rtts(output):
    return [float(x) for x in re.findall(r'time=([\d.]+) ms', output)]


def _udp_rtts(output):
    return ([float(x) for x in re.findall(r'^RTT ([\d.]+)', output, re.M)],
            len(re.findall(r'^LOST', output, re.M)))


def _ping(fm, count):
    out, err, _ = fm.pexec('h2', ['ping', '-n', '-c', str(count), '-i',
                                  '0.1', '-W', '1', topo.EXT_IP],
                           timeout=count * 0.1 + 15)
    return _ping_rtts(out), out + err


def _udp(fm, sport, count):
    script = fm.script('udp_rtt.py', UDP_RTT)
    out, err, _ = fm.pexec('h2', [PY, script, topo.EXT_IP, str(UDP_ECHO_PORT),
                                  str(sport), str(count), '0.05'],
                           timeout=count * 1.1 + 15)
    return _udp_rtts(out) + (out + err,)


def _bound(baseline):
    """What "within 2x the idle baseline" means here: the median RTT under the
    flood is at most twice the idle median. Sub-millisecond medians on two
    shared cores jitter by a few tenths of a millisecond between runs with no
    flood at all, so the bound is never below the idle median + 0.5 ms."""
    return max(2 * baseline, baseline + 0.5)


def _h1_binding_count(fm):
    return sum(1 for b in fm.bindings() if b.get('inside_address') == H1_IP)


def _penalty_flows(fm):
    return [f for f in fm.flows() if f['priority'] == 150
            and 'nw_src=%s' % H1_IP in f['match'] and f['actions'] == 'drop']


def test_one_flooding_host_is_capped_and_the_others_do_not_notice(fm):
    if fm.of_version == 'OpenFlow10':
        fm.set_controller_rate_limit(*OF10_RATE_LIMIT)
        fm.wait_ready(30)
    else:
        # the switch has meters: new inside flows pass meter 1 on their way up
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
                'meter:1' in f['actions'] for f in fm.flows()
                if f['priority'] == 100):
            time.sleep(0.3)
        new_flow = [f for f in fm.flows() if f['priority'] == 100]
        assert new_flow and all(f['actions'].startswith('meter:1,')
                                for f in new_flow), new_flow
    echo = fm.start_udp_echo(UDP_ECHO_PORT)
    http, _, _ = fm.start_http_server(HTTP_PORT, size=1024, name='small.bin')
    try:
        # warm up: ARP everywhere, h2's UDP binding for the switch-path probe
        _ping(fm, 3)
        rtts, _, raw = _udp(fm, 45000, 5)
        assert len(rtts) == 5, raw
        rounds = [_flood_round(fm, 20000)]
        if not rounds[0]['rtt_ok']:
            # Two shared cores under other jobs' builds can stall OVS or the
            # controller for seconds: one more round (fresh idle baseline,
            # then the same flood from new ports, all refused by the quota
            # now) must then meet the bound. Every other check holds in both.
            rounds.append(_flood_round(fm, 40000))
    finally:
        fm.kill(echo)
        fm.kill(http)
    summary = '\n'.join(r['summary'] for r in rounds)
    assert any(r['rtt_ok'] for r in rounds), summary
    assert fm.counter('nat.penalty_box') >= 2, summary


def _flood_round(fm, first_port):
    """Idle baseline, then h1's flood while h2 measures; returns what was
    seen and asserts what must hold in every round."""
    idle_ping, raw = _ping(fm, SAMPLES)
    assert len(idle_ping) >= SAMPLES - 1, raw
    idle_udp, lost, raw = _udp(fm, 45000, SAMPLES)
    assert len(idle_udp) >= SAMPLES - 1, raw
    refused_before = (fm.counter('nat.refused.host_rate'),
                      fm.counter('nat.refused.host_quota'))
    created_before = fm.counter('nat.binding_created')

    flood = fm.popen('h1', [PY, fm.script('flood.py', FLOOD), H1_IP,
                            topo.EXT_IP, '9', str(FLOOD_FLOWS),
                            str(FLOOD_SECONDS), str(first_port)])
    started = time.monotonic()
    seen = {'max_h1': 0, 'samples': 0, 'penalty_flows': 0}
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            try:
                seen['max_h1'] = max(seen['max_h1'], _h1_binding_count(fm))
                seen['samples'] += 1
                if _penalty_flows(fm):
                    seen['penalty_flows'] += 1
            except Exception:  # pylint: disable=broad-except
                pass
            stop.wait(0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        # ping and the UDP probe at the same time, then 20 new TCP connections
        box = {}
        pinger = threading.Thread(
            target=lambda: box.update(ping=_ping(fm, SAMPLES)), daemon=True)
        pinger.start()
        flood_udp, flood_lost, raw_udp = _udp(fm, 45000, SAMPLES)
        pinger.join(SAMPLES * 0.1 + 20)
        flood_ping, raw_ping = box.get('ping', ([], 'ping did not finish'))
        curl_ok = []
        for i in range(20):
            out, err, rc = fm.pexec('h2', [
                'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}',
                '--max-time', '5', 'http://%s:%d/small.bin?%d-%d'
                % (topo.EXT_IP, HTTP_PORT, first_port, i)], timeout=10)
            curl_ok.append(rc == 0 and out.strip() == '200')
        during = time.monotonic() - started
        out = flood.communicate(timeout=FLOOD_SECONDS + 30)[0].decode()
    finally:
        stop.set()
        watcher.join(10)
    seen['max_h1'] = max(seen['max_h1'], _h1_binding_count(fm))
    sent = int(re.search(r'SENT (\d+)', out).group(1))
    refused = (fm.counter('nat.refused.host_rate') - refused_before[0],
               fm.counter('nat.refused.host_quota') - refused_before[1])
    created = fm.counter('nat.binding_created') - created_before

    base_ping = statistics.median(idle_ping)
    base_udp = statistics.median(idle_udp)
    med_ping = statistics.median(flood_ping) if flood_ping else float('inf')
    med_udp = statistics.median(flood_udp) if flood_udp else float('inf')
    summary = ('%s, flood from port %d: sent %d, measured for %.1f s; ping '
               'median idle %.3f ms, flood %.3f ms (%d/%d replies); UDP '
               'median idle %.3f ms, flood %.3f ms (%d lost); h1 bindings max '
               '%d over %d samples, penalty flow seen in %d; refused rate %d '
               'quota %d, created %d'
               % (fm.of_version, first_port, sent, during, base_ping, med_ping,
                  len(flood_ping), SAMPLES, base_udp, med_udp, flood_lost,
                  seen['max_h1'], seen['samples'], seen['penalty_flows'],
                  refused[0], refused[1], created))
    print(summary)
    assert sent >= FLOOD_FLOWS * 0.95, summary
    # h2 keeps working: no ping or UDP answer lost, every new TCP connection
    assert len(flood_ping) >= SAMPLES * 0.95, raw_ping + summary
    assert len(flood_udp) >= SAMPLES * 0.95, raw_udp + summary
    assert all(curl_ok), '%s: %s' % (curl_ok, summary)
    # h1 is capped: never above its quota, refused by rate (and by quota
    # once it is reached), and boxed on the switch, so that most of its
    # flood never reaches the controller
    assert seen['samples'] >= 5, summary
    assert 0 < seen['max_h1'] <= QUOTA, summary
    assert refused[0] > 0 and fm.counter('nat.refused.host_quota') > 0, \
        summary
    assert seen['penalty_flows'] >= 1, summary
    assert created + refused[0] + refused[1] < sent / 2, summary
    return {'summary': summary,
            'rtt_ok': med_ping <= _bound(base_ping)
                      and med_udp <= _bound(base_udp)}


def test_unsolicited_outside_traffic_never_reaches_the_controller(fm):
    # no flow sends a table miss from the outside port to the controller:
    # only ARP, ICMP and fragments for the public address, and FIN/RST to it
    outside = 'in_port=%d' % topo.OUTSIDE_PORT
    for f in fm.flows():
        if outside in f['match'] and 'CONTROLLER' in f['actions'] \
                and f['priority'] != 20000:
            assert ('nw_dst=%s' % topo.OUTSIDE_ADDRESS in f['match']
                    or 'arp_tpa=%s' % topo.OUTSIDE_ADDRESS in f['match']), f
    miss = [f for f in fm.flows() if f['priority'] == 0]
    assert len(miss) == 1 and miss[0]['actions'] == 'drop', miss

    # other addresses of the outside network, reached through the gateway MAC
    others = ['203.0.113.%d' % i for i in (2, 3, 77, 200)]
    for a in others:
        fm.pexec('ext', ['ip', 'neigh', 'replace', a, 'lladdr',
                         topo.OUTSIDE_MAC, 'dev', 'ext-eth0'])
    targets = [topo.OUTSIDE_ADDRESS] * 4 + others
    packet_ins = fm.counter('nat.packet_in')
    budget_drops = fm.counter('openflow.packet_in_dropped.budget')
    bindings = len(fm.bindings())
    rx = fm.port_rx_packets(topo.OUTSIDE_PORT)
    out, err, rc = fm.pexec('ext', [PY, fm.script('blast.py', BLAST),
                                    topo.EXT_IP, ','.join(targets),
                                    '20000', '5000'], timeout=120)
    assert rc == 0, out + err
    sent = [int(x) for x in re.search(r'SENT (\d+) (\d+)', out).groups()]
    time.sleep(1.0)
    arrived = fm.port_rx_packets(topo.OUTSIDE_PORT) - rx
    moved = fm.counter('nat.packet_in') - packet_ins
    summary = ('%s: sent %d UDP + %d SYN, %d arrived at the switch, '
               'packet-ins %d, bindings %d -> %d'
               % (fm.of_version, sent[0], sent[1], arrived, moved, bindings,
                  len(fm.bindings())))
    print(summary)
    assert sent == [20000, 5000], summary
    assert arrived >= 24000, summary          # the switch did see the blast
    assert moved <= 5, summary                # a handful: ARP at most
    assert fm.counter('openflow.packet_in_dropped.budget') == budget_drops
    assert len(fm.bindings()) <= bindings, summary
