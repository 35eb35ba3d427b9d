package io.flowmasq.natctl;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code natctl watch}: one line of live figures per interval, like vmstat. */
@Command(name = "watch", description = "Print live counters every interval (bindings, packet-ins/s, created/s, "
        + "expired/s, refused/s); with --json, one stats document per line.")
final class WatchCommand extends NatctlCommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Option(names = {"--interval", "-i"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "seconds between lines (default: ${DEFAULT-VALUE})")
    double interval;
    @Option(names = {"--count", "-n"}, paramLabel = "N", defaultValue = "0",
            description = "stop after N lines (default: run until interrupted)")
    int count;

    @Override
    public Integer call() throws InterruptedException {
        if (interval < 0.1 || count < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--interval must be at least 0.1 and --count not negative");
        }
        ApiClient api = api();
        PrintWriter out = out();
        JsonObject previous = null;
        long previousAt = 0;
        for (int line = 0; count == 0 || line < count; line++) {
            if (line > 0) {
                Thread.sleep((long) (interval * 1000));
            }
            JsonObject stats = api.get("/api/v1/stats", Map.of()).getAsJsonObject();
            long now = System.nanoTime();
            if (json) { // one stats document per line (JSON lines)
                out.println(stats);
                out.flush();
                continue;
            }
            if (line % 20 == 0) {
                out.printf("%-8s %9s %7s %7s %10s %10s %10s %10s%n", "TIME", "BINDINGS", "TCP", "UDP",
                        "PKT-IN/S", "CREATED/S", "EXPIRED/S", "REFUSED/S");
            }
            JsonObject byProtocol = Json.object(stats, "bindings_by_protocol");
            double seconds = previous == null ? 0 : (now - previousAt) / 1e9;
            out.printf(Locale.ROOT, "%-8s %9d %7d %7d %10.1f %10s %10s %10s%n", LocalTime.now().format(TIME),
                    Json.number(stats, "bindings_total", 0), Json.number(byProtocol, "tcp", 0),
                    Json.number(byProtocol, "udp", 0),
                    stats.has("packet_ins_per_second") ? stats.get("packet_ins_per_second").getAsDouble() : 0.0,
                    rate(previous, stats, seconds, "nat.binding_created"),
                    rate(previous, stats, seconds, "nat.binding_expired"),
                    rate(previous, stats, seconds, "nat.allocation_failed"));
            out.flush();
            previous = stats;
            previousAt = now;
        }
        return 0;
    }

    private static String rate(JsonObject before, JsonObject now, double seconds, String counter) {
        if (before == null || seconds <= 0) {
            return "-";
        }
        long delta = Json.number(Json.object(now, "counters"), counter, 0)
                - Json.number(Json.object(before, "counters"), counter, 0);
        return String.format(Locale.ROOT, "%.1f", delta / seconds);
    }
}
