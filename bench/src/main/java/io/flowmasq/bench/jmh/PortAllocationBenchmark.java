package io.flowmasq.bench.jmh;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.nat.NaptAllocator;
import io.flowmasq.controller.nat.PortAllocator;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Port allocation with the range held at {@code occupancy} (90 %): each operation releases the oldest
 * binding's port and allocates one for a new inside endpoint whose preferred port is random, so most
 * preferences collide and the longest-free port is taken. The clock moves 1 ms per operation, so the
 * 30 s cooldown of freshly released ports is in play. {@code portAllocator} is one public address and
 * protocol; {@code naptAllocator} adds the paired-address choice over 16 addresses and the Endpoint.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PortAllocationBenchmark {
    @Param({"0.9"})
    public double occupancy;

    private PortAllocator ports;
    private int[] live;
    private int head;
    private NaptAllocator napt;
    private Endpoint[] liveExternal;
    private int naptHead;
    private long now;
    private int seed = 0x2545F491;
    private int nextHost;

    @Setup(Level.Iteration)
    public void fill() {
        now = 1_000_000;
        ports = new PortAllocator(1024, 65535, NaptAllocator.PORT_COOLDOWN_MS);
        live = new int[(int) (ports.capacity() * occupancy)];
        for (int i = 0; i < live.length; i++) {
            live[i] = ports.allocate(randomPort(), now);
        }
        head = 0;
        List<IPv4Address> addresses = new java.util.ArrayList<>();
        for (int a = 1; a <= 16; a++) {
            addresses.add(IPv4Address.of("203.0.113." + a));
        }
        napt = new NaptAllocator(addresses, PortRange.DEFAULT);
        liveExternal = new Endpoint[(int) (64512 * 16 * occupancy)];
        for (int i = 0; i < liveExternal.length; i++) {
            liveExternal[i] = napt.allocate(Protocol.UDP, newInside(), now).orElseThrow();
        }
        naptHead = 0;
    }

    @Benchmark
    public int portAllocator() {
        now++;
        ports.release(live[head], now);
        int port = ports.allocate(randomPort(), now);
        live[head] = port;
        head = head + 1 == live.length ? 0 : head + 1;
        return port;
    }

    @Benchmark
    public Optional<Endpoint> naptAllocator() {
        now++;
        napt.release(Protocol.UDP, liveExternal[naptHead], now);
        Optional<Endpoint> e = napt.allocate(Protocol.UDP, newInside(), now);
        liveExternal[naptHead] = e.orElseThrow();
        naptHead = naptHead + 1 == liveExternal.length ? 0 : naptHead + 1;
        return e;
    }

    private Endpoint newInside() {
        int host = nextHost++ & 0xffff;
        return new Endpoint(IPv4Address.of((10 << 24) | (1 << 16) | host), randomPort());
    }

    private int randomPort() {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        return 1024 + Math.floorMod(seed, 64512);
    }
}
