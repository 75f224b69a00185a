package io.sessionservice.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Refuses request paths that servlet containers and JAX-RS routers may read differently (SPEC §5), in
 * the manner of Spring Security's {@code StrictHttpFirewall}. A container decodes and normalises the
 * servlet path ({@code /api/x/../../public} is {@code /public}), Jersey matches the raw request URI, so a
 * filter deciding on one and a resource routed on the other can disagree; refusing every path whose two
 * readings can differ removes the disagreement.
 *
 * <p>Looks at the raw path only ({@code HttpServletRequest.getRequestURI()}: undecoded, without the
 * query). Refused: dot segments ({@code .}, {@code ..}); {@code //}; {@code \}; {@code ;} (path
 * parameters); percent-encoded {@code /}, {@code \}, {@code .}, {@code %}, {@code ;}; malformed
 * percent escapes; raw characters outside printable ASCII; control characters and line or paragraph
 * separators, raw or encoded (e.g. {@code %00}, {@code %0A}, {@code %7F}, {@code %C2%85}); encoded bytes
 * that are not UTF-8.
 */
public final class RequestFirewall {

    private RequestFirewall() {
    }

    /** Why {@code rawPath} is refused, or empty when it is accepted. A null path is accepted (nothing to judge). */
    public static Optional<String> rejection(String rawPath) {
        if (rawPath == null) {
            return Optional.empty();
        }
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return refuse("a character that is not printable ASCII");
            }
            switch (c) {
                case '\\' -> {
                    return refuse("a backslash");
                }
                case ';' -> {
                    return refuse("a ';' path parameter");
                }
                case '/' -> {
                    if (i + 1 < rawPath.length() && rawPath.charAt(i + 1) == '/') {
                        return refuse("an empty segment ('//')");
                    }
                }
                default -> {
                }
            }
        }
        if (hasDotSegment(rawPath)) {
            return refuse("a dot segment");
        }
        // Every character is printable ASCII here: without an escape there is nothing more to decode or judge
        // (this check runs on every request, so the common case allocates nothing).
        return rawPath.indexOf('%') < 0 ? Optional.empty() : rejectedEscapes(rawPath);
    }

    /** Whether a '/'-separated segment of {@code path} is exactly "." or "..". */
    private static boolean hasDotSegment(String path) {
        int start = 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            int length = end - start;
            if ((length == 1 || length == 2) && path.charAt(start) == '.' && path.charAt(end - 1) == '.') {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static Optional<String> rejectedEscapes(String rawPath) {
        ByteArrayOutputStream decoded = new ByteArrayOutputStream(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c != '%') {
                decoded.write(c);
                continue;
            }
            int b = i + 2 < rawPath.length() ? hexByte(rawPath.charAt(i + 1), rawPath.charAt(i + 2)) : -1;
            if (b < 0) {
                return refuse("a malformed percent escape");
            }
            switch (b) {
                case '/' -> {
                    return refuse("an encoded '/'");
                }
                case '\\' -> {
                    return refuse("an encoded backslash");
                }
                case '.' -> {
                    return refuse("an encoded '.'");
                }
                case '%' -> {
                    return refuse("an encoded '%'");
                }
                case ';' -> {
                    return refuse("an encoded ';'");
                }
                default -> {
                }
            }
            decoded.write(b);
            i += 2;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return refuse("encoded bytes that are not UTF-8");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return refuse("an encoded control character");
            }
        }
        return Optional.empty();
    }

    private static int hexByte(char high, char low) {
        int h = Character.digit(high, 16);
        int l = Character.digit(low, 16);
        return h < 0 || l < 0 ? -1 : h * 16 + l;
    }

    private static Optional<String> refuse(String what) {
        return Optional.of("The request path contains " + what + "; such paths are refused");
    }
}
