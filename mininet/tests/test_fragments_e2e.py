"""End-to-end IPv4 fragments through flowmasq: a 4,000-byte ping and a
4,000-byte UDP datagram each way (three fragments on a 1500-byte link),
for OF1.3 and OF1.0.  Open vSwitch shows no ports in fragments, so all of
them are translated on the controller (README, "Fragments").
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

from flowmasq_topo import EXT_IP, OUTSIDE_ADDRESS  # noqa: E402
from test_e2e import diag, fm  # noqa: E402,F401  (module-scoped fixture)


def _counter(fm, name):
    return fm.stats().get('counters', {}).get(name, 0)


def test_fragmented_ping(fm):
    with diag(fm, 'fragmented ping'):
        out, err, rc = fm.pexec('h1', ['ping', '-n', '-c', '3', '-i', '0.2', '-W', '2',
                                       '-s', '4000', EXT_IP], timeout=20)
        print(out, err)
        assert rc == 0 and ' 0% packet loss' in out, out + err
        assert re.search(r'4008 bytes from %s' % re.escape(EXT_IP), out), out
        assert _counter(fm, 'nat.fragment.out') >= 6
        assert _counter(fm, 'nat.fragment.in') >= 6


def test_fragmented_udp_datagram_both_ways(fm):
    with diag(fm, 'fragmented udp'):
        payload = ''.join('%04d' % i for i in range(1000))  # 4,000 bytes, checkable
        echo = fm.start_udp_echo(7790)
        cap = fm.popen('ext', ['tcpdump', '-l', '-n', '--immediate-mode', '-c', '1',
                               '-i', 'ext-eth0', 'udp and dst port 7790'])
        try:
            fm.pexec('ext', ['sleep', '1'])
            reply, peer, raw = fm.udp_request('h2', EXT_IP, 7790, payload, sport=47000)
            seen, _ = cap.communicate(timeout=10)
        finally:
            fm.kill(echo)
            fm.kill(cap)
        print('capture: %s' % seen.decode().strip())
        assert reply == payload, 'reply differs (%s bytes): %s' % (
            len(reply or ''), raw[:200])
        assert peer == '%s:7790' % EXT_IP, peer
        assert ('%s.' % OUTSIDE_ADDRESS) in seen.decode(), 'ext must see the public address'
