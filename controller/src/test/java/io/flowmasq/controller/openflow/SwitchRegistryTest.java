package io.flowmasq.controller.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;

class SwitchRegistryTest {
    private static final DatapathId DPID = DatapathId.of(42);
    private final OpenFlowCounters counters = new OpenFlowCounters();
    private final SwitchRegistry registry = new SwitchRegistry();
    private final RecordingHandlerFactory factory = new RecordingHandlerFactory();
    private final List<TestSwitch> switches = new ArrayList<>();

    private TestSwitch connect() {
        TestSwitch sw = new TestSwitch(factory, counters, registry);
        switches.add(sw);
        return sw;
    }

    @AfterEach
    void releaseBuffers() {
        switches.forEach(TestSwitch::finish);
    }

    @Test
    void secondConnectionOfSameDpidReplacesAndClosesTheOlder() {
        TestSwitch older = connect();
        older.activate(OFVersion.OF_13, 42);
        TestSwitch newer = connect();
        newer.activate(OFVersion.OF_10, 42);
        older.channel.runPendingTasks();

        RecordingHandlerFactory.RecordingHandler oldHandler = factory.handlers.get(0);
        RecordingHandlerFactory.RecordingHandler newHandler = factory.handlers.get(1);
        assertFalse(older.channel.isOpen());
        assertEquals(1, oldHandler.disconnects);
        assertTrue(newer.channel.isOpen());
        assertEquals(0, newHandler.disconnects);
        assertSame(newHandler.connection, registry.get(DPID).orElseThrow());
        assertEquals(List.of(newHandler.connection), List.copyOf(registry.connections()));
    }

    @Test
    void removingTheOlderConnectionDoesNotEvictTheNewer() {
        TestSwitch older = connect();
        older.activate(OFVersion.OF_13, 42);
        TestSwitch newer = connect();
        newer.activate(OFVersion.OF_13, 42);
        SwitchConnection oldConnection = factory.handlers.get(0).connection;
        SwitchConnection newConnection = factory.handlers.get(1).connection;

        assertFalse(registry.unregister(oldConnection));
        older.channel.close();
        older.channel.runPendingTasks();
        assertSame(newConnection, registry.get(DPID).orElseThrow());

        assertTrue(registry.unregister(newConnection));
        assertTrue(registry.connections().isEmpty());
    }

    @Test
    void differentDpidsLiveSideBySide() {
        connect().activate(OFVersion.OF_13, 1);
        connect().activate(OFVersion.OF_10, 2);
        assertEquals(2, registry.connections().size());
        assertTrue(registry.get(DatapathId.of(1)).isPresent());
        assertTrue(registry.get(DatapathId.of(3)).isEmpty());
    }

    @Test
    void closedSwitchLeavesTheRegistry() {
        TestSwitch sw = connect();
        sw.activate(OFVersion.OF_13, 42);
        sw.channel.close();
        sw.channel.runPendingTasks();
        assertTrue(registry.connections().isEmpty());
        assertEquals(1, factory.only().disconnects);
    }
}
