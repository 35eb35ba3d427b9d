package io.flowmasq.bench.jmh;

import io.flowmasq.controller.nat.Binding;
import io.flowmasq.controller.nat.BindingState;
import io.flowmasq.controller.nat.BindingTable;
import io.flowmasq.flowcompiler.BindingSpec;
import io.flowmasq.flowcompiler.Endpoint;
import io.flowmasq.flowcompiler.L2Hop;
import io.flowmasq.flowcompiler.Protocol;
import io.flowmasq.flowcompiler.RemoteFilter;
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
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Binding lookups in a table of {@code size} bindings from 4096 inside hosts (the load generator's
 * tuples): by inside endpoint (the mapping), the session for a remote (what every new packet-in asks
 * first), by public endpoint, and the inbound filter check. {@code filtering}: {@code eif} bindings have
 * no remote; {@code apdf} (the default, address-and-port-dependent) are sessions with one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BindingLookupBenchmark {
    @Param({"100000"})
    public int size;

    @Param({"apdf", "eif"})
    public String filtering;

    private BindingTable table;
    private Endpoint[] inside;
    private Endpoint[] external;
    private RemoteFilter[] remote;
    private int i;

    @Setup(Level.Trial)
    public void fill() {
        table = new BindingTable();
        inside = new Endpoint[size];
        external = new Endpoint[size];
        remote = new RemoteFilter[size];
        L2Hop in = new L2Hop(OFPort.of(1), MacAddress.of("02:f1:00:00:00:01"), MacAddress.of("02:00:0a:01:00:01"));
        L2Hop out = new L2Hop(OFPort.of(3), MacAddress.of("02:f1:00:00:00:02"), MacAddress.of("02:00:00:00:00:fe"));
        for (int k = 0; k < size; k++) {
            inside[k] = new Endpoint(IPv4Address.of((10 << 24) | (1 << 16) | (1 + k % 4096)), 1024 + k / 4096);
            external[k] = new Endpoint(IPv4Address.of("203.0.113." + (1 + k % 16)), 1024 + k / 16);
            remote[k] = filtering.equals("eif") ? null
                    : new RemoteFilter(IPv4Address.of((198 << 24) | (51 << 16) | (100 << 8) | (1 + k % 250)), 443);
            table.add(new Binding(new BindingSpec(k + 1, Protocol.TCP, inside[k], external[k], in, out, 240,
                    remote[k]), 0, BindingState.TRANSITORY));
        }
        i = 0;
    }

    private int next() {
        i = (i + 7919) % size; // a prime stride: no locality between consecutive lookups
        return i;
    }

    @Benchmark
    public Optional<Binding> session() {
        int k = next();
        return table.session(Protocol.TCP, inside[k], remote[k]);
    }

    @Benchmark
    public Optional<Binding> byInside() {
        return table.byInside(Protocol.TCP, inside[next()]);
    }

    @Benchmark
    public Optional<Binding> inboundFilter() {
        int k = next();
        Endpoint source = remote[k] == null ? Endpoint.of("198.51.100.1", 443)
                : new Endpoint(remote[k].address(), remote[k].port());
        return table.forInbound(Protocol.TCP, external[k], source);
    }

    @Benchmark
    public Optional<Binding> missingSession() {
        int k = next();
        return table.session(Protocol.UDP, inside[k], remote[k]);
    }
}
