#!/usr/bin/python3
"""End-to-end benchmark: new TCP connections per second, connection setup
time and bulk TCP throughput through flowmasq, and the same figures in the same
run for the baselines, so every figure is also a ratio:

* ``ovs-normal``   -- the same Mininet/OVS topology, bridge in standalone mode
                      (the NORMAL action), no controller, no NAT (on-link routes);
* ``reactive``     -- the same topology under a trivial reactive exact-match
                      controller (bench module, ``flowmasq-bench.jar reactive``):
                      one flow per packet-in, no NAT;
* ``flowmasq-of13`` and ``flowmasq-of10`` -- flowmasq, OpenFlow 1.3 and 1.0;
* ``iptables``     -- Linux iptables MASQUERADE in a namespace router (plain
                      ``ip netns``/veth: client -- router -- server), no OVS.

Each setup runs a short-connection test (a client in h1 opens connections to
a server on ext that sends one byte and closes: first sequentially, timing
each connect(), then with several workers in parallel for the rate) and bulk
iperf3 runs through the installed flows (the first second of each, slow start
and flow setup, left out).  All setups are up for the whole run and every
phase goes round them in chunks, so that the machine's slow spells fall on
all of them alike.  Addresses: inside 10.0.0.0/24,
outside 203.0.113.0/24 (RFC 5737); nothing leaves the namespaces this script
creates, and it removes only what it created.

Usage (root, Debian's python3)::

    /usr/bin/python3 mininet/bench_e2e.py --out bench/results/e2e.json
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import flowmasq_net as fnet  # noqa: E402
import flowmasq_topo as topo  # noqa: E402

BENCH_JAR = Path(os.environ.get('FLOWMASQ_BENCH_JAR') or
                 fnet.REPO / 'bench' / 'target' / 'flowmasq-bench.jar')
CONN_PORT = 8081
IPERF_PORT = 5201

SERVER = r'''
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(4096)
print('listening', flush=True)
while True:
    c, _ = s.accept()
    try:
        c.sendall(b'x')
    except OSError:
        pass
    c.close()
'''

# Opens n connections with `parallel` workers; each: connect() (timed: SYN
# sent to SYN-ACK received, the setup time), read the server's byte, close.
CLIENT = r'''
import json, socket, sys, threading, time
dst, port, n, parallel = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
lock = threading.Lock()
started = [0]
setups, done_at, failures = [], [], [0]
t_start = time.perf_counter()
def worker():
    while True:
        with lock:
            if started[0] >= n:
                return
            started[0] += 1
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        t0 = time.perf_counter()
        try:
            s.connect((dst, port))
            t1 = time.perf_counter()
            s.recv(1)
            ok = True
        except OSError:
            ok = False
        finally:
            s.close()
        t2 = time.perf_counter()
        with lock:
            if ok:
                setups.append(t1 - t0)
                done_at.append(t2 - t_start)
            else:
                failures[0] += 1
threads = [threading.Thread(target=worker) for _ in range(parallel)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.perf_counter() - t_start
print(json.dumps({'n': n, 'parallel': parallel, 'elapsed_s': elapsed, 'ok': len(setups),
                  'failures': failures[0], 'setup_s': setups, 'done_at_s': done_at}))
'''


def stats_ms(values):
    if not values:
        return {'mean': None, 'p50': None, 'p99': None, 'max': None}
    v = sorted(values)
    pick = lambda q: v[min(len(v) - 1, int(round(q * (len(v) - 1))))]  # noqa: E731
    return {'mean': 1000 * sum(v) / len(v), 'p50': 1000 * pick(0.5),
            'p99': 1000 * pick(0.99), 'max': 1000 * v[-1]}


def per_interval(done_at, step=0.25):
    if not done_at:
        return []
    bins = [0] * (int(max(done_at) / step) + 1)
    for t in done_at:
        bins[int(t / step)] += 1
    return [[round((i + 1) * step, 3), c / step] for i, c in enumerate(bins)]


class Setup:
    """What a benchmark needs of a topology: run a command in a host, start a
    helper process in one, the workdir."""
    name = ''

    def popen(self, host, args):
        raise NotImplementedError

    def pexec(self, host, args, timeout):
        raise NotImplementedError

    def kill(self, proc):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)

    def wait_listening(self, host, port, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out, _, _ = self.pexec(host, ['ss', '-ltnH', 'sport', '=', ':%d' % port], 5)
            if out.strip():
                return
            time.sleep(0.1)
        raise fnet.FlowmasqError('nothing listens on %s:%d' % (host, port))

    def extra(self, phase):
        """Setup-specific figures after a phase (flowmasq: packet-ins)."""
        return {}


class MininetSetup(Setup):
    def __init__(self, name, net):
        self.name = name
        self.net = net

    def popen(self, host, args):
        return self.net.popen(host, args)

    def pexec(self, host, args, timeout):
        return self.net.pexec(host, args, timeout=timeout)

    def kill(self, proc):
        self.net.kill(proc)


class FlowmasqSetup(MininetSetup):
    def extra(self, phase):
        samples = self.net.metrics()
        counters = self.net.stats().get('counters', {})
        return {'packet_ins': fnet.metric_sum(samples, 'flowmasq_packet_ins_total'),
                'flow_mods': fnet.metric_sum(samples, 'flowmasq_flow_mods_total'),
                'packet_outs': fnet.metric_sum(samples, 'flowmasq_packet_outs_total'),
                'bindings_created': fnet.metric_sum(samples, 'flowmasq_bindings_created_total'),
                'tcp_late_report': counters.get('nat.tcp.late_report', 0),
                'existing_binding': counters.get('nat.packet_in.existing_binding', 0),
                'setup_seconds_sum': fnet.metric_sum(samples, 'flowmasq_binding_setup_seconds_sum'),
                'setup_seconds_count': fnet.metric_sum(samples, 'flowmasq_binding_setup_seconds_count'),
                'tcp_fin_rst': counters.get('nat.tcp.fin_rst', 0)}


def on_link_routes(net):
    """No NAT and no router: h1 and ext reach each other on the one segment."""
    for host, prefix in (('h1', '203.0.113.0/24'), ('h2', '203.0.113.0/24'),
                         ('ext', '10.0.0.0/24')):
        net.host(host).cmd('ip route replace %s dev %s-eth0' % (prefix, host))


class ReactiveProcess:
    """The bench jar's reactive controller, with the interface FlowmasqNet
    expects of its controller process."""

    def __init__(self, port, log_path):
        self.port = port
        self.log_path = str(log_path)
        self.proc = None
        self._log = None

    def start(self):
        self._log = open(self.log_path, 'ab')
        self.proc = subprocess.Popen(
            ['java', '-jar', str(BENCH_JAR), 'reactive', '--port', str(self.port)],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if 'listening' in fnet.tail(self.log_path):
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise fnet.FlowmasqError('reactive controller did not start:\n%s'
                                 % fnet.tail(self.log_path))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines=60):
        return fnet.tail(self.log_path, lines)

    def stop(self):
        if self.alive():
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


class ReactiveNet(fnet.FlowmasqNet):
    """The flowmasq topology under the trivial reactive controller."""

    def _start_controller(self):
        self.of_port = fnet.free_port()
        self.controller = ReactiveProcess(self.of_port, self.log_path).start()

    def wait_ready(self, timeout=45.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = fnet.run(['ovs-vsctl', '--bare', '--columns=is_connected', 'find',
                          'Controller', 'target="tcp:127.0.0.1:%d"' % self.of_port])
            if r.stdout.strip() == 'true':
                return True
            time.sleep(0.2)
        raise fnet.FlowmasqError('switch did not connect to the reactive controller')

    def metrics(self):
        return {}


class NetnsSetup(Setup):
    """client ns -- router ns (iptables MASQUERADE) -- server ns, plain veths."""

    def __init__(self):
        self.name = 'iptables'
        tag = 'fmb' + secrets.token_hex(2)
        self.ns = {'h1': tag + 'c', 'router': tag + 'r', 'ext': tag + 's'}
        self.links = [(tag + 'c0', tag + 'r0'), (tag + 'r1', tag + 's0')]
        self.procs = []

    def sh(self, cmd, ns=None, check=True):
        full = (['ip', 'netns', 'exec', ns] if ns else []) + cmd
        r = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=30)
        if check and r.returncode != 0:
            raise fnet.FlowmasqError('%s: %s' % (' '.join(full), r.stdout))
        return r.stdout

    def start(self):
        if not shutil.which('iptables'):
            raise fnet.FlowmasqError('iptables missing (make bench-deps)')
        c, r, s = self.ns['h1'], self.ns['router'], self.ns['ext']
        for ns in (c, r, s):
            self.sh(['ip', 'netns', 'add', ns])
            self.sh(['ip', 'link', 'set', 'lo', 'up'], ns)
        (c0, r0), (r1, s0) = self.links
        self.sh(['ip', 'link', 'add', c0, 'netns', c, 'type', 'veth', 'peer', 'name', r0, 'netns', r])
        self.sh(['ip', 'link', 'add', r1, 'netns', r, 'type', 'veth', 'peer', 'name', s0, 'netns', s])
        for ns, dev, addr in ((c, c0, '10.0.0.11/24'), (r, r0, '10.0.0.1/24'),
                              (r, r1, '203.0.113.1/24'), (s, s0, '203.0.113.10/24')):
            self.sh(['ip', 'addr', 'add', addr, 'dev', dev], ns)
            self.sh(['ip', 'link', 'set', dev, 'up'], ns)
        self.sh(['ip', 'route', 'add', 'default', 'via', '10.0.0.1'], c)
        self.sh(['sysctl', '-qw', 'net.ipv4.ip_forward=1'], r)
        self.sh(['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', r1, '-j', 'MASQUERADE'], r)
        return self

    def popen(self, host, args):
        p = subprocess.Popen(['ip', 'netns', 'exec', self.ns[host]] + args,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.procs.append(p)
        return p

    def pexec(self, host, args, timeout):
        r = subprocess.run(['ip', 'netns', 'exec', self.ns[host], 'timeout', str(int(timeout))] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=timeout + 10)
        return r.stdout, r.stderr, r.returncode

    def extra(self, phase):
        out = self.sh(['iptables', '-t', 'nat', '-L', 'POSTROUTING', '-v', '-x', '-n'],
                      self.ns['router'], check=False)
        return {'masquerade_rule': ' '.join(out.split('\n')[2].split()[:2]) if out.count('\n') > 2 else ''}

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=5)
        for ns in self.ns.values():
            self.sh(['ip', 'netns', 'del', ns], check=False)


def connection_chunk(setup, workdir, n, parallel):
    """n connections, `parallel` at a time: the client's raw figures and the
    setup's counters (extra()) before and after."""
    server_py = workdir / 'conn_server.py'
    client_py = workdir / 'conn_client.py'
    server_py.write_text(SERVER)
    client_py.write_text(CLIENT)
    srv = setup.popen('ext', [fnet.PY, '-u', str(server_py), topo.EXT_IP, str(CONN_PORT)])
    try:
        setup.wait_listening('ext', CONN_PORT)
        before = setup.extra('connections')
        out, err, rc = setup.pexec('h1', [fnet.PY, str(client_py), topo.EXT_IP, str(CONN_PORT),
                                          str(n), str(parallel)], timeout=300)
        after = setup.extra('connections')
    finally:
        setup.kill(srv)
    if rc != 0:
        raise fnet.FlowmasqError('connection client failed (%s): %s %s' % (rc, out, err))
    data = json.loads(out)
    data['deltas'] = {k: v - before[k] for k, v in after.items()
                      if isinstance(v, (int, float)) and k in before}
    return data


