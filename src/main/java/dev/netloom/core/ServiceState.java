package dev.netloom.core;

/** NEW → STARTING → RUNNING → STOPPING → STOPPED, or FAILED (with a cause) from STARTING or RUNNING. */
public enum ServiceState {
    NEW, STARTING, RUNNING, STOPPING, STOPPED, FAILED;

    /** True once the instance can never run again (an instance is used once). */
    public boolean finished() {
        return this == STOPPED || this == FAILED;
    }
}
