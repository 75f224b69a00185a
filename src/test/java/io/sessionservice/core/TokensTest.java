package io.sessionservice.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TokensTest {

    private static final String SIXTEEN = "abcdefghijklmnop";

    @Test
    void issuedTokenIs43CharactersOfUrlSafeBase64WithoutPadding() {
        for (int i = 0; i < 1000; i++) {
            String token = Tokens.issue();
            assertEquals(43, token.length(), token);
            assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
            assertFalse(token.contains("="), token);
            assertEquals(32, Base64.getUrlDecoder().decode(token).length, "256 bits");
        }
    }

    @Test
    void issuedTokensAreWellFormed() {
        for (int i = 0; i < 1000; i++) {
            assertTrue(Tokens.isWellFormed(Tokens.issue()));
        }
    }

    @Test
    void issuedTokensAreDistinct() {
        int n = 20_000;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            seen.add(Tokens.issue());
        }
        assertEquals(n, seen.size());
    }

    @Test
    void issuedTokensUseTheWholeAlphabet() {
        // Weak randomness check: 200 tokens (8,600 characters) touch every one of the 64 symbols.
        Set<Character> symbols = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            for (char c : Tokens.issue().toCharArray()) {
                symbols.add(c);
            }
        }
        assertEquals(64, symbols.size());
    }

    @Test
    void lengthBoundaries() {
        assertFalse(Tokens.isWellFormed("a".repeat(15)), "15 characters");
        assertTrue(Tokens.isWellFormed("a".repeat(16)), "16 characters");
        assertTrue(Tokens.isWellFormed("a".repeat(256)), "256 characters");
        assertFalse(Tokens.isWellFormed("a".repeat(257)), "257 characters");
        assertFalse(Tokens.isWellFormed("a".repeat(10_000)), "10,000 characters");
    }

    @ParameterizedTest
    @ValueSource(chars = {'.', '_', '~', '-'})
    void eachAllowedSpecialCharacterIsAccepted(char c) {
        assertTrue(Tokens.isWellFormed(SIXTEEN.substring(1) + c));
        assertTrue(Tokens.isWellFormed(c + SIXTEEN.substring(1)));
        assertTrue(Tokens.isWellFormed(String.valueOf(c).repeat(16)));
    }

    @Test
    void lettersAndDigitsOfBothCasesAreAccepted() {
        assertTrue(Tokens.isWellFormed("ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
        assertTrue(Tokens.isWellFormed("abcdefghijklmnopqrstuvwxyz"));
        assertTrue(Tokens.isWellFormed("0123456789012345"));
        assertTrue(Tokens.isWellFormed("Aa0.Bb1_Cc2~Dd3-"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "+", "=", " ", "\t", "\n", "\r", "\0", "é", "ß", "\u00a0", "\u200b", "日",
            "😀", "%", "&", "?", "#", ":", ";", ",", "'", "\"", "<", ">", "\\", "*", "@", "!", "$", "(", ")",
            "[", "]", "{", "}", "|", "^", "`"})
    void disallowedCharactersAreRejected(String bad) {
        assertFalse(Tokens.isWellFormed(SIXTEEN + bad), "suffix " + bad);
        assertFalse(Tokens.isWellFormed(bad + SIXTEEN), "prefix " + bad);
        assertFalse(Tokens.isWellFormed(SIXTEEN.substring(0, 8) + bad + SIXTEEN.substring(8)), "inside " + bad);
    }

    @Test
    void unicodeLettersAndDigitsAreRejected() {
        assertFalse(Tokens.isWellFormed("ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐ"), "full-width letters");
        assertFalse(Tokens.isWellFormed("０１２３４５６７８９０１２３４５"), "full-width digits");
        assertFalse(Tokens.isWellFormed("٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥"), "Arabic-Indic digits");
        assertFalse(Tokens.isWellFormed("éééééééééééééééé"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void nullAndEmptyAreRejected(String token) {
        assertFalse(Tokens.isWellFormed(token));
    }

    @Test
    void standardBase64IsRejectedButItsUrlSafeFormAccepted() {
        assertFalse(Tokens.isWellFormed("ab+cd/efghijklmnopq=="));
        assertTrue(Tokens.isWellFormed("ab-cd_efghijklmnopq"));
    }

    @Test
    void fingerprintNeverContainsTheToken() {
        for (int i = 0; i < 500; i++) {
            String token = Tokens.issue();
            String fingerprint = Tokens.fingerprint(token);
            assertFalse(fingerprint.contains(token));
            assertTrue(fingerprint.matches("sha256:[0-9a-f]{8}"), fingerprint);
        }
        String shortToken = "0123456789abcdef";
        assertFalse(Tokens.fingerprint(shortToken).contains(shortToken));
        String hexLooking = "deadbeef".repeat(2);
        assertFalse(Tokens.fingerprint(hexLooking).contains(hexLooking));
    }

    @Test
    void fingerprintIsStableAndTellsTokensApart() {
        String a = "aaaaaaaaaaaaaaaa";
        String b = "aaaaaaaaaaaaaaab";
        assertEquals(Tokens.fingerprint(a), Tokens.fingerprint(a));
        assertNotEquals(Tokens.fingerprint(a), Tokens.fingerprint(b));
    }

    @Test
    void fingerprintOfNothing() {
        assertEquals("none", Tokens.fingerprint(null));
        assertFalse(Tokens.fingerprint("").isEmpty());
    }

    @Test
    void sessionToStringShowsTheFingerprintNotTheToken() {
        String token = Tokens.issue();
        Session s = new Session(token, "u", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                java.time.Instant.EPOCH, java.time.Instant.EPOCH.plusSeconds(1), 1, true);
        assertFalse(s.toString().contains(token));
        assertTrue(s.toString().contains(Tokens.fingerprint(token)));
    }
}
