package io.sessionservice.store.redis;

import io.sessionservice.core.PageStart;
import io.sessionservice.core.Session;
import java.util.List;

/**
 * Who keeps a user's index of sessions: {@code session.lua} itself on standalone Redis
 * ({@link ScriptUserIndex}: one command per operation), the client in Redis Cluster, where a session
 * and its user's index sit in different slots ({@link ClusterUserIndex}).
 */
interface UserIndexStrategy {

    /** Inserts the session unless its token is live, indexing it and ending the user's sessions past the cap. */
    boolean insert(Session s, int maxSessionsPerUser);

    /** One page of the user's live sessions, newest first. */
    List<Session> page(String userId, PageStart start, int limit);

    /** Ends every live session of the user; how many. */
    int deleteAll(String userId);
}
