package io.flowmasq.bench.memory;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.flowmasq.bench.Args;
import io.flowmasq.bench.loadgen.BenchConfig;
import io.flowmasq.bench.loadgen.EmulatedSwitch;
import io.flowmasq.bench.loadgen.FirstPackets;
import io.flowmasq.bench.loadgen.FlowSource;
import io.flowmasq.controller.config.ConfigLoader;
import io.flowmasq.controller.config.SwitchConfig;
import io.flowmasq.controller.metrics.BindingLog;
import io.flowmasq.controller.metrics.BindingRecorder;
import io.flowmasq.controller.metrics.FlowmasqMetrics;
import io.flowmasq.controller.nat.BindingIds;
import io.flowmasq.controller.nat.NatEngine;
import io.flowmasq.flowcompiler.Cookies;
import io.flowmasq.flowcompiler.FlowCompiler;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.openjdk.jol.info.GraphLayout;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

/**
 * Heap per binding: one switch's engine, wired as the controller wires it (binding recorder, metrics),
 * is fed the load generator's first packets until it holds each of {@code --counts} bindings; the heap
 * in use after full GCs, less the heap before the first binding (the engine with its empty port
 * allocators), divided by the bindings. JOL's walk of the binding table at the first count cross-checks
 * the figure with the exact size of the objects the table reaches.
 */
public final class HeapPerBinding {
    private HeapPerBinding() {
    }

    public static void main(String[] argv, int from) throws Exception {
        Args a = new Args(argv, from, Set.of("counts", "public-addresses", "of", "out", "jol-max"), Set.of());
        int[] counts = Arrays.stream(a.get("counts", "100000,1000000").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int publicAddresses = a.getInt("public-addresses", 16);
        OFFactory factory = OFFactories.getFactory(a.get("of", "1.3").equals("1.0") ? OFVersion.OF_10
                : OFVersion.OF_13);
        SwitchConfig config = ConfigLoader.parse(BenchConfig.json(1, publicAddresses, "127.0.0.1", 0, 0))
                .switches().get(0);
        FlowmasqMetrics metrics = new FlowmasqMetrics();
        NatEngine engine = new NatEngine(config, FlowCompiler.forFactory(factory), name -> { }, new BindingIds(),
                new BindingRecorder(config, metrics, BindingLog.disabled()));
        long now = 1_000_000;
        engine.onConnect(now);
        engine.onPacketIn(packetIn(factory, EmulatedSwitch.OUTSIDE_PORT, FirstPackets.arpReply(
                BenchConfig.NEXT_HOP_MAC, BenchConfig.NEXT_HOP, BenchConfig.outsideMac(0),
                BenchConfig.PUBLIC_ADDRESS)), now);
        long base = usedAfterGc();
        FlowSource flows = new FlowSource(4096, FlowSource.Mix.MIXED, BenchConfig.insideMac(0));
        JsonArray points = new JsonArray();
        long k = 0;
        for (int count : counts) {
            for (; k < count; k++) {
                engine.onPacketIn(packetIn(factory, EmulatedSwitch.INSIDE_PORT, flows.frame(k, (int) k)), now);
            }
            if (engine.bindings().size() != count) {
                throw new IllegalStateException("expected " + count + " bindings, engine has "
                        + engine.bindings().size());
            }
            long used = usedAfterGc();
            JsonObject p = new JsonObject();
            p.addProperty("bindings", count);
            p.addProperty("heap_delta_bytes", used - base);
            p.addProperty("bytes_per_binding", (double) (used - base) / count);
            if (count <= a.getInt("jol-max", 100_000)) {
                GraphLayout layout = GraphLayout.parseInstance(engine.bindings());
                p.addProperty("jol_table_bytes", layout.totalSize());
                p.addProperty("jol_table_bytes_per_binding", (double) layout.totalSize() / count);
                p.addProperty("jol_table_objects", layout.totalCount());
            }
            System.err.printf("%d bindings: %.0f bytes/binding (heap delta after GC)%n", count,
                    (double) (used - base) / count);
            points.add(p);
        }
        JsonObject out = new JsonObject();
        out.addProperty("of_version", factory.getVersion() == OFVersion.OF_13 ? "1.3" : "1.0");
        out.addProperty("filtering", config.filtering().toString());
        out.addProperty("public_addresses", publicAddresses);
        out.addProperty("engine_base_bytes", base);
        out.addProperty("max_heap_bytes", Runtime.getRuntime().maxMemory());
        out.addProperty("gc", ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        out.add("points", points);
        String text = new GsonBuilder().setPrettyPrinting().create().toJson(out);
        System.out.println(text);
        if (a.get("out", null) != null) {
            Files.writeString(Path.of(a.get("out", null)), text + "\n");
        }
        if (engine.bindings().size() == 0) {
            throw new IllegalStateException("unreachable: keeps the engine alive to here");
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static OFPacketIn packetIn(OFFactory factory, int port, byte[] frame) {
        OFPacketIn.Builder b = factory.buildPacketIn().setBufferId(OFBufferId.NO_BUFFER).setTotalLen(frame.length)
                .setReason(OFPacketInReason.ACTION).setData(frame);
        if (factory.getVersion() == OFVersion.OF_10) {
            b.setInPort(OFPort.of(port));
        } else {
            b.setMatch(factory.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(port)).build())
                    .setTableId(TableId.of(0)).setCookie(Cookies.PIPELINE);
        }
        return b.build();
    }
}
