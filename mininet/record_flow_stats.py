#!/usr/bin/python3
"""Record the flow-stats replies a real Open vSwitch sends flowmasq on
connect, as test resources for ``RecordedRebuildTest`` (issue 8: unit tests of
the rebuild-from-flows logic with recorded flow-stats replies).

How the resources were made (run as root, after ``make build``; re-record
with the same command)::

    sudo /usr/bin/python3 mininet/record_flow_stats.py

For each recording (OpenFlow 1.3 and 1.0, each under the default filtering,
address-and-port-dependent, and under endpoint-independent filtering) it:

1. brings up :class:`flowmasq_net.FlowmasqNet` with the default config of
   ``make_config`` (plus ``filtering`` for the endpoint-independent runs);
2. makes a variety of bindings, all traffic inside the Mininet namespaces:
   UDP from h1 (source ports 5001 and 5002) and h2 (5001: port preservation
   cannot keep it, so it gets another public port) to a UDP echo on ext; a
   rate-limited HTTP download from ext to h1 that runs through the recording
   (an established TCP binding); a TCP connect from h2 to 198.51.100.99:9,
   an address nobody has (the SYN is never answered: a transitory TCP binding
   on OF1.3); and a static binding ``natctl add --proto tcp --inside
   10.0.0.11:8080 --public 203.0.113.1:8080``;
3. saves ``GET /api/v1/bindings`` (what the controller had just before);
4. starts ``tcpdump -i lo tcp port <OpenFlow port>``, drops the OpenFlow
   connection (``disconnect_switch``) and restores it (``reconnect_switch``):
   the controller asks for every flow again and the switch answers; stops
   the capture;
5. reassembles the switch-to-controller byte stream of the new TCP session
   (pcap read by hand with ``struct``), cuts it into OpenFlow messages by
   their header length and keeps the first flow-stats reply (OF1.3: type 19
   MULTIPART_REPLY, multipart type 1; OF1.0: type 17 STATS_REPLY, stats type
   1), all its parts (same xid, until the part without the "more" flag);
6. writes them to ``controller/src/test/resources/recorded/
   flow-stats-<of13|of10>[-endpoint-independent].hex``: '#' comment lines
   (Open vSwitch version, OpenFlow version, date, filtering, the traffic),
   then one message per line in hex; and the bindings to the ``.json``
   sibling (the REST listing's fields the test compares, plus the config
   written by make_config, so the test builds the same engine).

The recorded files are checked in; this tool is not run by the build.
"""

import datetime
import json
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import flowmasq_net as fnet  # noqa: E402
from flowmasq_topo import EXT_IP, H1_IP  # noqa: E402

OUT_DIR = fnet.REPO / 'controller' / 'src' / 'test' / 'resources' / 'recorded'
ECHO_PORT = 7777
HTTP_PORT = 8088
UNANSWERED = '198.51.100.99'   # RFC 5737, on ext's far side; nobody has it
BINDING_FIELDS = ('id', 'protocol', 'inside_address', 'inside_port',
                  'public_address', 'public_port', 'remote', 'origin',
                  'state', 'idle_timeout_seconds', 'cookie')
TRAFFIC = ('UDP h1:5001, h1:5002, h2:5001 -> ext %s:%d (echo); HTTP download '
           'ext:%d -> h1 (curl --limit-rate 20k, running); TCP SYN h2 -> '
           '%s:9 (never answered); static tcp 10.0.0.11:8080 <-> '
           '203.0.113.1:8080 (natctl add)'
           % (EXT_IP, ECHO_PORT, HTTP_PORT, UNANSWERED))


# --------------------------------------------------------------------------
# pcap -> TCP stream -> OpenFlow messages

def read_pcap(path):
    """(linktype, [packet bytes]) of a classic pcap file."""
    data = Path(path).read_bytes()
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        endian = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        endian = '>'
    else:
        raise ValueError('%s: not a pcap file (magic %r)' % (path, magic))
    linktype = struct.unpack(endian + 'I', data[20:24])[0]
    packets, off = [], 24
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack(endian + 'IIII', data[off:off + 16])
        off += 16
        if incl != orig:
            raise ValueError('packet truncated by the capture (%d of %d)'
                             % (incl, orig))
        packets.append(data[off:off + incl])
        off += incl
    return linktype, packets


