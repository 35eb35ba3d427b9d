"""Helper library for the flowmasq end-to-end tests and the demo.

It starts the real controller (``controller/target/flowmasq.jar``) on free
loopback ports with a generated configuration, brings up the Mininet topology
of :mod:`flowmasq_topo` on an Open vSwitch userspace bridge with a unique
name, waits until the controller reports the switch as connected, and offers
small helpers for REST calls, flow dumps and traffic between the hosts.

Everything runs inside the Mininet hosts' namespaces: the inside network is
10.0.0.0/24, the outside "Internet" is 203.0.113.0/24 (RFC 5737); nothing is
routed to the machine's real uplink.

Typical use::

    with FlowmasqNet(of_version='OpenFlow13', udp_timeout=3) as fm:
        print(fm.bindings())
        print('\\n'.join(fm.dump_flows()))

Teardown (Mininet, the controller process, helper processes, a left-over
bridge) always runs: on ``__exit__``, on :meth:`stop`, and at interpreter exit.
"""

import atexit
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# FLOWMASQ_JAR overrides the jar under test (e.g. a build made elsewhere)
JAR = Path(os.environ.get('FLOWMASQ_JAR') or
           REPO / 'controller' / 'target' / 'flowmasq.jar')
NATCTL_JAR = Path(os.environ.get('NATCTL_JAR') or
                  REPO / 'natctl' / 'target' / 'natctl.jar')
PY = '/usr/bin/python3'   # Debian's python3 (has mininet); used in hosts too

if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import flowmasq_topo as topo  # noqa: E402

OF_VERSIONS = ('OpenFlow13', 'OpenFlow10')


class FlowmasqError(Exception):
    """Something in the environment or the system under test is wrong."""


# --------------------------------------------------------------------------
# small utilities

def free_port(address='127.0.0.1'):
    """A TCP port that is free on ``address`` right now (bind port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, what, interval=0.2):
    """Polls ``predicate`` until it returns something true and returns that;
    after ``timeout`` seconds (with one last try) fails naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError('timed out after %ss waiting for %s'
                                 % (timeout, what))
        time.sleep(interval)


def unique_switch_name():
    """'fm' + 4 random hex digits: unique per run, short enough for IFNAMSIZ."""
    return 'fm' + secrets.token_hex(2)


def run(cmd, timeout=30, check=False):
    """Run a command in the root namespace; returns CompletedProcess."""
    return subprocess.run(cmd, shell=isinstance(cmd, str), timeout=timeout,
                          check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def make_random_file(path, size):
    """Write ``size`` random bytes to path (world-readable); returns their
    sha256 (hex)."""
    h = hashlib.sha256()
    with open(path, 'wb') as f:
        left = size
        while left > 0:
            chunk = os.urandom(min(left, 1 << 20))
            h.update(chunk)
            f.write(chunk)
            left -= len(chunk)
    os.chmod(path, 0o644)
    return h.hexdigest()


def sha256_or_none(path):
    """sha256 of a file, or None when it does not exist."""
    try:
        return sha256_file(path)
    except FileNotFoundError:
        return None


def _pids_running(argv):
    """Pids of the processes whose command line is exactly ``argv``."""
    want = '\0'.join(argv).encode() + b'\0'
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % entry, 'rb') as f:
                if f.read() == want:
                    pids.append(int(entry))
        except OSError:
            pass
    return pids


def _kill_pids(pids):
    """SIGTERM, then SIGKILL to whatever is left after 2 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            pids = [p for p in pids if Path('/proc/%d' % p).exists() and
                    _state(p) != 'Z']
            if not pids:
                return
            time.sleep(0.05)


def _state(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except (OSError, IndexError):
        return 'Z'


# vsftpd.conf for the test servers; see start_vsftpd.  Every option is
# spelled out so that nothing depends on Debian's /etc/vsftpd.conf.
VSFTPD_CONF = """\
# written by flowmasq_net.start_vsftpd for host {host}
listen=YES
listen_ipv6=NO
listen_address={address}
listen_port={port}
background=NO
# the system's sandboxing does not work in every container
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir={empty}
# anonymous only, chrooted into anon_root (not writable by ftp), uploads into
# its subdirectory upload/ (owned by ftp)
anonymous_enable=YES
no_anon_password=YES
ftp_username=ftp
anon_root={root}
local_enable=NO
guest_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
anon_world_readable_only=YES
anon_umask=022
chown_uploads=NO
anon_max_rate=0
# both data-connection modes; PASV advertises the control connection's local
# address (no pasv_address); PORT/EPRT data leave from port 20 and only to
# the control connection's peer (port_promiscuous=NO: vsftpd's own FTP-bounce
# check)
pasv_enable=YES
pasv_min_port={pasv_min}
pasv_max_port={pasv_max}
pasv_promiscuous=NO
port_enable=YES
connect_from_port_20=YES
ftp_data_port={data_port}
port_promiscuous=NO
# every command and reply, and the transfers, in our own log
xferlog_enable=YES
xferlog_std_format=NO
log_ftp_protocol=YES
vsftpd_log_file={log}
dual_log_enable=NO
syslog_enable=NO
# no TLS, no PAM, no tcp_wrappers, no user lists
ssl_enable=NO
tcp_wrappers=NO
userlist_enable=NO
pam_service_name=vsftpd
dirmessage_enable=NO
hide_ids=NO
use_localtime=NO
ftpd_banner=flowmasq test vsftpd
idle_session_timeout=600
data_connection_timeout=300
accept_timeout=60
connect_timeout=60
max_clients=0
max_per_ip=0
"""

_VSFTPD_LINE = re.compile(
    r'\[pid (\d+)\](?: \[([^\]]*)\])? ([A-Z][A-Za-z ]*?): '
    r'Client "([^"]*)"(?:, (.*))?$')


def parse_vsftpd_log(text):
    """vsftpd log lines (log_ftp_protocol=YES) as dicts: pid, user (or None),
    kind ('CONNECT', 'FTP command', 'FTP response', 'OK DOWNLOAD', ...),
    client (address), text (the quoted command or reply, or the rest)."""
    out = []
    for line in text.splitlines():
        m = _VSFTPD_LINE.search(line)
        if not m:
            continue
        rest = m.group(5) or ''
        if rest.startswith('"') and rest.endswith('"'):
            rest = rest[1:-1]
        out.append({'pid': int(m.group(1)), 'user': m.group(2),
                    'kind': m.group(3), 'client': m.group(4), 'text': rest,
                    'line': line})
    return out


def tail(path, lines=60):
    try:
        with open(path, 'r', errors='replace') as f:
            return ''.join(f.readlines()[-lines:])
    except OSError as e:
        return '<cannot read %s: %s>' % (path, e)


def ovs_running():
    return run('ovs-vsctl -t 5 show', timeout=10).returncode == 0


def check_prerequisites(need_jar=True):
    """Raise FlowmasqError (never skip) if something needed is missing."""
    problems = []
    if os.geteuid() != 0:
        problems.append('must run as root (Mininet needs it)')
    try:
        import mininet.net  # noqa: F401  pylint: disable=import-outside-toplevel
    except ImportError as e:
        problems.append('python module mininet not importable from %s (%s); '
                        'use /usr/bin/python3 and install the Debian package '
                        '"mininet"' % (sys.executable, e))
    for tool in ('ovs-vsctl', 'ovs-ofctl', 'mnexec', 'java', 'curl', 'iperf3',
                 'tcpdump', 'ethtool', 'socat', 'ip'):
        if not shutil.which(tool):
            problems.append('%s not found on PATH' % tool)
    if not os.path.exists(PY):
        problems.append('%s missing' % PY)
    if shutil.which('ovs-vsctl') and not ovs_running():
        # try once to start it (the install script does the same)
        run('/usr/share/openvswitch/scripts/ovs-ctl start', timeout=60)
        if not ovs_running():
            problems.append('Open vSwitch is not running ("ovs-vsctl show" '
                            'fails; try /usr/share/openvswitch/scripts/'
                            'ovs-ctl start)')
    if need_jar and not JAR.is_file():
        problems.append('controller jar %s missing (run "make build")' % JAR)
    if problems:
        raise FlowmasqError('e2e prerequisites not met:\n  - '
                            + '\n  - '.join(problems))


_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url, timeout=5.0):
    """GET url (never via a proxy). Returns (status, parsed JSON or text).

    Raises OSError/URLError if nothing answers."""
    try:
        with _NO_PROXY_OPENER.open(url, timeout=timeout) as r:
            status, body = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, body = e.code, e.read()
    text = body.decode('utf-8', 'replace')
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def make_config(of_port, rest_port, switch_name, udp_timeout=None,
                of_address='127.0.0.1', rest_address='127.0.0.1',
                profile='rfc', extra_timers=None, extra_switch=None,
                extra_config=None, extra_switches=None, extended=False,
                rules=None):
    """The controller configuration (a dict) for the flowmasq topology.

    extra_switch: more fields of the switch entry, e.g. {'mssClamp': 1360};
    extra_config: more top-level fields, e.g. {'bindingLog': {...}};
    extra_switches: more switch entries after the topology's (e.g. one that
    a test client plays); extended: the inside ports of the extended
    topology (h3, h4, h5 too); rules: the switch's NAT rule chain (a list of
    rule dicts, written as is; None: no "rules" key, the implicit
    masquerade)."""
    timers = {'profile': profile}
    if udp_timeout is not None:
        timers['udp'] = udp_timeout
    if extra_timers:
        timers.update(extra_timers)
    config = {
        'openflow': {'address': of_address, 'port': of_port},
        'rest': {'address': rest_address, 'port': rest_port},
        'timers': timers,
        'switches': [{
            'dpid': topo.DPID_COLON,
            'name': switch_name,
            'inside': [{
                'ports': list(topo.EXTENDED_INSIDE_PORTS if extended
                              else topo.INSIDE_PORTS),
                'gateway': '%s/%d' % (topo.INSIDE_GATEWAY, topo.INSIDE_PREFIX),
                'mac': topo.INSIDE_MAC,
            }],
            'outside': {
                'port': topo.OUTSIDE_PORT,
                'address': '%s/%d' % (topo.OUTSIDE_ADDRESS,
                                      topo.OUTSIDE_PREFIX),
                'mac': topo.OUTSIDE_MAC,
                'nextHop': topo.EXT_IP,
            },
        }],
    }
    if rules is not None:
        config['switches'][0]['rules'] = list(rules)
    config['switches'][0].update(extra_switch or {})
    config['switches'].extend(extra_switches or [])
    config.update(extra_config or {})
    return config


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)')
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text):
    """{(metric name, frozenset of (label, value)): float} from the text
    exposition format (comments skipped)."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith('#'):
            continue
        m = _SAMPLE.match(line)
        if not m:
            continue
        labels = frozenset(_LABEL.findall(m.group(2) or ''))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def metric_sum(samples, name, **labels):
    """The sum of the samples of ``name`` whose labels include
    ``labels``."""
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items()
               if n == name and want <= set(ls))


