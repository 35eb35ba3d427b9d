"""flowmasq test topology: one OpenFlow switch acting as a NAT gateway.

::

            10.0.0.0/24 (inside)                 203.0.113.0/24 ("Internet")
    h1 10.0.0.11 ---- port 1 +-----------+
                             |  switch   | port 3 ---- ext 203.0.113.10
    h2 10.0.0.12 ---- port 2 | dpid 0..1 |             (a router)
                             +-----------+                 | 198.51.100.1
      default route via 10.0.0.1                           | MTU 1400 on ext's side
      (the gateway, answered by                            |
       the controller)                                 far 198.51.100.20

The switch has datapath id 0000000000000001 (the controller's config calls it
``00:00:00:00:00:00:00:01``); h1 is on OpenFlow port 1, h2 on port 2 and ext
on port 3.  ``ext`` has no default route: it is "the Internet", and the
replies it sends to 203.0.113.1 are on-link.  ``ext`` also routes to ``far``
(198.51.100.20, default route via ext) over a link whose MTU is 1400 on
ext's side, so traceroute sees three hops (gateway, ext, far) and a
full-size packet towards far makes ext send "fragmentation needed" back
through the NAT (path-MTU discovery).

Interactive use with a controller already running on 127.0.0.1:6653 (the
userspace datapath is required where there is no OVS kernel module)::

    sudo mn --custom mininet/flowmasq_topo.py --topo flowmasq \\
        --controller remote,ip=127.0.0.1,port=6653 \\
        --switch ovs,datapath=user,failMode=secure,protocols=OpenFlow13

(``protocols=OpenFlow10`` works as well; add ``--wait`` so the CLI starts only
once the switch is connected to the controller.)  The hosts of this topology use
:class:`FlowmasqHost`, which turns tx checksum offload off on their
interfaces: without that, TCP does not work across the OVS userspace datapath
(ping still does).  It is also registered in ``hosts`` as ``fmhost``
(``--host fmhost``).  A different switch name can be passed as
``--topo flowmasq,switch_name=fm1234`` (at most 10 characters: the switch
ports are the interfaces ``<name>-eth<port>``, and Linux allows 15).

Beware: when ``mn`` hits an exception it runs its global cleanup (like
``mn -c``: kills every Mininet process and removes every ``*-ethN`` link on
the machine); the test driver does not use ``mn`` for that reason.

From Python (the test driver, :mod:`flowmasq_net`)::

    from flowmasq_topo import FlowmasqTopo, FlowmasqHost
    topo = FlowmasqTopo(switch_name='fm1a2b')

Extended topology (opt-in: ``FlowmasqTopo(extended=True)``,
``FlowmasqNet(extended=True)``, ``--topo flowmasq,extended=True``), for the
NAT rule forms (port forwards, virtual servers, static and network NAT, twice
NAT between overlapping sites)::

            10.0.0.0/24 (inside)                  203.0.113.0/24 ("Internet")
    h1 10.0.0.11 ---- port 1 +-----------+
    h2 10.0.0.12 ---- port 2 |           | port 3 ---- ext 203.0.113.10 ---- far
    h3 10.0.0.13 ---- port 4 |  switch   |             (a router)  | eth2
    h4 10.0.0.14 ---- port 5 |           |                         | 10.0.0.254/24
    h5 10.0.0.17 ---- port 6 +-----------+                         |
                                                       b1 10.0.0.21/24 (site B)
                                                       default route via ext

h3 and h4 are the inside servers (port forward, virtual server), h5 the
host of a network (NETMAP) rule, kept apart from the servers because a
network rule's proactive flows rewrite every packet its host sends.  b1 is
"site B", a second site that numbers its network 10.0.0.0/24 as the inside
does: ext reaches it on a link of its own (``ext-eth2``) and routes
10.88.0.0/24, the inside's mapped prefix of a twice-NAT rule, to the gateway
203.0.113.1.  The inside ports of the configuration are then 1, 2, 4, 5
and 6.  Every interface has tx checksum offload off (:class:`FlowmasqHost`).
"""

from mininet.node import Host
from mininet.topo import Topo

DPID = '0000000000000001'
DPID_COLON = '00:00:00:00:00:00:00:01'

INSIDE_GATEWAY = '10.0.0.1'
INSIDE_PREFIX = 24
OUTSIDE_ADDRESS = '203.0.113.1'
OUTSIDE_PREFIX = 24

# name -> (ip/prefix, mac, switch port, default route or None).
# (Not called HOSTS: "mn --custom" copies every module-level name of this
# file into its own globals, and mn has a HOSTS dict of its own.)
HOST_TABLE = {
    'h1': ('10.0.0.11/24', '00:00:00:00:00:11', 1, 'via ' + INSIDE_GATEWAY),
    'h2': ('10.0.0.12/24', '00:00:00:00:00:12', 2, 'via ' + INSIDE_GATEWAY),
    'ext': ('203.0.113.10/24', '00:00:00:00:00:a0', 3, None),
}

# The host behind the router ext: (ip/prefix, mac, default route); ext's side.
FAR = ('198.51.100.20/24', '00:00:00:00:00:f0', 'via 198.51.100.1')
EXT_FAR_SIDE = '198.51.100.1/24'
FAR_LINK_MTU = 1400
FAR_IP = '198.51.100.20'

