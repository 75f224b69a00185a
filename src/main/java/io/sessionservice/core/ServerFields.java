package io.sessionservice.core;

import java.util.Set;

/**
 * The names a session's representation gives what the server manages (its token, expiry, TTL): such
 * fields are never stored as data. The caller's wire protocol supplies the names; core only keeps the rule.
 *
 * @param token the field in which a creating client may supply its own token (null: none may)
 * @param all   every server-managed field, {@code token} included
 */
public record ServerFields(String token, Set<String> all) {

    /** No field is server-managed: for callers that never write data (e.g. a token validator). */
    public static final ServerFields NONE = new ServerFields(null, Set.of());

    public ServerFields {
        all = Set.copyOf(all);
        if (token != null && !all.contains(token)) {
            throw new IllegalArgumentException("the token field must be one of the server-managed fields");
        }
    }
}
