package io.flowmasq.controller.session;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on a {@link FakeClock}: {@code schedule} only records the task; {@link #runNext} moves the
 * clock to the earliest task's time and runs it on the test's thread. Only one-shot runnables.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private record Task(long dueAt, long seq, Runnable run) {
    }

    private final FakeClock clock;
    private final List<Task> tasks = new ArrayList<>();
    private long seq;

    ManualScheduler(FakeClock clock) {
        this.clock = clock;
    }

    int pending() {
        return tasks.size();
    }

    /** Runs the earliest task at its time; false when there is none. */
    boolean runNext() {
        if (tasks.isEmpty()) {
            return false;
        }
        Task t = tasks.stream().min(Comparator.comparingLong(Task::dueAt).thenComparingLong(Task::seq)).orElseThrow();
        tasks.remove(t);
        clock.now = Math.max(clock.now, t.dueAt());
        t.run().run();
        return true;
    }

    /** The delay of the earliest task from now (ms). */
    long nextDelay() {
        return tasks.stream().mapToLong(Task::dueAt).min().orElseThrow() - clock.now;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        tasks.add(new Task(clock.now + unit.toMillis(delay), seq++, command));
        return new ScheduledFuture<Object>() {
            @Override
            public long getDelay(TimeUnit u) {
                return 0;
            }

            @Override
            public int compareTo(Delayed o) {
                return 0;
            }

            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                return false;
            }

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public boolean isDone() {
                return false;
            }

            @Override
            public Object get() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Object get(long timeout, TimeUnit u) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
