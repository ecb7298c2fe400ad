package dev.netloom.core;

/**
 * A service that looks at the other services of its registry (the {@code admin} listener):
 * {@link ServiceRegistry#start} hands it the registry after building it and before starting it.
 */
public interface RegistryAware {

    /** Called once, before {@link Service#start()}. */
    void registry(ServiceRegistry registry);
}