def tcp_segments(linktype, packets):
    """(src, sport, dst, dport, seq, flags, payload) of each IPv4 TCP packet."""
    out = []
    for p in packets:
        if linktype == 1:            # Ethernet (what Linux gives for lo)
            if struct.unpack('!H', p[12:14])[0] != 0x0800:
                continue
            ip = p[14:]
        elif linktype == 113:        # Linux cooked
            if struct.unpack('!H', p[14:16])[0] != 0x0800:
                continue
            ip = p[16:]
        else:
            raise ValueError('link type %d not handled' % linktype)
        ihl = (ip[0] & 0x0F) * 4
        total = struct.unpack('!H', ip[2:4])[0]
        if ip[9] != 6:
            continue
        src, dst = ip[12:16], ip[16:20]
        tcp = ip[ihl:total]
        sport, dport, seq = struct.unpack('!HHI', tcp[:8])
        doff = (tcp[12] >> 4) * 4
        flags = tcp[13]
        out.append(('.'.join(map(str, src)), sport, '.'.join(map(str, dst)),
                    dport, seq, flags, bytes(tcp[doff:])))
    return out


SYN = 0x02
ACK = 0x10


def switch_stream(segments, of_port):
    """The switch-to-controller bytes of the last TCP session that opened
    in the capture (the reconnect), reassembled by sequence number."""
    # the switch's SYN (to the controller's port, no ACK) opens a session
    opens = [s for s in segments if s[3] == of_port and s[5] & SYN
             and not s[5] & ACK]
    if not opens:
        raise ValueError('no new OpenFlow session in the capture')
    src, sport, isn = opens[-1][0], opens[-1][1], opens[-1][4]
    pieces = {}
    for s in segments:
        if s[0] == src and s[1] == sport and s[3] == of_port and s[6]:
            rel = (s[4] - isn - 1) & 0xFFFFFFFF
            if len(s[6]) > len(pieces.get(rel, b'')):
                pieces[rel] = s[6]
    stream = bytearray()
    for rel in sorted(pieces):
        data = pieces[rel]
        if rel > len(stream):
            raise ValueError('gap in the stream at %d (have %d)'
                             % (rel, len(stream)))
        stream += data[len(stream) - rel:]
    return bytes(stream)


def of_messages(stream):
    """Cut a byte stream into OpenFlow messages by the header's length."""
    out, off = [], 0
    while off + 8 <= len(stream):
        length = struct.unpack('!H', stream[off + 2:off + 4])[0]
        if length < 8 or off + length > len(stream):
            break
        out.append(stream[off:off + length])
        off += length
    return out


def flow_stats_reply(messages):
    """The parts of the first flow-stats reply: [message bytes]."""
    parts, xid = [], None
    for m in messages:
        version, mtype = m[0], m[1]
        want = 19 if version >= 4 else 17      # MULTIPART_REPLY / STATS_REPLY
        if mtype != want or struct.unpack('!H', m[8:10])[0] != 1:
            continue
        mxid = struct.unpack('!I', m[4:8])[0]
        if xid is None:
            xid = mxid
        elif mxid != xid:
            continue
        parts.append(m)
        if not struct.unpack('!H', m[10:12])[0] & 1:   # no REPLY_MORE
            return parts
    raise ValueError('no complete flow-stats reply in %d messages'
                     % len(messages))


def count_flows(msg):
    """Entries in one flow-stats reply message (each starts with its
    length)."""
    off = 16 if msg[0] >= 4 else 12
    n = 0
    while off + 2 <= len(msg):
        length = struct.unpack('!H', msg[off:off + 2])[0]
        if length == 0:
            break
        n += 1
        off += length
    return n


# --------------------------------------------------------------------------
# one recording