# --------------------------------------------------------------------------
# flows

_FLOW_FIELD = re.compile(r'(\w+)=([^,\s]+)')


def parse_flow(line):
    """Parse one ovs-ofctl dump-flows line into a dict.

    Keys: cookie (int), priority (int), n_packets (int), n_bytes (int),
    table (int), match (str), actions (str), line (str)."""
    line = line.strip()
    flow = {'line': line, 'cookie': 0, 'priority': 32768, 'n_packets': 0,
            'n_bytes': 0, 'table': 0, 'match': '', 'actions': ''}
    head, _, actions = line.partition('actions=')
    flow['actions'] = actions.strip()
    parts = [p.strip() for p in head.replace(', ', ',').split(',')]
    match = []
    for p in parts:
        if not p:
            continue
        k, eq, v = p.partition('=')
        k = k.strip()
        v = v.strip()
        if k in ('cookie',):
            flow['cookie'] = int(v, 16) if v.startswith('0x') else int(v)
        elif k in ('n_packets', 'n_bytes', 'table', 'priority'):
            flow[k] = int(v)
        elif k in ('duration', 'idle_age', 'hard_age', 'idle_timeout',
                   'hard_timeout', 'reset_counts', 'send_flow_rem',
                   'no_packet_counts', 'no_byte_counts', 'importance'):
            flow[k] = v
        elif ' ' in p:
            # "n_bytes=0 idle_timeout=3" etc. separated by spaces
            for kk, vv in _FLOW_FIELD.findall(p):
                if kk == 'priority':
                    flow['priority'] = int(vv)
                else:
                    match.append('%s=%s' % (kk, vv))
        else:
            match.append(p if eq else k)
    flow['match'] = ','.join(match)
    return flow


def dump_flows_raw(bridge, of_version='OpenFlow13'):
    """``ovs-ofctl -O <version> dump-flows <bridge>`` output lines (flows)."""
    r = run(['ovs-ofctl', '-O', of_version, 'dump-flows', bridge], timeout=20)
    if r.returncode != 0:
        raise FlowmasqError('ovs-ofctl dump-flows %s failed: %s'
                            % (bridge, r.stdout))
    return [l.strip() for l in r.stdout.splitlines()
            if l.strip() and 'actions=' in l]


# --------------------------------------------------------------------------
# the controller process

def default_java_opts():
    """JAVA_OPTS, plus the garbage collector bin/flowmasq picks when
    JAVA_OPTS names none (Shenandoah, where the JVM has it): the tests run
    the controller as it is deployed."""
    opts = os.environ.get('JAVA_OPTS', '').split()
    if any(o.startswith('-XX:+Use') and o.endswith('GC') for o in opts):
        return opts
    probe = run(['java', '-XX:+UseShenandoahGC', '-version'], timeout=30)
    return (['-XX:+UseShenandoahGC'] if probe.returncode == 0 else []) + opts


class ControllerProcess:
    """``java -jar flowmasq.jar --config FILE`` with its log in a file."""

    def __init__(self, config_path, log_path, rest_url, jar=JAR,
                 java_opts=None):
        self.config_path = str(config_path)
        self.log_path = str(log_path)
        self.rest_url = rest_url
        self.jar = str(jar)
        self.java_opts = java_opts if java_opts is not None else \
            default_java_opts()
        self.proc = None
        self._log = None

    def start(self):
        self._log = open(self.log_path, 'ab')
        cmd = ['java'] + self.java_opts + ['-jar', self.jar,
                                           '--config', self.config_path]
        self._log.write(('### %s\n' % ' '.join(cmd)).encode())
        self._log.flush()
        self.proc = subprocess.Popen(cmd, stdout=self._log,
                                     stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL,
                                     start_new_session=True, cwd=str(REPO))
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines=60):
        return tail(self.log_path, lines)

    def wait_up(self, timeout=60.0):
        """Wait until REST /api/v1/health answers (200 or 503)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if not self.alive():
                raise FlowmasqError(
                    'controller exited with code %s before its REST API came '
                    'up.\n--- controller log (%s) ---\n%s'
                    % (self.proc.returncode, self.log_path, self.log_tail()))
            try:
                status, body = http_get(self.rest_url + '/api/v1/health',
                                        timeout=2)
                if status in (200, 503):
                    return status, body
                last = 'HTTP %s: %s' % (status, body)
            except (OSError, urllib.error.URLError) as e:
                last = str(e)
            time.sleep(0.3)
        raise FlowmasqError(
            'controller REST API did not answer /api/v1/health within %.0f s '
            '(last: %s).\n--- controller log (%s) ---\n%s'
            % (timeout, last, self.log_path, self.log_tail()))

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


# --------------------------------------------------------------------------
# the whole set-up

_LIVE = []


def _atexit_cleanup():
    for fm in list(_LIVE):
        try:
            fm.stop()
        except Exception:  # pylint: disable=broad-except
            pass


atexit.register(_atexit_cleanup)

UDP_ECHO_SERVER = r'''
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
print('listening', flush=True)
while True:
    data, peer = s.recvfrom(65535)
    print('from %s:%d %r' % (peer[0], peer[1], data[:64]), flush=True)
    s.sendto(data, peer)
'''

UDP_CLIENT = r'''
import socket, sys
dst, port, payload = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
sport = int(sys.argv[4]) if len(sys.argv) > 4 else 0
wait = float(sys.argv[5]) if len(sys.argv) > 5 else 3.0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', sport))
s.settimeout(wait)
s.sendto(payload, (dst, port))
try:
    data, peer = s.recvfrom(65535)
except socket.timeout:
    print('TIMEOUT')
    sys.exit(3)
print('REPLY %s:%d %s' % (peer[0], peer[1], data.decode('utf-8', 'replace')))
'''


FTP_RAW_CLIENT = r"""
# A scripted FTP control session, byte for byte: argv[1] server, argv[2]
# port, argv[3] a JSON list of steps:
#   ["send", text]    send exactly these bytes (no CRLF added), TCP_NODELAY
#   ["recv"] or ["recv", seconds]  read one complete reply (multi-line
#                     aware; default wait 4 s), print it (null: none came)
#   ["sleep", s]
#   ["listen", addr, port]  accept one data connection there in the
#                     background (for 10 s), read it to EOF, print who
#                     connected
# Prints JSON lines: {"event": ..., ...}; a broken control connection is an
# "error" event, not a crash.  Exit 0 unless the control connection could
# not be opened.
import json, socket, sys, threading, time
server, port, steps = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
out_lock = threading.Lock()
def emit(**kw):
    # one write per line under a lock: the data-connection thread prints too, and print() writes the text
    # and its newline separately, so two threads' lines could run together
    with out_lock:
        sys.stdout.write(json.dumps(kw) + '\n')
        sys.stdout.flush()
