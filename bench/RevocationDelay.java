import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For bench/revocation-delay.sh: the delay from a DELETE / answered by one service instance to the other
 * instance refusing the token (GET /validate 401), over many trials. Each trial makes a session on the
 * first instance, validates it on the second until one answer came from its local cache path (twice),
 * deletes it on the first, then asks the second back to back until it answers 401. Also the time of
 * one GET /validate on the second (the resolution of the polling), all printed as p50/p99/max.
 * Launched as a source file: java bench/RevocationDelay.java <first base> <second base> <key> <trials>
 */
public class RevocationDelay {
    private static final Pattern TOKEN = Pattern.compile("\"xSessionToken\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String one = args[0], two = args[1], key = args[2];
        int trials = Integer.parseInt(args[3]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long[] delays = new long[trials];
        long[] validates = new long[trials];
        int[] polls = new int[trials];
        for (int i = -20; i < trials; i++) { // 20 warm-up trials, not counted
            HttpResponse<String> made = http.send(HttpRequest.newBuilder(URI.create(one + "/"))
                    .header("x-key", key).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"AccountId\":\"bench-revoke\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = TOKEN.matcher(made.body());
            if (made.statusCode() != 200 || !m.find()) {
                throw new IllegalStateException("POST / answered " + made.statusCode());
            }
            String token = m.group(1);
            HttpRequest validate = HttpRequest.newBuilder(URI.create(two + "/validate")).header("x-session-token", token)
                    .GET().build();
            for (int k = 0; k < 2; k++) {
                check(http.send(validate, HttpResponse.BodyHandlers.discarding()).statusCode(), 200);
            }
            long v0 = System.nanoTime();
            check(http.send(validate, HttpResponse.BodyHandlers.discarding()).statusCode(), 200);
            long validateNanos = System.nanoTime() - v0;
            check(http.send(HttpRequest.newBuilder(URI.create(one + "/")).header("x-session-token", token)
                    .DELETE().build(), HttpResponse.BodyHandlers.discarding()).statusCode(), 200);
            long deleted = System.nanoTime();
            int n = 0;
            while (http.send(validate, HttpResponse.BodyHandlers.discarding()).statusCode() != 401) {
                n++;
                if (System.nanoTime() - deleted > 5_000_000_000L) {
                    throw new IllegalStateException("the deleted token still valid after 5 s");
                }
            }
            if (i >= 0) {
                delays[i] = System.nanoTime() - deleted;
                validates[i] = validateNanos;
                polls[i] = n;
            }
        }
        System.out.println("trials: " + trials);
        print("DELETE answered -> refused by the other", delays);
        print("one GET /validate (cached, for scale)", validates);
        System.out.printf("trials refused at the first ask after the DELETE: %d of %d%n",
                Arrays.stream(polls).filter(p -> p == 0).count(), trials);
    }

    private static void check(int status, int expected) {
        if (status != expected) {
            throw new IllegalStateException("answered " + status + ", expected " + expected);
        }
    }

    private static void print(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%-42s p50 %7.3f ms   p99 %7.3f ms   max %7.3f ms%n", what,
                s[s.length / 2] / 1e6, s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] / 1e6,
                s[s.length - 1] / 1e6);
    }
}
