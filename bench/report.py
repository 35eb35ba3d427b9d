#!/usr/bin/python3
"""Turns the JSON files of `make bench` (bench/results/) into bench/results/README.md
(tables, figures against the targets of issue 9), two plots, and the table in the
top-level README between the markers <!-- bench:begin --> and <!-- bench:end -->."""

import argparse
import json
import os
import platform
import re
import subprocess
import time
from pathlib import Path

TARGET_BINDINGS = 50_000
TARGET_P99_US = 100
TARGET_SETUP_MS = 2.5
TARGET_BULK_RATIO = 0.95
TARGET_BYTES = 1024
TARGET_PAUSE_MS = 10


def load(path):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def machine():
    cpu = '?'
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30
    java = subprocess.run(['java', '-version'], capture_output=True, text=True).stderr.splitlines()
    ovs = subprocess.run(['ovs-vswitchd', '--version'], capture_output=True, text=True).stdout.splitlines()
    return '%d cores (%s), %.0f GiB, Linux %s, %s, %s' % (
        os.cpu_count(), cpu, mem, platform.release(), java[1] if len(java) > 1 else 'java ?',
        ovs[0] if ovs else 'ovs ?')


def f0(x):
    return '—' if x is None else '{:,.0f}'.format(x)


def f1(x):
    return '—' if x is None else '{:,.1f}'.format(x)


def f2(x):
    return '—' if x is None else '{:,.2f}'.format(x)


def mark(ok):
    return 'met' if ok else '**missed**'


def loadgen_table(results):
    rows = ['| scenario | bindings/s (mean of rounds; min–max) | latency p50 / p99 / p99.9 (µs) | controller-side mean (µs) | packet-ins unanswered |',
            '|---|---|---|---|---|']
    lg = {}
    for p in sorted(results.glob('loadgen-*.json')):
        d = load(p)
        if not d:
            continue
        name = p.stem[len('loadgen-'):]
        lg[name] = d
        lat = d['latency_us']
        r = d['rounds']
        rows.append('| OF%s, %d switch%s, %s (window %d) | %s (%s–%s) | %s / %s / %s | %s | %d |' % (
            d['of_version'], d['switches'], '' if d['switches'] == 1 else 'es', d['mode'], d['window'],
            f0(d['bindings_per_s']), f0(min(r)), f0(max(r)), f1(lat['p50']), f1(lat['p99']), f1(lat['p99_9']),
            f1(d.get('controller_metrics', {}).get('mean_us')), d['unanswered_at_end']))
    return '\n'.join(rows), lg


GC_NAMES = {'g1': 'G1 (the JVM default)', 'zgc': 'ZGC', 'shenandoah': 'Shenandoah (bin/flowmasq default)'}


def gc_table(results):
    rows = ['| controller GC | bindings/s while churning | STW pauses in 20 s | max (ms) | p99 (ms) | pauses > 10 ms |',
            '|---|---|---|---|---|---|']
    gcs = {}
    for p in sorted(results.glob('gc-churn-*.json')):
        d = load(p)
        if not d or 'gc' not in d:
            continue
        g = d['gc']
        name = p.stem[len('gc-churn-'):]
        gcs[name] = d
        rows.append('| %s (`%s`) | %s | %d | %s | %s | %d |' % (
            GC_NAMES.get(name, name), d.get('controller_java_opts', ''),
            f0(d['bindings_per_s']), g['pauses'], f2(g['max_ms']), f2(g['p99_ms']), g['over_10ms']))
    return '\n'.join(rows), gcs


def memory_table(results):
    d = load(results / 'memory.json')
    if not d:
        return '(no memory.json)', None
    rows = ['| bindings | heap delta after GC | bytes per binding | JOL: binding table graph per binding |',
            '|---|---|---|---|']
    for p in d['points']:
        rows.append('| %s | %s MiB | %s | %s |' % (f0(p['bindings']), f1(p['heap_delta_bytes'] / 2**20),
                                                  f0(p['bytes_per_binding']),
                                                  f0(p.get('jol_table_bytes_per_binding'))))
    return '\n'.join(rows), d


def jmh_table(results):
    d = load(results / 'jmh.json')
    if not d:
        return '(no jmh.json)'
    rows = ['| benchmark | parameters | ns/op | ± (99.9 %) |', '|---|---|---|---|']
    for b in d:
        name = b['benchmark'].replace('io.flowmasq.bench.jmh.', '')
        params = ', '.join('%s=%s' % kv for kv in sorted((b.get('params') or {}).items()))
        m = b['primaryMetric']
        rows.append('| %s | %s | %s | %s |' % (name, params, f0(m['score']), f0(m['scoreError'])))
    return '\n'.join(rows)


