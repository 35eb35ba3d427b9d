package io.flowmasq.bench;

import io.flowmasq.bench.loadgen.LoadGenerator;
import java.util.Arrays;

/** {@code java -jar flowmasq-bench.jar COMMAND [options]}; see bench/README.md. */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: flowmasq-bench loadgen|jmh|memory|reactive|fuzz [options]");
            System.exit(2);
        }
        switch (args[0]) {
            case "loadgen" -> LoadGenerator.main(args, 1);
            case "reactive" -> io.flowmasq.bench.reactive.ReactiveController.main(args, 1);
            case "fuzz" -> io.flowmasq.bench.fuzz.FuzzMain.main(args, 1);
            case "memory" -> io.flowmasq.bench.memory.HeapPerBinding.main(args, 1);
            case "jmh" -> org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }
}
