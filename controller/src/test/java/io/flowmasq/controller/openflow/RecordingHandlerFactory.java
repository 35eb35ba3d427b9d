package io.flowmasq.controller.openflow;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** A SwitchHandlerFactory whose handlers record every call. */
final class RecordingHandlerFactory implements SwitchHandlerFactory {
    final List<RecordingHandler> handlers = new ArrayList<>();

    @Override
    public SwitchHandler connected(SwitchConnection connection, OFFeaturesReply features) {
        RecordingHandler handler = new RecordingHandler(connection, features);
        handlers.add(handler);
        return handler;
    }

    RecordingHandler only() {
        if (handlers.size() != 1) {
            throw new AssertionError("expected exactly one connected switch, got " + handlers.size());
        }
        return handlers.get(0);
    }

    static final class RecordingHandler implements SwitchHandler {
        final SwitchConnection connection;
        final OFFeaturesReply features;
        final List<OFMessage> messages = new ArrayList<>();
        /** onMessage throws on the messages this matches. */
        Predicate<OFMessage> throwOn = m -> false;
        int ticks;
        int disconnects;

        RecordingHandler(SwitchConnection connection, OFFeaturesReply features) {
            this.connection = connection;
            this.features = features;
        }

        @Override
        public void onMessage(OFMessage message) {
            messages.add(message);
            if (throwOn.test(message)) {
                throw new IllegalStateException("handler bug (test)");
            }
        }

        @Override
        public void onTick() {
            ticks++;
        }

        @Override
        public void onDisconnect() {
            disconnects++;
        }
    }
}
