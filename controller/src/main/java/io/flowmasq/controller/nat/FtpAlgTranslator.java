package io.flowmasq.controller.nat;

import io.flowmasq.controller.alg.ftp.FtpControlRewriter;
import io.flowmasq.controller.alg.ftp.FtpEvents;
import io.flowmasq.controller.alg.ftp.SegmentOutcome;
import io.flowmasq.controller.alg.ftp.SeqAdjust;
import io.flowmasq.controller.alg.ftp.TcpSegmentRewriter;
import io.flowmasq.controller.config.InsideConfig;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.packet.Ipv4Packet;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.FlowCompiler;
import io.flowmasq.flowcompiler.HandshakeReport;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.PacketRef;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
import io.flowmasq.flowcompiler.TcpFlags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FTP application-level gateway for inside clients (RFC 959, RFC 2428; what Linux's nf_nat_ftp does).
 *
 * <p>An FTP control connection (TCP to one of the switch's {@code ftpPorts}) gets a binding like any
 * other, but its two flows send every segment to the controller. Here each segment is translated: NAT of
 * addresses and ports, PORT/EPRT commands rewritten to the public endpoint of a data binding made for
 * the occasion (the "expectation", installed on the switch before the server connects), sequence and
 * acknowledgement numbers shifted by what the rewrites added or removed, and sent on with a packet-out.
 * PASV/EPSV replies need no rewrite for an inside client; they are noted so that the client's data
 * connection is counted as a child of its control connection. Data connections never touch the
 * controller beyond their first packet.
 *
 * <p>Protections: a PORT/EPRT naming another address than the client's own is not translated and gets
 * no expectation (FTP bounce); only commands at the start of a line are seen (slipstreaming); one
 * unused expectation per control connection, accepting only the control connection's server, expiring
 * after {@link #EXPECTATION_SECONDS} unused. A control connection whose flow goes idle while one of its
 * data connections lives, or less than one idle period after the last one ended, is kept (its flow
 * re-added), so a long transfer does not cost the session.
 */
final class FtpAlgTranslator {
    private static final Logger LOG = LoggerFactory.getLogger(FtpAlgTranslator.class);
    /** How long an announced data connection may take to arrive (and an active one may idle before use). */
    static final int EXPECTATION_SECONDS = 60;

    private final SwitchConfig config;
    private final FlowCompiler compiler;
    private final BindingTable table;
    private final NaptTranslator napt;
    private final NaptAllocator allocator;
    private final BindingIds ids;
    private final BindingListener listener;
    private final CounterSink counters;
    private final Map<Long, Session> byControl = new HashMap<>();
    private final Map<ConnectionKey, Session> byInside = new HashMap<>();
    private final Map<ConnectionKey, Session> byPublic = new HashMap<>();
    private final Map<Long, Session> parentOf = new HashMap<>();
    /** Static bindings that publish an inside FTP server, by binding id: their sessions. */
    private final Map<Long, Map<ConnectionKey, ServerSession>> servers = new HashMap<>();
    private final Map<ConnectionKey, ServerSession> serverByInside = new HashMap<>();
    private final Map<ConnectionKey, ServerSession> serverByPublic = new HashMap<>();
    /** Bounds what one published server can make the controller hold. */
    static final int MAX_SESSIONS_PER_SERVER = 1024;

    /** (our side's endpoint, the server's endpoint) of a control connection. */
    private record ConnectionKey(Endpoint local, Endpoint server) {
    }

    /** A data connection the client announced by PASV/EPSV: it will connect to {@code server}. */
    private record PassiveExpectation(Endpoint server, long expiresAt) {
    }

    FtpAlgTranslator(SwitchConfig config, FlowCompiler compiler, BindingTable table, NaptTranslator napt,
                     NaptAllocator allocator, BindingIds ids, BindingListener listener, CounterSink counters) {
        this.config = config;
        this.compiler = compiler;
        this.table = table;
        this.napt = napt;
        this.allocator = allocator;
        this.ids = ids;
        this.listener = listener;
        this.counters = counters;
    }

    // ---------------------------------------------------------------- dispatch

    /** Whether this inside TCP packet belongs to a control connection the ALG follows (or opens one). */
    boolean ownsFromInside(Ipv4Packet ip) {
        ConnectionKey key = new ConnectionKey(new Endpoint(ip.src(), ip.srcPort()), new Endpoint(ip.dst(), ip.dstPort()));
        return byInside.containsKey(key) || serverByInside.containsKey(key);
    }

    /** A first SYN to an FTP control port: the ALG opens the connection. */
    boolean opensControl(Ipv4Packet ip) {
        return ip.protocol() == Ipv4Packet.PROTO_TCP && config.ftpPorts().contains(ip.dstPort())
                && (ip.tcpFlags() & TcpFlags.SYN) != 0 && (ip.tcpFlags() & TcpFlags.ACK) == 0;
    }

    boolean ownsFromOutside(Ipv4Packet ip) {
        if (ip.protocol() != Ipv4Packet.PROTO_TCP) {
            return false;
        }
        ConnectionKey key = new ConnectionKey(new Endpoint(ip.dst(), ip.dstPort()), new Endpoint(ip.src(), ip.srcPort()));
        return byPublic.containsKey(key) || serverByPublic.containsKey(key) || publishedServer(ip).isPresent();
    }

    /** The static binding publishing an inside FTP server at this packet's destination, if any. */
    private Optional<Binding> publishedServer(Ipv4Packet ip) {
        return table.byExternal(Protocol.TCP, new Endpoint(ip.dst(), ip.dstPort()))
                .filter(b -> servers.containsKey(b.id()));
    }

    /** Whether the binding's flows bring its segments to the ALG (a client's control binding, or a published server). */
    boolean isControl(long bindingId) {
        return byControl.containsKey(bindingId) || servers.containsKey(bindingId);
    }

    /**
     * A static binding for an inside server on an FTP port: the ALG takes its connections (the flows the
     * caller installs are the returned ALG flows), rewriting the server's 227/229 replies. Empty for any
     * other static binding.
     */
    Optional<List<OFMessage>> servesStatic(Binding b) {
        if (b.protocol() != Protocol.TCP || !config.ftpPorts().contains(b.inside().port())) {
            return Optional.empty();
        }
        servers.put(b.id(), new HashMap<>());
        counters.increment("alg.ftp.server_published");
        LOG.info("switch {}: inside FTP server {} published at {}: its connections go through the ALG",
                config.name(), b.inside(), b.external());
        return Optional.of(compiler.installAlgBinding(b.spec()));
    }

    // ---------------------------------------------------------------- control connection

    /** The client's SYN: a binding whose flows bring every segment here, and the SYN sent on. */
    List<OFMessage> open(PacketRef ref, Ipv4Packet ip, InsideConfig inside, MacAddress nextHopMac, long now) {
        Endpoint server = new Endpoint(ip.dst(), ip.dstPort());
        RemoteFilter exactServer = new RemoteFilter(server.address(), server.port());
        Optional<Binding> bound = napt.bind(ref, ip, inside, nextHopMac, now, exactServer);
        if (bound.isEmpty()) {
            return napt.dropped(ref);
        }
        // the controller sees every segment, so it keeps TCP state itself, on OF1.0 too
        Binding b = bound.get();
        BindingSpec spec = b.spec().withIdleTimeout(BindingState.TRANSITORY.idleTimeout(Protocol.TCP, config.timers()));
        b = b.with(spec, BindingState.TRANSITORY);
        table.replace(b);
        Session s = new Session(b, inside, ref.inPort(), ip.ethSrc(), nextHopMac, server, TcpSegmentRewriter.read(ref.data()).seq());
        byControl.put(b.id(), s);
        byInside.put(new ConnectionKey(b.inside(), server), s);
        byPublic.put(new ConnectionKey(b.external(), server), s);
        counters.increment("alg.ftp.control_opened");
        LOG.info("switch {}: FTP control connection {} -> {} via {} (binding {})", config.name(), b.inside(), server,
                b.external(), b.id());
        List<OFMessage> out = new ArrayList<>(compiler.installAlgBinding(spec));
        out.addAll(s.outbound(ref, ip, now));
        return out;
    }

    List<OFMessage> fromInside(PacketRef ref, Ipv4Packet ip, long now) {
        ConnectionKey key = new ConnectionKey(new Endpoint(ip.src(), ip.srcPort()), new Endpoint(ip.dst(), ip.dstPort()));
        Session s = byInside.get(key);
        return s != null ? s.outbound(ref, ip, now) : serverByInside.get(key).outbound(ref, now);
    }

    List<OFMessage> fromOutside(PacketRef ref, Ipv4Packet ip, long now) {
        if (ip.ttl() <= 1) {
            counters.increment("alg.ftp.ttl_expired");
            return napt.dropped(ref);
        }
        ConnectionKey key = new ConnectionKey(new Endpoint(ip.dst(), ip.dstPort()), new Endpoint(ip.src(), ip.srcPort()));
        Session s = byPublic.get(key);
        if (s != null) {
            return s.inbound(ref, ip, now);
        }
        ServerSession server = serverByPublic.get(key);
        if (server == null) {
            Optional<ServerSession> opened = openServerSession(ip, now);
            if (opened.isEmpty()) {
                return napt.dropped(ref);
            }
            server = opened.get();
        }
        return server.inbound(ref, now);
    }

    /** A client's SYN to a published server: a session of its own (no flows: the static binding's carry it). */
    private Optional<ServerSession> openServerSession(Ipv4Packet ip, long now) {
        Optional<Binding> published = publishedServer(ip);
        boolean syn = (ip.tcpFlags() & TcpFlags.SYN) != 0 && (ip.tcpFlags() & TcpFlags.ACK) == 0;
        if (published.isEmpty() || !syn) {
            counters.increment("alg.ftp.server_segment_without_session");
            return Optional.empty();
        }
        Map<ConnectionKey, ServerSession> sessions = servers.get(published.get().id());
        if (sessions.size() >= MAX_SESSIONS_PER_SERVER) {
            counters.increment("alg.ftp.server_sessions_full");
            LOG.warn("switch {}: published FTP server {} already has {} sessions; connection from {}:{} refused",
                    config.name(), published.get().inside(), MAX_SESSIONS_PER_SERVER, ip.src(), ip.srcPort());
            return Optional.empty();
        }
        ServerSession s = new ServerSession(published.get(), new Endpoint(ip.src(), ip.srcPort()), now);
        sessions.put(s.publicKey(), s);
        serverByPublic.put(s.publicKey(), s);
        serverByInside.put(s.insideKey(), s);
        counters.increment("alg.ftp.server_session_opened");
        LOG.info("switch {}: FTP client {} -> published server {} (static binding {})", config.name(), s.client,
                published.get().inside(), published.get().id());
        return Optional.of(s);
    }

    private void closeServerSession(ServerSession s, long now) {
        Map<ConnectionKey, ServerSession> sessions = servers.get(s.staticId);
        if (sessions != null) {
            sessions.remove(s.publicKey());
        }
        serverByPublic.remove(s.publicKey());
        serverByInside.remove(s.insideKey());
        counters.increment("alg.ftp.server_session_closed");
    }

    // ---------------------------------------------------------------- data connections (passive mode)

    /** The control connection whose client announced (PASV/EPSV) the connection this SYN opens, if any. */
    Optional<Long> passiveParent(Ipv4Packet ip, long now) {
        if (ip.protocol() != Ipv4Packet.PROTO_TCP || (ip.tcpFlags() & TcpFlags.SYN) == 0) {
            return Optional.empty();
        }
        Endpoint to = new Endpoint(ip.dst(), ip.dstPort());
        for (Session s : byControl.values()) {
            if (s.client.address().equals(ip.src()) && s.passive != null && s.passive.server.equals(to)
                    && s.passive.expiresAt > now) {
                return Optional.of(s.controlId);
            }
        }
        return Optional.empty();
    }

    /** The data binding made for a passive connection of {@code controlId}'s client to {@code server}. */
    void adoptPassive(long controlId, Binding data, Endpoint server) {
        Session s = byControl.get(controlId);
        if (s == null || parentOf.containsKey(data.id())) {
            return;
        }
        s.passive = null;
        s.children.add(data.id());
        s.passiveServers.put(data.id(), server);
        parentOf.put(data.id(), s);
        counters.increment("alg.ftp.passive_data");
        LOG.info("switch {}: FTP data connection {} -> {} (passive) of control binding {}", config.name(),
                data.inside(), data.external(), controlId);
    }

    // ---------------------------------------------------------------- lifetime

    /**
     * The control connection's outbound flow went idle. While one of its data connections lives, the
     * flow is re-added and the binding kept (long transfers must not cost the session); empty otherwise.
     */
    Optional<List<OFMessage>> keepAlive(long bindingId, long now) {
        Session s = byControl.get(bindingId);
        if (s == null) {
            return Optional.empty();
        }
        s.children.removeIf(id -> table.byId(id).isEmpty());
        Binding b = table.byId(bindingId).orElseThrow();
        // a client may still be reading what its data connection delivered (rate-limited, slow disk) when
        // that binding idles out: the control connection gets one more idle period after its last child
        boolean childJustEnded = s.lastChildEndedAt >= 0
                && now - s.lastChildEndedAt < b.spec().idleTimeout() * 1000L;
        if (s.children.isEmpty() && !childJustEnded) {
            return Optional.empty();
        }
        counters.increment("alg.ftp.control_kept_alive");
        LOG.info("switch {}: FTP control binding {} idle but {}: kept", config.name(), bindingId,
                s.children.isEmpty() ? "its data connection ended " + (now - s.lastChildEndedAt) + " ms ago"
                        : s.children.size() + " data connection(s) live");
        return Optional.of(List.of(compiler.reinstallAlgOutbound(b.spec())));
    }

    /** A binding is gone: forget a control connection (and withdraw its unused expectation) or a child. */
    List<OFMessage> released(Binding b, long now) {
        Session parent = parentOf.remove(b.id());
        if (parent != null) {
            parent.children.remove(b.id());
            parent.passiveServers.remove(b.id());
            if (b.state() != BindingState.TRANSITORY) {
                // a child that never got an answer (an expectation that lapsed unused, on OF1.3) delivered
                // nothing the client could still be busy with
                parent.lastChildEndedAt = now;
            }
            if (parent.pendingExpectation == b.id()) {
                parent.pendingExpectation = -1;
            }
        }
        Map<ConnectionKey, ServerSession> published = servers.remove(b.id());
        if (published != null) {
            for (ServerSession server : List.copyOf(published.values())) {
                closeServerSession(server, now);
            }
            return List.of();
        }
        Session s = byControl.remove(b.id());
        if (s == null) {
            return List.of();
        }
        byInside.remove(new ConnectionKey(s.client, s.server));
        byPublic.remove(new ConnectionKey(s.external, s.server));
        counters.increment("alg.ftp.control_closed");
        List<OFMessage> out = new ArrayList<>();
        boolean unused = table.byId(s.pendingExpectation).map(e -> e.state() == BindingState.TRANSITORY)
                .orElse(false);
        if (unused) { // on OF1.0 the switch cannot say whether it was used: it is left to expire
            out.addAll(withdraw(s, s.pendingExpectation, now));
        }
        for (long child : s.children) {
            parentOf.remove(child); // live data connections go on as ordinary bindings
        }
        return out;
    }

    /** Held segment tails whose continuation never came, sent as they were; lapsed passive expectations. */
    List<OFMessage> tick(long now) {
        List<OFMessage> out = new ArrayList<>();
        long idleLimit = config.timers().tcpEstablished() * 1000L;
        for (ServerSession server : List.copyOf(serverByPublic.values())) {
            out.addAll(server.releaseHeld(now));
            if (server.closed() || now - server.lastSeen > idleLimit) {
                closeServerSession(server, now);
            }
        }
        for (Session s : byControl.values()) {
            out.addAll(s.releaseHeld(now));
            if (s.passive != null && s.passive.expiresAt <= now) {
                s.passive = null;
                counters.increment("alg.ftp.passive_expired");
            }
        }
        return out;
    }

    /** Children of each control binding, for the REST listing. */
    Map<Long, List<AlgChild>> children(long now) {
        Map<Long, List<AlgChild>> out = new HashMap<>();
        for (Session s : byControl.values()) {
            List<AlgChild> list = new ArrayList<>();
            for (long id : s.children) {
                table.byId(id).ifPresent(b -> {
                    // only the active-mode expectation waits for the server (until it connects, as far as the
                    // switch can say): a passive data binding is a data connection from its first packet, even
                    // while its handshake is in progress (TRANSITORY on OF1.3)
                    boolean expected = id == s.pendingExpectation
                            && (b.state() == BindingState.TRANSITORY || !tracksData());
                    // a passive data connection goes to the endpoint the server announced, whatever its binding
                    // admits (nothing under endpoint-independent filtering)
                    Endpoint passiveServer = s.passiveServers.get(id);
                    list.add(new AlgChild(expected ? "ftp-data-expectation" : "ftp-data", b.inside(), b.external(),
                            passiveServer != null ? passiveServer.toString() : String.valueOf(b.spec().remote()),
                            expected ? b.createdAt() + EXPECTATION_SECONDS * 1000L : -1, id));
                });
            }
            if (s.passive != null) {
                list.add(new AlgChild("ftp-data-expectation", new Endpoint(s.client.address(), 0), null,
                        s.passive.server.toString(), s.passive.expiresAt, -1));
            }
            if (!list.isEmpty()) {
                out.put(s.controlId, List.copyOf(list));
            }
        }
        for (ServerSession server : serverByPublic.values()) {
            if (server.pendingExpectation > 0) {
                table.byId(server.pendingExpectation).ifPresent(b -> out.computeIfAbsent(server.staticId,
                        k -> new ArrayList<>()).add(new AlgChild(b.state() == BindingState.TRANSITORY
                        ? "ftp-data-expectation" : "ftp-data", b.inside(), b.external(),
                        String.valueOf(b.spec().remote()), b.createdAt() + EXPECTATION_SECONDS * 1000L, b.id())));
            }
        }
        return out;
    }

    /** Whether the switch shows the controller when an expected data connection arrives (OF1.3). */
    private boolean tracksData() {
        return compiler.supportsTcpFlags();
    }

    /** Removes an unused expectation's binding and flows. */
    private List<OFMessage> withdraw(Session s, long id, long now) {
        s.children.remove(id);
        parentOf.remove(id);
        return withdrawExpectation(id, now);
    }

    /** Removes an unused expectation binding: its flows, its port, its record. */
    private List<OFMessage> withdrawExpectation(long id, long now) {
        Optional<Binding> gone = table.remove(id);
        if (gone.isEmpty()) {
            return List.of();
        }
        Binding b = gone.get();
        if (table.sessions(b.protocol(), b.inside()) == 0) {
            allocator.release(b.protocol(), b.external(), b.inside(), now);
        }
        listener.removed(b, BindingListener.RemovalReason.OTHER, null, now);
        counters.increment("alg.ftp.expectation_withdrawn");
        LOG.info("switch {}: FTP expectation {} {} -> {} withdrawn", config.name(), id, b.inside(), b.external());
        return compiler.removeBinding(b.spec());
    }

    /**
     * A data binding made before its connection arrives: {@code announced} (inside) reachable at a fresh
     * public port, only from {@code remote} (any port), lapsing after {@link #EXPECTATION_SECONDS} unused.
     * Its flows are appended to {@code out}; empty (counted, logged) when no public port is free.
     */
    private Optional<Binding> expectation(Endpoint announced, L2Hop toInside, L2Hop toOutside, IPv4Address remote,
                                          long now, List<OFMessage> out) {
        Optional<Endpoint> external = allocator.allocate(Protocol.TCP, announced, now);
        if (external.isEmpty()) {
            counters.increment("alg.ftp.expectation_refused");
            LOG.warn("switch {}: no free public port for FTP data endpoint {}: not translated", config.name(),
                    announced);
            return Optional.empty();
        }
        // The peer opens the data connection; on OF1.3 the inside end's SYN-ACK (outbound) is reported, which
        // turns the expectation into a data binding (ESTABLISHED: no longer an unused expectation)
        boolean report = compiler.supportsTcpFlags();
        BindingSpec spec = new BindingSpec(ids.next(), Protocol.TCP, announced, external.get(), toInside, toOutside,
                EXPECTATION_SECONDS, new RemoteFilter(remote, 0));
        Binding data = new Binding(spec, now, report ? BindingState.TRANSITORY : BindingState.ESTABLISHED);
        table.add(data);
        listener.created(data, now);
        out.addAll(compiler.installBinding(spec, report ? HandshakeReport.OUTBOUND : HandshakeReport.NONE));
        return Optional.of(data);
    }

    // ---------------------------------------------------------------- one control connection

    private final class Session implements FtpEvents {
        final long controlId;
        final Endpoint client;
        final Endpoint external;
        final Endpoint server;
        final InsideConfig inside;
        final OFPort clientPort;
        final MacAddress clientMac;
        final MacAddress nextHopMac;
        // what follows one TCP connection: a new one on the same endpoints (see reopens) starts them afresh
        long clientIsn;
        FtpControlRewriter commands;
        FtpControlRewriter replies; // from the server's SYN-ACK, which gives its first sequence number
        SeqAdjust outAdjust = new SeqAdjust();
        SeqAdjust inAdjust = new SeqAdjust();
        final Set<Long> children = new LinkedHashSet<>();
        /** The server endpoint of each passive data connection among the children. */
        final Map<Long, Endpoint> passiveServers = new HashMap<>();
        long pendingExpectation = -1;
        long lastChildEndedAt = -1;
        PassiveExpectation passive;
        byte[] lastOutbound;
        byte[] lastInbound;
        long now;
        final List<OFMessage> sideEffects = new ArrayList<>();

        Session(Binding control, InsideConfig inside, OFPort clientPort, MacAddress clientMac, MacAddress nextHopMac,
                Endpoint server, long clientIsn) {
            this.controlId = control.id();
            this.client = control.inside();
            this.external = control.external();
            this.server = server;
            this.inside = inside;
            this.clientPort = clientPort;
            this.clientMac = clientMac;
            this.nextHopMac = nextHopMac;
            this.clientIsn = clientIsn;
            this.commands = new FtpControlRewriter(FtpControlRewriter.Role.CLIENT_TO_SERVER, clientIsn + 1);
        }

        /** Client to server: commands (PORT/EPRT rewritten), NAT of the source, seq/ack shifted. */
        List<OFMessage> outbound(PacketRef ref, Ipv4Packet ip, long now) {
            this.now = now;
            sideEffects.clear();
            TcpSegmentRewriter.Segment seg = TcpSegmentRewriter.read(ref.data());
            List<OFMessage> out = new ArrayList<>();
            if (reopens(seg)) {
                out.addAll(restart(seg.seq()));
            }
            out.addAll(trackState(seg.flags(), false));
            lastOutbound = ref.data();
            if (seg.syn()) {
                out.add(toServer(ref.data(), seg.seq(), seg.ack(), seg.payload(), seg.flags(), true));
            } else {
                SegmentOutcome o = commands.onSegment(seg.seq(), seg.payload(), seg.fin(), now, this);
                count(o);
                out.addAll(sideEffects);
                if (o.send()) {
                    outAdjust.recordChange(o.seq(), o.lengthDiff());
                    out.add(toServer(ref.data(), o.seq(), seg.ack(), o.payload(), finAs(seg.flags(), o.fin()), false));
                }
            }
            out.addAll(napt.dropped(ref));
            return out;
        }

        /**
         * A new connection on the same endpoints: the client's SYN, with another initial sequence number,
         * after the old connection closed (FIN or RST seen) while the binding lives on its closing timer.
         */
        private boolean reopens(TcpSegmentRewriter.Segment seg) {
            return seg.syn() && (seg.flags() & TcpFlags.ACK) == 0 && seg.seq() != clientIsn
                    && table.byId(controlId).map(b -> b.state() == BindingState.CLOSING).orElse(false);
        }

        /**
         * Follows the new connection from its SYN: the old one's line state and sequence shifts would
         * misplace every segment of it. Its expectations and data connections stay children.
         */
        private List<OFMessage> restart(long isn) {
            clientIsn = isn;
            commands = new FtpControlRewriter(FtpControlRewriter.Role.CLIENT_TO_SERVER, isn + 1);
            replies = null;
            outAdjust = new SeqAdjust();
            inAdjust = new SeqAdjust();
            counters.increment("alg.ftp.control_reopened");
            LOG.info("switch {}: FTP control connection {} -> {} opened again on binding {}", config.name(), client,
                    server, controlId);
            Binding b = table.byId(controlId).orElseThrow();
            BindingSpec spec = b.spec().withIdleTimeout(BindingState.TRANSITORY.idleTimeout(Protocol.TCP,
                    config.timers()));
            table.replace(b.with(spec, BindingState.TRANSITORY));
            return List.of(compiler.reinstallAlgOutbound(spec));
        }

        /** Server to client: replies (PASV/EPSV noted), NAT of the destination, seq/ack shifted. */
        List<OFMessage> inbound(PacketRef ref, Ipv4Packet ip, long now) {
            this.now = now;
            sideEffects.clear();
            TcpSegmentRewriter.Segment seg = TcpSegmentRewriter.read(ref.data());
            List<OFMessage> out = new ArrayList<>(trackState(seg.flags(), true));
            lastInbound = ref.data();
            if (seg.syn()) {
                if (replies == null) {
                    replies = new FtpControlRewriter(FtpControlRewriter.Role.SERVER_TO_CLIENT_LEARN, seg.seq() + 1);
                }
                out.add(toClient(ref.data(), seg.seq(), seg.ack(), seg.payload(), seg.flags(), true));
            } else if (replies == null) {
                counters.increment("alg.ftp.data_before_syn_ack"); // no server ISN yet: cannot follow the stream
            } else {
                SegmentOutcome o = replies.onSegment(seg.seq(), seg.payload(), seg.fin(), now, this);
                count(o);
                out.addAll(sideEffects);
                if (o.send()) {
                    inAdjust.recordChange(o.seq(), o.lengthDiff());
                    out.add(toClient(ref.data(), o.seq(), seg.ack(), o.payload(), finAs(seg.flags(), o.fin()), false));
                }
            }
            out.addAll(napt.dropped(ref));
            return out;
        }

        private OFMessage toServer(byte[] frame, long seq, long ack, byte[] payload, int flags, boolean syn) {
            byte[] rewritten = TcpSegmentRewriter.rewrite(frame, TcpSegmentRewriter.Rewrite.from(frame)
                    .ethernet(config.outside().mac(), nextHopMac)
                    .source(external.address(), external.port())
                    .seq(outAdjust.adjustSeq(seq)).ack(inAdjust.adjustAck(ack)).payload(payload)
                    .tcpFlags(flags).stripSackPermitted(syn).build()).frame();
            return compiler.sendFrame(config.outside().port(), rewritten);
        }

        private OFMessage toClient(byte[] frame, long seq, long ack, byte[] payload, int flags, boolean syn) {
            byte[] rewritten = TcpSegmentRewriter.rewrite(frame, TcpSegmentRewriter.Rewrite.from(frame)
                    .ethernet(inside.mac(), clientMac)
                    .destination(client.address(), client.port())
                    .seq(inAdjust.adjustSeq(seq)).ack(outAdjust.adjustAck(ack)).payload(payload)
                    .tcpFlags(flags).stripSackPermitted(syn).build()).frame();
            return compiler.sendFrame(clientPort, rewritten);
        }

        /** The segment's flags with FIN as the outcome says (a segment cut short must not carry it). */
        private static int finAs(int flags, boolean fin) {
            return fin ? flags | TcpFlags.FIN : flags & ~TcpFlags.FIN;
        }

        private void count(SegmentOutcome o) {
            if (o.refused() > 0) {
                counters.increment("alg.ftp.line_refused");
            }
            if (o.malformed() > 0) {
                counters.increment("alg.ftp.line_malformed");
            }
            if (o.overlong() > 0) {
                counters.increment("alg.ftp.line_overlong");
            }
            if (o.heldBytes() > 0) {
                counters.increment("alg.ftp.segment_held");
            }
            if (o.kind() == SegmentOutcome.Kind.OUT_OF_ORDER) {
                counters.increment("alg.ftp.out_of_order_dropped");
            }
        }

        /** Held bytes whose continuation never came: sent as they were, on the last segment's headers. */
        List<OFMessage> releaseHeld(long now) {
            List<OFMessage> out = new ArrayList<>();
            commands.releaseIfDue(now).ifPresent(h -> out.add(toServer(lastOutbound, h.seq(),
                    TcpSegmentRewriter.read(lastOutbound).ack(), h.payload(), plainData(lastOutbound), false)));
            if (replies != null) {
                replies.releaseIfDue(now).ifPresent(h -> out.add(toClient(lastInbound, h.seq(),
                        TcpSegmentRewriter.read(lastInbound).ack(), h.payload(), plainData(lastInbound), false)));
            }
            if (!out.isEmpty()) {
                counters.increment("alg.ftp.held_released");
            }
            return out;
        }

        /** The flags of a data segment cut from {@code frame}: no SYN, no FIN, no RST. */
        private static int plainData(byte[] frame) {
            return TcpSegmentRewriter.read(frame).flags() & ~(TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST);
        }

        /** SYN-ACK from the server: established; FIN or RST either way: closing. Re-times the control flow. */
        private List<OFMessage> trackState(int flags, boolean fromServer) {
            Binding b = table.byId(controlId).orElse(null);
            if (b == null) {
                return List.of();
            }
            BindingState next = b.state();
            if ((flags & (TcpFlags.FIN | TcpFlags.RST)) != 0) {
                next = BindingState.CLOSING;
            } else if (fromServer && b.state() == BindingState.TRANSITORY && (flags & TcpFlags.SYN) != 0
                    && (flags & TcpFlags.ACK) != 0) {
                next = BindingState.ESTABLISHED;
            }
            if (next == b.state()) {
                return List.of();
            }
            BindingSpec spec = b.spec().withIdleTimeout(next.idleTimeout(Protocol.TCP, config.timers()));
            table.replace(b.with(spec, next));
            return List.of(compiler.reinstallAlgOutbound(spec));
        }

        // -------------------------------------------------------- FtpEvents

        @Override
        public Optional<Endpoint> onPort(Endpoint announced) {
            if (!announced.address().equals(client.address())) {
                counters.increment("alg.ftp.bounce_refused");
                LOG.warn("switch {}: FTP client {} announced {} (not its own address): not translated, no"
                        + " expectation (FTP bounce)", config.name(), client, announced);
                return Optional.empty();
            }
            if (pendingExpectation > 0) {
                Optional<Binding> pending = table.byId(pendingExpectation);
                if (pending.isPresent() && pending.get().inside().equals(announced)) {
                    counters.increment("alg.ftp.expectation_reused"); // e.g. a retransmitted PORT
                    return Optional.of(pending.get().external());
                }
                if (pending.isPresent() && pending.get().state() == BindingState.TRANSITORY) {
                    sideEffects.addAll(withdraw(this, pendingExpectation, now));
                }
                pendingExpectation = -1;
            }
            if (table.byInside(Protocol.TCP, announced).isPresent()) {
                // the inside endpoint already has a binding (its own earlier data connection): reuse its mapping
                Binding existing = table.byInside(Protocol.TCP, announced).get();
                counters.increment("alg.ftp.port_existing_mapping");
                return Optional.of(existing.external());
            }
            Optional<Binding> data = expectation(announced, new L2Hop(clientPort, inside.mac(), clientMac),
                    new L2Hop(config.outside().port(), config.outside().mac(), nextHopMac), server.address(), now,
                    sideEffects);
            if (data.isEmpty()) {
                return Optional.empty();
            }
            long id = data.get().id();
            pendingExpectation = id;
            children.add(id);
            parentOf.put(id, this);
            counters.increment("alg.ftp.port_rewritten");
            LOG.info("switch {}: FTP active data {} announced as {} to {} (expectation binding {}, control {})",
                    config.name(), announced, data.get().external(), server.address(), id, controlId);
            return Optional.of(data.get().external());
        }

        @Override
        public Optional<Endpoint> onEprt(Endpoint announced) {
            return onPort(announced);
        }

        @Override
        public Optional<Endpoint> on227(Endpoint announced) {
            return Optional.empty(); // replies of an outside server are not rewritten
        }

        @Override
        public OptionalInt on229(int port) {
            return OptionalInt.empty();
        }

        @Override
        public void onPassiveReply(IPv4Address announced, int port) {
            IPv4Address address = announced == null ? server.address() : announced;
            passive = new PassiveExpectation(new Endpoint(address, port), now + EXPECTATION_SECONDS * 1000L);
            counters.increment("alg.ftp.passive_announced");
            LOG.debug("switch {}: FTP client {} will connect to {} (passive)", config.name(), client, passive.server);
        }
    }

    // ---------------------------------------------------------------- one session with a published server

    /**
     * One client's control connection to an inside FTP server published by a static binding. Commands from
     * the client pass untouched (its PORT names its own public address); the server's 227/229 replies are
     * rewritten to the public address and a port with an expectation binding, accepting only this client.
     */
    private final class ServerSession implements FtpEvents {
        final long staticId;
        final Endpoint server;
        final Endpoint external;
        final Endpoint client;
        final L2Hop toServer;
        final L2Hop toOutside;
        final SeqAdjust replyAdjust = new SeqAdjust();
        FtpControlRewriter replies;
        long pendingExpectation = -1;
        long lastSeen;
        boolean finFromClient;
        boolean finFromServer;
        boolean reset;
        byte[] lastOutbound;
        long now;
        final List<OFMessage> sideEffects = new ArrayList<>();

        ServerSession(Binding published, Endpoint client, long now) {
            this.staticId = published.id();
            this.server = published.inside();
            this.external = published.external();
            this.client = client;
            this.toServer = published.spec().toInside();
            this.toOutside = published.spec().toOutside();
            this.lastSeen = now;
        }

        ConnectionKey publicKey() {
            return new ConnectionKey(external, client);
        }

        ConnectionKey insideKey() {
            return new ConnectionKey(server, client);
        }

        boolean closed() {
            return reset || finFromClient && finFromServer;
        }

        /** Client to server: NAT of the destination; acknowledgements shifted by the reply rewrites. */
        List<OFMessage> inbound(PacketRef ref, long now) {
            lastSeen = now;
            TcpSegmentRewriter.Segment seg = TcpSegmentRewriter.read(ref.data());
            finFromClient |= seg.fin();
            reset |= (seg.flags() & TcpFlags.RST) != 0;
            byte[] frame = TcpSegmentRewriter.rewrite(ref.data(), TcpSegmentRewriter.Rewrite.from(ref.data())
                    .ethernet(toServer.source(), toServer.destination())
                    .destination(server.address(), server.port())
                    .ack(replyAdjust.adjustAck(seg.ack()))
                    .stripSackPermitted(seg.syn()).build()).frame();
            List<OFMessage> out = new ArrayList<>();
            out.add(compiler.sendFrame(toServer.port(), frame));
            out.addAll(napt.dropped(ref));
            return out;
        }

        /** Server to client: 227/229 rewritten, NAT of the source, sequence numbers shifted. */
        List<OFMessage> outbound(PacketRef ref, long now) {
            this.now = now;
            lastSeen = now;
            sideEffects.clear();
            TcpSegmentRewriter.Segment seg = TcpSegmentRewriter.read(ref.data());
            finFromServer |= seg.fin();
            reset |= (seg.flags() & TcpFlags.RST) != 0;
            lastOutbound = ref.data();
            List<OFMessage> out = new ArrayList<>();
            if (seg.syn()) {
                if (replies == null) {
                    replies = new FtpControlRewriter(FtpControlRewriter.Role.SERVER_TO_CLIENT_REWRITE, seg.seq() + 1);
                }
                out.add(toClient(ref.data(), seg.seq(), seg.payload(), seg.flags(), true));
            } else if (replies == null) {
                counters.increment("alg.ftp.data_before_syn_ack");
            } else {
                SegmentOutcome o = replies.onSegment(seg.seq(), seg.payload(), seg.fin(), now, this);
                out.addAll(sideEffects);
                if (o.send()) {
                    replyAdjust.recordChange(o.seq(), o.lengthDiff());
                    out.add(toClient(ref.data(), o.seq(), o.payload(),
                            o.fin() ? seg.flags() | TcpFlags.FIN : seg.flags() & ~TcpFlags.FIN, false));
                }
            }
            out.addAll(napt.dropped(ref));
            return out;
        }

        private OFMessage toClient(byte[] frame, long seq, byte[] payload, int flags, boolean syn) {
            byte[] rewritten = TcpSegmentRewriter.rewrite(frame, TcpSegmentRewriter.Rewrite.from(frame)
                    .ethernet(toOutside.source(), toOutside.destination())
                    .source(external.address(), external.port())
                    .seq(replyAdjust.adjustSeq(seq)).payload(payload)
                    .tcpFlags(flags).stripSackPermitted(syn).build()).frame();
            return compiler.sendFrame(toOutside.port(), rewritten);
        }

        List<OFMessage> releaseHeld(long now) {
            if (replies == null || lastOutbound == null) {
                return List.of();
            }
            return replies.releaseIfDue(now).map(h -> List.of(toClient(lastOutbound, h.seq(), h.payload(),
                    TcpSegmentRewriter.read(lastOutbound).flags() & ~(TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST), false)))
                    .orElse(List.of());
        }

        @Override
        public Optional<Endpoint> on227(Endpoint announced) {
            return expect(announced);
        }

        @Override
        public OptionalInt on229(int port) {
            Optional<Endpoint> e = expect(new Endpoint(server.address(), port));
            return e.isPresent() ? OptionalInt.of(e.get().port()) : OptionalInt.empty();
        }

        /** An expectation for the client's passive data connection to {@code announced} (the server's own). */
        private Optional<Endpoint> expect(Endpoint announced) {
            if (!announced.address().equals(server.address())) {
                counters.increment("alg.ftp.passive_foreign_refused");
                LOG.warn("switch {}: published FTP server {} announced {} (not its own address): not translated",
                        config.name(), server, announced);
                return Optional.empty();
            }
            if (pendingExpectation > 0) {
                Optional<Binding> pending = table.byId(pendingExpectation);
                if (pending.isPresent() && pending.get().inside().equals(announced)) {
                    return Optional.of(pending.get().external());
                }
                if (pending.isPresent() && pending.get().state() == BindingState.TRANSITORY) {
                    sideEffects.addAll(withdrawExpectation(pendingExpectation, now));
                }
                pendingExpectation = -1;
            }
            Optional<Binding> existing = table.byInside(Protocol.TCP, announced);
            if (existing.isPresent()) {
                return Optional.of(existing.get().external());
            }
            Optional<Binding> data = expectation(announced, toServer, toOutside, client.address(), now, sideEffects);
            if (data.isEmpty()) {
                return Optional.empty();
            }
            pendingExpectation = data.get().id();
            counters.increment("alg.ftp.passive_rewritten");
            LOG.info("switch {}: FTP passive data {} announced as {} to {} (expectation binding {}, server {})",
                    config.name(), announced, data.get().external(), client.address(), pendingExpectation, server);
            return Optional.of(data.get().external());
        }
    }
}
