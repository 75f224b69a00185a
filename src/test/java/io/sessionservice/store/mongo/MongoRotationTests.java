package io.sessionservice.store.mongo;

import static io.sessionservice.testing.TestSessions.newUser;
import static io.sessionservice.testing.TestSessions.parse;
import static io.sessionservice.testing.TestSessions.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.mongodb.MongoWriteException;
import io.sessionservice.core.Mutation;
import io.sessionservice.core.Session;
import io.sessionservice.core.SessionStore;
import io.sessionservice.core.Tokens;
import io.sessionservice.store.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * What the MongoDB layout of issue 13 risks: a session keeps its {@code _id} for life and is found by
 * the token in {@code tokens} (current first, then the grace token), so a rotation is one update in
 * place; documents of earlier versions (token in {@code _id}, no {@code tokens}) are still served.
 */
interface MongoRotationTests {

    SessionStore store();

    TestClock clock();

    MongoSessionStore mongo();

    void advanceClock(Duration d) throws Exception;

    @Test
    default void aRotationRewritesTheTokensOfTheSameDocument() {
        Session s = insert(newUser());
        String next = store().newTokenFor(s.token());
        store().rotate(s.token(), next, null).orElseThrow();
        assertEquals(1, mongo().collection().countDocuments(new Document("_id", s.token())), "the _id stays");
        Document raw = raw(s);
        assertEquals(List.of(next), raw.getList(SessionDocuments.TOKENS, String.class));
        assertFalse(raw.containsKey(SessionDocuments.GRACE_UNTIL));

        Instant until = clock().instant().plusSeconds(30);
        String third = store().newTokenFor(next);
        store().rotate(next, third, until).orElseThrow();
        raw = raw(s);
        assertEquals(List.of(third, next), raw.getList(SessionDocuments.TOKENS, String.class), "current first, then the grace token");
        assertEquals(Date.from(until), raw.getDate(SessionDocuments.GRACE_UNTIL));
    }

    @Test
    default void noTokenIsInTwoDocuments() {
        Session s = insert(null);
        String next = store().newTokenFor(s.token());
        store().rotate(s.token(), next, clock().instant().plusSeconds(30)).orElseThrow();
        Document copy = SessionDocuments.toDocument(insert(null)).append(SessionDocuments.TOKENS, List.of(s.token()));
        copy.put("_id", Tokens.issue());
        assertThrows(MongoWriteException.class, () -> mongo().collection().insertOne(copy),
                "the unique index on tokens refuses a grace token in a second document");
    }

    /** The grace token reads the session's own document: a touch through it must not slide the session. */
    @Test
    default void aTouchUnderTheGraceTokenSlidesNothing() throws Exception {
        Session s = insert(null);
        String next = store().newTokenFor(s.token());
        store().rotate(s.token(), next, clock().instant().plusSeconds(30)).orElseThrow();
        advanceClock(Duration.ofSeconds(20)); // past the touch resolution (6 s for a ttl of 600 s)
        assertTrue(store().find(s.token(), true).isPresent());
        assertEquals(s.expiresAt(), store().find(next, false).orElseThrow().expiresAt(), "the old token slid the session");
        assertEquals(clock().instant().plusSeconds(600), store().find(next, true).orElseThrow().expiresAt());
    }

    /** One grace slot per session: a rotation within another's grace ends the earlier old token at once. */
    @Test
    default void aSecondRotationWithinTheGraceEndsTheFirstOldToken() {
        Session s = insert(null);
        Instant until = clock().instant().plusSeconds(30);
        String second = store().newTokenFor(s.token());
        store().rotate(s.token(), second, until).orElseThrow();
        String third = store().newTokenFor(second);
        store().rotate(second, third, until).orElseThrow();
        assertTrue(store().find(s.token(), false).isEmpty(), "the first token's grace ended with the second rotation");
        assertEquals(second, store().find(second, false).orElseThrow().token());
        assertEquals(third, store().find(third, true).orElseThrow().token());
    }

    /** The grace reads the session's one document: ending the session ends the grace too, and it shows later writes. */
    @Test
    default void theGraceEndsWithTheSessionAndReadsItAsItIsNow() {
        String owner = newUser();
        Session s = insert(owner);
        String next = store().newTokenFor(s.token());
        store().rotate(s.token(), next, clock().instant().plusSeconds(30)).orElseThrow();
        store().update(next, new Mutation.Patch(parse("{\"later\":1}"), Set.of()), true).orElseThrow();
        assertEquals(1, store().find(s.token(), false).orElseThrow().data().get("later").asInt());
        assertTrue(store().delete(next));
        assertTrue(store().find(s.token(), false).isEmpty(), "no session, no grace");

        Session other = insert(owner);
        store().rotate(other.token(), store().newTokenFor(other.token()), clock().instant().plusSeconds(30)).orElseThrow();
        assertEquals(1, store().deleteByUser(owner));
        assertTrue(store().find(other.token(), false).isEmpty(), "logout everywhere ends the grace too");
    }

    /** Sessions written before tokens existed (token in _id) are read, written, listed, rotated and deleted as before. */
    @Test
    default void documentsWrittenBeforeTokensExistedAreStillServed() throws Exception {
        String owner = newUser();
        Session s = insert(owner);
        Document legacy = raw(s);
        legacy.remove(SessionDocuments.TOKENS);
        mongo().collection().replaceOne(new Document("_id", s.token()), legacy);

        assertEquals(s.data(), store().find(s.token(), false).orElseThrow().data());
        advanceClock(Duration.ofSeconds(60));
        assertEquals(clock().instant().plusSeconds(600), store().find(s.token(), true).orElseThrow().expiresAt(), "slides");
        assertEquals(2, store().update(s.token(), new Mutation.Patch(parse("{\"n\":2}"), Set.of()), true)
                .orElseThrow().data().get("n").asInt());
        assertEquals(List.of(s.token()), tokens(store().findByUser(owner)));
        assertFalse(store().insert(s), "its token is taken");

        String next = store().newTokenFor(s.token());
        store().rotate(s.token(), next, null).orElseThrow();
        assertTrue(store().find(s.token(), false).isEmpty(), "its _id no longer names it once rotated");
        assertEquals(List.of(next), raw(s).getList(SessionDocuments.TOKENS, String.class));
        assertEquals(List.of(next), tokens(store().findByUser(owner)));

        Session other = insert(null);
        Document legacyOther = raw(other);
        legacyOther.remove(SessionDocuments.TOKENS);
        mongo().collection().replaceOne(new Document("_id", other.token()), legacyOther);
        assertTrue(store().delete(other.token()));
        assertEquals(0, mongo().collection().countDocuments(new Document("_id", other.token())));
    }

    // ---- helpers ----

    private Document raw(Session s) {
        return mongo().collection().find(new Document("_id", s.token())).first();
    }

    private Session insert(String owner) {
        Instant now = clock().instant();
        var data = parse("{\"n\":1}");
        if (owner != null) {
            data.put(Session.ACCOUNT_ID, owner);
        }
        Session s = new Session(Tokens.issue(), owner, data, now, now.plusSeconds(600), 600, true);
        assertTrue(store().insert(s));
        return s;
    }
}
