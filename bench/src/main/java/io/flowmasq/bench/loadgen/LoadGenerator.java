package io.flowmasq.bench.loadgen;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.flowmasq.bench.Args;
import io.flowmasq.controller.Controller;
import io.flowmasq.controller.config.ConfigLoader;
import io.flowmasq.controller.openflow.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * cbench for flowmasq: N emulated switches against the real controller (started in this JVM, or the
 * jar in its own JVM), fixed-duration rounds after a warm-up, bindings per second per round and the
 * packet-in → packet-out latency of the measured rounds.
 */
public final class LoadGenerator {
    static final Set<String> OPTIONS = Set.of("of", "switches", "mode", "window", "warmup", "rounds", "seconds",
            "hosts", "mix", "max-table", "public-addresses", "controller", "java-opts", "out", "label",
            "threads", "gc-log");
    static final Set<String> FLAGS = Set.of("buffered");

    private LoadGenerator() {
    }

    public static void main(String[] argv, int from) throws Exception {
        Args a = new Args(argv, from, OPTIONS, FLAGS);
        OFVersion version = switch (a.get("of", "1.3")) {
            case "1.3" -> OFVersion.OF_13;
            case "1.0" -> OFVersion.OF_10;
            default -> throw new IllegalArgumentException("--of 1.3 or 1.0");
        };
        int switches = a.getInt("switches", 1);
        String mode = a.get("mode", "throughput");
        int window = mode.equals("latency") ? 1 : a.getInt("window", 64);
        double warmup = a.getDouble("warmup", 2);
        int rounds = a.getInt("rounds", 3);
        double seconds = a.getDouble("seconds", 3);
        int hosts = a.getInt("hosts", 4096);
        FlowSource.Mix mix = FlowSource.Mix.valueOf(a.get("mix", "mixed").toUpperCase(Locale.ROOT));
        int maxTable = a.getInt("max-table", 0);
        int publicAddresses = a.getInt("public-addresses", 16);
        String controller = a.get("controller", "inproc");
        String label = a.get("label", String.format("OF%s %d switch%s %s", a.get("of", "1.3"), switches,
                switches == 1 ? "" : "es", mode));
        int threads = a.getInt("threads", 1);

        int restPort = freePort();
        int ofPort = controller.equals("inproc") ? 0 : freePort();
        String json = BenchConfig.json(switches, publicAddresses, "127.0.0.1", ofPort, restPort);
        String gcLog = a.get("gc-log", null);
        String javaOpts = a.get("java-opts", "");
        if (gcLog != null) {
            if (controller.equals("inproc")) {
                throw new IllegalArgumentException("--gc-log needs --controller JAR (the controller's JVM alone)");
            }
            Files.deleteIfExists(Path.of(gcLog));
            javaOpts += " -Xlog:gc,gc+phases:file=" + gcLog + ":timemillis,uptime";
        }
        ControllerUnderTest cut = controller.equals("inproc")
                ? ControllerUnderTest.inProcess(ConfigLoader.parse(json))
                : ControllerUnderTest.jar(Path.of(controller), json, ofPort, javaOpts);
        JsonObject result;
        try {
            result = run(cut.openflow(), version, switches, window, buffered(a), maxTable, hosts, mix, warmup,
                    rounds, seconds, threads);
            result.addProperty("label", label);
            result.addProperty("mode", mode);
            result.addProperty("controller", controller.equals("inproc") ? "in-process" : "jar");
            result.add("controller_metrics", controllerSetup(restPort));
        } finally {
            cut.close();
        }
        if (gcLog != null) {
            result.addProperty("controller_java_opts", javaOpts.trim());
            result.add("gc", GcLog.pauses(Path.of(gcLog), result.get("measured_from_ms").getAsLong(),
                    result.get("measured_to_ms").getAsLong()));
        }
        String text = new GsonBuilder().setPrettyPrinting().create().toJson(result);
        System.out.println(text);
        String out = a.get("out", null);
        if (out != null) {
            Files.writeString(Path.of(out), text + "\n");
        }
    }

    private static boolean buffered(Args a) {
        return a.flag("buffered");
    }

