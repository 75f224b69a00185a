package io.sessionservice.core;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * One page of a user's sessions, newest first, and the opaque cursor of the next page (null on the
 * last page). A cursor encodes a {@link PageStart} (a creation instant and a count), never a token.
 */
public record UserSessionPage(List<Session> sessions, String nextCursor) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    private static final String VERSION = "v1";

    /** The page from {@code found} (up to limit + 1 sessions read from {@code start}). */
    static UserSessionPage of(List<Session> found, PageStart start, int limit) {
        if (found.size() <= limit) {
            return new UserSessionPage(List.copyOf(found), null);
        }
        List<Session> page = List.copyOf(found.subList(0, limit));
        long lastCreated = page.get(limit - 1).createdAt().toEpochMilli();
        int sameInstant = (int) page.stream().filter(s -> s.createdAt().toEpochMilli() == lastCreated).count();
        int skip = lastCreated == start.createdAtMillis() ? start.skip() + sameInstant : sameInstant;
        return new UserSessionPage(page, encodeCursor(new PageStart(lastCreated, skip)));
    }

    static String encodeCursor(PageStart start) {
        String plain = VERSION + ":" + start.createdAtMillis() + ":" + start.skip();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    static PageStart decodeCursor(String cursor) {
        try {
            if (cursor.length() > 64) {
                throw new IllegalArgumentException("too long");
            }
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
            if (parts.length != 3 || !VERSION.equals(parts[0])) {
                throw new IllegalArgumentException("not a cursor");
            }
            return new PageStart(Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
        } catch (IllegalArgumentException e) { // NumberFormatException is one too
            throw new InvalidRequestException("cursor is not one this service issued");
        }
    }
}
