package io.sessionservice.filter;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/** Where {@link SessionAuthFilter} finds a request's session token. */
public interface TokenResolver {

    /** The token the request carries, or null when it carries none. */
    String token(HttpServletRequest request);

    /** The header a refusal names when the request carries no token ("Header … is missing"). */
    String header();

    /** The token in {@code header}; else, when {@code cookie} is not null, in the cookie of that name. */
    static TokenResolver headerThenCookie(String header, String cookie) {
        return new HeaderThenCookie(header, cookie);
    }

    /** See {@link #headerThenCookie}; empty values count as absent. */
    record HeaderThenCookie(String header, String cookie) implements TokenResolver {

        public HeaderThenCookie {
            if (header == null || header.isBlank()) {
                throw new IllegalArgumentException("a token header is required");
            }
        }

        @Override
        public String token(HttpServletRequest request) {
            String value = request.getHeader(header);
            if (value != null && !value.isEmpty()) {
                return value;
            }
            if (cookie != null && request.getCookies() != null) {
                for (Cookie c : request.getCookies()) {
                    if (cookie.equals(c.getName()) && c.getValue() != null && !c.getValue().isEmpty()) {
                        return c.getValue();
                    }
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return "header " + header + (cookie == null ? "" : ", cookie " + cookie);
        }
    }
}