    static JsonObject run(InetSocketAddress address, OFVersion version, int switches, int window, boolean buffered,
                          int maxTable, int hosts, FlowSource.Mix mix, double warmup, int rounds, double seconds,
                          int threads) throws Exception {
        NettyTransport transport = NettyTransport.best();
        EventLoopGroup group = transport.eventLoopGroup(threads);
        List<EmulatedSwitch> emulated = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < switches; i++) {
                EmulatedSwitch sw = new EmulatedSwitch(new EmulatedSwitch.Setup(BenchConfig.dpid(i), version, window,
                        buffered, maxTable, new FlowSource(hosts, mix, BenchConfig.insideMac(i)),
                        BenchConfig.NEXT_HOP, BenchConfig.NEXT_HOP_MAC, BenchConfig.PUBLIC_ADDRESS,
                        BenchConfig.outsideMac(i)), System::nanoTime);
                emulated.add(sw);
                channels.add(new Bootstrap().group(group).channel(transport.clientChannel())
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535, 2, 2, -4, 0), sw);
                            }
                        }).connect(address).sync().channel());
            }
            CompletableFuture.allOf(emulated.stream().map(EmulatedSwitch::ready).toArray(CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);
            emulated.forEach(EmulatedSwitch::start);
            sleep(warmup);
            JsonArray perRound = new JsonArray();
            emulated.forEach(s -> s.recording(true));
            long measuredFrom = System.currentTimeMillis();
            long first = total(emulated);
            long started = System.nanoTime();
            long before = first;
            long t0 = started;
            for (int r = 0; r < rounds; r++) {
                sleep(seconds);
                long after = total(emulated);
                long t1 = System.nanoTime();
                perRound.add((after - before) * 1e9 / (t1 - t0));
                System.err.printf(Locale.ROOT, "round %d: %.0f bindings/s%n", r + 1, (after - before) * 1e9 / (t1 - t0));
                before = after;
                t0 = t1;
            }
            emulated.forEach(s -> s.recording(false));
            long measuredTo = System.currentTimeMillis();
            long measured = before - first;
            double elapsed = (t0 - started) / 1e9;
            emulated.forEach(EmulatedSwitch::stop);
            Thread.sleep(300);
            Histogram latency = new Histogram(3_600_000_000_000L, 3);
            int lost = 0;
            for (EmulatedSwitch s : emulated) {
                latency.add(s.latency().get(5, TimeUnit.SECONDS));
                lost += s.outstanding().get(5, TimeUnit.SECONDS);
            }
            JsonObject out = new JsonObject();
            out.addProperty("of_version", version == OFVersion.OF_13 ? "1.3" : "1.0");
            out.addProperty("switches", switches);
            out.addProperty("window", window);
            out.addProperty("buffered", buffered);
            out.addProperty("mix", mix.name().toLowerCase(Locale.ROOT));
            out.addProperty("inside_hosts", hosts);
            out.addProperty("max_table", maxTable);
            out.addProperty("generator_transport", transport.toString());
            out.addProperty("warmup_s", warmup);
            out.addProperty("round_s", seconds);
            out.add("rounds", perRound);
            out.addProperty("bindings_per_s", measured / elapsed);
            out.addProperty("bindings_total", total(emulated));
            out.addProperty("dropped", emulated.stream().mapToLong(EmulatedSwitch::dropped).sum());
            out.addProperty("unmatched", emulated.stream().mapToLong(EmulatedSwitch::unmatched).sum());
            out.addProperty("expired_by_generator", emulated.stream().mapToLong(EmulatedSwitch::expired).sum());
            out.addProperty("unanswered_at_end", lost);
            out.add("latency_us", percentiles(latency));
            out.addProperty("measured_from_ms", measuredFrom);
            out.addProperty("measured_to_ms", measuredTo);
            return out;
        } finally {
            for (Channel c : channels) {
                c.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    static JsonObject percentiles(Histogram h) {
        JsonObject o = new JsonObject();
        o.addProperty("count", h.getTotalCount());
        o.addProperty("mean", h.getMean() / 1000.0);
        o.addProperty("p50", h.getValueAtPercentile(50) / 1000.0);
        o.addProperty("p90", h.getValueAtPercentile(90) / 1000.0);
        o.addProperty("p99", h.getValueAtPercentile(99) / 1000.0);
        o.addProperty("p99_9", h.getValueAtPercentile(99.9) / 1000.0);
        o.addProperty("max", h.getMaxValue() / 1000.0);
        JsonArray curve = new JsonArray();
        for (double p : new double[] {10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99}) {
            JsonArray point = new JsonArray();
            point.add(p);
            point.add(h.getValueAtPercentile(p) / 1000.0);
            curve.add(point);
        }
        o.add("curve", curve);
        return o;
    }

    /** The controller's own packet-in → answer-queued histogram (Prometheus buckets), from its /metrics. */
    static JsonObject controllerSetup(int restPort) {
        JsonObject o = new JsonObject();
        try {
            HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
            String text = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            JsonArray buckets = new JsonArray();
            double count = 0;
            double sum = 0;
            java.util.TreeMap<Double, Double> cumulative = new java.util.TreeMap<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("flowmasq_binding_setup_seconds_bucket")) {
                    int le = line.indexOf("le=\"");
                    String bound = line.substring(le + 4, line.indexOf('"', le + 4));
                    double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    double b = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
                    cumulative.merge(b, v, Double::sum);
                } else if (line.startsWith("flowmasq_binding_setup_seconds_count")) {
                    count += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith("flowmasq_binding_setup_seconds_sum")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            cumulative.forEach((b, v) -> {
                JsonArray p = new JsonArray();
                p.add(b.isInfinite() ? "+Inf" : String.valueOf(b));
                p.add(v);
                buckets.add(p);
            });
            o.addProperty("packet_ins", count);
            o.addProperty("mean_us", count == 0 ? 0 : sum / count * 1e6);
            o.addProperty("p99_bucket_us", bucketAt(cumulative, count * 0.99) * 1e6);
            o.add("buckets", buckets);
        } catch (IOException | InterruptedException | RuntimeException e) {
            o.addProperty("error", e.toString());
        }
        return o;
    }

    /** The upper bound of the bucket holding the {@code rank}-th observation. */
    private static double bucketAt(java.util.TreeMap<Double, Double> cumulative, double rank) {
        for (var e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                return e.getKey();
            }
        }
        return Double.NaN;
    }

    private static long total(List<EmulatedSwitch> emulated) {
        long sum = 0;
        for (EmulatedSwitch s : emulated) {
            sum += s.answered();
        }
        return sum;
    }

    private static void sleep(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The controller being measured: in this JVM, or the jar in a JVM of its own. */
    interface ControllerUnderTest extends AutoCloseable {
        InetSocketAddress openflow();

        @Override
        void close() throws Exception;

        static ControllerUnderTest inProcess(io.flowmasq.controller.config.FlowmasqConfig config) throws Exception {
            Controller c = Controller.start(config, System::currentTimeMillis);
            return new ControllerUnderTest() {
                @Override
                public InetSocketAddress openflow() {
                    return c.openflowAddress();
                }

                @Override
                public void close() {
                    c.close();
                }
            };
        }

        static ControllerUnderTest jar(Path jar, String json, int ofPort, String javaOpts) throws Exception {
            Path config = Files.createTempFile("flowmasq-bench-", ".json");
            Files.writeString(config, json);
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String o : javaOpts.trim().split("\\s+")) {
                if (!o.isEmpty()) {
                    cmd.add(o);
                }
            }
            cmd.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
            Path log = Files.createTempFile("flowmasq-bench-", ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", ofPort);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try (java.net.Socket s = new java.net.Socket()) {
                    s.connect(address, 500);
                    break;
                } catch (IOException e) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        p.destroyForcibly();
                        throw new IOException("controller did not listen on " + address + "; log " + log, e);
                    }
                    Thread.sleep(100);
                }
            }
            return new ControllerUnderTest() {
                @Override
                public InetSocketAddress openflow() {
                    return address;
                }

                @Override
                public void close() throws Exception {
                    p.destroy();
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor();
                    }
                    Files.deleteIfExists(config);
                    System.err.println("controller log: " + log);
                }
            };
        }
    }
}
