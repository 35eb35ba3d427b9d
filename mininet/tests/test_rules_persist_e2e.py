"""End-to-end test of ``rulesFile``: a rule added at runtime survives a
controller restart (same id, number, position; the forward still answers),
and so does its deletion.  OpenFlow 1.3 only: the file is read and written by
the controller, the same for either version.

Every test fails (never skips) when something it needs is missing.
"""

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

from flowmasq_net import FlowmasqNet, wait_until  # noqa: E402
from flowmasq_topo import DPID_COLON, OUTSIDE_ADDRESS  # noqa: E402

pytestmark = pytest.mark.filterwarnings('ignore::DeprecationWarning')

RULES_NAME = 'rules.json'
PUBLIC_PORT = 8081
FORWARD = {'id': 'h1-web', 'type': 'portForward', 'protocol': 'tcp',
           'public': '%s:%d' % (OUTSIDE_ADDRESS, PUBLIC_PORT),
           'inside': '10.0.0.11:80'}


@pytest.fixture(scope='module')
def net():
    # relative: the controller resolves it against the config file's
    # directory, the workdir
    n = FlowmasqNet(of_version='OpenFlow13',
                    extra_config={'rulesFile': RULES_NAME})
    try:
        n.start()
    except Exception as e:  # pylint: disable=broad-except
        pytest.fail('could not bring up flowmasq: %s' % e, pytrace=False)
    yield n
    n.stop()


def _chain(net):
    return [(r['id'], r['number'], r['position'])
            for r in net.rules_json()['rules']]


def _file_ids(net):
    with open(net.workdir / RULES_NAME) as f:
        data = json.load(f)
    assert data['version'] == 1, data
    return {s['dpid']: [r['id'] for r in s['rules']]
            for s in data['switches']}


def _answers(net):
    return net.http_text('ext', 'http://%s:%d/' % (OUTSIDE_ADDRESS,
                                                    PUBLIC_PORT), timeout=3)


def test_a_runtime_rule_and_its_deletion_survive_restarts(net):
    rules_file = net.workdir / RULES_NAME
    assert not rules_file.exists()  # first start: nothing written yet
    server = net.start_name_server('h1', 80)
    try:
        status, body = net.rest_call('POST', net._rules_path(),
                                     dict(FORWARD, position=1))
        assert status == 201, (status, body)
        assert body['saved'] is True and 'saveError' not in body, body
        assert _file_ids(net)[DPID_COLON][0] == 'h1-web'
        assert wait_until(lambda: _answers(net) == 'h1\n', 15,
                          'the forward to answer before the restart')
        before = _chain(net)
        assert before[0][0] == 'h1-web' and before[0][2] == 1, before

        net.kill_controller()
        net.restart_controller()
        assert _chain(net) == before
        assert wait_until(lambda: _answers(net) == 'h1\n', 15,
                          'the forward to answer after the restart')
        log = net.log_path.read_text()
        assert 'rule(s) from %s' % rules_file in log, log[-3000:]

        rc, out, err = net.natctl('rules', 'delete', '-s', DPID_COLON,
                                  'h1-web')
        assert rc == 0 and "rule 'h1-web' deleted" in out, (rc, out, err)
        assert 'h1-web' not in _file_ids(net)[DPID_COLON]
        after_delete = _chain(net)

        net.kill_controller()
        net.restart_controller()
        assert net.rule('h1-web') is None
        assert _chain(net) == after_delete
        assert _answers(net) is None  # the forward's flows are gone
    finally:
        net.kill(server)
