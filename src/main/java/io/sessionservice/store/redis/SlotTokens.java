package io.sessionservice.store.redis;

import io.sessionservice.core.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Issues rotation tokens whose session key hashes to the old key's Cluster slot, so that one script can
 * move the session (a script may only touch keys of one slot). A token is {@link Tokens#issue()} (256
 * random bits, 43 characters) plus a 3-character suffix of the same alphabet chosen to land in the slot:
 * 46 characters, still a well-formed token, with all 256 random bits. CRC16 is computed incrementally, so
 * the search (on average 16384 candidates, at most 262144) costs the suffix's 3 bytes per candidate.
 */
final class SlotTokens {

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
    private static final int SLOTS = 16384;
    private static final int[] TABLE = table();

    private final RedisKeys keys;

    SlotTokens(RedisKeys keys) {
        this.keys = keys;
    }

    /** Whether both tokens' session keys lie in one slot. */
    boolean sameSlot(String token, String other) {
        return JedisClusterCRC16.getSlot(keys.session(token)) == JedisClusterCRC16.getSlot(keys.session(other));
    }

    /** A fresh token whose key shares {@code token}'s key's slot. */
    String sameSlotAs(String token) {
        int slot = JedisClusterCRC16.getSlot(keys.session(token));
        for (int attempt = 0; attempt < 8; attempt++) {
            String random = Tokens.issue();
            String plain = keys.session(random);
            if (JedisClusterCRC16.getSlot(plain) == slot && JedisClusterCRC16.getSlot(plain + "AAA") == slot) {
                return random + "AAA"; // a hash tag in the prefix fixes the slot: any token lands there
            }
            int prefixCrc = crc(0, plain.getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < ALPHABET.length * ALPHABET.length * ALPHABET.length; i++) {
                char a = ALPHABET[i >>> 12];
                char b = ALPHABET[(i >>> 6) & 63];
                char c = ALPHABET[i & 63];
                int crc = step(step(step(prefixCrc, a), b), c);
                if ((crc & (SLOTS - 1)) == slot) {
                    String next = random + a + b + c;
                    if (JedisClusterCRC16.getSlot(keys.session(next)) == slot) { // the server's rule decides
                        return next;
                    }
                }
            }
        }
        throw new IllegalStateException("no rotation token found for the slot of the session's key");
    }

    /**
     * A fresh token whose storage key ({@code tokens.atRest: hashed}: a SHA-256, which no suffix can
     * steer) lands in the slot of the session key of {@code key}: drawn until one does, on average 16384
     * draws (a few ms of hashing, once per rotation); 2^20 draws all missing has odds of e^-64.
     */
    String sameSlotAs(String key, UnaryOperator<String> storageKey) {
        if (storageKey.apply(key).equals(key)) {
            return sameSlotAs(key); // the token is its own key
        }
        int slot = JedisClusterCRC16.getSlot(keys.session(key));
        for (int attempt = 0; attempt < 1 << 20; attempt++) {
            String token = Tokens.issue();
            if (JedisClusterCRC16.getSlot(keys.session(storageKey.apply(token))) == slot) {
                return token;
            }
        }
        throw new IllegalStateException("no rotation token found for the slot of the session's key");
    }

    private static int crc(int crc, byte[] bytes) {
        for (byte b : bytes) {
            crc = step(crc, b & 0xff);
        }
        return crc;
    }

    /** CRC16-XMODEM (Redis Cluster's key hash) over one more byte. */
    private static int step(int crc, int b) {
        return ((crc << 8) ^ TABLE[((crc >>> 8) ^ b) & 0xff]) & 0xffff;
    }

    private static int[] table() {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            int c = i << 8;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1;
            }
            t[i] = c & 0xffff;
        }
        return t;
    }
}
