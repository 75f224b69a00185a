package io.sessionservice.store.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sessionservice.core.Session;
import io.sessionservice.store.SessionStoreContract;
import io.sessionservice.store.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemorySessionStoreTest extends SessionStoreContract {

    @Override
    protected MemorySessionStore openStore(TestClock clock) {
        return new MemorySessionStore(clock);
    }

    @Test
    void expiredSessionsAndTheirIndexEntriesAreRemovedPhysically() throws Exception {
        MemorySessionStore memory = (MemorySessionStore) store;
        for (int i = 0; i < 10; i++) {
            Session s = session(user(), 10 + i, i % 2 == 0);
            memory.insert(s);
        }
        assertEquals(10, memory.liveCount().orElseThrow());
        advance(Duration.ofSeconds(30));
        memory.cleanUp();
        assertEquals(0, memory.liveCount().orElseThrow());
        assertEquals(0, memory.indexedUsers());
    }
}