def combine_chunks(chunks, parallel):
    """One phase's figures from its chunks (run interleaved with the other
    setups' chunks): rates over the chunks' summed time, setup times over all
    connections, the conn/s series laid end to end."""
    ok = sum(c['ok'] for c in chunks)
    elapsed = sum(c['elapsed_s'] for c in chunks)
    setups, done_at, offset = [], [], 0.0
    for c in chunks:
        setups.extend(c['setup_s'])
        done_at.extend(offset + t for t in c['done_at_s'])
        offset += c['elapsed_s']
    result = {'n': sum(c['n'] for c in chunks), 'parallel': parallel, 'chunks': len(chunks),
              'ok': ok, 'failures': sum(c['failures'] for c in chunks),
              'elapsed_s': elapsed, 'conn_per_s': ok / elapsed if elapsed else 0.0,
              'setup_ms': stats_ms(setups), 'per_interval': per_interval(done_at)}
    deltas = {}
    for c in chunks:
        for k, v in c['deltas'].items():
            deltas[k] = deltas.get(k, 0) + v
    for k, v in deltas.items():
        if not k.startswith('setup_seconds'):
            result[k + '_per_conn'] = v / max(1, ok)
    if deltas.get('setup_seconds_count', 0) > 0:
        result['controller_us_per_packet_in'] = (1e6 * deltas['setup_seconds_sum']
                                                 / deltas['setup_seconds_count'])
    return result


