package io.flowmasq.controller;

import io.flowmasq.controller.config.ConfigException;
import io.flowmasq.controller.config.ConfigLoader;
import io.flowmasq.controller.config.FlowmasqConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Command line entry: {@code flowmasq --config FILE} runs the controller,
 * {@code flowmasq --check-config FILE} only validates (exit 0, or 2 with every error named).
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE_OR_CONFIG = 2;

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != EXIT_OK) {
            System.exit(code);
        }
    }

    /** Returns an exit code; when the controller starts, returns only after it has stopped. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(usage());
            return EXIT_OK;
        }
        if (args.length != 2 || !(args[0].equals("--config") || args[0].equals("--check-config"))) {
            err.println(usage());
            return EXIT_USAGE_OR_CONFIG;
        }
        Path file = Path.of(args[1]);
        if (!Files.isReadable(file)) {
            err.println(file + ": cannot read the configuration file");
            return EXIT_USAGE_OR_CONFIG;
        }
        FlowmasqConfig config;
        try {
            config = ConfigLoader.load(file);
        } catch (ConfigException e) {
            err.println(file + ": " + e.errors().size() + " error(s)");
            e.errors().forEach(msg -> err.println("  " + msg));
            return EXIT_USAGE_OR_CONFIG;
        }
        if (args[0].equals("--check-config")) {
            out.println(file + ": OK (" + config.switches().size() + " switch(es))");
            return EXIT_OK;
        }
        try (Controller controller = Controller.start(config, System::currentTimeMillis)) {
            controller.awaitShutdown();
            return EXIT_OK;
        } catch (Exception e) {
            err.println("flowmasq failed: " + e);
            return EXIT_FAILURE;
        }
    }

    private static String usage() {
        return "usage: flowmasq --config FILE        run the controller\n"
                + "       flowmasq --check-config FILE  validate FILE and exit (0 = valid, 2 = errors)";
    }
}
