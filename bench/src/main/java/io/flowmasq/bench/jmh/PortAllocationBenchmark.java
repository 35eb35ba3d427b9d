package io.flowmasq.bench.jmh;

import io.flowmasq.controller.config.PortRange;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.nat.NaptAllocator;
import io.flowmasq.controller.nat.PortAllocator;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.Protocol;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
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
 * preferences collide and a random free port is taken. The released ports cool for the default reuse
 * delay (120 s); the clock moves so that about half of the ports not in use are cooling at any time
 * (faster churn would exhaust the range: that is the delay's price, not the allocator's cost).
 * {@code portAllocator} is one public address and protocol; {@code naptAllocator} adds the
 * paired-address choice over 16 addresses and the Endpoint.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PortAllocationBenchmark {
    @Param({"0.9"})
    public double occupancy;

    private PortAllocator ports;
    private int[] live;
    private int[] livePreferred;
    private int head;
    private NaptAllocator napt;
    private Endpoint[] liveExternal;
    private Endpoint[] liveInside;
    private int naptHead;
    private long now;
    private long step;
    private long naptStep;
    private int seed = 0x2545F491;
    private int nextHost;

    @Setup(Level.Iteration)
    public void fill() {
        now = 1_000_000;
        long delay = SwitchConfig.DEFAULT_PORT_REUSE_DELAY_SECONDS * 1000L;
        ports = new PortAllocator(1024, 65535, delay, NaptAllocator.SETTLE_MS, new SplittableRandom(1));
        live = new int[(int) (ports.capacity() * occupancy)];
        livePreferred = new int[live.length];
        for (int i = 0; i < live.length; i++) {
            livePreferred[i] = randomPort();
            live[i] = ports.allocate(i, livePreferred[i], now);
        }
        step = cooledHalf(delay, ports.capacity() - live.length);
        head = 0;
        List<IPv4Address> addresses = new java.util.ArrayList<>();
        for (int a = 1; a <= 16; a++) {
            addresses.add(IPv4Address.of("203.0.113." + a));
        }
        napt = new NaptAllocator(addresses, PortRange.DEFAULT, delay, new SplittableRandom(2));
        liveExternal = new Endpoint[(int) (64512 * 16 * occupancy)];
        liveInside = new Endpoint[liveExternal.length];
        for (int i = 0; i < liveExternal.length; i++) {
            liveInside[i] = newInside();
            liveExternal[i] = napt.allocate(Protocol.UDP, liveInside[i], now).orElseThrow();
        }
        naptStep = cooledHalf(delay, 64512 * 16 - liveExternal.length);
        naptHead = 0;
    }

    @Benchmark
    public int portAllocator() {
        now += step;
        ports.release(live[head], PortAllocator.owner(head, livePreferred[head]), now);
        livePreferred[head] = randomPort();
        int port = ports.allocate(head, livePreferred[head], now);
        live[head] = port;
        head = head + 1 == live.length ? 0 : head + 1;
        return port;
    }

    @Benchmark
    public Optional<Endpoint> naptAllocator() {
        now += naptStep;
        napt.release(Protocol.UDP, liveExternal[naptHead], liveInside[naptHead], now);
        liveInside[naptHead] = newInside();
        Optional<Endpoint> e = napt.allocate(Protocol.UDP, liveInside[naptHead], now);
        liveExternal[naptHead] = e.orElseThrow();
        naptHead = naptHead + 1 == liveExternal.length ? 0 : naptHead + 1;
        return e;
    }

    /** Milliseconds per operation so that about half of {@code notInUse} ports are cooling. */
    private static long cooledHalf(long delay, int notInUse) {
        return Math.max(1, (2 * delay + notInUse - 1) / notInUse);
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
