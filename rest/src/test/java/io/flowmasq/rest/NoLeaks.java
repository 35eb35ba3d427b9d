package io.flowmasq.rest;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fails a test class whose run left a ByteBuf unreleased. Netty reports a leak (an ERROR starting with
 * "LEAK:") only once the buffer is garbage collected and a later allocation polls the detector, so
 * after the class this collects and allocates until reports would have appeared. Registered for every
 * test class through the ServiceLoader (junit-platform.properties enables autodetection).
 */
public final class NoLeaks implements BeforeAllCallback, AfterAllCallback {
    private static final String APPENDER = "no-leaks";

    @Override
    public void beforeAll(ExtensionContext context) {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(), "surefire sets paranoid");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setName(APPENDER);
        appender.start();
        detectorLogger().addAppender(appender);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterAll(ExtensionContext context) throws InterruptedException {
        Logger logger = detectorLogger();
        ListAppender<ILoggingEvent> appender = (ListAppender<ILoggingEvent>) logger.getAppender(APPENDER);
        try {
            for (int round = 0; round < 3; round++) {
                System.gc();
                Thread.sleep(50);
                for (int i = 0; i < 100; i++) { // each tracked allocation polls the queue of collected buffers
                    ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(16);
                    pooled.release();
                    ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(16);
                    unpooled.release();
                }
            }
            List<String> leaks;
            synchronized (appender) {
                leaks = appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.contains("LEAK")).toList();
            }
            assertEquals(List.of(), leaks, "ByteBufs leaked in " + context.getDisplayName());
        } finally {
            logger.detachAppender(appender);
            appender.stop();
        }
    }

    private static Logger detectorLogger() {
        return (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    }
}
