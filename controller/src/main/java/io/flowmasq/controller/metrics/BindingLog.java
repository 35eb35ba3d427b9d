package io.flowmasq.controller.metrics;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RFC 6888 binding log: one JSON object per line for each binding created and removed, written to a file that
 * rolls over by size and keeps a bounded number of old files ({@link BindingLogSettings}).
 *
 * <p>{@link #record} only puts the event on a bounded queue; one writer thread turns it into JSON and hands it to
 * Logback, so the engine's event loop never waits for the disk. When the queue is full the event is dropped and
 * counted ({@link #droppedEvents()}), with a warning on the application log at the 1st, 2nd, 4th, 8th… drop. We keep
 * our own queue rather than Logback's AsyncAppender because that one drops silently when {@code neverBlock} is set.
 *
 * <p>Logback does the file handling (rollover, reopening, error reporting) in a private {@link LoggerContext}, not
 * the application's: reconfiguring or resetting the application's logging cannot detach this log, and nothing
 * logged elsewhere can land in it. Rollover happens between two events, so a line never spans two files.
 */
public final class BindingLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BindingLog.class);

    static final int QUEUE_CAPACITY = 8192;
    /** How long close() waits for the writer to empty the queue before giving up on the rest. */
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    /** Millisecond precision always, so that every line's time has the same shape for log tools. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Put on the queue by close(): the writer stops when it takes it. Compared by identity. */
    private static final BindingEvent STOP = new BindingEvent(Instant.EPOCH, BindingEvent.CREATED, "", null, 0, "",
            "", 0, "", 0, null, "", null, null, null, null, null, null);

    private final LoggerContext context;           // all null when disabled
    private final ch.qos.logback.classic.Logger out;
    private final ForwardProblems problems;
    private final BlockingQueue<BindingEvent> queue;
    private final Thread writer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();

    private BindingLog(LoggerContext context, ch.qos.logback.classic.Logger out, ForwardProblems problems,
            int capacity) {
        this.context = context;
        this.out = out;
        this.problems = problems;
        if (context == null) {
            this.queue = null;
            this.writer = null;
        } else {
            this.queue = new ArrayBlockingQueue<>(capacity);
            // Daemon: a forgotten close() must not keep the JVM alive; the controller closes the log on shutdown.
            this.writer = new Thread(this::drain, "flowmasq-binding-log");
            this.writer.setDaemon(true);
            this.writer.start();
        }
    }

    /** A log that records nothing, for when no binding log file is configured. */
    public static BindingLog disabled() {
        return new BindingLog(null, null, null, 0);
    }

    /**
     * Opens (appending to) the log file, creating missing parent directories.
     *
     * @throws IllegalStateException if Logback cannot open the file; the message carries Logback's reason
     */
    public static BindingLog open(BindingLogSettings settings) {
        return open(settings, QUEUE_CAPACITY);
    }

    static BindingLog open(BindingLogSettings settings, int queueCapacity) {
        Objects.requireNonNull(settings, "settings");
        String file = settings.file().toAbsolutePath().toString();
        LoggerContext ctx = new LoggerContext();
        ctx.setName("flowmasq-binding-log");
        // Logback's SLF4J provider gives its own context an MDC adapter; a context made by hand needs one too,
        // or every append fails.
        ctx.setMDCAdapter(new LogbackMDCAdapter());
        ForwardProblems problems = new ForwardProblems();
        ctx.getStatusManager().add(problems);
        ctx.start();

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%msg%n");
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();

        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(ctx);
        appender.setName("bindings");
        appender.setFile(file);
        appender.setAppend(true);
        appender.setEncoder(encoder);
        // One write+flush per line: the writer thread absorbs the cost, and a crash loses at most the queue,
        // never half a line; `tail -f` sees each binding at once.
        appender.setImmediateFlush(true);

        WideFixedWindowRollingPolicy rolling = new WideFixedWindowRollingPolicy();
        rolling.setContext(ctx);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(settings.maxHistory());
        rolling.start();

        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(ctx);
        trigger.setMaxFileSize(new FileSize(settings.maxFileBytes()));
        // Logback looks at the file size at most once a minute by default, which lets a busy log grow far past
        // maxFileBytes; one length() per line is cheap next to the write itself.
        trigger.setCheckIncrement(Duration.buildByMilliseconds(0));
        trigger.start();

        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.start();
        if (!appender.isStarted()) {
            String why = ctx.getStatusManager().getCopyOfStatusList().stream()
                    .filter(s -> s.getLevel() >= Status.WARN)
                    .map(Status::getMessage)
                    .reduce((a, b) -> a + "; " + b)
                    .orElse("unknown reason");
            ctx.stop();
            throw new IllegalStateException("cannot open binding log " + file + ": " + why);
        }

        ch.qos.logback.classic.Logger logger = ctx.getLogger("flowmasq.bindings");
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
        logger.addAppender(appender);
        return new BindingLog(ctx, logger, problems, queueCapacity);
    }

    /** False for {@link #disabled()}: callers can skip building events nobody will write. */
    public boolean enabled() {
        return context != null;
    }

    /** Queues the event for writing; never blocks. Events after close() are dropped and counted. */
    public void record(BindingEvent event) {
        Objects.requireNonNull(event, "event");
        if (queue == null) {
            return;
        }
        if (closed.get() || !queue.offer(event)) {
            drop(1);
        }
    }

    /** Events that were not written: queue full, recorded after close(), or failed to format or write. */
    public long droppedEvents() {
        return dropped.get();
    }

    /** Writes what is queued (waiting up to 10 s), then stops the appender, which flushes and closes the file. */
    @Override
    public void close() {
        if (queue == null || !closed.compareAndSet(false, true)) {
            return;
        }
        try {
            queue.put(STOP);
            writer.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Anything still queued (recorded in the race with close(), or left by a writer that did not finish
        // in time) will not be written.
        int left = (int) queue.stream().filter(e -> e != STOP).count();
        if (left > 0) {
            drop(left);
        }
        context.stop();
        if (dropped.get() > 0) {
            log.warn("binding log closed; {} events were dropped in all", dropped.get());
        }
    }

    private void drain() {
        while (true) {
            BindingEvent event;
            try {
                event = queue.take();
            } catch (InterruptedException e) {
                return;   // nobody interrupts this thread; close() uses STOP
            }
            if (event == STOP) {
                return;
            }
            try {
                // Logback catches an appender's failure and reports it only as an error status, which the
                // listener sees on this same thread: an error during this call means the line was not written.
                long errorsBefore = problems.errors();
                out.info(toJson(event));
                if (problems.errors() != errorsBefore) {
                    drop(1);
                }
            } catch (RuntimeException e) {
                log.warn("binding log: could not write an event", e);
                drop(1);
            }
        }
    }

    private void drop(int n) {
        long before = dropped.getAndAdd(n);
        long after = before + n;
        // Warn at each power of two: the first drop is always reported, and an overload cannot flood the log.
        if (Long.highestOneBit(after) > before) {
            log.warn("binding log: {} events dropped so far (queue full, log closed or write failed)", after);
        }
    }

    /** One line of JSON, fields always present (null when unknown) and always in this order. */
    static String toJson(BindingEvent e) {
        StringWriter text = new StringWriter(320);
        try (JsonWriter w = new JsonWriter(text)) {
            w.setSerializeNulls(true);
            w.beginObject();
            w.name("time").value(TIME.format(e.time()));
            w.name("event").value(e.event());
            w.name("switch").value(e.dpid());
            w.name("switch_name").value(e.switchName());
            w.name("binding").value(e.bindingId());
            w.name("protocol").value(e.protocol());
            w.name("inside").value(endpoint(e.insideAddress(), e.insidePort()));
            w.name("public").value(endpoint(e.publicAddress(), e.publicPort()));
            w.name("remote").value(e.remote());
            w.name("origin").value(e.origin());
            w.name("reason").value(e.reason());
            w.name("duration_s").value(e.durationSeconds());
            w.name("packets_out").value(e.packetsOut());
            w.name("bytes_out").value(e.bytesOut());
            w.name("packets_in").value(e.packetsIn());
            w.name("bytes_in").value(e.bytesIn());
            w.endObject();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);   // a StringWriter does not fail
        }
        return text.toString();
    }

    private static String endpoint(String address, int port) {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }

    /** Logback's fixed window stops at 20 files; our settings allow up to {@link BindingLogSettings#MAX_HISTORY}. */
    private static final class WideFixedWindowRollingPolicy extends FixedWindowRollingPolicy {
        @Override
        protected int getMaxWindowSize() {
            return BindingLogSettings.MAX_HISTORY;
        }
    }

    /**
     * Logback reports I/O trouble (disk full, file removed) as status messages; pass those to the application log,
     * and count the errors so that the writer can tell a line was lost.
     */
    private static final class ForwardProblems implements StatusListener {
        private final AtomicLong errors = new AtomicLong();

        long errors() {
            return errors.get();
        }

        @Override
        public void addStatusEvent(Status status) {
            if (status.getLevel() >= Status.ERROR) {
                errors.incrementAndGet();
            }
            if (status.getLevel() >= Status.WARN) {
                log.warn("binding log: {}", status.getMessage(), status.getThrowable());
            }
        }
    }
}