H1_IP = '10.0.0.11'
H2_IP = '10.0.0.12'
EXT_IP = '203.0.113.10'

INSIDE_PORTS = [1, 2]
OUTSIDE_PORT = 3

# The extended topology's inside hosts (same layout as HOST_TABLE); their
# ports are inside ports too (EXTENDED_INSIDE_PORTS).
EXTENDED_HOST_TABLE = {
    'h3': ('10.0.0.13/24', '00:00:00:00:00:13', 4, 'via ' + INSIDE_GATEWAY),
    'h4': ('10.0.0.14/24', '00:00:00:00:00:14', 5, 'via ' + INSIDE_GATEWAY),
    'h5': ('10.0.0.17/24', '00:00:00:00:00:17', 6, 'via ' + INSIDE_GATEWAY),
}
EXTENDED_INSIDE_PORTS = INSIDE_PORTS + [4, 5, 6]
H3_IP = '10.0.0.13'
H4_IP = '10.0.0.14'
H5_IP = '10.0.0.17'

# Site B behind ext: (ip/prefix, mac, default route); ext's side of the link;
# the prefix ext routes to the gateway (a twice-NAT rule's insideAs).
SITE_B = ('10.0.0.21/24', '00:00:00:00:00:b1', 'via 10.0.0.254')
EXT_SITE_B_SIDE = '10.0.0.254/24'
B1_IP = '10.0.0.21'
SITE_B_ROUTE = ('10.88.0.0/24', OUTSIDE_ADDRESS)

# Gateway MACs used in the controller configuration (locally administered).
INSIDE_MAC = '02:f1:00:00:00:01'
OUTSIDE_MAC = '02:f1:00:00:00:02'


class FlowmasqHost(Host):
    """A Mininet host whose interfaces have tx checksum offload off.

    With the OVS userspace datapath, packets from a veth with tx checksum
    offload on leave with an unfilled TCP/UDP checksum and are dropped by the
    receiver.  IPv6 is switched off too, so that the only traffic in the
    topology is the IPv4 the tests send (no router solicitations or MLD
    reports reaching the controller or a capture).
    """

    def config(self, **params):
        r = super().config(**params)
        for intf in self.intfList():
            if intf.name == 'lo':
                continue
            self.cmd('ethtool -K %s tx off >/dev/null 2>&1' % intf.name)
        for key in ('all', 'default', 'lo'):
            self.cmd('sysctl -qw net.ipv6.conf.%s.disable_ipv6=1 '
                     '>/dev/null 2>&1' % key)
        for intf, mtu in params.get('mtus', {}).items():
            self.cmd('ip link set dev %s-%s mtu %d' % (self.name, intf, mtu))
        if params.get('router'):
            self.cmd('sysctl -qw net.ipv4.ip_forward=1')
        for route in params.get('routes', ()):
            # after the addresses: the next hop must be on-link by now
            self.cmd('ip route replace %s' % route)
        return r


class FlowmasqTopo(Topo):
    """h1, h2 (inside) and ext (outside) on one switch, ports 1, 2, 3;
    extended=True adds h3, h4, h5 (ports 4, 5, 6) and site B's b1 behind
    ext."""

    def build(self, switch_name='s1', extended=False):  # pylint: disable=arguments-differ
        if len(switch_name) > 10:
            # '<name>-eth3' must fit in IFNAMSIZ-1 = 15 characters
            raise ValueError('switch name %r too long (max 10 characters)'
                             % switch_name)
        sw = self.addSwitch(switch_name, dpid=DPID)
        for name, (ip, mac, port, route) in HOST_TABLE.items():
            h = self.addHost(name, cls=FlowmasqHost, ip=ip, mac=mac,
                             defaultRoute=route)
            # port1: the host side (eth0); port2: the OpenFlow port number
            self.addLink(h, sw, port1=0, port2=port)
        # ext is a router towards far, over a link with a small MTU on its side
        self.hosts_params_router()
        ip, mac, route = FAR
        far = self.addHost('far', cls=FlowmasqHost, ip=ip, mac=mac, defaultRoute=route)
        self.addLink('ext', far, port1=1, port2=0,
                     params1={'ip': EXT_FAR_SIDE})
        if extended in (True, 'True', 'true', '1'):   # mn passes strings
            self.build_extended(sw)

    def build_extended(self, sw):
        """h3, h4, h5 inside; b1 on ext's third interface (site B)."""
        for name, (ip, mac, port, route) in EXTENDED_HOST_TABLE.items():
            h = self.addHost(name, cls=FlowmasqHost, ip=ip, mac=mac,
                             defaultRoute=route)
            self.addLink(h, sw, port1=0, port2=port)
        ip, mac, route = SITE_B
        b1 = self.addHost('b1', cls=FlowmasqHost, ip=ip, mac=mac,
                          defaultRoute=route)
        self.addLink('ext', b1, port1=2, port2=0,
                     params1={'ip': EXT_SITE_B_SIDE})
        self.nodeInfo('ext')['routes'] = ['%s via %s' % SITE_B_ROUTE]

    def hosts_params_router(self):
        """ext forwards, and its interface towards far has the small MTU."""
        info = self.nodeInfo('ext')
        info['router'] = True
        info['mtus'] = {'eth1': FAR_LINK_MTU}


topos = {'flowmasq': FlowmasqTopo}
hosts = {'fmhost': FlowmasqHost}
