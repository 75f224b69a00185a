package io.sessionservice.store.redis;

import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Standalone Redis: {@code session.lua} keeps the index and the per-user cap, so each operation is one command. */
final class ScriptUserIndex implements UserIndexStrategy {

    private final SessionScript script;
    private final Clock clock;

    ScriptUserIndex(SessionScript script, Clock clock) {
        this.script = script;
        this.clock = clock;
    }

    @Override
    public boolean insert(Session s, int maxSessionsPerUser) {
        return script.insert(s, "", maxSessionsPerUser);
    }

    @Override
    public List<Session> page(String userId, PageStart start, int limit) {
        List<?> reply = script.userPage(userId, start, limit);
        List<Session> found = new ArrayList<>();
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            Session s = SessionHash.parse((String) reply.get(i), SessionHash.toMap((List<?>) reply.get(i + 1)),
                    clock.millis());
            if (s != null) {
                found.add(s);
            }
        }
        return found;
    }

    @Override
    public int deleteAll(String userId) {
        return script.userDelete(userId);
    }
}