E2E_ORDER = ['flowmasq-of13', 'flowmasq-of10', 'reactive', 'ovs-normal', 'iptables']
E2E_NAMES = {'flowmasq-of13': 'flowmasq, OpenFlow 1.3', 'flowmasq-of10': 'flowmasq, OpenFlow 1.0',
             'reactive': 'trivial reactive exact-match controller (no NAT)',
             'ovs-normal': 'OVS bridge, NORMAL action (no controller, no NAT)',
             'iptables': 'Linux iptables MASQUERADE, namespace router (no OVS)'}


def e2e_table(results):
    d = load(results / 'e2e.json')
    if not d:
        return '(no e2e.json: the Mininet part did not run)', None
    s = d['setups']
    ref_conn = s.get('reactive', {}).get('parallel', {}).get('conn_per_s')
    ref_bulk = s.get('ovs-normal', {}).get('bulk', {}).get('bits_per_s')
    rows = ['| setup | new TCP conn/s (%d parallel) | × reactive | setup mean / p99 (ms), sequential | bulk iperf3, median of %d runs, first %d s left out (Gbit/s) | × OVS NORMAL | packet-ins per connection | flowmasq\'s own time per packet-in (µs) | packet-ins during one bulk run |' % (
        d['params']['parallel'], d['params'].get('rounds', 3), d['params'].get('iperf_omit', 0)),
            '|---|---|---|---|---|---|---|---|---|']
    for name in E2E_ORDER:
        if name not in s:
            continue
        r = s[name]
        if 'error' in r:
            rows.append('| %s | failed: %s | | | | | | | |' % (E2E_NAMES[name], r['error'][:120].replace('|', '/')))
            continue
        c = r['parallel']['conn_per_s']
        b = r['bulk']['bits_per_s']
        rows.append('| %s | %s | %s | %s / %s | %s | %s | %s | %s | %s |' % (
            E2E_NAMES[name], f0(c), f2(c / ref_conn) if ref_conn else '—',
            f2(r['sequential']['setup_ms']['mean']), f2(r['sequential']['setup_ms']['p99']),
            f2(b / 1e9), f2(b / ref_bulk) if ref_bulk else '—',
            f1(r['parallel'].get('packet_ins_per_conn')), f1(r['sequential'].get('controller_us_per_packet_in')),
            f0(r['bulk'].get('packet_ins_during'))))
    return '\n'.join(rows), d


def targets(lg, gcs, mem, e2e):
    rows = ['| target (issue 9) | measured | |', '|---|---|---|']
    for name, label in (('of13-1sw-throughput', 'OF1.3, 1 switch'), ('of13-16sw-throughput', 'OF1.3, 16 switches'),
                        ('of10-1sw-throughput', 'OF1.0, 1 switch'), ('of10-16sw-throughput', 'OF1.0, 16 switches')):
        if name in lg:
            v = lg[name]['bindings_per_s']
            rows.append('| ≥ 50,000 bindings/s, %s | %s | %s |' % (label, f0(v), mark(v >= TARGET_BINDINGS)))
    for name, label in (('of13-1sw-latency', 'OF1.3'), ('of10-1sw-latency', 'OF1.0')):
        if name in lg:
            v = lg[name]['latency_us']['p99']
            rows.append('| p99 setup ≤ 100 µs in latency mode, %s (packet-in sent → packet-out received, loopback) | %s µs | %s |'
                        % (label, f1(v), mark(v <= TARGET_P99_US)))
    if mem:
        last = mem['points'][-1]
        rows.append('| ≤ 1 KiB heap per binding at %s bindings | %s bytes | %s |' % (
            f0(last['bindings']), f0(last['bytes_per_binding']), mark(last['bytes_per_binding'] <= TARGET_BYTES)))
    for name, d in sorted(gcs.items()):
        rows.append('| no GC pause > 10 ms while 100k bindings churn, %s | max %s ms | %s |' % (
            GC_NAMES.get(name, name), f2(d['gc']['max_ms']), mark(d['gc']['max_ms'] <= TARGET_PAUSE_MS)))
    if e2e:
        s = e2e['setups']
        ref = s.get('reactive', {}).get('parallel', {}).get('conn_per_s')
        normal = s.get('ovs-normal', {}).get('bulk', {}).get('bits_per_s')
        for name in ('flowmasq-of13', 'flowmasq-of10'):
            r = s.get(name)
            if not r or 'error' in r:
                continue
            label = 'OF1.3' if name.endswith('13') else 'OF1.0'
            if ref:
                v = r['parallel']['conn_per_s'] / ref
                rows.append('| new TCP conn/s ≥ 1.0× the reactive controller, %s | %s× | %s |' % (label, f2(v), mark(v >= 1.0)))
            v = r['sequential']['setup_ms']['mean']
            rows.append('| connection setup ≤ 2.5 ms, %s (mean; p99 %s ms) | %s ms | %s |' % (
                label, f2(r['sequential']['setup_ms']['p99']), f2(v), mark(v <= TARGET_SETUP_MS)))
            if normal:
                v = r['bulk']['bits_per_s'] / normal
                rows.append('| bulk ≥ 0.95× OVS NORMAL, %s | %s× | %s |' % (label, f2(v), mark(v >= TARGET_BULK_RATIO)))
    return '\n'.join(rows)


