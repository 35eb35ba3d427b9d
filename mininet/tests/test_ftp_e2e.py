"""End-to-end tests of the FTP ALG (issue 5): real vsftpd on ext
(203.0.113.10), real lftp, curl and a scripted raw control session on h1
(10.0.0.11, NATed to 203.0.113.1), for OF1.3 and OF1.0.

- lftp passive and active (PORT) download and upload of a 20 MiB file;
- curl passive (EPSV, PASV) and active (EPRT, PORT) download;
- a transfer lasting more than 3x the TCP idle timeout (the module runs the
  controller with 5 s TCP timers) does not lose its control session: the
  next commands run on the same control connection (the server saw one
  CONNECT) and the control binding stays listed while the data flows;
- the control binding is listed by GET /api/v1/bindings and an active-mode
  data connection appears among its ``children``;
- FTP bounce (PORT/EPRT naming h2) reaches nothing and is not rewritten to
  the public address; slipstreamed PORT text (not at the start of a command
  line, also split across segments) creates nothing.

What the server saw comes from its own log (log_ftp_protocol=YES): the
commands as they arrived (so a rewritten PORT shows the public address) and
one CONNECT per control connection (lftp reconnects silently when a control
session dies, so a matching sha256 alone proves nothing).

``test_harness_without_nat`` runs the same vsftpd and clients between far
and ext, which the NAT is not on: if it fails, the harness or the machine is
broken, not the ALG.

Until the ALG exists, the active-mode tests (PORT/EPRT name 10.0.0.11 and
vsftpd refuses them), the long transfers (the control binding expires after
5 s, the 226 is lost, lftp reconnects), the children test and the raw-PORT
test fail; that is expected.  Passive transfers pass, and so do the bounce
and slipstream tests, trivially: nothing rewrites anything, and vsftpd's own
check (port_promiscuous=NO) refuses a PORT naming another address.  With the
ALG they check that it does not open what vsftpd would then accept.

The scripted sessions never leave their control connection idle for 5 s
(the timer); a broken control connection is reported, not raised.  Every
test fails (never skips) when something it needs is missing.
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

import flowmasq_net as fnet  # noqa: E402
from conftest import flowmasq_per_version  # noqa: E402
from flowmasq_topo import (EXT_IP, FAR_IP, H1_IP, H2_IP,  # noqa: E402
                           OUTSIDE_ADDRESS)
from test_e2e import diag  # noqa: E402

# pylint: disable=redefined-outer-name  # the fixtures fm and ftpd

pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning')

# Short TCP idle timers for the whole module: every control connection that
# is idle while its data connection runs must be kept by the ALG.
CONTROL_TIMEOUT = 5
BIG = 20 * 1024 * 1024            # the 20 MiB file of the issue
SLOW_SIZE = 2_000_000             # at SLOW_RATE: 20 s > 3 x CONTROL_TIMEOUT
SLOW_RATE = 100_000               # bytes per second
# The long transfers come from a second server on ext that sends at SLOW_RATE
# (vsftpd anon_max_rate): the data connection is busy on the wire all along,
# as a long transfer is. (A client reading slowly instead leaves the wire idle
# once the socket buffer has the file, and any NAT then expires the data
# connection.) Its port is a configured ALG port besides 21.
SLOW_PORT = 2121
SMALL_SIZE = 100_000
PASV_MIN, PASV_MAX = 30000, 30099
DATA_KINDS = ('ftp-data-expectation', 'ftp-data')
CONTROL_REMOTE = '%s:%d' % (EXT_IP, SLOW_PORT)   # the long sessions' server

fm = flowmasq_per_version(extra_timers={'tcpEstablished': CONTROL_TIMEOUT,
                                        'tcpTransitory': CONTROL_TIMEOUT},
                          extra_switch={'ftpPorts': [21, SLOW_PORT]})


@pytest.fixture(scope='module')
def ftpd(fm):
    """vsftpd on ext with big.bin (20 MiB), slow.bin and small.bin; the
    upload source (20 MiB) in the work directory.  Attributes: sha (name ->
    sha256), up_path, up_sha."""
    missing = [t for t in ('vsftpd', 'lftp', 'curl') if not shutil.which(t)]
    if missing:
        pytest.fail('%s not installed (scripts/install-deps.sh installs '
                    'them)' % ', '.join(missing), pytrace=False)
    root = fm.workdir / 'ftp-root'
    server = fm.start_vsftpd('ext', root, pasv_min=PASV_MIN,
                             pasv_max=PASV_MAX)
    server.sha = {name: fnet.make_random_file(root / name, size)
                  for name, size in (('big.bin', BIG),
                                     ('slow.bin', SLOW_SIZE),
                                     ('small.bin', SMALL_SIZE))}
    server.up_path = fm.workdir / 'upload-source.bin'
    server.up_sha = fnet.make_random_file(server.up_path, BIG)
    slow_root = fm.workdir / 'ftp-slow-root'
    server.slow = fm.start_vsftpd('ext', slow_root, port=SLOW_PORT,
                                  pasv_min=PASV_MAX + 1,
                                  pasv_max=PASV_MAX + 100,
                                  extra={'anon_max_rate': SLOW_RATE})
    for name in ('slow.bin', 'small.bin'):
        shutil.copyfile(root / name, slow_root / name)
        os.chmod(slow_root / name, 0o644)
    yield server
    fm.stop_vsftpd(server.slow)
    fm.stop_vsftpd(server)


# --------------------------------------------------------------------------
# what the server saw

class ServerView:
    """The server's log since an offset: control connections, commands and
    their replies, in order."""

    def __init__(self, fm, server, offset):
        # vsftpd writes a reply's log line around the write itself: give the
        # last lines a moment
        time.sleep(0.3)
        self.entries = fm.vsftpd_log(server, offset)
        self.connects = [e['client'] for e in self.entries
                         if e['kind'] == 'CONNECT']
        self.exchanges = []          # [command, first reply line or None]
        for e in self.entries:
            if e['kind'] == 'FTP command':
                self.exchanges.append([e['text'], None])
            elif e['kind'] == 'FTP response' and self.exchanges and \
                    self.exchanges[-1][1] is None:
                self.exchanges[-1][1] = e['text']

    def commands(self, *verbs):
        return [(c, r) for c, r in self.exchanges
                if c.split(' ', 1)[0].upper() in verbs]

    def __str__(self):
        return '\n'.join(e['line'] for e in self.entries)


def data_address(command):
    """The address in a PORT or EPRT command ('h1,h2,h3,h4,p1,p2' or
    '|1|addr|port|'), or None."""
    verb, _, arg = command.partition(' ')
    verb = verb.upper()
    try:
        if verb == 'PORT':
            parts = [int(x) for x in arg.strip().split(',')]
            return '.'.join(str(x) for x in parts[:4]), parts[4] * 256 + \
                parts[5]
        if verb == 'EPRT':
            delim = arg.strip()[0]
            _, _, addr, port, _ = arg.strip().split(delim)
            return addr, int(port)
    except (ValueError, IndexError):
        pass
    return None


def check_session(view, passive, what):
    """One control connection from the public address, data connections of
    the expected mode only, each accepted by the server; for active mode the
    address the server was given is the public one (the ALG's rewrite)."""
    assert view.connects == [OUTSIDE_ADDRESS], (
        '%s: expected exactly one control connection from %s, the server '
        'saw %r (a second one means the client reconnected):\n%s'
        % (what, OUTSIDE_ADDRESS, view.connects, view))
    pasv = view.commands('PASV', 'EPSV')
    port = view.commands('PORT', 'EPRT')
    if passive:
        assert pasv and not port, '%s: not passive:\n%s' % (what, view)
        for cmd, reply in pasv:
            assert reply and reply[:3] in ('227', '229'), (cmd, reply)
    else:
        assert port and not pasv, (
            '%s: not active (lftp switches to passive by itself when PORT '
            'fails):\n%s' % (what, view))
        for cmd, reply in port:
            assert reply and reply.startswith('200'), (
                '%s: the server refused %r: %r (an untranslated PORT names '
                'the inside address)\n%s' % (what, cmd, reply, view))
            addr = data_address(cmd)
            assert addr and addr[0] == OUTSIDE_ADDRESS, (
                '%s: %r reached the server: not the public address'
                % (what, cmd))


def poll_while(thread, fm, exclude=(), interval=0.5):
    """Snapshots of GET /api/v1/bindings, (monotonic time, list), taken
    until ``thread`` ends and once more after (a closed connection's binding
    is still listed while it closes); bindings whose id is in ``exclude``
    (those of earlier tests, which may still be closing) are left out."""
    snaps = []
    while True:
        alive = thread.is_alive()
        try:
            snaps.append((time.monotonic(),
                          [b for b in fm.bindings()
                           if b.get('id') not in exclude]))
        except Exception as e:  # pylint: disable=broad-except
            snaps.append((time.monotonic(), [{'error': str(e)}]))
        if not alive:
            return snaps
        thread.join(interval)


def binding_ids(fm):
    return {b.get('id') for b in fm.bindings()}


def in_thread(fn, *args, **kwargs):
    """Run fn in a thread; returns (thread, result dict with 'value',
    'error', 'seconds')."""
    result = {}

    def body():
        start = time.monotonic()
        try:
            result['value'] = fn(*args, **kwargs)
        except BaseException as e:  # pylint: disable=broad-except
            result['error'] = e
        result['seconds'] = time.monotonic() - start

    t = threading.Thread(target=body, daemon=True)
    t.start()
    return t, result


def outcome(result):
    if 'error' in result:
        raise result['error']
    return result['value']


def control_bindings(bindings):
    return [b for b in bindings
            if str(b.get('protocol', '')).lower() == 'tcp' and
            b.get('inside_address') == H1_IP and
            b.get('remote') == CONTROL_REMOTE]


def all_children(snaps):
    return [c for _, bs in snaps for b in bs
            for c in (b.get('children') or [])]


def local(fm, name):
    return fm.workdir / name


# --------------------------------------------------------------------------
# the harness itself, without the NAT

def test_harness_without_nat(fm, ftpd):
    """far -> ext (routed by ext, never through the switch): both modes,
    both directions, both clients.  Proves the vsftpd configuration and
    the client helpers."""
    with diag(fm, 'ftp harness'):
        sha = ftpd.sha['big.bin']
        rc, out, got = fm.lftp_get('far', EXT_IP, 'big.bin',
                                   local(fm, 'far-pasv.bin'), passive=True)
        assert rc == 0 and got == sha, out[-3000:]
        rc, out, got = fm.lftp_get('far', EXT_IP, 'big.bin',
                                   local(fm, 'far-port.bin'), passive=False)
        assert rc == 0 and got == sha, out[-3000:]
        for passive in (True, False):
            name = 'far-%s.bin' % ('pasv' if passive else 'port')
            rc, out, got = fm.lftp_put('far', EXT_IP, ftpd.up_path,
                                       'upload/' + name,
                                       ftpd.ftp_upload / name,
                                       passive=passive)
            assert rc == 0 and got == ftpd.up_sha, out[-3000:]
        for active, eprt in ((False, True), (True, True), (True, False)):
            off = fm.vsftpd_log_offset(ftpd)
            rc, out, got = fm.curl_ftp_get(
                'far', 'ftp://%s/big.bin' % EXT_IP, local(fm, 'far-c.bin'),
                active=active, eprt=eprt)
            assert rc == 0 and got == sha, out[-3000:]
            view = ServerView(fm, ftpd, off)
            assert view.connects == [FAR_IP], str(view)
            if active:
                verb = 'EPRT' if eprt else 'PORT'
                (cmd, reply), = view.commands(verb)
                assert reply.startswith('200') and \
                    data_address(cmd)[0] == FAR_IP, (cmd, reply)
        rc, out, got = fm.curl_ftp_put(
            'far', 'ftp://%s/upload/far-curl.bin' % EXT_IP, ftpd.up_path,
            ftpd.ftp_upload / 'far-curl.bin', active=True)
        assert rc == 0 and got == ftpd.up_sha, out[-3000:]


# --------------------------------------------------------------------------
# lftp and curl through the NAT

@pytest.mark.parametrize('passive', [True, False], ids=['passive', 'active'])
def test_lftp_download(fm, ftpd, passive):
    with diag(fm, 'lftp download passive=%s' % passive):
        off = fm.vsftpd_log_offset(ftpd)
        rc, out, got = fm.lftp_get('h1', EXT_IP, 'big.bin',
                                   local(fm, 'lftp-dl.bin'), passive=passive)
        view = ServerView(fm, ftpd, off)
        print(out[-3000:])
        assert rc == 0, out[-3000:]
        assert got == ftpd.sha['big.bin'], 'corrupt download'
        check_session(view, passive, 'lftp download')


@pytest.mark.parametrize('passive', [True, False], ids=['passive', 'active'])
def test_lftp_upload(fm, ftpd, passive):
    with diag(fm, 'lftp upload passive=%s' % passive):
        name = 'lftp-%s-%s.bin' % (fm.of_version,
                                   'pasv' if passive else 'port')
        off = fm.vsftpd_log_offset(ftpd)
        rc, out, got = fm.lftp_put('h1', EXT_IP, ftpd.up_path,
                                   'upload/' + name, ftpd.ftp_upload / name,
                                   passive=passive)
        view = ServerView(fm, ftpd, off)
        print(out[-3000:])
        assert rc == 0, out[-3000:]
        assert got == ftpd.up_sha, "the server's copy differs"
        check_session(view, passive, 'lftp upload')


@pytest.mark.parametrize('active,eprt,epsv,verb', [
    (False, True, True, 'EPSV'),
    (False, True, False, 'PASV'),
    (True, True, True, 'EPRT'),
    (True, False, True, 'PORT'),
], ids=['passive-epsv', 'passive-pasv', 'active-eprt', 'active-port'])
def test_curl_download(fm, ftpd, active, eprt, epsv, verb):
    with diag(fm, 'curl download %s' % verb):
        off = fm.vsftpd_log_offset(ftpd)
        rc, out, got = fm.curl_ftp_get('h1', 'ftp://%s/big.bin' % EXT_IP,
                                       local(fm, 'curl-dl.bin'),
                                       active=active, eprt=eprt, epsv=epsv)
        view = ServerView(fm, ftpd, off)
        print(out[-3000:])
        assert rc == 0, out[-3000:]
        assert got == ftpd.sha['big.bin'], 'corrupt download'
        check_session(view, not active, 'curl ' + verb)
        assert view.commands(verb), 'curl did not use %s:\n%s' % (verb, view)


# --------------------------------------------------------------------------
# long transfers, the control binding and its children

def _long_session(fm, ftpd, passive):
    """lftp on one control connection: get slow.bin (sent at SLOW_RATE by
    the server on SLOW_PORT, longer
    than 3 control timeouts), ls, get small.bin; the session's bindings
    polled all along.  Returns (rc, output, seconds, snapshots, server
    view)."""
    off = fm.vsftpd_log_offset(ftpd.slow)
    slow, small = local(fm, 'slow-dl.bin'), local(fm, 'small-dl.bin')
    for p in (slow, small):
        if p.exists():
            p.unlink()
    old = binding_ids(fm)
    t, result = in_thread(fm.lftp, 'h1', EXT_IP, [
        'get slow.bin -o %s' % slow, 'ls', 'get small.bin -o %s' % small],
        passive=passive, port=SLOW_PORT, timeout=SLOW_SIZE // SLOW_RATE + 60)
    snaps = poll_while(t, fm, exclude=old)
    rc, out = outcome(result)
    view = ServerView(fm, ftpd.slow, off)
    print(out[-3000:])
    print(view)
    return rc, out, result['seconds'], snaps, view


def _check_long_session(fm, ftpd, rc, out, seconds, view, passive):
    """Both files intact, the transfer long enough, one control connection
    for get, ls and get."""
    assert rc == 0, out[-3000:]
    assert 'Timeout - reconnecting' not in out, (
        'the control connection died during the transfer; lftp '
        'reconnected:\n' + out[-3000:])
    assert fnet.sha256_or_none(local(fm, 'slow-dl.bin')) == \
        ftpd.sha['slow.bin'], 'slow.bin did not arrive intact'
    assert fnet.sha256_or_none(local(fm, 'small-dl.bin')) == \
        ftpd.sha['small.bin'], 'small.bin did not arrive intact'
    assert seconds > 3 * CONTROL_TIMEOUT, (
        'the session took %.1f s, not longer than 3 x %d s: the rate limit '
        'did not work' % (seconds, CONTROL_TIMEOUT))
    check_session(view, passive, 'long %s session'
                  % ('passive' if passive else 'active'))
    assert [c for c, _ in view.commands('RETR', 'LIST')] == [
        'RETR slow.bin', 'LIST', 'RETR small.bin'], str(view)


def _control_kept(snaps):
    """The control binding stays listed during the slow download: from the
    first sight of a data binding and for 3 control timeouts after it (the
    download lasts longer), the control binding first seen is in every
    snapshot; the snapshots must cover that window."""
    first_ctl, start = None, None
    for when, bs in snaps:
        ctl = control_bindings(bs)
        if ctl and first_ctl is None:
            first_ctl = ctl[0]['inside_port']
        data = [b for b in bs if b.get('inside_address') == H1_IP and
                str(b.get('protocol', '')).lower() == 'tcp' and
                b.get('remote') != CONTROL_REMOTE]
        if data and start is None:
            start = when
    assert first_ctl is not None, 'the control binding was never listed'
    assert start is not None, 'no data connection was ever listed'
    window = [(when, bs) for when, bs in snaps
              if start <= when <= start + 3 * CONTROL_TIMEOUT]
    assert window[-1][0] >= start + 2 * CONTROL_TIMEOUT, (
        'the data connection was listed only briefly: no long transfer')
    for when, bs in window:
        assert any(b['inside_port'] == first_ctl
                   for b in control_bindings(bs)), (
            '%.1f s into the download the control binding (inside port %s) '
            'is gone while the data connection runs; listed: %r' % (
                when - start, first_ctl,
                [(b.get('inside_port'), b.get('remote'), b.get('state'))
                 for b in bs]))


def test_long_passive_transfer_keeps_the_control_session(fm, ftpd):
    """With 5 s TCP timers, a passive download lasting 20 s leaves the
    control connection idle 4 timeouts long; the 226 after it, then LIST
    and another RETR, still use the same control connection, whose binding
    stays listed while the data flows."""
    with diag(fm, 'long passive transfer'):
        rc, out, seconds, snaps, view = _long_session(fm, ftpd, passive=True)
        _control_kept(snaps)
        _check_long_session(fm, ftpd, rc, out, seconds, view, passive=True)


def test_active_transfer_is_a_child_of_the_control_binding(fm, ftpd):
    """An active (PORT) session with the same long download: the control
    binding (tcp, 10.0.0.11, remote 203.0.113.10:21) is listed, the data
    connection appears in its ``children``, and the session survives."""
    with diag(fm, 'active transfer children'):
        rc, out, seconds, snaps, view = _long_session(fm, ftpd,
                                                      passive=False)
        ctl = [b for _, bs in snaps for b in control_bindings(bs)]
        assert ctl, ('no control binding listed (lftp ended after %.1f s '
                     'with exit code %s):\n%s' % (seconds, rc, out[-3000:]))
        assert ctl[0]['public_address'] == OUTSIDE_ADDRESS, ctl[0]
        children = [c for b in ctl for c in (b.get('children') or [])]
        print('children seen:', children)
        assert children, ('no child of the control binding appeared '
                          'during an active transfer')
        assert {c.get('kind') for c in children} <= set(DATA_KINDS), children
        for c in children:
            assert c.get('protocol', 'tcp') == 'tcp', c
            assert str(c.get('inside', '')).startswith(H1_IP + ':'), c
            assert str(c.get('public_endpoint', '')).startswith(
                OUTSIDE_ADDRESS + ':'), c
            assert c.get('remote') in (None, '') or \
                str(c['remote']).startswith(EXT_IP + ':'), (
                    'an expectation must only accept the control '
                    "connection's server", c)
        _check_long_session(fm, ftpd, rc, out, seconds, view, passive=False)
        _control_kept(snaps)


# --------------------------------------------------------------------------
# scripted control sessions: the ALG's own behaviour and its protections

LOGIN = [['recv'], ['send', 'USER anonymous\r\n'], ['recv'],
         ['send', 'PASS flowmasq@\r\n'], ['recv'],
         ['send', 'TYPE I\r\n'], ['recv']]
QUIT = [['send', 'QUIT\r\n'], ['recv']]


def port_arg(addr, port):
    return '%s,%d,%d' % (addr.replace('.', ','), port // 256, port % 256)


def raw_session(fm, steps, timeout=60):
    """A scripted control session from h1 to the server while the bindings
    are polled; returns (events, raw output, snapshots)."""
    old = binding_ids(fm)
    t, result = in_thread(fm.ftp_raw, 'h1', EXT_IP, steps, timeout=timeout)
    snaps = poll_while(t, fm, exclude=old, interval=0.3)
    rc, events, raw = outcome(result)
    print(raw)
    assert rc == 0 and any(e['event'] == 'connected' for e in events), raw
    assert any(e['event'] == 'reply' and (e['text'] or '').startswith('230')
               for e in events), 'anonymous login failed:\n' + raw
    return events, raw, snaps


def replies(events):
    return [e['text'] or '' for e in events if e['event'] == 'reply']


def test_port_from_the_client_becomes_an_expectation(fm, ftpd):
    """PORT naming the client's own address and a port it listens on: the
    server is given the public address, an expectation child appears under
    the control binding, and the server's data connection (from port 20)
    reaches the client."""
    with diag(fm, 'raw PORT'):
        lport = 40123
        off = fm.vsftpd_log_offset(ftpd)
        events, raw, snaps = raw_session(fm, LOGIN + [
            ['listen', H1_IP, lport],
            ['send', 'PORT %s\r\n' % port_arg(H1_IP, lport)], ['recv'],
            ['sleep', 2],
            ['send', 'LIST\r\n'], ['recv'], ['recv']] + QUIT)
        view = ServerView(fm, ftpd, off)
        print(view)
        (cmd, reply), = view.commands('PORT')
        assert data_address(cmd) is not None and \
            data_address(cmd)[0] == OUTSIDE_ADDRESS, (
                'the PORT reaching the server was not rewritten: %r -> %r'
                % (cmd, reply))
        assert reply.startswith('200'), (cmd, reply)
        children = [c for c in all_children(snaps)
                    if c.get('inside') == '%s:%d' % (H1_IP, lport)]
        assert children, ('no child for %s:%d; children seen: %r'
                          % (H1_IP, lport, all_children(snaps)))
        assert children[0].get('kind') in DATA_KINDS, children
        public = '%s:%d' % data_address(cmd)
        assert children[0].get('public_endpoint') == public, (children,
                                                              cmd)
        data = [e for e in events if e['event'] == 'data-connection']
        assert data and data[0]['peer'] == '%s:20' % EXT_IP and \
            data[0]['bytes'] > 0, raw
        assert any(r.startswith('226') for r in replies(events)), raw


def test_ftp_bounce_to_another_inside_host_is_refused(fm, ftpd):
    """h1 sends PORT and EPRT naming h2 (10.0.0.12), which listens there:
    h2 gets no connection, the server never sees the public address in
    them, and no expectation or binding for h2 appears."""
    with diag(fm, 'ftp bounce'):
        lport = 40021
        listener = fm.popen('h2', [fnet.PY, '-u', '-c', (
            'import socket\n'
            's = socket.socket()\n'
            's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n'
            's.bind(("%s", %d))\n'
            's.listen(5)\n'
            'print("listening", flush=True)\n'
            'while True:\n'
            '    c, peer = s.accept()\n'
            '    print("CONNECTION from %%s:%%d" %% peer, flush=True)\n'
            '    c.close()\n') % (H2_IP, lport)], stderr=subprocess.STDOUT)
        try:
            fm.wait_listening('h2', lport)
            off = fm.vsftpd_log_offset(ftpd)
            events, raw, snaps = raw_session(fm, LOGIN + [
                ['send', 'PORT %s\r\n' % port_arg(H2_IP, lport)], ['recv'],
                ['send', 'LIST\r\n'], ['recv'],
                ['sleep', 1.5],
                ['send', 'EPRT |1|%s|%d|\r\n' % (H2_IP, lport)], ['recv'],
                ['send', 'LIST\r\n'], ['recv'],
                ['sleep', 1.5]] + QUIT)
            time.sleep(2)
        finally:
            fm.kill(listener)
        seen = listener.stdout.read().decode('utf-8', 'replace')
        view = ServerView(fm, ftpd, off)
        print(view)
        print('h2 listener:', seen)
        assert 'CONNECTION' not in seen, (
            'h2 received a connection after a bounce attempt: ' + seen)
        for cmd, _ in view.commands('PORT', 'EPRT'):
            addr = data_address(cmd)
            assert not (addr and addr[0] == OUTSIDE_ADDRESS), (
                'a bounce PORT/EPRT was rewritten to the public address: %r'
                % cmd)
        assert not any(r.startswith('150') for r in replies(events)), (
            'the server opened a data connection after a bounce PORT:\n'
            + raw)
        h2_children = [c for c in all_children(snaps)
                       if str(c.get('inside', '')).startswith(H2_IP + ':')]
        assert not h2_children, h2_children
        h2_bindings = [b for _, bs in snaps for b in bs
                       if b.get('inside_address') == H2_IP]
        assert not h2_bindings, h2_bindings


def test_slipstreamed_port_creates_nothing(fm, ftpd):
    """PORT text that is not at the start of a command line (inside a CWD
    argument, in one segment, and split so that it starts a TCP segment of
    its own) is ignored: no expectation or binding for those ports, and the
    server receives the lines unchanged."""
    with diag(fm, 'ftp slipstream'):
        before = {k: v for k, v in fm.stats().get('counters', {}).items()
                  if 'alg' in k or 'ftp' in k}
        one = 'CWD PORT %s' % port_arg(H1_IP, 258)
        padding = 'CWD ' + 'x' * 200 + ' '
        two = 'PORT %s' % port_arg(H1_IP, 259)
        off = fm.vsftpd_log_offset(ftpd)
        events, raw, snaps = raw_session(fm, LOGIN + [
            ['send', one + '\r\n'], ['recv'],
            # the line's second half starts a segment (TCP_NODELAY + pause)
            ['send', padding], ['sleep', 0.5],
            ['send', two + '\r\n'], ['recv'],
            ['sleep', 2]] + QUIT)
        view = ServerView(fm, ftpd, off)
        after = {k: v for k, v in fm.stats().get('counters', {}).items()
                 if 'alg' in k or 'ftp' in k}
        print(view)
        print('ALG counters before', before, 'after', after)
        cwd = [c for c, _ in view.commands('CWD')]
        assert cwd == [one, padding + two], (
            'the CWD lines did not reach the server unchanged: %r' % cwd)
        assert not view.commands('PORT', 'EPRT'), str(view)
        bad = ['%s:%d' % (H1_IP, p) for p in (258, 259)]
        kids = [c for c in all_children(snaps) if c.get('inside') in bad]
        assert not kids, 'slipstreamed PORT made an expectation: %r' % kids
        binds = [b for _, bs in snaps for b in bs
                 if b.get('inside_address') == H1_IP and
                 b.get('inside_port') in (258, 259)]
        assert not binds, binds
        assert not all_children(snaps), (
            'no PORT was sent, yet children appeared: %r'
            % all_children(snaps))


# --------------------------------------------------------------------------
# an inside server, published with a static binding (natctl add)

INSIDE_PASV_MIN, INSIDE_PASV_MAX = 31000, 31099


@pytest.fixture(scope='module')
def inside_ftpd(fm):
    """vsftpd on h1 (10.0.0.11) published at 203.0.113.1:21 by a static
    binding made with natctl; its 227 replies name 10.0.0.11, which the
    ALG rewrites.  Attributes: sha, up_path, up_sha, binding (the static
    binding's document)."""
    root = fm.workdir / 'inside-ftp-root'
    server = fm.start_vsftpd('h1', root, pasv_min=INSIDE_PASV_MIN,
                             pasv_max=INSIDE_PASV_MAX)
    server.sha = {'big.bin': fnet.make_random_file(root / 'big.bin', BIG)}
    server.up_path = fm.workdir / 'inside-upload-source.bin'
    server.up_sha = fnet.make_random_file(server.up_path, BIG)
    rc, out, err = fm.natctl('add', '--proto', 'tcp', '--inside',
                             '%s:21' % H1_IP, '--public',
                             '%s:21' % OUTSIDE_ADDRESS, '--json')
    if rc != 0:
        fm.stop_vsftpd(server)
        pytest.fail('natctl add for the inside FTP server failed (%d): %s%s'
                    % (rc, out, err), pytrace=False)
    server.binding = json.loads(out)
    yield server
    fm.natctl('delete', server.binding['id'])
    fm.stop_vsftpd(server)


@pytest.mark.parametrize('passive', [True, False], ids=['passive', 'active'])
def test_inside_server_download(fm, inside_ftpd, passive):
    """ext downloads 20 MiB from the inside server through the static
    binding: passive needs the 227 rewritten to 203.0.113.1 and an
    expectation; active is the server's own outbound connection."""
    with diag(fm, 'inside server download passive=%s' % passive):
        off = fm.vsftpd_log_offset(inside_ftpd)
        rc, out, got = fm.lftp_get('ext', OUTSIDE_ADDRESS, 'big.bin',
                                   local(fm, 'inside-dl.bin'),
                                   passive=passive)
        view = ServerView(fm, inside_ftpd, off)
        print(out[-3000:])
        assert rc == 0, out[-3000:]
        assert got == inside_ftpd.sha['big.bin'], 'corrupt download'
        assert view.connects == [EXT_IP], view.connects
        if passive:
            pasv = view.commands('PASV')
            assert pasv and pasv[0][1].startswith('227'), str(view)
            # the server announced its own address; the client was told
            # the public one (lftp connected there, or the transfer failed)
            assert '10,0,0,11' in pasv[0][1], pasv


def test_inside_server_upload_passive(fm, inside_ftpd):
    with diag(fm, 'inside server upload'):
        name = 'inside-up-%s.bin' % fm.of_version
        rc, out = fm.lftp('ext', OUTSIDE_ADDRESS, [
            'cd upload', 'put %s -o %s' % (inside_ftpd.up_path, name)],
            passive=True)
        print(out[-3000:])
        assert rc == 0, out[-3000:]
        assert fnet.sha256_or_none(inside_ftpd.ftp_upload / name) == \
            inside_ftpd.up_sha, 'corrupt upload'


def test_inside_server_epsv_with_curl(fm, inside_ftpd):
    with diag(fm, 'inside server curl EPSV'):
        rc, out, got = fm.curl_ftp_get(
            'ext', 'ftp://%s/big.bin' % OUTSIDE_ADDRESS,
            local(fm, 'inside-curl.bin'))
        assert rc == 0, out[-3000:]
        assert got == inside_ftpd.sha['big.bin'], 'corrupt download'
