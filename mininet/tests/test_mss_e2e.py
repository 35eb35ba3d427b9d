"""End-to-end MSS clamping: with ``"mssClamp": 1360`` the first SYN of a
connection from inside leaves the NAT with MSS 1360 and a correct TCP
checksum, and the connection completes.

Same rules as test_e2e.py; this module runs its own topology per OpenFlow
version with the clamp configured. The capture on ext is decoded with
``tcpdump -v``, which prints the SYN's options and verifies its checksum.
"""

import os
import re
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

import flowmasq_net as fnet  # noqa: E402
from conftest import flowmasq_per_version  # noqa: E402
from flowmasq_topo import EXT_IP, OUTSIDE_ADDRESS  # noqa: E402
from test_e2e import diag  # noqa: E402

pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning')

CLAMP = 1360

# "203.0.113.1.41000 > 203.0.113.10.8000: Flags [S], cksum 0x1c2d (correct),
#  seq ..., options [mss 1360,sackOK,...]"
SYN_LINE = re.compile(
    r'(\d+\.\d+\.\d+\.\d+)\.(\d+) > (\d+\.\d+\.\d+\.\d+)\.(\d+): '
    r'Flags \[(S|S\.)\], cksum 0x[0-9a-f]+ \(([^)]*)\).*?options \[mss (\d+)')


net = flowmasq_per_version(extra_switch={'mssClamp': CLAMP})


def _syns(net, proc, path):
    """(src, sport, dst, dport, flags, checksum verdict, mss) of every SYN
    and SYN-ACK in the capture, decoded with tcpdump -v."""
    net.stop_capture(proc, path)
    r = fnet.run(['tcpdump', '-nn', '-v', '-r', str(path), 'tcp'], timeout=30)
    print(r.stdout)
    found = []
    for line in r.stdout.splitlines():
        m = SYN_LINE.search(line)
        if m:
            src, sport, dst, dport, flags, verdict, mss = m.groups()
            found.append((src, int(sport), dst, int(dport), flags, verdict,
                          int(mss)))
    return found


def test_first_syn_is_clamped_and_the_download_completes(net):
    """h1 (MTU 1500, so its SYN says MSS 1460) downloads a file from ext:
    ext sees MSS 1360 in the SYN with a correct checksum; the file arrives
    intact. ext's SYN-ACK is switched by the binding's flows and keeps its
    own MSS 1460 (only SYNs the controller sees are clamped)."""
    with diag(net, 'mss clamp'):
        http, _, digest = net.start_http_server(port=8000, size=200 * 1024,
                                                name='mss.bin')
        cap, path = net.start_capture('ext')
        try:
            out_path = net.workdir / 'mss.out'
            rc, summary = net.http_download(
                'h1', 'http://%s:8000/mss.bin' % EXT_IP, out_path, timeout=30)
        finally:
            net.kill(http)
        syns = _syns(net, cap, path)
        assert rc == 0, summary
        assert fnet.sha256_file(out_path) == digest, summary
        outbound = [s for s in syns if s[0] == OUTSIDE_ADDRESS
                    and s[2] == EXT_IP and s[3] == 8000 and s[4] == 'S']
        assert outbound, 'no SYN from %s seen on ext: %s' % (OUTSIDE_ADDRESS,
                                                              syns)
        assert all(s[6] == CLAMP for s in outbound), outbound
        assert all(s[5] == 'correct' for s in outbound), outbound
        answers = [s for s in syns if s[0] == EXT_IP and s[4] == 'S.']
        assert answers and all(s[6] == 1460 for s in answers), answers
        assert net.counter('nat.tcp.mss_clamped') >= 1, net.stats()


def test_smaller_mss_is_never_raised(net):
    """A SYN that already asks for less (MSS 1200) leaves unchanged."""
    with diag(net, 'mss below clamp'):
        before = net.counter('nat.tcp.mss_clamped')
        server = net.popen('ext', ['socat', 'TCP4-LISTEN:8001,bind=%s,reuseaddr'
                                   % EXT_IP, 'SYSTEM:echo hello'])
        try:
            net.wait_listening('ext', 8001)
            cap, path = net.start_capture('ext', name='below.pcap')
            out, err, rc = net.pexec('h1', ['socat', '-T', '5', '-',
                                            'TCP4:%s:8001,mss=1200' % EXT_IP],
                                     timeout=15)
            syns = _syns(net, cap, path)
        finally:
            net.kill(server)
        assert rc == 0 and out.strip() == 'hello', out + err
        outbound = [s for s in syns if s[3] == 8001 and s[4] == 'S']
        assert outbound and all(s[6] == 1200 for s in outbound), syns
        assert all(s[5] == 'correct' for s in outbound), outbound
        assert net.counter('nat.tcp.mss_clamped') == before