try:
    c = socket.create_connection((server, port), timeout=10)
except OSError as e:
    emit(event='connect-failed', error=str(e))
    sys.exit(2)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
emit(event='connected', local='%s:%d' % c.getsockname())
buf = b''
def recv_reply(wait):
    global buf
    lines = []
    c.settimeout(wait)
    while True:
        while b'\r\n' not in buf:
            try:
                data = c.recv(4096)
            except socket.timeout:
                return None
            if not data:
                emit(event='error', error='control connection closed')
                return '\n'.join(lines) or None
            buf += data
        line, buf = buf.split(b'\r\n', 1)
        line = line.decode('latin-1')
        lines.append(line)
        # a reply ends with "ddd " (multi-line ones start with "ddd-")
        if len(line) >= 4 and line[:3].isdigit() and line[3] == ' ' and \
                (len(lines) == 1 or line[:3] == lines[0][:3]):
            return '\n'.join(lines)
def serve(addr, lport):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, lport))
    s.listen(1)
    s.settimeout(10)
    emit(event='listening', addr=addr, port=lport)
    try:
        d, peer = s.accept()
    except socket.timeout:
        emit(event='no-data-connection', port=lport)
        return
    n = 0
    d.settimeout(10)
    while True:
        try:
            chunk = d.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        n += len(chunk)
    emit(event='data-connection', port=lport, peer='%s:%d' % peer, bytes=n)
threads = []
for step in steps:
    try:
        if step[0] == 'send':
            c.sendall(step[1].encode('latin-1'))
            emit(event='sent', text=step[1])
        elif step[0] == 'recv':
            emit(event='reply',
                 text=recv_reply(step[1] if len(step) > 1 else 4.0))
        elif step[0] == 'sleep':
            time.sleep(step[1])
        elif step[0] == 'listen':
            t = threading.Thread(target=serve, args=(step[1], step[2]),
                                 daemon=True)
            t.start()
            threads.append(t)
            time.sleep(0.2)
    except OSError as e:
        emit(event='error', step=step[0], error=str(e))
        break
for t in threads:
    t.join(15)
c.close()
emit(event='closed')
"""


# An HTTP server that paces each response at a fixed rate (bytes/s).
THROTTLED_HTTP = r'''
import functools, http.server, sys, time
addr, port, docroot, rate = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])


class Handler(http.server.SimpleHTTPRequestHandler):
    def copyfile(self, source, outputfile):
        chunk = max(1024, rate // 50)
        start = time.monotonic()
        sent = 0
        while True:
            data = source.read(chunk)
            if not data:
                break
            outputfile.write(data)
            sent += len(data)
            delay = start + sent / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(
    (addr, port), functools.partial(Handler, directory=docroot)).serve_forever()
'''


# The rule entry of RuleCookies (a rule's flow as a whole).
RULE_ENTRY = (1 << 24) - 1

# An HTTP server that answers every GET with its host's name; one line
# "<client address> <client port>" per hit in its log, written (and
# flushed) before the answer.
NAME_SERVER = r"""
import http.server, os, sys, threading
name, addr, port, log = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
lock = threading.Lock()
fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.0'

    def do_GET(self):
        with lock:
            os.write(fd, ('%s %d\n' % self.client_address).encode())
        body = (name + '\n').encode()
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Connection', 'close')
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 128


Server((addr, port), Handler).serve_forever()
"""

# count sequential HTTP/1.0 GETs, a new connection each; prints one line per
# request: "OK <body without newline>" or "ERR <reason>".
HTTP_MANY_CLIENT = r"""
import errno, socket, sys
addr, port, count, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
first = int(sys.argv[5]) if len(sys.argv) > 5 else 0
for i in range(count):
    try:
        s = socket.create_connection((addr, port), timeout=timeout,
                                     source_address=('0.0.0.0', first + i) if first else None)
        try:
            s.sendall(b'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' % addr.encode())
            data = b''
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        finally:
            s.close()
        head, _, body = data.partition(b'\r\n\r\n')
        if not head.startswith(b'HTTP/1.0 200'):
            print('ERR status %r' % head[:40], flush=True)
        else:
            print('OK ' + body.decode('utf-8', 'replace').strip(), flush=True)
    except socket.timeout:
        print('ERR timeout', flush=True)
    except OSError as e:
        print('ERR %s' % (errno.errorcode.get(e.errno, str(e)),), flush=True)
"""

# One TCP connect; prints a JSON line {ok, error, seconds, local}.
TCP_CONNECT_CLIENT = r"""
import errno, json, socket, sys, time
addr, port, timeout, sport = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', sport))
s.settimeout(timeout)
start = time.monotonic()
result = {'ok': False, 'error': None, 'local': '%s:%d' % s.getsockname()}
try:
    s.connect((addr, port))
    result['ok'] = True
    result['local'] = '%s:%d' % s.getsockname()
except socket.timeout:
    result['error'] = 'timeout'
except OSError as e:
    result['error'] = errno.errorcode.get(e.errno, str(e))
