package io.flowmasq.controller.nat.vs;

import io.flowmasq.controller.packet.TcpProbeFrames;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.rules.RuleForm.HealthCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * TCP connect checks of one virtual server's real servers, sent by the gateway through packet-outs: the
 * controller's host cannot reach the inside networks, the switch can. Every {@code intervalSeconds} a SYN goes
 * from the gateway's inside address to each server; a SYN-ACK acknowledging it is a success (the engine then
 * resets the half-open connection), a RST, silence for {@code timeoutMillis} or a SYN the engine could not
 * send is a failure. {@code failures} failures in a row take a server DOWN, {@code successes} successes in a
 * row bring it back UP; the transitions are returned for the engine to log, count and pass to the
 * {@link ServerScheduler}.
 *
 * <p>Servers start UP: traffic flows from the first moment instead of waiting for {@code successes} intervals,
 * and a dead server is taken out after {@code failures} checks (the first check is due at once). Pure: the
 * engine calls {@link #expire} and {@link #due} on its timer and {@link #onReply} for TCP packet-ins to the
 * gateway's inside address on a probe port. One probe per server at a time. Not thread safe.
 */
public final class HealthChecker {
    private static final int SYN = TcpProbeFrames.SYN;
    private static final int RST = TcpProbeFrames.RST;
    private static final int ACK = TcpProbeFrames.ACK;

    private static final class State {
        boolean up = true;
        int failuresInRow;
        int successesInRow;
        long probes;
        long failures;
        ProbeOutcome last;
        long nextAt;
        Probe outstanding;

        State(long nextAt) {
            this.nextAt = nextAt;
        }
    }

    private final HealthCheck check;
    private final IPv4Address source;
    private final ProbePorts ports;
    private final RandomGenerator random;
    private final Map<Endpoint, State> servers = new LinkedHashMap<>();
    private final Map<Integer, Probe> bySourcePort = new HashMap<>();

    /**
     * @param source the gateway's inside address the probes come from (their replies come back to it)
     * @param ports  the switch's probe ports, shared with its other health checkers
     * @param random initial sequence numbers (unpredictable ones keep off-path RSTs from faking results)
     */
    public HealthChecker(HealthCheck check, IPv4Address source, List<Endpoint> servers, ProbePorts ports,
                         RandomGenerator random, long now) {
        this.check = Objects.requireNonNull(check, "check");
        this.source = Objects.requireNonNull(source, "source");
        this.ports = Objects.requireNonNull(ports, "ports");
        this.random = Objects.requireNonNull(random, "random");
        setServers(servers, now);
    }

    public HealthCheck check() {
        return check;
    }

    /**
     * Follows a change of the server list: servers that stay keep their state, new ones start UP with a check
     * due at once, removed ones are forgotten with their probe in flight.
     */
    public void setServers(List<Endpoint> list, long now) {
        for (Iterator<Map.Entry<Endpoint, State>> it = servers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Endpoint, State> e = it.next();
            if (!list.contains(e.getKey())) {
                drop(e.getValue());
                it.remove();
            }
        }
        for (Endpoint server : list) {
            servers.computeIfAbsent(server, s -> new State(now));
        }
    }

    /** Forgets every server and frees their probe ports (the rule was deleted). */
    public void close() {
        servers.values().forEach(this::drop);
        servers.clear();
    }

    /** The probes to send now: one per server whose check is due and that has none in flight. */
    public List<Probe> due(long now) {
        List<Probe> out = new ArrayList<>();
        for (Map.Entry<Endpoint, State> e : servers.entrySet()) {
            State s = e.getValue();
            if (s.outstanding != null || now < s.nextAt) {
                continue;
            }
            OptionalInt port = ports.acquire();
            if (port.isEmpty()) {
                break; // every probe port is out: the rest go at the next call
            }
            Probe p = new Probe(e.getKey(), source, port.getAsInt(), random.nextInt() & 0xffffffffL, now);
            s.outstanding = p;
            s.probes++;
            s.nextAt = now + check.intervalSeconds() * 1000L;
            bySourcePort.put(p.sourcePort(), p);
            out.add(p);
        }
        return out;
    }

    /** True for a packet addressed to one of this checker's probes in flight (the engine's dispatch test). */
    public boolean claims(IPv4Address dst, int dstPort) {
        return source.equals(dst) && bySourcePort.containsKey(dstPort);
    }

    /**
     * A TCP segment from {@code src}:{@code srcPort} to the gateway's port {@code dstPort}. A SYN-ACK or a RST
     * from the probed server acknowledging the probe's SYN ends the probe; anything else (wrong server, wrong
     * acknowledgment, a stray segment) is ignored.
     */
    public Optional<ProbeResult> onReply(IPv4Address src, int srcPort, int dstPort, int tcpFlags, long ack,
                                         long now) {
        Probe p = bySourcePort.get(dstPort);
        if (p == null || !p.server().address().equals(src) || p.server().port() != srcPort
                || (tcpFlags & ACK) == 0 || ack != p.expectedAck()) {
            return Optional.empty();
        }
        if ((tcpFlags & RST) != 0) {
            return Optional.of(finish(p, ProbeOutcome.REFUSED, now));
        }
        if ((tcpFlags & SYN) != 0) {
            return Optional.of(finish(p, ProbeOutcome.SUCCESS, now));
        }
        return Optional.empty();
    }

    /** Ends as failures the probes unanswered for {@code timeoutMillis}. */
    public List<ProbeResult> expire(long now) {
        List<Probe> late = bySourcePort.values().stream()
                .filter(p -> now - p.sentAt() >= check.timeoutMillis()).toList();
        List<ProbeResult> out = new ArrayList<>(late.size());
        for (Probe p : late) {
            out.add(finish(p, ProbeOutcome.TIMEOUT, now));
        }
        return out;
    }

    /** The engine could not send {@code probe} (no MAC or port for the server yet): a failure. */
    public Optional<ProbeResult> unreachable(Probe probe, long now) {
        if (!probe.equals(bySourcePort.get(probe.sourcePort()))) {
            return Optional.empty();
        }
        return Optional.of(finish(probe, ProbeOutcome.UNREACHABLE, now));
    }

    /** The earliest time something is due (a check or a timeout); Long.MAX_VALUE without servers. */
    public long nextEventAt() {
        long at = Long.MAX_VALUE;
        for (State s : servers.values()) {
            at = Math.min(at, s.outstanding != null ? s.outstanding.sentAt() + check.timeoutMillis() : s.nextAt);
        }
        return at;
    }

    public boolean isUp(Endpoint server) {
        State s = servers.get(server);
        return s != null && s.up;
    }

    public List<HealthStatus> status() {
        List<HealthStatus> out = new ArrayList<>();
        servers.forEach((server, s) -> out.add(new HealthStatus(server, s.up, s.failuresInRow, s.successesInRow,
                s.probes, s.failures, Optional.ofNullable(s.last))));
        return out;
    }

    private ProbeResult finish(Probe p, ProbeOutcome outcome, long now) {
        bySourcePort.remove(p.sourcePort());
        ports.release(p.sourcePort());
        State s = servers.get(p.server());
        s.outstanding = null;
        s.last = outcome;
        Optional<HealthTransition> transition = Optional.empty();
        if (outcome.success()) {
            s.failuresInRow = 0;
            s.successesInRow++;
            if (!s.up && s.successesInRow >= check.successes()) {
                s.up = true;
                transition = Optional.of(new HealthTransition(p.server(), true,
                        s.successesInRow + " successful checks in a row", now));
            }
        } else {
            s.failures++;
            s.successesInRow = 0;
            s.failuresInRow++;
            if (s.up && s.failuresInRow >= check.failures()) {
                s.up = false;
                transition = Optional.of(new HealthTransition(p.server(), false,
                        s.failuresInRow + " failed checks in a row (last: " + describe(outcome) + ")", now));
            }
        }
        return new ProbeResult(p, outcome, transition);
    }

    private String describe(ProbeOutcome outcome) {
        return switch (outcome) {
            case REFUSED -> "connection refused";
            case TIMEOUT -> "no answer within " + check.timeoutMillis() + " ms";
            case UNREACHABLE -> "server unreachable (no MAC or port)";
            case SUCCESS -> "success";
        };
    }

    private void drop(State s) {
        if (s.outstanding != null) {
            bySourcePort.remove(s.outstanding.sourcePort());
            ports.release(s.outstanding.sourcePort());
            s.outstanding = null;
        }
    }
}