def median_run(done):
    """The median of a setup's bulk runs (made interleaved with the other setups')."""
    done = sorted(done, key=lambda r: r['bits_per_s'])
    result = dict(done[len(done) // 2])
    result['runs_bps'] = [r['bits_per_s'] for r in done]
    return result


def bulk_once(setup, seconds, omit):
    """One iperf3 run from h1 to ext, a new connection (so it pays for its
    binding's setup); the first `omit` seconds (slow start, flow setup) are
    left out of its figure, which is then the throughput through installed
    flows."""
    srv = setup.popen('ext', ['iperf3', '-s', '-1', '-B', topo.EXT_IP, '-p', str(IPERF_PORT)])
    try:
        setup.wait_listening('ext', IPERF_PORT)
        before = setup.extra('bulk')
        out, err, rc = setup.pexec('h1', ['iperf3', '-c', topo.EXT_IP, '-p', str(IPERF_PORT),
                                          '-t', str(seconds), '-O', str(omit), '-i', '1', '-J'],
                                  timeout=seconds + omit + 30)
        after = setup.extra('bulk')
    finally:
        setup.kill(srv)
    try:
        data = json.loads(out)
        end = data['end']
    except (ValueError, KeyError) as e:
        raise fnet.FlowmasqError('iperf3 failed (%s): %s %s' % (e, out[-2000:], err))
    result = {'seconds': seconds, 'omitted_s': omit,
              'bits_per_s': end['sum_received']['bits_per_second'],
              'retransmits': end['sum_sent'].get('retransmits'),
              'intervals_bps': [i['sum']['bits_per_second'] for i in data.get('intervals', [])]}
    for k, v in after.items():
        if isinstance(v, (int, float)) and k in before and not k.startswith('setup_seconds'):
            result[k + '_during'] = v - before[k]
    return result


class Live:
    """A started setup: what to measure it with, and how to take it down."""

    def __init__(self, setup, workdir, stop, net=None):
        self.setup, self.workdir, self.stop, self.net = setup, workdir, stop, net
        self.seq, self.par, self.bulk = [], [], []


def start_mininet(name, factory, routes=False, flowmasq=False):
    net = factory()
    try:
        net.start()
        if routes:
            on_link_routes(net)
    except BaseException:
        net.failed = True
        net.stop()
        raise
    cls = FlowmasqSetup if flowmasq else MininetSetup
    return Live(cls(name, net), net.workdir, net.stop, net)


def start_netns():
    setup = NetnsSetup()
    workdir = Path(tempfile.mkdtemp(prefix='flowmasq-bench-netns-'))

    def stop():
        setup.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    try:
        setup.start()
    except BaseException:
        stop()
        raise
    return Live(setup, workdir, stop)


def split(n, parts):
    return [n // parts + (1 if i < n % parts else 0) for i in range(parts)]


def interleaved(live, results, what, step):
    """Runs step(name, entry) for every live setup in turn; a setup that fails
    is reported (with its controller's diagnostics) and left out of the rest."""
    for name in list(live):
        entry = live[name]
        print('[%s] %s' % (name, what), flush=True)
        try:
            step(name, entry)
        except Exception as e:  # pylint: disable=broad-except
            print('[%s] FAILED: %s' % (name, e), file=sys.stderr, flush=True)
            if entry.net is not None and hasattr(entry.net, 'diagnostics'):
                try:
                    print(entry.net.diagnostics(), file=sys.stderr)
                except Exception:  # pylint: disable=broad-except
                    pass
                entry.net.failed = True
            results['setups'][name] = {'error': str(e)[:2000]}
            entry.stop()
            del live[name]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=str(fnet.REPO / 'bench' / 'results' / 'e2e.json'))
    ap.add_argument('--warmup', type=int, default=1000)
    ap.add_argument('--sequential', type=int, default=300)
    ap.add_argument('--connections', type=int, default=2000)
    ap.add_argument('--parallel', type=int, default=8)
    ap.add_argument('--rounds', type=int, default=3,
                    help='each phase is split into this many chunks, run in turn over the setups')
    ap.add_argument('--iperf-seconds', type=int, default=4)
    ap.add_argument('--iperf-omit', type=int, default=1,
                    help='seconds at the start of each iperf3 run left out of its figure')
    ap.add_argument('--only', default='ovs-normal,reactive,flowmasq-of13,flowmasq-of10,iptables')
    args = ap.parse_args()
    fnet.check_prerequisites(need_jar=True)
    if not BENCH_JAR.is_file():
        raise fnet.FlowmasqError('%s missing (make build-bench)' % BENCH_JAR)
    results = {'started': time.strftime('%Y-%m-%dT%H:%M:%S%z'),
               'params': vars(args), 'setups': {}}
    plan = {
        'ovs-normal': lambda: start_mininet('ovs-normal', lambda: fnet.FlowmasqNet(standalone=True),
                                            routes=True),
        'reactive': lambda: start_mininet('reactive', lambda: ReactiveNet(of_version='OpenFlow13'),
                                          routes=True),
        'flowmasq-of13': lambda: start_mininet('flowmasq-of13',
                                               lambda: fnet.FlowmasqNet(of_version='OpenFlow13'),
                                               flowmasq=True),
        'flowmasq-of10': lambda: start_mininet('flowmasq-of10',
                                               lambda: fnet.FlowmasqNet(of_version='OpenFlow10'),
                                               flowmasq=True),
        'iptables': start_netns,
    }
    # Every setup is up for the whole run and each phase goes round them in
    # chunks, so a slow spell of this shared machine falls on all of them and
    # the ratios compare figures taken minutes, not seconds, apart at worst.
    live = {}
    try:
        for name in args.only.split(','):
            try:
                live[name] = plan[name]()
            except Exception as e:  # pylint: disable=broad-except
                print('[%s] FAILED to start: %s' % (name, e), file=sys.stderr, flush=True)
                results['setups'][name] = {'error': str(e)[:2000]}
        if args.warmup:
            # the controllers are JVMs started a moment ago: let their JIT compile the packet-in path first
            interleaved(live, results, '%d warm-up connections (not measured)' % args.warmup,
                        lambda n, e: connection_chunk(e.setup, e.workdir, args.warmup, args.parallel))
        for i, n in enumerate(split(args.sequential, args.rounds)):
            interleaved(live, results, 'sequential connections, chunk %d: %d' % (i + 1, n),
                        lambda _, e, n=n: e.seq.append(connection_chunk(e.setup, e.workdir, n, 1)))
        for i, n in enumerate(split(args.connections, args.rounds)):
            interleaved(live, results, 'connections %d in parallel, chunk %d: %d' % (args.parallel, i + 1, n),
                        lambda _, e, n=n: e.par.append(connection_chunk(e.setup, e.workdir, n, args.parallel)))
        for i in range(args.rounds):
            interleaved(live, results, 'iperf3 %d s (+%d s omitted), run %d' % (args.iperf_seconds, args.iperf_omit, i + 1),
                        lambda _, e: e.bulk.append(bulk_once(e.setup, args.iperf_seconds, args.iperf_omit)))
        for name, e in live.items():
            seq, par, bw = combine_chunks(e.seq, 1), combine_chunks(e.par, args.parallel), median_run(e.bulk)
            results['setups'][name] = {'sequential': seq, 'parallel': par, 'bulk': bw}
            print('[%s] %.0f conn/s, setup mean %.2f ms p99 %.2f ms, %.2f Gbit/s' % (
                name, par['conn_per_s'], seq['setup_ms']['mean'] or 0, seq['setup_ms']['p99'] or 0,
                bw['bits_per_s'] / 1e9), flush=True)
    finally:
        for e in live.values():
            e.stop()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1) + '\n')
    print('wrote %s' % args.out)
    return 1 if any('error' in v for v in results['setups'].values()) else 0


if __name__ == '__main__':
    sys.exit(main())
