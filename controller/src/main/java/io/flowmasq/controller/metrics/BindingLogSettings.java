package io.flowmasq.controller.metrics;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the binding log goes and how much of it is kept: the live file rolls over to {@code file.1}, {@code file.2}, …
 * once it reaches {@code maxFileBytes}, and at most {@code maxHistory} rolled files are kept (the oldest is deleted).
 * So the log never takes more than about {@code (maxHistory + 1) * maxFileBytes} of disk.
 */
public record BindingLogSettings(Path file, long maxFileBytes, int maxHistory) {

    public static final long MIN_FILE_BYTES = 1024;
    public static final int MAX_HISTORY = 1000;

    public BindingLogSettings {
        Objects.requireNonNull(file, "file");
        if (maxFileBytes < MIN_FILE_BYTES) {
            throw new IllegalArgumentException("maxFileBytes must be at least " + MIN_FILE_BYTES + ", got " + maxFileBytes);
        }
        if (maxHistory < 1 || maxHistory > MAX_HISTORY) {
            throw new IllegalArgumentException("maxHistory must be 1.." + MAX_HISTORY + ", got " + maxHistory);
        }
    }
}
