package io.sessionservice.it;

/**
 * A store an IT runs the service on, set up once here and shared by the suites that deploy the WAR
 * ({@link AbstractHttpApiIT}, {@link AbstractFuzzIT}): what to start before the deployment, the config's
 * {@code repository} section, what to stop or remove after it, and how to interrupt it for SPEC §6.
 */
interface ItStore {

    /** Starts an in-JVM store server, or takes what the store needs, before the WAR is deployed. */
    default void start() throws Exception {
    }

    /** The config's {@code repository} section as JSON; after {@link #start()}. */
    String repositoryJson();

    /** After the container is closed: stops what {@link #start()} started, or removes what the run left. */
    default void stop() throws Exception {
    }

    /** Makes the store unreachable while the service runs; false when it cannot (a store outside the test). */
    default boolean interrupt() throws Exception {
        return false;
    }

    /** Undoes {@link #interrupt()}. */
    default void restore() throws Exception {
    }
}