result['seconds'] = round(time.monotonic() - start, 3)
s.close()
print(json.dumps(result))
"""


class FlowmasqNet:
    """Controller + Mininet topology, started and torn down together."""

    def __init__(self, of_version='OpenFlow13', udp_timeout=None,
                 switch_name=None, workdir=None, ready_timeout=45.0,
                 extra_timers=None, log_level='warning', standalone=False,
                 extra_switch=None, extra_config=None, extra_switches=None,
                 extended=False, rules=None):
        """standalone=True: no controller, failMode=standalone (a plain
        learning switch) -- only for smoke-testing the topology itself.
        extended=True: the extended topology (h3, h4, h5, site B's b1; see
        :mod:`flowmasq_topo`); rules: the switch's rule chain in the config
        (see :func:`make_config`)."""
        if of_version not in OF_VERSIONS:
            raise ValueError('of_version must be one of %s' % (OF_VERSIONS,))
        self.of_version = of_version
        self.udp_timeout = udp_timeout
        self.extra_timers = extra_timers
        self.extra_switch = extra_switch
        self.extra_config = extra_config
        self.extra_switches = extra_switches
        self.extended = extended
        self.rules = rules
        self.switch_name = switch_name or unique_switch_name()
        self.workdir = Path(workdir or tempfile.mkdtemp(
            prefix='flowmasq-%s-' % self.switch_name))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.ready_timeout = ready_timeout
        self.log_level = log_level
        self.of_port = None
        self.rest_port = None
        self.rest_url = None
        self.config_path = self.workdir / 'flowmasq.json'
        self.log_path = self.workdir / 'controller.log'
        self.controller = None
        self.net = None
        self.procs = []          # helper processes started in hosts
        self.failed = False      # set by users to keep the workdir
        self.standalone = standalone
        self._stopped = False

    # -- life cycle ------------------------------------------------------

    def start(self):
        check_prerequisites(need_jar=not self.standalone)
        _LIVE.append(self)
        try:
            if self.standalone:
                self._start_mininet()
                return self
            self._start_controller()
            self._start_mininet()
            self.wait_ready(self.ready_timeout)
            self.wait_base_flows(10.0)
        except BaseException:
            self.failed = True
            self.stop()
            raise
        return self

    def _start_controller(self):
        # the two ports must differ; bind-0 can in theory hand out the same
        self.of_port = free_port()
        self.rest_port = free_port()
        while self.rest_port == self.of_port:
            self.rest_port = free_port()
        self.rest_url = 'http://127.0.0.1:%d' % self.rest_port
        cfg = make_config(self.of_port, self.rest_port, self.switch_name,
                          udp_timeout=self.udp_timeout,
                          extra_timers=self.extra_timers,
                          extra_switch=self.extra_switch,
                          extra_config=self.extra_config,
                          extra_switches=self.extra_switches,
                          extended=self.extended, rules=self.rules)
        # '@WORKDIR@' in a value (e.g. a log path) names this run's directory
        self.config_path.write_text(json.dumps(cfg, indent=2).replace(
            '@WORKDIR@', str(self.workdir)) + '\n')
        self.controller = ControllerProcess(self.config_path, self.log_path,
                                            self.rest_url)
        self.controller.start()
        self.controller.wait_up(timeout=60.0)

    def _start_mininet(self):
        # pylint: disable=import-outside-toplevel
        from mininet.log import setLogLevel
        from mininet.net import Mininet
        from mininet.node import OVSSwitch, RemoteController
        setLogLevel(self.log_level)
        # a bridge of the same name left over from an earlier crash
        run(['ovs-vsctl', '--if-exists', 'del-br', self.switch_name])
        switch = partial(OVSSwitch, datapath='user',
                         failMode='standalone' if self.standalone else 'secure',
                         protocols=self.of_version)
        self.net = Mininet(topo=topo.FlowmasqTopo(switch_name=self.switch_name,
                                                  extended=self.extended),
                           switch=switch, host=topo.FlowmasqHost,
                           controller=None, autoSetMacs=False,
                           autoStaticArp=False, build=False,
                           waitConnected=False)
        if not self.standalone:
            self.net.addController('c0', controller=RemoteController,
                                   ip='127.0.0.1', port=self.of_port)
        self.net.build()
        self.net.start()
        # the switch side of the veths (root namespace): tx checksum offload
        # off too, and no IPv6 (the kernel would send router solicitations
        # and MLD reports from them straight into the hosts)
        for intf in self.switch.intfList():
            if intf.name != 'lo':
                run(['ethtool', '-K', intf.name, 'tx', 'off'])
                run(['sysctl', '-qw',
                     'net.ipv6.conf.%s.disable_ipv6=1' % intf.name])

    def wait_ready(self, timeout=45.0):
        """Wait until /api/v1/health says 200 with ready=true."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if not self.controller.alive():
                raise FlowmasqError(
                    'controller died while waiting for the switch.\n%s'
                    % self.diagnostics())
            try:
                status, body = http_get(self.rest_url + '/api/v1/health', 2)
                last = (status, body)
                if status == 200 and isinstance(body, dict) and \
                        body.get('ready') is True:
                    return body
            except (OSError, urllib.error.URLError) as e:
                last = str(e)
            time.sleep(0.3)
        conn = run(['ovs-vsctl', '--columns=target,is_connected,status',
                    'list', 'Controller']).stdout
        raise FlowmasqError(
            'switch %s (%s) did not become ready within %.0f s; last health '
            'answer: %r\n--- ovs Controller table ---\n%s\n%s'
            % (self.switch_name, self.of_version, timeout, last, conn,
               self.diagnostics()))

    def wait_base_flows(self, timeout=10.0):
        """Wait until the table-miss (priority 0) flow is installed.

        Does not fail: the tests assert the flows themselves."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if any(f['priority'] == 0 for f in self.flows()):
                    return True
            except FlowmasqError:
                pass
            time.sleep(0.3)
        return False

    def stop(self):
        if self._stopped:
            return
        self._stopped = True
        for p in self.procs:
            try:
                if getattr(p, 'fm_stop', None):
                    p.fm_stop()       # e.g. vsftpd and its sessions
                elif p.poll() is None:
                    p.kill()
                    p.wait(timeout=5)
            except Exception:  # pylint: disable=broad-except
                pass
        self.procs = []
        if self.net is not None:
            try:
                self.net.stop()
            except Exception as e:  # pylint: disable=broad-except
                print('warning: net.stop() failed: %s' % e, file=sys.stderr)
        # the bridge and its ports, if Mininet left anything behind
        run(['ovs-vsctl', '--if-exists', 'del-br', self.switch_name])
        ports = [topo.OUTSIDE_PORT] + (topo.EXTENDED_INSIDE_PORTS
                                       if self.extended else topo.INSIDE_PORTS)
        for port in ports:
            name = '%s-eth%d' % (self.switch_name, port)
            if Path('/sys/class/net', name).exists():
                run(['ip', 'link', 'del', name])
        if Path('/sys/class/net', self.switch_name).exists():
            run(['ip', 'link', 'del', self.switch_name])
        if self.controller is not None:
            self.controller.stop()
        if self in _LIVE:
            _LIVE.remove(self)
        # big files never survive; logs survive a failure (or FLOWMASQ_KEEP)
        for big in self.workdir.rglob('*.bin'):
            try:
                big.unlink()
            except OSError:
                pass
        if not self.failed and not os.environ.get('FLOWMASQ_KEEP'):
            shutil.rmtree(self.workdir, ignore_errors=True)
        elif self.workdir.is_dir() and not any(self.workdir.iterdir()):
            self.workdir.rmdir()   # nothing worth keeping

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.failed = True
        self.stop()
        return False

    # -- accessors -------------------------------------------------------

    @property
    def switch(self):
        return self.net.get(self.switch_name)

    def host(self, name):
        return self.net.get(name)

    @property
    def h1(self):
        return self.net.get('h1')

    @property
    def h2(self):
        return self.net.get('h2')

    @property
    def ext(self):
        return self.net.get('ext')

    # -- REST ------------------------------------------------------------

    def rest(self, path, timeout=5.0):
        """GET path from the controller; returns (status, body)."""
        return http_get(self.rest_url + path, timeout=timeout)

    def rest_json(self, path):
        status, body = self.rest(path)
        if status != 200 or not isinstance(body, dict):
            raise FlowmasqError('GET %s -> HTTP %s: %r' % (path, status, body))
        return body

    def health(self):
        return self.rest('/api/v1/health')

    def bindings(self):
        """The list of bindings from GET /api/v1/bindings (all pages)."""
        out, cursor = [], None
        while True:
            page = self.rest_json('/api/v1/bindings?limit=10000' +
                                  ('&cursor=' + cursor if cursor else ''))
            out.extend(page.get('bindings', []))
            cursor = page.get('next_cursor')
            if not cursor:
                return out

    def natctl(self, *args, timeout=60):
        """Run the real natctl CLI against this controller; returns
        (exit code, stdout, stderr)."""
        if not NATCTL_JAR.exists():
            raise FlowmasqError('%s missing: run "make build" first'
                                % NATCTL_JAR)
        p = subprocess.run(['java', '-jar', str(NATCTL_JAR), '--url',
                            self.rest_url] + [str(a) for a in args],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=timeout, check=False)
        return p.returncode, p.stdout, p.stderr

    def metrics(self):
        """The Prometheus text exposition from GET /metrics, parsed into
        {(name, frozenset(labels.items())): value}."""
        status, body = self.rest('/metrics')
        if status != 200 or not isinstance(body, str):
            raise FlowmasqError('GET /metrics -> HTTP %s: %r' % (status,
                                                                 body))
        return parse_prometheus(body)

    def stats(self):
        return self.rest_json('/api/v1/stats')

    def counter(self, name):
        """A counter from /api/v1/stats (0 when absent)."""
        counters = self.stats().get('counters', {})
        return counters.get(name, 0)

    def find_bindings(self, protocol=None, inside_address=None,
                      inside_port=None):
        out = []
        for b in self.bindings():
            if protocol and str(b.get('protocol', '')).lower() != protocol:
                continue
            if inside_address and b.get('inside_address') != inside_address:
                continue
            if inside_port is not None and b.get('inside_port') != inside_port:
                continue
            out.append(b)
        return out

    # -- flows -----------------------------------------------------------

    def dump_flows(self):
        """Flow lines from ``ovs-ofctl -O <version> dump-flows <bridge>``."""
        return dump_flows_raw(self.switch_name, self.of_version)

    def flows(self):
        return [parse_flow(l) for l in self.dump_flows()]

    def drop_flow_packets(self):
        """Sum of n_packets over the priority-0 flows that drop."""
        return sum(f['n_packets'] for f in self.flows()
                   if f['priority'] == 0 and
                   f['actions'] in ('drop', ''))

    # -- diagnostics -----------------------------------------------------

    def diagnostics(self, log_lines=60):
        out = ['=== flowmasq diagnostics (%s, bridge %s, OF port %s, REST %s, '
               'workdir %s) ===' % (self.of_version, self.switch_name,
                                    self.of_port, self.rest_port,
                                    self.workdir)]
        if self.controller is not None:
            out.append('--- controller log tail (%s) ---' % self.log_path)
            out.append(self.controller.log_tail(log_lines))
            if not self.controller.alive():
                out.append('!!! controller process is not running (rc=%s)'
                           % (self.controller.proc.returncode
                              if self.controller.proc else None))
        try:
            out.append('--- flows ---')
            out.extend(self.dump_flows())
        except Exception as e:  # pylint: disable=broad-except
            out.append('<dump-flows failed: %s>' % e)
        if self.rest_url and self.controller is not None and \
                self.controller.alive():
            for path in ('/api/v1/health', '/api/v1/bindings',
                         '/api/v1/stats'):
                try:
                    out.append('--- GET %s ---' % path)
                    out.append(json.dumps(self.rest(path), indent=None)[:4000])
                except Exception as e:  # pylint: disable=broad-except
                    out.append('<failed: %s>' % e)
        return '\n'.join(out)

    # -- processes in hosts ------------------------------------------------

    def popen(self, host, args, **kwargs):
        """Start a helper process in a host; killed on stop()."""
        kwargs.setdefault('stdout', subprocess.PIPE)
        kwargs.setdefault('stderr', subprocess.STDOUT)
        p = self.host(host).popen(args, **kwargs)
        self.procs.append(p)
        return p

    def pexec(self, host, args, timeout=30):
        """Run a command in a host with a time limit; (out, err, rc)."""
        return self.host(host).pexec(['timeout', str(int(timeout))] + args)

    def kill(self, proc, sig=signal.SIGTERM):
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if proc in self.procs:
            self.procs.remove(proc)

    def wait_listening(self, host, port, proto='tcp', timeout=10.0):
        """Wait until something listens on port in host (ss)."""
        flag = '-ltnH' if proto == 'tcp' else '-lunH'
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out, _, _ = self.pexec(host, ['ss', flag, 'sport', '=',
                                          ':%d' % port], timeout=5)
            if out.strip():
                return True
            time.sleep(0.1)
        raise FlowmasqError('nothing listening on %s %s/%d after %.0f s'
                            % (host, proto, port, timeout))

    def script(self, name, text):
        """Writes a helper script to the workdir; atomically (a temporary
        file renamed over it), since a process started from an earlier
        call may still be reading it."""
        path = self.workdir / name
        if path.exists() and path.read_text() == text:
            return str(path)
        tmp = self.workdir / ('.%s.%d.tmp' % (name, os.getpid()))
        tmp.write_text(text)
        os.replace(tmp, path)
        return str(path)

    # -- traffic helpers -----------------------------------------------------

    def _random_file(self, folder, name, size):
        """A file of ``size`` random bytes in a folder of the workdir (files
        named *.bin are removed in stop()); returns (folder, path, sha256)."""
        docroot = self.workdir / folder
        docroot.mkdir(exist_ok=True)
        path = docroot / name
        with open(path, 'wb') as f:
            f.write(os.urandom(size))
        return docroot, path, sha256_file(path)

    def start_http_server(self, port=8000, size=10 * 1024 * 1024,
                          name='file.bin'):
        """Serve a file of ``size`` random bytes from ext; returns
        (process, path, sha256)."""
        docroot, path, digest = self._random_file('www', name, size)
        p = self.popen('ext', [PY, '-m', 'http.server', str(port), '--bind',
                               topo.EXT_IP, '--directory', str(docroot)])
        self.wait_listening('ext', port)
        return p, path, digest

    def http_download(self, host, url, out_path, timeout=120):
        """curl url from host into out_path; returns (rc, curl -w summary)."""
        out, err, rc = self.pexec(host, [
            'curl', '--noproxy', '*', '-sS', '--max-time', str(timeout),
            '-o', str(out_path), '-w',
            'http_code=%{http_code} size=%{size_download} '
            'speed=%{speed_download} time=%{time_total}', url],
            timeout=timeout + 10)
        return rc, (out + err).strip()

    # -- FTP (vsftpd in a host, lftp and curl as clients) -----------------

    def start_vsftpd(self, host, root_dir, port=21, pasv_min=30000,
                     pasv_max=30099, extra=None):
        """Start a vsftpd of our own in ``host``, listening on its address
        and ``port``; returns the process (it and its sessions are killed by
        :meth:`stop_vsftpd` or :meth:`stop`).

        Anonymous only (no password), chrooted into ``root_dir``, which is
        made root-owned and not writable by the ftp user (vsftpd refuses a
        writable chroot); uploads go to ``root_dir/upload`` (owned by ftp).
        PASV on ports pasv_min..pasv_max with the control connection's
        address; PORT/EPRT data from port ``port - 1`` (20); every command
        and reply in the log.  ``extra``: {option: value} overriding or
        adding vsftpd.conf lines.  The process carries ftp_address,
        ftp_port, ftp_root, ftp_upload, ftp_conf, ftp_log (Paths)."""
        address = self.host(host).IP()
        root = Path(root_dir)
        root.mkdir(parents=True, exist_ok=True)
        os.chown(root, 0, 0)
        os.chmod(root, 0o755)
        upload = root / 'upload'
        upload.mkdir(exist_ok=True)
        import pwd  # pylint: disable=import-outside-toplevel
        ftp_user = pwd.getpwnam('ftp')
        os.chown(upload, ftp_user.pw_uid, ftp_user.pw_gid)
        os.chmod(upload, 0o755)
        # vsftpd changes into anon_root as the ftp user: the directories
        # above it (this run's workdir is 0700) must be searchable
        for parent in [root] + list(root.parents):
            if parent == Path('/'):
                break
            mode = parent.stat().st_mode
            if not mode & 0o001:
                os.chmod(parent, (mode & 0o7777) | 0o111)
        empty = self.workdir / 'vsftpd-empty'
        empty.mkdir(exist_ok=True)
        os.chmod(empty, 0o555)
        stem = 'vsftpd-%s-%d' % (host, port)
        conf_path = self.workdir / (stem + '.conf')
        log_path = self.workdir / (stem + '.log')
        out_path = self.workdir / (stem + '.out')
        log_path.write_text('')
        text = VSFTPD_CONF.format(host=host, address=address, port=port,
                                  empty=empty, root=root, pasv_min=pasv_min,
                                  pasv_max=pasv_max, data_port=port - 1,
                                  log=log_path)
        if extra:
            keep = [l for l in text.splitlines()
                    if l.split('=', 1)[0] not in extra]
            text = '\n'.join(keep + ['%s=%s' % kv for kv in extra.items()])
            text += '\n'
        conf_path.write_text(text)
        os.chmod(conf_path, 0o600)   # vsftpd wants it owned by its user
        out = open(out_path, 'wb')
        try:
            p = self.popen(host, ['vsftpd', str(conf_path)], stdout=out,
                           stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL)
        finally:
            out.close()
        p.fm_stop = partial(self._kill_vsftpd, p)
        p.ftp_address, p.ftp_port = address, port
        p.ftp_root, p.ftp_upload = root, upload
        p.ftp_conf, p.ftp_log, p.ftp_out = conf_path, log_path, out_path
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if p.poll() is not None:
                raise FlowmasqError('vsftpd in %s exited with %s: %s'
                                    % (host, p.returncode, tail(out_path)))
            out_, _, _ = self.pexec(host, ['ss', '-ltnH', 'sport', '=',
                                           ':%d' % port], timeout=5)
            if out_.strip():
                break
            time.sleep(0.1)
        else:
            self.stop_vsftpd(p)
            raise FlowmasqError('vsftpd in %s not listening on %d after 10 s:'
                                ' %s' % (host, port, tail(out_path)))
        return p

    @staticmethod
    def _kill_vsftpd(proc):
        # every session is a process of its own session (setsid) that
        # outlives the listener: find them all by their command line, which
        # names this run's own config file
        pids = _pids_running(['vsftpd', str(proc.ftp_conf)])
        if proc.poll() is None and proc.pid not in pids:
            pids.append(proc.pid)
        _kill_pids(pids)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def stop_vsftpd(self, proc):
        """Stop a server from :meth:`start_vsftpd` and its sessions."""
        self._kill_vsftpd(proc)
        if proc in self.procs:
            self.procs.remove(proc)

    @staticmethod
    def vsftpd_log_offset(proc):
        """The current end of a server's log (for :meth:`vsftpd_log`)."""
        try:
            return proc.ftp_log.stat().st_size
        except FileNotFoundError:
            return 0

    @staticmethod
    def vsftpd_log(proc, since=0):
        """The server's log entries (:func:`parse_vsftpd_log`) written after
        byte offset ``since``."""
        with open(proc.ftp_log, 'rb') as f:
            f.seek(since)
            text = f.read().decode('utf-8', 'replace')
        return parse_vsftpd_log(text)

    def lftp(self, host, server, commands, passive=True, port=21,
             limit_rate=None, settings=None, timeout=120):
        """Run lftp in ``host``: one anonymous session to server:port, then
        ``commands`` (lftp commands, one control connection for all of
        them).  ``passive``: ftp:passive-mode on (PASV) or off (PORT);
        ``limit_rate``: bytes per second (net:limit-rate); ``settings``:
        more {setting: value}.  Exits at the first failing command.
        Returns (exit code, output with the protocol exchange)."""
        opts = {
            'cmd:fail-exit': 'yes',
            'ftp:ssl-allow': 'no',
            'ftp:passive-mode': 'on' if passive else 'off',
            'ftp:prefer-epsv': 'no',
            'net:max-retries': '1',
            'net:persist-retries': '0',
            'net:reconnect-interval-base': '1',
            'net:timeout': '10',
            'net:limit-rate': str(int(limit_rate or 0)),
            'xfer:clobber': 'on',
            'dns:order': 'inet',
        }
        opts.update(settings or {})
        lines = ['set %s %s' % kv for kv in opts.items()]
        lines.append('debug -t 3')
        lines.append('open -u anonymous,flowmasq@ ftp://%s:%d'
                     % (server, port))
        lines.extend(commands)
        self._lftp_n = getattr(self, '_lftp_n', 0) + 1
        script = self.script('lftp-%d.lftp' % self._lftp_n,
                             '\n'.join(lines) + '\n')
        out, err, rc = self.pexec(host, ['lftp', '-f', script],
                                  timeout=timeout)
        return rc, (out + err)

    def lftp_get(self, host, server, remote, local, passive=True, port=21,
                 limit_rate=None, timeout=120):
        """Download ``remote`` into ``local`` with lftp; returns (exit code,
        output, sha256 of ``local`` or None)."""
        local = Path(local)
        if local.exists():
            local.unlink()
        rc, out = self.lftp(host, server, ['get %s -o %s' % (remote, local)],
                            passive=passive, port=port,
                            limit_rate=limit_rate, timeout=timeout)
        return rc, out, sha256_or_none(local)

    def lftp_put(self, host, server, local, remote, server_path,
                 passive=True, port=21, limit_rate=None, timeout=120):
        """Upload ``local`` as ``remote`` (e.g. 'upload/x.bin') with lftp;
        returns (exit code, output, sha256 of the server's copy
        ``server_path`` or None)."""
        server_path = Path(server_path)
        if server_path.exists():
            server_path.unlink()
        rc, out = self.lftp(host, server, ['put %s -o %s' % (local, remote)],
                            passive=passive, port=port,
                            limit_rate=limit_rate, timeout=timeout)
        return rc, out, sha256_or_none(server_path)

    def _curl_ftp(self, host, args, active, eprt, epsv, limit_rate, timeout):
        cmd = ['curl', '--noproxy', '*', '-sS', '-v', '--max-time',
               str(int(timeout)), '--connect-timeout', '10', '-w',
               'rc_code=%{response_code} size_dl=%{size_download} '
               'size_ul=%{size_upload} time=%{time_total}\n']
        cmd += ['--ftp-port', '-'] if active else ['--ftp-pasv']
        if not eprt:
            cmd.append('--disable-eprt')
        if not epsv:
            cmd.append('--disable-epsv')
        if limit_rate:
            cmd += ['--limit-rate', str(int(limit_rate))]
        out, err, rc = self.pexec(host, cmd + args, timeout=timeout + 10)
        return rc, (out + err)

    def curl_ftp_get(self, host, url, local, active=False, eprt=True,
                     epsv=True, limit_rate=None, timeout=120):
        """Download ftp:// ``url`` into ``local`` with curl: passive (EPSV,
        then PASV; ``epsv=False``: PASV only) or ``active`` (``--ftp-port
        -``: EPRT, then PORT; ``eprt=False``: PORT only).  Returns (exit
        code, verbose output, sha256 of ``local`` or None)."""
        local = Path(local)
        if local.exists():
            local.unlink()
        rc, out = self._curl_ftp(host, ['-o', str(local), url], active, eprt,
                                 epsv, limit_rate, timeout)
        return rc, out, sha256_or_none(local)

    def curl_ftp_put(self, host, url, local, server_path, active=False,
                     eprt=True, epsv=True, limit_rate=None, timeout=120):
        """Upload ``local`` to ftp:// ``url`` (curl -T); returns (exit code,
        verbose output, sha256 of the server's copy or None)."""
        server_path = Path(server_path)
        if server_path.exists():
            server_path.unlink()
        rc, out = self._curl_ftp(host, ['-T', str(local), url], active, eprt,
                                 epsv, limit_rate, timeout)
        return rc, out, sha256_or_none(server_path)

    def ftp_raw(self, host, server, steps, port=21, timeout=60):
        """A scripted control session from ``host`` (see FTP_RAW_CLIENT for
        the steps); returns (exit code, list of event dicts, raw output)."""
        script = self.script('ftp_raw.py', FTP_RAW_CLIENT)
        out, err, rc = self.pexec(host, [PY, script, server, str(port),
                                         json.dumps(steps)], timeout=timeout)
        events = []
        for line in out.splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                pass
        return rc, events, out + err

    def start_udp_echo(self, port=7777):
        """A UDP echo server on ext:port (prints the peers it saw)."""
        script = self.script('udp_echo.py', UDP_ECHO_SERVER)
        p = self.popen('ext', [PY, '-u', script, topo.EXT_IP, str(port)])
        self.wait_listening('ext', port, proto='udp')
        return p

    def udp_request(self, host, dst, port, payload, sport=0, wait=3.0):
        """Send payload from host (optionally from sport); returns
        (reply payload or None, peer 'ip:port' or None, raw output)."""
        script = self.script('udp_client.py', UDP_CLIENT)
        out, err, rc = self.pexec(host, [PY, script, dst, str(port), payload,
                                         str(sport), str(wait)],
                                  timeout=wait + 10)
        raw = (out + err).strip()
        if rc == 0 and out.startswith('REPLY '):
            _, peer, data = out.rstrip('\n').split(' ', 2)
            return data, peer, raw
        return None, None, raw

    def iperf(self, client='h1', seconds=5, port=5201, timeout=None):
        """iperf3 TCP client -> server on ext; returns (rc, json or None,
        raw output)."""
        srv = self.popen('ext', ['iperf3', '-s', '-1', '-B', topo.EXT_IP,
                                 '-p', str(port)])
        try:
            self.wait_listening('ext', port)
            out, err, rc = self.pexec(
                client, ['iperf3', '-c', topo.EXT_IP, '-p', str(port),
                         '-t', str(seconds), '-J'],
                timeout=timeout or seconds + 30)
        finally:
            self.kill(srv)
        try:
            data = json.loads(out)
        except ValueError:
            data = None
        return rc, data, (out + err)

    def start_capture(self, host='ext', intf=None, name='capture.pcap'):
        """tcpdump on a host's interface into a pcap file; returns
        (process, path)."""
        intf = intf or '%s-eth0' % host
        path = self.workdir / name
        # --immediate-mode: without it packets wait in the kernel ring until
        # a block fills or a 1 s timeout, and a short capture stopped with
        # SIGINT can come back empty
        p = self.popen(host, ['tcpdump', '-i', intf, '-n', '-U',
                              '--immediate-mode', '-w', str(path)],
                       stderr=subprocess.PIPE,
                       stdout=subprocess.DEVNULL)
        # tcpdump prints "listening on ..." on stderr once capturing
        deadline = time.monotonic() + 10
        line = b''
        while time.monotonic() < deadline:
            line = p.stderr.readline()
            if b'listening on' in line or not line:
                break
        if p.poll() is not None:
            raise FlowmasqError('tcpdump failed: %s' % line)
        time.sleep(0.2)
        return p, path

    def stop_capture(self, proc, path):
        """Stop tcpdump and return the decoded lines (tcpdump -nn -r)."""
        time.sleep(0.5)
        self.kill(proc, signal.SIGINT)
        r = run(['tcpdump', '-nn', '-r', str(path)], timeout=30)
        return [l for l in r.stdout.splitlines()
                if l and not l.startswith('reading from')]

    # -- faults: controller restart, switch reconnect ------------------------

    def kill_controller(self):
        """kill -9 the controller (no shutdown hooks; the switch keeps its
        flows under fail_mode=secure)."""
        proc = self.controller.proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        self.controller.stop()       # closes its log file

    def restart_controller(self, ready_timeout=45.0):
        """Start the controller again with the same config, ports and log
        file; waits until the switch is ready (its table rebuilt)."""
        self.controller = ControllerProcess(self.config_path, self.log_path,
                                            self.rest_url)
        self.controller.start()
        self.controller.wait_up(timeout=60.0)
        return self.wait_ready(ready_timeout)

    def controller_target(self):
        """The switch's controller target as Mininet set it."""
        r = run(['ovs-vsctl', 'get-controller', self.switch_name])
        targets = r.stdout.split()
        if r.returncode != 0 or not targets:
            raise FlowmasqError('no controller on %s: %s'
                                % (self.switch_name, r.stdout))
        return targets

    def disconnect_switch(self):
        """Drop the OpenFlow connection: point the switch at a port nobody
        listens on; returns the target(s) to give back to
        reconnect_switch(). Not ``ovs-vsctl del-controller``: with no
        controller left, Open vSwitch in fail_mode=secure flushes the
        flow table (checked on this OVS), which is a switch restart, not a
        connection drop."""
        targets = self.controller_target()
        dead = free_port()
        while dead in (self.of_port, self.rest_port):
            dead = free_port()
        run(['ovs-vsctl', 'set-controller', self.switch_name,
             'tcp:127.0.0.1:%d' % dead], check=True)
        return targets

    def reconnect_switch(self, targets, ready_timeout=45.0):
        """ovs-vsctl set-controller with the same target(s); waits until
        the controller has noticed and the switch is ready again."""
        run(['ovs-vsctl', 'set-controller', self.switch_name] + list(targets),
            check=True)
        return self.wait_ready(ready_timeout)

    def binding_cookies_on_switch(self):
        """{binding cookie: number of flows} of the flowmasq binding flows
        (cookie kind 0x01) on the switch."""
        out = {}
        for f in self.flows():
            if (f['cookie'] >> 48) == 0xF101:
                out[f['cookie']] = out.get(f['cookie'], 0) + 1
        return out


    def set_controller_rate_limit(self, rate, burst):
        """OVS's own packet-in rate limit for this bridge's controller
        (Controller table controller_rate_limit / controller_burst_limit,
        packets per second; OVS minimums 100 and 25): how an OpenFlow 1.0
        switch, which has no meters, is kept from flooding the controller.
        OVS then queues packet-ins per input port and serves the ports in
        turn. Returns the Controller row's uuid."""
        r = run(['ovs-vsctl', 'get', 'Bridge', self.switch_name,
                 'controller'], timeout=10)
        uuids = re.findall(r'[0-9a-f-]{36}', r.stdout)
        if r.returncode != 0 or len(uuids) != 1:
            raise FlowmasqError('no single controller on %s: %r'
                                % (self.switch_name, r.stdout))
        r = run(['ovs-vsctl', 'set', 'Controller', uuids[0],
                 'controller_rate_limit=%d' % rate,
                 'controller_burst_limit=%d' % burst], timeout=10)
        if r.returncode != 0:
            raise FlowmasqError('setting the controller rate limit failed: '
                                '%s' % r.stdout)
        return uuids[0]

    def port_rx_packets(self, port):
        """rx packets the switch counted on an OpenFlow port number."""
        r = run(['ovs-ofctl', '-O', self.of_version, 'dump-ports',
                 self.switch_name, str(port)], timeout=10)
        m = re.search(r'rx pkts=(\d+)', r.stdout)
        if r.returncode != 0 or not m:
            raise FlowmasqError('dump-ports %s %s: %s'
                                % (self.switch_name, port, r.stdout))
        return int(m.group(1))

    def start_throttled_http_server(self, port, size, rate,
                                    name='slow.bin', host='ext'):
        """Serve a file of ``size`` random bytes from ``host`` (ext unless
        told) at ``rate`` bytes/s
        per download, paced by the server; returns (process, path, sha256).

        A client-side limit (``curl --limit-rate``) does not keep a transfer
        on the wire: the client's socket buffer (up to several MB with
        autotuning) takes most of a file in the first second and curl then
        reads it slowly from there. Pacing at the server keeps packets
        crossing the switch for the whole transfer."""
        docroot, path, digest = self._random_file('www-slow', name, size)
        script = self.script('throttled_http.py', THROTTLED_HTTP)
        p = self.popen(host, [PY, script, self.host(host).IP(), str(port),
                              str(docroot), str(int(rate))])
        self.wait_listening(host, port)
        return p, path, digest


    # -- NAT rules (issue 7) and the extended topology's helpers ----------

    def rest_call(self, method, path, body=None, timeout=10.0):
        """``method`` path on the controller with an optional JSON body;
        returns (status, parsed JSON or text)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.rest_url + path, data=data,
                                     method=method)
        if data is not None:
            req.add_header('Content-Type', 'application/json')
        try:
            with _NO_PROXY_OPENER.open(req, timeout=timeout) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        text = raw.decode('utf-8', 'replace')
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def _rules_path(self):
        return '/api/v1/switches/%s/rules' % topo.DPID_COLON

    def rules_json(self):
        """GET /api/v1/switches/<dpid>/rules: {"switch": ..., "rules":
        [...]} (FlowmasqError unless 200)."""
        status, body = self.rest_call('GET', self._rules_path())
        if status != 200 or not isinstance(body, dict):
            raise FlowmasqError('GET %s -> HTTP %s: %r'
                                % (self._rules_path(), status, body))
        return body

    def rule(self, rule_id):
        """The view of one rule from :meth:`rules_json`, or None."""
        for r in self.rules_json().get('rules', []):
            if r.get('id') == rule_id:
                return r
        return None

    def rule_number(self, rule_id):
        """A rule's number (its cookie field); FlowmasqError if unknown."""
        r = self.rule(rule_id)
        if r is None:
            raise FlowmasqError('no rule %r: %r' % (rule_id,
                                                    self.rules_json()))
        return int(r['number'])

    def add_rule(self, rule, position=None):
        """POST a rule (a dict as in the config) at ``position`` (1-based;
        None: append); returns (status, json)."""
        body = dict(rule)
        if position is not None:
            body['position'] = position
        return self.rest_call('POST', self._rules_path(), body)

    def delete_rule(self, rule_id):
        """DELETE a rule by id; returns (status, json)."""
        return self.rest_call('DELETE', '%s/%s' % (self._rules_path(),
                                                   rule_id))

    def delete_bindings(self, inside):
        """DELETE /api/v1/bindings?inside=<address>: every binding of one
        inside host; returns (status, json)."""
        return self.rest_call('DELETE', '/api/v1/bindings?inside=%s' % inside)

    @staticmethod
    def rule_cookie(number, entry=RULE_ENTRY):
        """The cookie of a rule's flow (RuleCookies.flow): 0xF104 << 48 |
        number << 24 | entry."""
        return 0xF104 << 48 | number << 24 | entry

    @staticmethod
    def forward_cookie(number, index):
        """The binding cookie of port ``index`` of port-forward rule
        ``number`` (Cookies.binding(RuleCookies.forwardId(number, index)))."""
        return 0xF101 << 48 | 1 << 47 | number << 24 | index

    def rule_flows(self, number, entry=None):
        """The switch's flows of rule ``number``: kind 0x04 with that number
        (static/netmap/twice/virtual-server flows), and the forward
        bindings of a port-forward rule (kind 0x01, bit 47, the number in
        bits 46..24).  ``entry``: only those whose low 24 bits are that
        (a host's offset, RULE_ENTRY, or a forward's port index)."""
        out = []
        for f in self.flows():
            c = f['cookie']
            if entry is not None and c & RULE_ENTRY != entry:
                continue
            if c >> 48 == 0xF104 and (c >> 24) & 0x7FFFFF == number:
                out.append(f)
            elif c >> 48 == 0xF101 and c >> 47 & 1 and \
                    (c >> 24) & 0x7FFFFF == number:
                out.append(f)
        return out

    def wait_rule_flows(self, number, timeout=10.0, count=1, entry=None):
        """Poll until the switch has at least ``count`` flows of rule
        ``number`` (:meth:`rule_flows`, ``entry`` likewise); returns them,
        FlowmasqError on timeout."""
        deadline = time.monotonic() + timeout
        flows = []
        while True:
            flows = self.rule_flows(number, entry)
            if len(flows) >= count:
                return flows
            if time.monotonic() >= deadline:
                raise FlowmasqError(
                    'rule %d: %d flow(s) on the switch after %.0f s, expected'
                    ' at least %d:\n%s' % (number, len(flows), timeout,
                                           count, '\n'.join(self.dump_flows())))
            time.sleep(0.2)

    def wait_rule_flows_gone(self, number, timeout=10.0):
        """Poll until no flow of rule ``number`` is left; True, or False
        on timeout."""
        deadline = time.monotonic() + timeout
        while self.rule_flows(number):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.2)
        return True

    def name_server_log(self, host, port=80):
        """The hit log of :meth:`start_name_server` on host:port."""
        return self.workdir / ('names-%s-%d.log' % (host, port))

    def start_name_server(self, host, port=80, wait=True):
        """A tiny HTTP server on ``host`` (all its addresses) that answers
        every GET with the host's name and a newline ("h3\\n"), and appends
        one line "<client address> <client port>" per request to its hit
        log (:meth:`name_server_hits`) before answering, so a test can count
        each server's hits independently of the clients.  Restarting it on
        the same host and port appends to the same log.  ``wait=False``:
        return at once (then :meth:`wait_listening` before use).  Returns
        the process (stop it with :meth:`kill`)."""
        script = self.script('name_server.py', NAME_SERVER)
        log = self.name_server_log(host, port)
        log.touch()
        p = self.popen(host, [PY, script, host, '0.0.0.0', str(port),
                              str(log)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        if wait:
            self.wait_listening(host, port)
        return p

    def name_server_offset(self, host, port=80):
        """The current end of a name server's hit log."""
        try:
            return self.name_server_log(host, port).stat().st_size
        except FileNotFoundError:
            return 0

    def name_server_hits(self, host, port=80, since=0):
        """The (client address, client port) of each hit on host:port's
        name server logged after byte offset ``since``."""
        try:
            with open(self.name_server_log(host, port), 'rb') as f:
                f.seek(since)
                text = f.read().decode('ascii', 'replace')
        except FileNotFoundError:
            return []
        out = []
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 2:
                out.append((parts[0], int(parts[1])))
        return out

    def http_text(self, host, url, timeout=5, local_port=None):
        """GET url from ``host`` with curl; the body, or None when the
        transfer failed (no connection, timeout, HTTP error)."""
        cmd = ['curl', '--noproxy', '*', '-s', '-f', '--max-time',
               str(timeout), '--connect-timeout', str(timeout)]
        if local_port:
            cmd += ['--local-port', str(local_port)]
        out, _, rc = self.pexec(host, cmd + [url], timeout=timeout + 5)
        return out if rc == 0 else None

    def http_texts(self, host, address, port, count, timeout=3.0,
                   first_port=0):
        """``count`` sequential HTTP/1.0 GETs of / from ``host`` to
        address:port, each on a new connection, from one process (fast);
        returns one entry per request: the body, or "ERR <reason>".  With
        ``first_port`` the connections come from first_port, first_port+1,
        ... (never a port an earlier connection of the run used)."""
        script = self.script('http_many.py', HTTP_MANY_CLIENT)
        out, err, rc = self.pexec(host, [PY, script, address, str(port),
                                         str(count), str(timeout),
                                         str(first_port)],
                                  timeout=count * (timeout + 1) + 30)
        lines = out.splitlines()
        if rc != 0 or len(lines) != count:
            raise FlowmasqError('http_many from %s to %s:%d exited %s with '
                                '%d of %d lines: %s'
                                % (host, address, port, rc, len(lines),
                                   count, (out + err)[-2000:]))
        return [l[3:] if l.startswith('OK ') else l for l in lines]

    def tcp_connect(self, host, address, port, timeout=5.0, sport=0):
        """One TCP connect from ``host`` (optionally from ``sport``);
        returns {'ok': bool, 'error': errno name or 'timeout' or None,
        'seconds': time taken, 'local': 'ip:port' or None}."""
        script = self.script('tcp_connect.py', TCP_CONNECT_CLIENT)
        out, err, rc = self.pexec(host, [PY, script, address, str(port),
                                         str(timeout), str(sport)],
                                  timeout=timeout + 10)
        try:
            return json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            raise FlowmasqError('tcp_connect from %s exited %s: %r'
                                % (host, rc, out + err))

    def start_udp_echo_on(self, host, port, address=None):
        """A UDP echo server on ``host`` (its address, or ``address``):port
        that prints the peers it saw."""
        script = self.script('udp_echo.py', UDP_ECHO_SERVER)
        p = self.popen(host, [PY, '-u', script,
                              address or self.host(host).IP(), str(port)])
        self.wait_listening(host, port, proto='udp')
        return p

    def ping(self, host, address, count=2, timeout=5):
        """ping from ``host``; True when at least one reply came."""
        _, _, rc = self.pexec(host, ['ping', '-n', '-c', str(count), '-i',
                                     '0.2', '-W', str(timeout), address],
                              timeout=timeout + count + 5)
        return rc == 0

    @property
    def h3(self):
        return self.net.get('h3')

    @property
    def h4(self):
        return self.net.get('h4')

    @property
    def b1(self):
        return self.net.get('b1')


IPV4_LINE = re.compile(
    r'\bIP (\d+\.\d+\.\d+\.\d+)(?:\.(\d+))? > (\d+\.\d+\.\d+\.\d+)(?:\.(\d+))?:'
    r'\s*(.*)')


def ipv4_packets(lines):
    """(src, sport, dst, dport, rest) for each IPv4 line of tcpdump -nn."""
    out = []
    for l in lines:
        m = IPV4_LINE.search(l)
        if m:
            out.append(m.groups())
    return out