def plots(results, lg, e2e):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        return ['(matplotlib missing: make bench-deps)']
    made = []
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, d in sorted(lg.items()):
        curve = d['latency_us']['curve']
        xs = [100.0 / (100.0 - p) for p, _ in curve]
        ax.plot(xs, [v for _, v in curve], marker='o', label='OF%s %d sw %s' % (d['of_version'], d['switches'], d['mode']))
    ax.set_xscale('log')
    ax.set_yscale('log')
    ticks = [50, 90, 99, 99.9, 99.99]
    ax.set_xticks([100.0 / (100.0 - p) for p in ticks])
    ax.set_xticklabels(['p%g' % p for p in ticks])
    ax.axhline(TARGET_P99_US, color='grey', linestyle=':', label='100 µs')
    ax.set_ylabel('packet-in → packet-out (µs)')
    ax.set_title('Load generator: binding setup latency percentiles')
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(results / 'latency.png', dpi=110)
    plt.close(fig)
    made.append('latency.png')
    if e2e:
        fig, ax = plt.subplots(figsize=(8, 4.5))
        for name in E2E_ORDER:
            r = e2e['setups'].get(name)
            if not r or 'error' in r:
                continue
            pts = r['parallel']['per_interval']
            ax.plot([t for t, _ in pts], [v for _, v in pts], marker='.', label=E2E_NAMES[name].split(' (')[0])
        ax.set_yscale('log')
        ax.set_xlabel('seconds into the run')
        ax.set_ylabel('connections completed per second (250 ms bins)')
        ax.set_title('End to end: new TCP connections per second over time')
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(results / 'conn-rate.png', dpi=110)
        plt.close(fig)
        made.append('conn-rate.png')
    return made


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--results', default='bench/results')
    ap.add_argument('--readme', default=None)
    args = ap.parse_args()
    results = Path(args.results)
    lg_md, lg = loadgen_table(results)
    gc_md, gcs = gc_table(results)
    mem_md, mem = memory_table(results)
    e2e_md, e2e = e2e_table(results)
    made = plots(results, lg, e2e)
    when = time.strftime('%Y-%m-%d %H:%M %Z')
    run = load(results / 'run.json') or {}
    head = 'Measured %s on %s; load average (1, 5, 15 min) %s before the run, %s after (the benchmarks themselves load both cores; anything else running skews the figures).' % (
        when, machine(), run.get('load_before', '?'), run.get('load_after', '?'))
    summary = '\n\n'.join([
        head, '**Against the targets**\n\n' + targets(lg, gcs, mem, e2e),
        '**Load generator** (emulated switches over loopback TCP against the controller in the same JVM; '
        'fixed rounds after warm-up; a binding counts when its packet-out arrives)\n\n' + lg_md,
        '**End to end** (Mininet, Open vSwitch userspace datapath, one run with every setup up and each phase run in chunks taking the setups in turn; ratios against the reactive controller (conn/s) and the NORMAL bridge (bulk))\n\n' + e2e_md,
        '**Heap per binding** (one switch\'s engine as the controller wires it)\n\n' + mem_md,
        '**GC pauses while 100k bindings churn** (controller jar in its own JVM; the generator expires '
        'the oldest binding for each new one)\n\n' + gc_md])
    body = '# Benchmark results\n\nWritten by `make bench` (bench/report.py).\n\n' + summary + \
        '\n\n**JMH micro-benchmarks** (one thread; `PacketInBenchmark` per packet-in of a new flow)\n\n' + \
        jmh_table(results) + '\n\n' + '\n'.join('![%s](%s)' % (m, m) for m in made if m.endswith('.png')) + '\n'
    (results / 'README.md').write_text(body)
    print('wrote %s' % (results / 'README.md'))
    if args.readme:
        readme = Path(args.readme)
        text = readme.read_text()
        block = '<!-- bench:begin -->\n' + summary + '\n\nMore (JMH, plots): [bench/results](bench/results/README.md).\n<!-- bench:end -->'
        new, n = re.subn(r'<!-- bench:begin -->.*?<!-- bench:end -->', lambda m: block, text, flags=re.S)
        if n == 1:
            readme.write_text(new)
            print('updated %s' % readme)
        else:
            print('no bench markers in %s; not updated' % readme)


if __name__ == '__main__':
    main()
