package io.sessionservice.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The lines one logger writes while this is open (logback's ListAppender on it), for tests that count them. */
public final class LogLines implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogLines(Class<?> loggerOf) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerOf);
        appender.start();
        logger.addAppender(appender);
    }

    /** Captures what the logger of {@code loggerOf} writes from now on. */
    public static LogLines of(Class<?> loggerOf) {
        return new LogLines(loggerOf);
    }

    /** The lines so far: level and formatted message, e.g. "WARN Session store redis unavailable: …". */
    public List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }

    /** How many lines of {@code level}. */
    public long count(Level level) {
        synchronized (appender.list) {
            return appender.list.stream().filter(e -> e.getLevel().equals(level)).count();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
