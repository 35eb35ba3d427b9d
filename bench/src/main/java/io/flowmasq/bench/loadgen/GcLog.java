package io.flowmasq.bench.loadgen;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stop-the-world pauses in a unified GC log ({@code -Xlog:gc:file=F:timemillis,uptime}) between two
 * wall-clock instants: every "Pause ..." line (G1 young, mixed, remark, cleanup, full; ZGC's pause
 * phases), with its duration.
 */
final class GcLog {
    private static final Pattern STAMP = Pattern.compile("\\[(\\d{12,})ms\\]");
    private static final Pattern PAUSE = Pattern.compile("(Pause [A-Za-z ]+(?:\\([A-Za-z ]+\\))?).*?([0-9.]+)ms\\s*$");

    private GcLog() {
    }

    static JsonObject pauses(Path log, long fromMs, long toMs) throws IOException {
        List<Double> pauses = new ArrayList<>();
        JsonArray longest = new JsonArray();
        List<String> lines = Files.readAllLines(log);
        List<String[]> kinds = new ArrayList<>();
        for (String line : lines) {
            Matcher stamp = STAMP.matcher(line);
            Matcher m = PAUSE.matcher(line);
            if (!stamp.find() || !m.find()) {
                continue;
            }
            long at = Long.parseLong(stamp.group(1));
            if (at < fromMs || at > toMs) {
                continue;
            }
            double ms = Double.parseDouble(m.group(2));
            pauses.add(ms);
            kinds.add(new String[] {m.group(1).trim(), String.valueOf(ms)});
        }
        JsonObject o = new JsonObject();
        o.addProperty("log", log.toString());
        o.addProperty("window_s", (toMs - fromMs) / 1000.0);
        o.addProperty("pauses", pauses.size());
        o.addProperty("total_ms", pauses.stream().mapToDouble(Double::doubleValue).sum());
        o.addProperty("over_10ms", pauses.stream().filter(p -> p > 10).count());
        List<Double> sorted = new ArrayList<>(pauses);
        Collections.sort(sorted);
        o.addProperty("max_ms", sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1));
        o.addProperty("p50_ms", sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2));
        o.addProperty("p99_ms", sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1,
                Math.ceil(sorted.size() * 0.99) - 1)));
        kinds.sort((x, y) -> Double.compare(Double.parseDouble(y[1]), Double.parseDouble(x[1])));
        for (String[] k : kinds.subList(0, Math.min(5, kinds.size()))) {
            longest.add(k[0] + " " + k[1] + " ms");
        }
        o.add("longest", longest);
        return o;
    }
}
