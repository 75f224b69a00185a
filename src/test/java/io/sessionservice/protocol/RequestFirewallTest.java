package io.sessionservice.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC §5: which raw request paths the service and SessionAuthFilter accept and refuse. */
class RequestFirewallTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/validate", "/sessions/", "/app/public", "/app/public/x/y", "/api/x",
            "/a.b/c..d/.e/f.", "/...", "/a-b_c~d", "/%20space", "/caf%C3%A9", "/%E2%82%AC", "/a%3Ab%40c",
            "/a%2Bb", "/a%41", "/a:b@c!$&'()*+,=", "/x/"})
    void accepts(String path) {
        assertEquals(Optional.empty(), RequestFirewall.rejection(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // dot segments
            "/api/x/../../public", "/public/..", "/..", "/.", "/a/./b", "/a/.", "..", "./a",
            // encoded dots, slashes, backslashes, percent, semicolon (either case)
            "/api/%2e%2e/public", "/api/%2E%2E/public", "/api/%2e/x", "/a.%2e/b", "/api%2fpublic", "/api%2Fx",
            "/a%5cb", "/a%5Cb", "/a%25b", "/a%252e%252e/b", "/a%3bb", "/a%3Bjsessionid=1",
            // raw backslash, semicolon path parameters, empty segments
            "/a\\b", "/public/..;/api/x", "/public;x=1", "/a;", "/api//x", "//api", "/api/x//",
            // control characters, raw and encoded; raw non-ASCII; malformed escapes; bytes that are not UTF-8
            "/a%00b", "/a%0Ab", "/a%0d%0ab", "/a%09", "/a%7Fb", "/a%7f", "/a%C2%85", "/a%E2%80%A8", "/a\u0000b",
            "/a\tb", "/a b", "/a\u007Fb", "/caf\u00e9", "/a%", "/a%2", "/a%zz", "/a%G0", "/a%C3", "/a%FF"})
    void refuses(String path) {
        Optional<String> why = RequestFirewall.rejection(path);
        assertTrue(why.isPresent(), () -> path + " was accepted");
        assertTrue(why.get().startsWith("The request path contains "), why::get);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%00b", "/a\u0000b", "/a\nb"})
    void theReasonNeverEchoesThePath(String path) {
        String why = RequestFirewall.rejection(path).orElseThrow();
        assertTrue(why.chars().allMatch(c -> c >= 0x20 && c < 0x7F), why);
        assertTrue(!why.contains(path), why);
    }
}
