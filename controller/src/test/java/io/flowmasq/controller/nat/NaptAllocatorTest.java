package io.flowmasq.controller.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;

class NaptAllocatorTest {
    private static final long DELAY = 120_000;
    private static final IPv4Address P1 = IPv4Address.of("203.0.113.1");
    private static final IPv4Address P2 = IPv4Address.of("203.0.113.2");
    private static final IPv4Address P3 = IPv4Address.of("203.0.113.3");
    private static final IPv4Address P4 = IPv4Address.of("203.0.113.4");
    private static final IPv4Address P5 = IPv4Address.of("203.0.113.5");

    private static NaptAllocator allocator(PortRange range, IPv4Address... addresses) {
        return new NaptAllocator(List.of(addresses), range, DELAY, new SplittableRandom(11));
    }

    private static IPv4Address host(int i) {
        return IPv4Address.of(0x0a000000 + i); // 10.0.0.0 + i
    }

    @Test
    void aHostKeepsOneAddressWithinASubset() {
        NaptAllocator napt = allocator(PortRange.DEFAULT, P1, P2, P3, P4, P5);
        List<IPv4Address> rule = List.of(P2, P3, P4);
        for (int h = 1; h < 200; h++) {
            IPv4Address paired = napt.pairedAddress(host(h), rule);
            assertTrue(rule.contains(paired), paired + " outside the rule's addresses");
            for (int port = 40_000; port < 40_010; port++) {
                Endpoint got = napt.allocate(Protocol.TCP, new Endpoint(host(h), port), rule, 0).orElseThrow();
                assertEquals(paired, got.address(), "host " + host(h) + " port " + port);
            }
            Endpoint udp = napt.allocate(Protocol.UDP, new Endpoint(host(h), 53), rule, 0).orElseThrow();
            assertEquals(paired, udp.address(), "same address for every protocol");
        }
    }

    @Test
    void overAllAddressesTheSubsetPairingIsTheExistingOne() {
        NaptAllocator napt = allocator(PortRange.DEFAULT, P1, P2, P3);
        for (int h = 0; h < 1_000; h++) {
            assertEquals(napt.pairedAddress(host(h)), napt.pairedAddress(host(h), napt.addresses()));
        }
    }

    @Test
    void hostsSpreadEvenlyOverASubset() {
        NaptAllocator napt = allocator(PortRange.DEFAULT, P1, P2, P3, P4, P5);
        List<IPv4Address> rule = List.of(P1, P3, P5);
        Map<IPv4Address, Integer> consecutive = new HashMap<>();
        Map<IPv4Address, Integer> scattered = new HashMap<>();
        SplittableRandom random = new SplittableRandom(3);
        int hosts = 10_000;
        for (int h = 0; h < hosts; h++) {
            consecutive.merge(napt.pairedAddress(host(h), rule), 1, Integer::sum);
            scattered.merge(napt.pairedAddress(host(random.nextInt(1 << 24)), rule), 1, Integer::sum);
        }
        for (Map<IPv4Address, Integer> counts : List.of(consecutive, scattered)) {
            assertEquals(rule.size(), counts.size(), counts.toString());
            for (int n : counts.values()) {
                assertTrue(Math.abs(n - hosts / 3.0) < hosts / 3.0 * 0.05, "within 5% of even: " + counts);
            }
        }
    }

