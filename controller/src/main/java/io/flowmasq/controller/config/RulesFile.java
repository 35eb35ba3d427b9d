package io.flowmasq.controller.config;

import com.google.gson.JsonElement;
import io.flowmasq.controller.nat.rules.RuleNumbers;
import io.flowmasq.flowcompiler.rules.Rule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.projectfloodlight.openflow.types.DatapathId;

/**
 * The file {@code rulesFile} names: the rule chains as the last runtime change left them. Read once at start
 * (its chains replace the config file's), written after every runtime change, atomically: a temp file in the
 * same directory, forced to disk, renamed over the old one, so a crash leaves the old file or the new one.
 */
public final class RulesFile {
    private RulesFile() {
    }

    /**
     * {@code validated} with the chains of its rules file in place of the config file's, the file's warnings
     * added and one note per switch whose chain came from it; unchanged when no rules file is configured or
     * it does not exist yet. ConfigException naming the file and the JSON path when it cannot be used.
     */
    static ValidatedConfig apply(ValidatedConfig validated) throws ConfigException {
        FlowmasqConfig config = validated.config();
        if (config.rulesFile().isEmpty()) {
            return validated;
        }
        Path file = config.rulesFile().get();
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return validated; // the first start: the config file's chains
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e + ")");
        }
        String label = file.toString();
        JsonElement root = ConfigLoader.syntax(json, label);
        Problems problems = new Problems();
        // numbers after every config rule, so the file's rules never share a cookie with one
        RuleNumbers numbers = RuleNumbers.after(config.switches().stream().flatMap(s -> s.rules().stream()).toList());
        Map<DatapathId, List<Rule>> chains = RulesFileJson.read(root, config, numbers, problems);
        if (!problems.errors().isEmpty()) {
            throw new ConfigException(problems.errorEntries().stream().map(p -> labelled(label, p)).toList());
        }
        List<String> warnings = new ArrayList<>(validated.warnings());
        problems.warnings().forEach(w -> warnings.add(label + ": " + w));
        List<String> notes = new ArrayList<>(validated.notes());
        List<SwitchConfig> switches = new ArrayList<>();
        for (SwitchConfig s : config.switches()) {
            List<Rule> rules = chains.get(s.dpid());
            if (rules == null) {
                switches.add(s);
            } else {
                switches.add(s.withRules(rules));
                notes.add("switch " + s.dpid() + " (" + s.name() + "): " + rules.size() + " rule(s) from " + label
                        + " instead of the config file's");
            }
        }
        return new ValidatedConfig(config.withSwitches(switches), warnings, notes);
    }

    /** Writes the chains, atomically. */
    public static void write(Path file, Map<DatapathId, List<Rule>> chains) throws IOException {
        write(file, RulesFileJson.write(chains), temp -> { });
    }

    /**
     * Writes {@code text} to a temp file next to {@code file}, forces it to disk, hands it to
     * {@code beforeRename} (tests look at the moment between) and renames it over {@code file}.
     */
    static void write(Path file, String text, Consumer<Path> beforeRename) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            beforeRename.accept(temp);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING); // same directory: not expected
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        forceDirectory(dir);
    }

    /** The rename itself reaches the disk with the directory; best effort (not every platform allows it). */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // the rename is atomic regardless; only its durability across a power loss is at stake
        }
    }

    private static String labelled(String label, Problems.Problem p) {
        return label + ": " + (p.path().isEmpty() ? "" : p.path() + ": ") + p.problem();
    }
}