def record(of_version, filtering=None):
    short = {'OpenFlow13': 'of13', 'OpenFlow10': 'of10'}[of_version]
    name = 'flow-stats-%s%s' % (short, '-' + filtering if filtering else '')
    extra = {'filtering': filtering} if filtering else None
    fm = fnet.FlowmasqNet(of_version=of_version, extra_switch=extra)
    tcpdump = None
    try:
        fm.start()
        fm.start_udp_echo(ECHO_PORT)
        for host, sport in (('h1', 5001), ('h1', 5002), ('h2', 5001)):
            reply, _, raw = fm.udp_request(host, EXT_IP, ECHO_PORT, 'hello',
                                           sport=sport)
            if reply is None:
                raise fnet.FlowmasqError('no UDP echo for %s:%d: %s'
                                         % (host, sport, raw))
        fm.start_http_server(port=HTTP_PORT, size=4 * 1024 * 1024)
        fm.popen('h1', ['curl', '--noproxy', '*', '-sS', '--limit-rate',
                        '20k', '-o', '/dev/null',
                        'http://%s:%d/file.bin' % (EXT_IP, HTTP_PORT)])
        fm.popen('h2', ['curl', '--noproxy', '*', '-sS', '--connect-timeout',
                        '120', 'http://%s:9/' % UNANSWERED])
        rc, out, err = fm.natctl('add', '--proto', 'tcp', '--inside',
                                 '%s:8080' % H1_IP, '--public',
                                 '203.0.113.1:8080')
        if rc != 0:
            raise fnet.FlowmasqError('natctl add failed: %s %s' % (out, err))

        def settled():
            bs = fm.bindings()
            tcp = [b for b in bs if b['protocol'] == 'tcp'
                   and b['origin'] == 'dynamic']
            http = [b for b in tcp if b['inside_address'] == H1_IP]
            if len(bs) >= 6 and http and all(b['state'] == 'established'
                                             for b in http):
                return bs
            return None
        # OF1.0 has no SYN-ACK report: its TCP bindings never leave the
        # state they were made in, so wait only for them to exist there
        if of_version == 'OpenFlow13':
            fnet.wait_until(settled, 15.0, 'the bindings', 0.3)
        else:
            fnet.wait_until(lambda: len(fm.bindings()) >= 6, 15.0,
                            'the bindings', 0.3)
        time.sleep(1.0)
        before = fm.bindings()

        pcap = fm.workdir / 'openflow.pcap'
        tcpdump = subprocess.Popen(
            ['tcpdump', '-i', 'lo', '-n', '-U', '--immediate-mode', '-s', '0',
             '-w', str(pcap), 'tcp port %d' % fm.of_port],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        line = tcpdump.stderr.readline()
        if b'listening on' not in line:
            raise fnet.FlowmasqError('tcpdump: %r' % line)
        time.sleep(0.3)
        targets = fm.disconnect_switch()
        time.sleep(1.5)
        fm.reconnect_switch(targets)
        time.sleep(1.0)
        tcpdump.send_signal(signal.SIGINT)
        tcpdump.wait(timeout=10)
        tcpdump = None
        after = fm.bindings()

        linktype, packets = read_pcap(pcap)
        stream = switch_stream(tcp_segments(linktype, packets), fm.of_port)
        parts = flow_stats_reply(of_messages(stream))
        flows = sum(count_flows(m) for m in parts)
        ovs = fnet.run(['ovs-vswitchd', '--version']).stdout.splitlines()[0]
        config = json.loads(fm.config_path.read_text())
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        header = [
            '# flow-stats reply recorded by mininet/record_flow_stats.py',
            '# %s, %s, %s (userspace datapath, fail_mode=secure)'
            % (ovs, of_version, datetime.date.today().isoformat()),
            '# filtering: %s' % (filtering or 'default '
                                 '(address-and-port-dependent)'),
            '# traffic: ' + TRAFFIC,
            '# %d message(s), %d flow(s); the bindings the controller listed '
            'just before the reconnect: %s.json' % (len(parts), flows, name),
        ]
        (OUT_DIR / (name + '.hex')).write_text(
            '\n'.join(header + [m.hex() for m in parts]) + '\n')
        (OUT_DIR / (name + '.json')).write_text(json.dumps({
            'recorded': datetime.date.today().isoformat(),
            'ovs': ovs,
            'of_version': of_version,
            'traffic': TRAFFIC,
            'config': config,
            'bindings': [{k: b.get(k) for k in BINDING_FIELDS}
                         for b in sorted(before, key=lambda b: b['id'])],
        }, indent=2) + '\n')
        changed = sorted((b['id'], b['state']) for b in before) != \
            sorted((b['id'], b['state']) for b in after)
        print('%s: %d message(s), %d flow(s), %d binding(s)%s'
              % (name, len(parts), flows, len(before),
                 ' (the bindings changed across the reconnect!)'
                 if changed else ''))
    except BaseException:
        fm.failed = True
        raise
    finally:
        if tcpdump is not None and tcpdump.poll() is None:
            tcpdump.kill()
            tcpdump.wait(timeout=10)
        fm.stop()


def main(argv):
    runs = [('OpenFlow13', None), ('OpenFlow10', None),
            ('OpenFlow13', 'endpoint-independent'),
            ('OpenFlow10', 'endpoint-independent')]
    if argv:
        runs = [r for r in runs if r[0] in argv or (r[1] or 'default')
                in argv]
    for of_version, filtering in runs:
        record(of_version, filtering)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
