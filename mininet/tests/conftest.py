"""Shared pytest helpers for the end-to-end suite."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))

from flowmasq_net import FlowmasqNet  # noqa: E402


def flowmasq_per_version(**kwargs):
    """A module-scoped fixture: controller + topology started once per
    OpenFlow version (1.3, then 1.0) with ``FlowmasqNet(**kwargs)``; a
    failure to come up fails the tests (never skips); always torn down."""
    @pytest.fixture(scope='module', params=['OpenFlow13', 'OpenFlow10'],
                    ids=['of13', 'of10'])
    def _net(request):
        n = FlowmasqNet(of_version=request.param, **kwargs)
        try:
            n.start()
        except Exception as e:  # pylint: disable=broad-except
            pytest.fail('could not bring up flowmasq (%s): %s'
                        % (request.param, e), pytrace=False)
        yield n
        n.stop()
    return _net
