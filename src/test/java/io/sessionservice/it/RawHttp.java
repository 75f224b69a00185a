package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client sends as written: dot segments, {@code %2e},
 * {@code \}, control characters, {@code ;}, over-long request lines and headers, bad versions. The request
 * head goes out byte for byte (ISO-8859-1) with {@code Connection: close}; the answer is read to the end.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** An answer: status, headers (names in lower case) and body (chunked transfer decoded). */
    public record Answer(String request, int status, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public JsonNode json() {
            try {
                return Http.JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return fail(this + " is not JSON", e);
            }
        }

        @Override
        public String toString() {
            String shown = request.length() > 120 ? request.substring(0, 120) + "…" : request;
            return shown.replace("\r\n", " ") + " -> " + status + " " + headers + " "
                    + (body.length() > 400 ? body.substring(0, 400) + "…" : body);
        }
    }

    /** {@code GET rawTarget HTTP/1.1} to the host and port of {@code base}; {@code rawTarget} goes out as written. */
    public static Answer get(URI base, String rawTarget, String... headers) {
        StringBuilder head = new StringBuilder("GET " + rawTarget + " HTTP/1.1\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return send(base, head.toString());
    }

    /** Sends {@code requestLineAndHeaders} (each line ending in CRLF), then Host, Connection: close and the blank line. */
    public static Answer send(URI base, String requestLineAndHeaders) {
        String request = requestLineAndHeaders + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                + "Connection: close\r\n\r\n";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return parse(request, readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("Raw request failed: " + request.lines().findFirst().orElse(""), e);
        }
    }

    /**
     * An error the container or the service answered as the SPEC asks: {@code status}, a JSON object, no
     * HTML and no server version (neither a {@code Server} header nor the container's name in the body).
     */
    public static JsonNode assertJsonError(Answer a, int... statuses) {
        assertTrue(java.util.Arrays.stream(statuses).anyMatch(s -> s == a.status()),
                () -> "expected one of " + java.util.Arrays.toString(statuses) + ": " + a);
        assertTrue(String.valueOf(a.header("Content-Type")).startsWith("application/json"), a::toString);
        assertNull(a.header("Server"), () -> "a Server header: " + a);
        assertNull(a.header("X-Powered-By"), () -> "an X-Powered-By header: " + a);
        String lower = a.body().toLowerCase(Locale.ROOT);
        for (String leak : new String[] {"<html", "tomcat", "jetty", "exception", "\tat "}) {
            assertFalse(lower.contains(leak), () -> "'" + leak + "' in " + a);
        }
        JsonNode body = a.json();
        assertTrue(body.isObject(), a::toString);
        return body;
    }

    /**
     * SPEC §5: what the container answers itself, before any webapp, is JSON without a server version: a
     * NUL and a malformed escape in the URI, an over-long request line (Tomcat 400, Jetty 414), an over-long
     * header (Tomcat 400, Jetty 431), an unknown HTTP version (505) and a request line that is no HTTP.
     */
    public static void assertContainerErrorsAreJson(URI webapp) {
        String path = webapp.getPath();
        assertJsonError(get(webapp, path + "a%00b"), 400);
        assertJsonError(get(webapp, path + "a%zz"), 400);
        assertJsonError(get(webapp, path + "a".repeat(70_000)), 400, 414);
        assertJsonError(get(webapp, path, "X-Big", "b".repeat(70_000)), 400, 431);
        assertJsonError(send(webapp, "GET " + path + " HTTP/9.1\r\n"), 400, 505);
        assertJsonError(send(webapp, "NOT AN HTTP REQUEST LINE\r\n"), 400);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // A server may reset the connection after its answer (unread request bytes): keep what came.
            if (out.size() == 0) {
                throw e;
            }
        }
        return out.toByteArray();
    }

    private static Answer parse(String request, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("No complete answer to " + request.lines().findFirst().orElse("") + ": " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        byte[] raw = body.getBytes(StandardCharsets.ISO_8859_1);
        return new Answer(request, Integer.parseInt(statusLine[1]), headers, new String(raw, StandardCharsets.UTF_8));
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }
}
