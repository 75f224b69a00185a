package io.sessionservice.store.redis;

/** Key names: a session's hash {@code <prefix>s:<token>}, a user's index {@code <prefix>u:<userId>}. */
record RedisKeys(String sessionPrefix, String indexPrefix) {

    static RedisKeys under(String keyPrefix) {
        return new RedisKeys(keyPrefix + "s:", keyPrefix + "u:");
    }

    String session(String token) {
        return sessionPrefix + token;
    }

    String index(String userId) {
        return indexPrefix + userId;
    }
}
