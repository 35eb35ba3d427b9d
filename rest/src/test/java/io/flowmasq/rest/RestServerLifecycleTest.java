package io.flowmasq.rest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestServerLifecycleTest {
    private static final RestSettings ANY_PORT = new RestSettings(new InetSocketAddress("127.0.0.1", 0), null);

    private static Set<Thread> restThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("flowmasq-rest-")).collect(Collectors.toSet());
    }

    /** Server threads started after {@code before} that are still alive (given a moment to finish exiting). */
    private static Set<Thread> newThreadsAlive(Set<Thread> before) throws InterruptedException {
        Set<Thread> started = restThreads();
        started.removeAll(before);
        for (Thread t : started) {
            t.join(2_000); // the termination future completes just before the thread exits
        }
        started.removeIf(t -> !t.isAlive());
        return started;
    }

    @Test
    void closeReleasesSocketAndThreads() throws Exception {
        Set<Thread> before = restThreads();
        RestServer server = new RestServer(ANY_PORT, new FakeNatService(), null);
        server.start();
        InetSocketAddress bound = server.boundAddress();
        new Socket(bound.getAddress(), bound.getPort()).close(); // accepting
        server.close();
        server.close(); // idempotent
        assertThrows(IOException.class, () -> new Socket(bound.getAddress(), bound.getPort()).close());
        assertEquals(Set.of(), newThreadsAlive(before), "event loop threads terminated");
        assertEquals(bound, server.boundAddress(), "still reports where it listened");
        assertThrows(IllegalStateException.class, server::start, "not restartable");
    }

    @Test
    void bindFailureIsReportedAndCleansUp() throws Exception {
        try (RestServer first = new RestServer(ANY_PORT, new FakeNatService(), null)) {
            first.start();
            assertThrows(IllegalStateException.class, first::start, "already started");
            Set<Thread> before = restThreads();
            RestServer second = new RestServer(new RestSettings(first.boundAddress(), null), new FakeNatService(), null);
            IllegalStateException e = assertThrows(IllegalStateException.class, second::start);
            assertTrue(e.getMessage().contains(String.valueOf(first.boundAddress().getPort())), e.getMessage());
            assertEquals(Set.of(), newThreadsAlive(before), "failed start shut its groups down");
            assertThrows(IllegalStateException.class, second::boundAddress);
        }
    }

    @Test
    void constructorChecksArguments() {
        assertThrows(NullPointerException.class, () -> new RestServer(null, new FakeNatService(), null));
        assertThrows(NullPointerException.class, () -> new RestServer(ANY_PORT, null, null));
    }
}
