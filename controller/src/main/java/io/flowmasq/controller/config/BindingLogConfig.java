package io.flowmasq.controller.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the binding log (one JSON line per binding created and removed, RFC 6888 section 4) goes and how
 * much of it is kept: files rotate at {@code maxFileMegabytes}, and {@code maxFiles} old files are kept.
 */
public record BindingLogConfig(Path path, int maxFileMegabytes, int maxFiles) {
    public static final int DEFAULT_MAX_FILE_MEGABYTES = 100;
    public static final int DEFAULT_MAX_FILES = 10;

    public BindingLogConfig {
        Objects.requireNonNull(path, "path");
        if (maxFileMegabytes < 1 || maxFileMegabytes > 10_000) {
            throw new IllegalArgumentException("maxFileMegabytes must be 1..10000: " + maxFileMegabytes);
        }
        if (maxFiles < 1 || maxFiles > 1000) {
            throw new IllegalArgumentException("maxFiles must be 1..1000: " + maxFiles);
        }
    }
}
