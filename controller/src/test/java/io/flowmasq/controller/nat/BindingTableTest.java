package io.flowmasq.controller.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** The table's indexes: one session per endpoint, several (oldest first), and their removal and replacement. */
class BindingTableTest {
    private static final L2Hop IN = new L2Hop(OFPort.of(1), MacAddress.of("02:00:00:00:00:01"),
            MacAddress.of("02:00:00:00:00:02"));
    private static final L2Hop OUT = new L2Hop(OFPort.of(3), MacAddress.of("02:00:00:00:00:03"),
            MacAddress.of("02:00:00:00:00:04"));
    private static final Endpoint H1 = Endpoint.of("10.0.0.1", 5000);
    private static final Endpoint H2 = Endpoint.of("10.0.0.2", 5000);
    private static final Endpoint PUB1 = Endpoint.of("203.0.113.1", 40000);
    private static final Endpoint PUB2 = Endpoint.of("203.0.113.1", 40001);
    private static final Endpoint R1 = Endpoint.of("198.51.100.1", 80);
    private static final Endpoint R2 = Endpoint.of("198.51.100.2", 80);

    private final BindingTable table = new BindingTable();

    private static Binding binding(long id, Endpoint inside, Endpoint external, Endpoint remote) {
        RemoteFilter filter = remote == null ? null : new RemoteFilter(remote.address(), remote.port());
        return new Binding(new BindingSpec(id, Protocol.UDP, inside, external, IN, OUT, 60, filter), 1000);
    }

    @Test
    void oneSessionIsFoundFromBothSidesAndGoesAway() {
        Binding b = binding(1, H1, PUB1, null);
        table.add(b);

        assertSame(b, table.byInside(Protocol.UDP, H1).orElseThrow());
        assertSame(b, table.byExternal(Protocol.UDP, PUB1).orElseThrow());
        assertSame(b, table.forInbound(Protocol.UDP, PUB1, R1).orElseThrow());
        assertSame(b, table.forOutbound(Protocol.UDP, H1, R2).orElseThrow());
        assertEquals(1, table.sessions(Protocol.UDP, H1));
        assertEquals(1, table.countFor(H1.address()));
        assertEquals(Optional.empty(), table.byInside(Protocol.TCP, H1));

        assertSame(b, table.remove(1).orElseThrow());
        assertEquals(Optional.empty(), table.byInside(Protocol.UDP, H1));
        assertEquals(Optional.empty(), table.byExternal(Protocol.UDP, PUB1));
        assertEquals(Optional.empty(), table.forInbound(Protocol.UDP, PUB1, R1));
        assertEquals(0, table.sessions(Protocol.UDP, H1));
        assertEquals(0, table.countFor(H1.address()));
        assertEquals(0, table.size());
    }

    @Test
    void sessionsOfOneMappingKeepTheOldestFirstThroughRemovals() {
        Binding s1 = binding(1, H1, PUB1, R1);
        Binding s2 = binding(2, H1, PUB1, R2);
        Binding s3 = binding(3, H1, PUB1, Endpoint.of("198.51.100.3", 80));
        table.add(s1);
        table.add(s2);
        table.add(s3);

        assertEquals(3, table.sessions(Protocol.UDP, H1));
        assertSame(s1, table.byInside(Protocol.UDP, H1).orElseThrow());
        assertSame(s1, table.byExternal(Protocol.UDP, PUB1).orElseThrow());
        assertSame(s2, table.forInbound(Protocol.UDP, PUB1, R2).orElseThrow());
        assertSame(s2, table.session(Protocol.UDP, H1, new RemoteFilter(R2.address(), R2.port())).orElseThrow());
        assertEquals(Optional.empty(), table.forInbound(Protocol.UDP, PUB1, Endpoint.of("198.51.100.9", 80)));

        table.remove(1);
        assertSame(s2, table.byInside(Protocol.UDP, H1).orElseThrow());
        table.remove(3);
        assertEquals(1, table.sessions(Protocol.UDP, H1));
        assertSame(s2, table.byExternal(Protocol.UDP, PUB1).orElseThrow());
        // a session added after the mapping shrank to one comes after the remaining one
        Binding s4 = binding(4, H1, PUB1, R1);
        table.add(s4);
        assertSame(s2, table.byInside(Protocol.UDP, H1).orElseThrow());
        table.remove(2);
        assertSame(s4, table.byInside(Protocol.UDP, H1).orElseThrow());
        assertEquals(1, table.countFor(H1.address()));
        table.remove(4);
        assertEquals(0, table.sessions(Protocol.UDP, H1));
        assertEquals(Optional.empty(), table.byExternal(Protocol.UDP, PUB1));
    }

