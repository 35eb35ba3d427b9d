package io.flowmasq.rest;

/** Liveness and readiness: ready when the engine runs and at least one configured switch is connected. */
public record HealthView(boolean engineRunning, int switchesConfigured, int switchesConnected) {
    public boolean ready() {
        return engineRunning && switchesConnected > 0;
    }
}
