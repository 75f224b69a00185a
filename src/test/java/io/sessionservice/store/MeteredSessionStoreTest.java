package io.sessionservice.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.StoreUnavailableException;
import io.sessionservice.core.Tokens;
import io.sessionservice.store.memory.MemorySessionStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The service's store decorator: times by operation and outcome, counts errors, and hides nothing of the store. */
class MeteredSessionStoreTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TestClock clock = new TestClock();
    private final StoreOutageLog outages = new StoreOutageLog("memory", clock);

    /** A method added to SessionStore later (a default one above all) must be forwarded, not inherited. */
    @Test
    void everyMethodOfTheStoreInterfaceIsForwarded() throws Exception {
        List<String> inherited = new ArrayList<>();
        for (Method m : SessionStore.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Method own = MeteredSessionStore.class.getMethod(m.getName(), m.getParameterTypes());
            if (own.getDeclaringClass() != MeteredSessionStore.class) {
                inherited.add(m.toString());
            }
        }
        assertEquals(List.of(), inherited, "MeteredSessionStore must override these");
    }

    @Test
    void timesByOperationAndOutcomeAndCountsFailures() {
        try (SessionStore store = new MeteredSessionStore(new MemorySessionStore(clock), outages, registry)) {
            var s = StoreOutageContract.outageSession("u-1");
            assertTrue(store.insert(s));
            store.find(s.token(), false);
            store.find(Tokens.issue(), true);
            assertEquals(1, timerCount("insert", "ok"));
            assertEquals(2, timerCount("find", "ok"));
            assertEquals(0, registry.get("session_store_errors").tag("operation", "find").counter().count());
        }
        // a store whose backend is gone: every call fails as unavailable
        SessionStore gone = (SessionStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SessionStore.class}, (proxy, method, args) -> {
                    throw new StoreUnavailableException("down", null);
                });
        SessionStore down = new MeteredSessionStore(gone, outages, registry);
        assertThrows(StoreUnavailableException.class, down::ping);
        assertEquals(1, timerCount("ping", "unavailable"));
        assertEquals(1, registry.get("session_store_errors").tag("operation", "ping").counter().count());
        assertTrue(outages.down());
    }

    private long timerCount(String operation, String outcome) {
        return registry.get("session_store_operations").tag("operation", operation).tag("outcome", outcome).timer().count();
    }
}
