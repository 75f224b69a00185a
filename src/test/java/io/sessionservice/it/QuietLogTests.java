package io.sessionservice.it;

import static io.sessionservice.it.AbstractHttpApiIT.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Requests any client can send write no warning to the container's log: one line per request, with a URI the
 * client chose, would let anyone flood the log. Found by the fuzz ITs: Jersey warned on every form-encoded
 * request with a query ("contains form parameters in the request body but the request body has been consumed").
 */
interface QuietLogTests extends HttpApiFixture {

    @Test
    default void aFormTypeWithoutABodyLogsNoWarning() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler recorder = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record.getLoggerName() + ": " + record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger jersey = Logger.getLogger("org.glassfish.jersey"); // the webapp's Jersey logs through JUL
        jersey.addHandler(recorder);
        try {
            // a form type on a request without a body: Jersey took the query for the form it could not read
            String form = "application/x-www-form-urlencoded";
            for (String path : List.of("sessions?user_id=u&limit=1", "nope?user_id=u", "validate?x=1")) {
                int status = http().get(path, "x-key", KEY, "Content-Type", form).status();
                assertTrue(status < 500, path + " -> " + status);
            }
            assertEquals(List.of(), warnings);
        } finally {
            jersey.removeHandler(recorder);
        }
    }
}