    @Test
    void replaceKeepsTheSessionsPlace() {
        Binding s1 = binding(1, H1, PUB1, R1);
        Binding s2 = binding(2, H1, PUB1, R2);
        table.add(s1);
        table.add(s2);
        Binding s1Later = s1.with(s1.spec().withIdleTimeout(30), s1.state());
        table.replace(s1Later);

        assertSame(s1Later, table.byInside(Protocol.UDP, H1).orElseThrow());
        assertSame(s1Later, table.byExternal(Protocol.UDP, PUB1).orElseThrow());
        assertSame(s1Later, table.byId(1).orElseThrow());
        assertSame(s1Later, table.forInbound(Protocol.UDP, PUB1, R1).orElseThrow());

        Binding single = binding(5, H2, PUB2, null);
        table.add(single);
        Binding singleLater = single.with(single.spec().withIdleTimeout(30), single.state());
        table.replace(singleLater);
        assertSame(singleLater, table.byInside(Protocol.UDP, H2).orElseThrow());
        assertSame(singleLater, table.byExternal(Protocol.UDP, PUB2).orElseThrow());
    }

    @Test
    void refusesADuplicateOrASessionOnAnotherPublicEndpoint() {
        table.add(binding(1, H1, PUB1, R1));

        assertThrows(IllegalStateException.class, () -> table.add(binding(1, H2, PUB2, null)));
        assertThrows(IllegalStateException.class, () -> table.add(binding(2, H1, PUB1, R1)));
        assertThrows(IllegalStateException.class, () -> table.add(binding(3, H1, PUB2, R2)));
        // nothing of the refused ones stayed
        assertEquals(1, table.size());
        assertEquals(1, table.sessions(Protocol.UDP, H1));
        assertEquals(Optional.empty(), table.byExternal(Protocol.UDP, PUB2));
        assertTrue(table.byId(2).isEmpty());
    }

    @Test
    void theIndependentSessionIsTheFallbackOfItsEndpointAndTheFirstKeepsIt() {
        Binding independent = binding(1, H1, PUB1, null);
        table.add(independent);
        assertSame(independent, table.session(Protocol.UDP, H1, null).orElseThrow());
        assertEquals(Optional.empty(), table.session(Protocol.UDP, H1, new RemoteFilter(R1.address(), R1.port())));
        assertThrows(IllegalStateException.class, () -> table.add(binding(2, H1, PUB1, null)));

        // another inside endpoint on the same public endpoint (never made so, but the first keeps the key)
        Binding second = binding(3, H2, PUB1, null);
        table.add(second);
        Binding filtered = binding(4, H2, PUB1, R2);
        table.add(filtered);
        assertSame(independent, table.forInbound(Protocol.UDP, PUB1, R1).orElseThrow());
        assertSame(filtered, table.forInbound(Protocol.UDP, PUB1, R2).orElseThrow());
        assertSame(second, table.forOutbound(Protocol.UDP, H2, R1).orElseThrow());
        assertSame(filtered, table.forOutbound(Protocol.UDP, H2, R2).orElseThrow());

        Binding later = independent.with(independent.spec().withIdleTimeout(30), independent.state());
        table.replace(later);
        assertSame(later, table.forInbound(Protocol.UDP, PUB1, R1).orElseThrow());

        table.remove(1);
        assertEquals(Optional.empty(), table.forInbound(Protocol.UDP, PUB1, R1), "the second never had the key");
        table.remove(4);
        assertEquals(Optional.empty(), table.forInbound(Protocol.UDP, PUB1, R1));
        assertSame(second, table.byExternal(Protocol.UDP, PUB1).orElseThrow());
        assertSame(second, table.session(Protocol.UDP, H2, null).orElseThrow());
    }
}
