package io.sessionservice.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    private final Credentials credentials = new Credentials(List.of("current-key-0123", "previous-key-4567", "ключ-ü"));

    @Test
    void everyConfiguredKeyIsAccepted() {
        assertTrue(credentials.accepts("current-key-0123"));
        assertTrue(credentials.accepts("previous-key-4567"));
        assertTrue(credentials.accepts("ключ-ü"));
        assertFalse(credentials.isEmpty());
    }

    @Test
    void wrongNullAndEmptyAreRejected() {
        assertFalse(credentials.accepts("some-other-key"));
        assertFalse(credentials.accepts(null));
        assertFalse(credentials.accepts(""));
        assertFalse(credentials.accepts(" "));
    }

    @Test
    void nearMissesAreRejected() {
        assertFalse(credentials.accepts("current-key-012"), "prefix");
        assertFalse(credentials.accepts("c"), "one-character prefix");
        assertFalse(credentials.accepts("current-key-01234"), "key plus a character");
        assertFalse(credentials.accepts("urrent-key-0123"), "suffix");
        assertFalse(credentials.accepts("CURRENT-KEY-0123"), "other case");
        assertFalse(credentials.accepts(" current-key-0123"), "leading space");
        assertFalse(credentials.accepts("current-key-0123 "), "trailing space");
        assertFalse(credentials.accepts("current-key-0123,previous-key-4567"), "two keys at once");
        assertFalse(credentials.accepts("current-key-0123previous-key-4567"), "two keys concatenated");
    }

    @Test
    void noKeysAcceptNothing() {
        Credentials none = new Credentials(List.of());
        assertTrue(none.isEmpty());
        assertFalse(none.accepts("anything"));
        assertFalse(none.accepts(""));
        assertFalse(none.accepts(null));
    }

    @Test
    void aSingleKey() {
        Credentials one = new Credentials(List.of("k"));
        assertTrue(one.accepts("k"));
        assertFalse(one.accepts("kk"));
    }
}
