package io.flowmasq.controller.session;

import io.flowmasq.controller.config.RulesFile;
import io.flowmasq.flowcompiler.rules.Rule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.projectfloodlight.openflow.types.DatapathId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the rules file ({@code rulesFile}) in step with the runtime: after each rule change every configured
 * switch's chain is written, on {@code io} (one thread, so writes happen in order and the last one holds the
 * latest chains; never a switch's event loop). A failed write is logged, counted and reported to the caller.
 */
public final class RuleStore {
    private static final Logger LOG = LoggerFactory.getLogger(RuleStore.class);

    /** Writes the chains to the file (atomically in production). */
    @FunctionalInterface
    interface Writer {
        void write(Path file, Map<DatapathId, List<Rule>> chains) throws IOException;
    }

    private final Path file;
    private final Supplier<Map<DatapathId, List<Rule>>> chains;
    private final Executor io;
    private final Writer writer;
    private final Runnable onFailure;

    /** {@code onFailure} counts a failed write. */
    public RuleStore(Path file, SwitchSessions sessions, Executor io, Runnable onFailure) {
        this(file, () -> chains(sessions), io, RulesFile::write, onFailure);
    }

    RuleStore(Path file, Supplier<Map<DatapathId, List<Rule>>> chains, Executor io, Writer writer,
              Runnable onFailure) {
        this.file = file;
        this.chains = chains;
        this.io = io;
        this.writer = writer;
        this.onFailure = onFailure;
    }

    /** Completes with empty once the file holds the current chains, or with the reason it could not be written. */
    CompletableFuture<Optional<String>> save() {
        return CompletableFuture.supplyAsync(this::saveNow, io);
    }

    private Optional<String> saveNow() {
        try {
            writer.write(file, chains.get());
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            onFailure.run();
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.warn("rule change applied but not saved to {}: {}", file, reason);
            return Optional.of(reason);
        }
    }

    /** Every configured switch's chain, in config order (each switch's lock held only for its copy). */
    private static Map<DatapathId, List<Rule>> chains(SwitchSessions sessions) {
        Map<DatapathId, List<Rule>> out = new LinkedHashMap<>();
        for (ManagedSwitch sw : sessions.managed()) {
            out.put(sw.config().dpid(), sw.ruleChain());
        }
        return out;
    }
}