    @Test
    void subsetAddressesMustBeOwned() {
        NaptAllocator napt = allocator(PortRange.DEFAULT, P1, P2);
        IPv4Address foreign = IPv4Address.of("198.51.100.7");
        List<IPv4Address> rule = List.of(P1, foreign);
        int refused = 0;
        for (int h = 0; h < 20; h++) {
            Endpoint inside = new Endpoint(host(h), 1234);
            if (napt.pairedAddress(host(h), rule).equals(foreign)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> napt.allocate(Protocol.TCP, inside, rule, 0));
                assertTrue(e.getMessage().contains("198.51.100.7"), e.getMessage());
                refused++;
            } else {
                assertEquals(P1, napt.allocate(Protocol.TCP, inside, rule, 0).orElseThrow().address());
            }
        }
        assertTrue(refused > 0 && refused < 20, "both cases met: " + refused);
        assertThrows(IllegalArgumentException.class, () -> napt.pairedAddress(host(1), List.of()));
        assertTrue(napt.owns(P2));
        assertFalse(napt.owns(foreign));
    }

    @Test
    void anAddressAddedLaterServesAListThatWasRefusedIt() {
        NaptAllocator napt = allocator(PortRange.DEFAULT, P1);
        List<IPv4Address> rule = List.of(P2);
        Endpoint inside = new Endpoint(host(1), 1234);
        assertThrows(IllegalArgumentException.class, () -> napt.allocate(Protocol.UDP, inside, rule, 0));
        napt.ensureAddress(P2);
        assertEquals(new Endpoint(P2, 1234), napt.allocate(Protocol.UDP, inside, rule, 0).orElseThrow());
        // the same list again, and another list: each address's own ports, per protocol
        assertEquals(new Endpoint(P2, 1234), napt.allocate(Protocol.TCP, inside, rule, 0).orElseThrow());
        assertNotEquals(1234, napt.allocate(Protocol.UDP, inside, List.of(P2), 0).orElseThrow().port());
        assertEquals(new Endpoint(P1, 1234), napt.allocate(Protocol.UDP, inside, List.of(P1), 0).orElseThrow());
    }

    @Test
    void rulesSharingAnAddressShareItsPorts() {
        NaptAllocator napt = allocator(PortRange.DEFAULT, P1, P2);
        IPv4Address h = host(7);
        Endpoint first = napt.allocate(Protocol.TCP, new Endpoint(h, 5000), List.of(P1), 0).orElseThrow();
        assertEquals(new Endpoint(P1, 5000), first, "port preserved");
        // Another host whose pairing in a second rule lands on P1 too: 5000 is taken there.
        IPv4Address other = null;
        for (int i = 100; other == null; i++) {
            if (napt.pairedAddress(host(i), List.of(P1, P2)).equals(P1)) {
                other = host(i);
            }
        }
        Endpoint second = napt.allocate(Protocol.TCP, new Endpoint(other, 5000), List.of(P1, P2), 0).orElseThrow();
        assertEquals(P1, second.address());
        assertNotEquals(5000, second.port(), "the port taken through the first rule is not handed out again");
        assertTrue(napt.release(Protocol.TCP, first, new Endpoint(h, 5000), 1));
        assertEquals(1, napt.coolingPorts(Protocol.TCP, P1));
    }

    @Test
    void aFullPairedAddressIsNotLeftForAnotherOfTheSubset() {
        NaptAllocator napt = allocator(new PortRange(2000, 2001), P1, P2);
        List<IPv4Address> rule = List.of(P1, P2);
        IPv4Address h = host(1);
        IPv4Address paired = napt.pairedAddress(h, rule);
        assertTrue(napt.allocate(Protocol.UDP, new Endpoint(h, 1), rule, 0).isPresent());
        assertTrue(napt.allocate(Protocol.UDP, new Endpoint(h, 2), rule, 0).isPresent());
        assertEquals(Optional.empty(), napt.allocate(Protocol.UDP, new Endpoint(h, 3), rule, 0),
                "REQ-2: no move to the other address of the subset");
        assertEquals(0, napt.freePorts(Protocol.UDP, paired));
        assertEquals(2, napt.freePorts(Protocol.UDP, paired.equals(P1) ? P2 : P1));
    }

    @Test
    void theUnionListsEveryAddressOnceAndTheAllocatorDropsDuplicates() {
        List<IPv4Address> union = NaptAllocator.union(List.of(P1), List.of(List.of(P3, P1), List.of(P2, P3)));
        assertEquals(List.of(P1, P3, P2), union);
        NaptAllocator napt = new NaptAllocator(List.of(P1, P2, P1), PortRange.DEFAULT, DELAY, new SplittableRandom(1));
        assertEquals(List.of(P1, P2), napt.addresses());
    }
}
