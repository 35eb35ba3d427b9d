package io.flowmasq.natctl;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * natctl: manage a running flowmasq controller through its REST API, the way conntrack and ipnatadm
 * manage a kernel NAT. Tables for people, {@code --json} for scripts, exit codes scripts can trust.
 */
@Command(name = "natctl", mixinStandardHelpOptions = true, version = "natctl 0.1.0",
        description = "Inspect and manage the NAT bindings and rules of a flowmasq controller.",
        subcommands = {BindingsCommand.class, ShowCommand.class, DeleteCommand.class, AddCommand.class,
                RulesCommand.class, SwitchesCommand.class, StatsCommand.class, WatchCommand.class, HealthCommand.class,
                ConfigCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:the controller refused the request (bad input) or failed",
                "2:bad command line",
                "3:no such binding, rule or switch",
                "4:controller unreachable, or the switch concerned is unavailable (HTTP 503)",
                "5:not authorized (missing or wrong API token)",
                "6:conflict with an existing binding or rule"},
        footer = {"%nEnvironment:", "  FLOWMASQ_URL        default for --url",
                "  FLOWMASQ_API_TOKEN  default for --token"})
public final class Natctl {
    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    @Option(names = "--url", paramLabel = "URL", description = "the controller's REST API (default: "
            + "$FLOWMASQ_URL or " + DEFAULT_URL + ")")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API bearer token (default: $FLOWMASQ_API_TOKEN)")
    String token;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "15",
            description = "how long to wait for the controller (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final java.util.Map<String, String> env;

    Natctl(java.util.Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /** Runs natctl; returns the exit code. Separate from main so tests run the real CLI in-process. */
    static int run(String[] args, PrintWriter out, PrintWriter err, java.util.Map<String, String> env) {
        CommandLine cli = new CommandLine(new Natctl(env));
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, arguments) -> {
            err.println("natctl: " + e.getMessage());
            err.println("Try 'natctl --help' or 'natctl help COMMAND'.");
            return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ApiException api) {
                err.println("natctl: " + api.getMessage());
                return api.exitCode();
            }
            if (e instanceof CommandLine.ParameterException p) {
                err.println("natctl: " + p.getMessage());
                return commandLine.getCommandSpec().exitCodeOnInvalidInput();
            }
            err.println("natctl: " + e);
            return ApiException.EXIT_API_ERROR;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    ApiClient client() {
        String base = url != null ? url : env.getOrDefault("FLOWMASQ_URL", DEFAULT_URL);
        String bearer = token != null ? token : env.get("FLOWMASQ_API_TOKEN");
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url: not a URL: " + base);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url: expected http://HOST:PORT, got "
                    + base);
        }
        if (timeoutSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout: must be at least 1 second");
        }
        return new ApiClient(uri, bearer == null || bearer.isEmpty() ? null : bearer, Duration.ofSeconds(timeoutSeconds));
    }
}
