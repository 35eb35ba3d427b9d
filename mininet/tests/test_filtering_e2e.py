"""End-to-end filtering modes (RFC 4787 REQ-8) for OF1.3 and OF1.0.

ext gets a second address, 203.0.113.11. A small behaviour-discovery
server in the RFC 5780 style runs on ext on both addresses and two ports
(primary 203.0.113.10:3478, alternate address 203.0.113.11, alternate port
3479). h1 asks it:

* ``ALL``: answer from all four address:port pairs at once. The mapping
  exists (h1's request created it), so what reaches h1 shows the filter:
  everything under endpoint-independent filtering, only 203.0.113.10 (both
  ports) under address-dependent, only 203.0.113.10:3478 under
  address-and-port-dependent.
* a STUN-style probe from fresh source ports: the mapped address seen from
  the primary, from the alternate address and from the alternate address
  and port (the mapping behaviour, endpoint-independent in every mode),
  then "answer from the other address and port" and "answer from the other
  port" (the filtering behaviour). The probe reports both and the test
  compares them with the configured mode.
"""

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

from flowmasq_net import FlowmasqNet, PY  # noqa: E402
from flowmasq_topo import EXT_IP, OUTSIDE_ADDRESS  # noqa: E402
from test_e2e import diag  # noqa: E402

pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning')

ALT_IP = '203.0.113.11'
PORT, ALT_PORT = 3478, 3479
MODES = ['endpoint-independent', 'address-dependent',
         'address-and-port-dependent']

SERVER = r'''
import select, socket, sys
addrs, ports = sys.argv[1].split(','), [int(p) for p in sys.argv[2].split(',')]
socks = {}
for a in addrs:
    for p in ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((a, p))
        socks[(a, p)] = s
primary = (addrs[0], ports[0])
while True:
    ready, _, _ = select.select(list(socks.values()), [], [])
    for s in ready:
        data, peer = s.recvfrom(2048)
        cmd = data.decode()
        here = s.getsockname()
        mapped = 'MAPPED %s:%d' % peer
        if cmd == 'ALL':
            senders = list(socks)
        elif cmd == 'CHANGE-IP-PORT':
            senders = [(addrs[1] if here[0] == addrs[0] else addrs[0],
                        ports[1] if here[1] == ports[0] else ports[0])]
        elif cmd == 'CHANGE-PORT':
            senders = [(here[0], ports[1] if here[1] == ports[0] else ports[0])]
        else:
            senders = [here]
        for a, p in senders:
            socks[(a, p)].sendto(('%s FROM %s:%d' % (mapped, a, p)).encode(), peer)
        print('%s from %s:%d -> %s' % (cmd, peer[0], peer[1], senders), flush=True)
'''

CLIENT = r'''
import json, socket, sys, time
primary, alt_ip = sys.argv[1], sys.argv[2]
port, alt_port = int(sys.argv[3]), int(sys.argv[4])
base = int(sys.argv[5])

def sock(sport):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('0.0.0.0', sport))
    return s

def ask(s, dst, cmd, wait=1.5):
    """Send cmd, collect every answer for ``wait`` s: [(mapped, from)]."""
    for _ in range(2):   # the first datagram of a session goes by the controller
        s.sendto(cmd.encode(), dst)
        time.sleep(0.3)
    got = set()
    s.settimeout(0.2)
    end = time.time() + wait
    while time.time() < end:
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            continue
        words = data.decode().split()
        got.add((words[1], '%s:%d' % peer))
    return sorted(got)

out = {}
s = sock(base)
out['all'] = sorted({frm for _, frm in ask(s, (primary, port), 'ALL')})
# RFC 5780 mapping tests I, II, III, each from the same fresh port
s = sock(base + 1)
m = []
for dst in [(primary, port), (alt_ip, port), (alt_ip, alt_port)]:
    answers = ask(s, dst, 'ECHO')
    m.append(answers[0][0] if answers else None)
out['mapped'] = m
if None in m:
    out['mapping'] = 'unknown'
elif m[0] == m[1]:
    out['mapping'] = 'endpoint-independent'
elif m[1] == m[2]:
    out['mapping'] = 'address-dependent'
else:
    out['mapping'] = 'address-and-port-dependent'
# filtering tests II and III, each from a fresh port that sent only to the primary
if ask(sock(base + 2), (primary, port), 'CHANGE-IP-PORT'):
    out['filtering'] = 'endpoint-independent'
elif ask(sock(base + 3), (primary, port), 'CHANGE-PORT'):
    out['filtering'] = 'address-dependent'
else:
    out['filtering'] = 'address-and-port-dependent'
print(json.dumps(out))
'''


@pytest.fixture(scope='module',
                params=[(m, v) for m in MODES
                        for v in ('OpenFlow13', 'OpenFlow10')],
                ids=['%s-%s' % (m, v[-2:]) for m in MODES
                     for v in ('OpenFlow13', 'OpenFlow10')])
def net(request):
    """One topology per (filtering mode, OpenFlow version), one at a time;
    ext has the second address 203.0.113.11 and runs the probe server."""
    mode, version = request.param
    n = FlowmasqNet(of_version=version, extra_switch={'filtering': mode})
    try:
        n.start()
        n.pexec('ext', ['ip', 'addr', 'add', ALT_IP + '/24', 'dev',
                        'ext-eth0'])
        server = n.script('probe_server.py', SERVER)
        n.popen('ext', [PY, '-u', server, '%s,%s' % (EXT_IP, ALT_IP),
                        '%d,%d' % (PORT, ALT_PORT)])
        n.wait_listening('ext', ALT_PORT, proto='udp')
    except Exception as e:  # pylint: disable=broad-except
        n.stop()
        pytest.fail('could not bring up flowmasq (%s, %s): %s'
                    % (mode, version, e), pytrace=False)
    n.mode = mode
    yield n
    n.stop()


def _probe(net, base):
    client = net.script('probe_client.py', CLIENT)
    out, err, rc = net.pexec('h1', [PY, client, EXT_IP, ALT_IP, str(PORT),
                                    str(ALT_PORT), str(base)], timeout=60)
    print(out, err)
    assert rc == 0, out + err
    return json.loads(out.strip().splitlines()[-1])


EXPECTED_FROM = {
    'endpoint-independent': ['%s:%d' % (a, p) for a in (EXT_IP, ALT_IP)
                             for p in (PORT, ALT_PORT)],
    'address-dependent': ['%s:%d' % (EXT_IP, p) for p in (PORT, ALT_PORT)],
    'address-and-port-dependent': ['%s:%d' % (EXT_IP, PORT)],
}


def test_datagrams_from_other_endpoints_follow_the_filter(net):
    """h1 sends from a fixed port to 203.0.113.10:3478; ext answers from
    203.0.113.10 and 203.0.113.11, ports 3478 and 3479, to h1's public
    endpoint: delivered or dropped as the mode says."""
    with diag(net, 'filtering %s' % net.mode):
        result = _probe(net, 41000)
        assert result['all'] == sorted(EXPECTED_FROM[net.mode]), result


def test_stun_probe_reports_the_configured_behaviour(net):
    """The RFC 5780-style probe sees endpoint-independent mapping (one
    public endpoint whatever the destination) and the configured filter."""
    with diag(net, 'stun probe %s' % net.mode):
        result = _probe(net, 42000)
        assert result['mapping'] == 'endpoint-independent', result
        assert len(set(result['mapped'])) == 1, result
        assert result['mapped'][0].startswith(OUTSIDE_ADDRESS + ':'), result
        assert result['filtering'] == net.mode, result
