package io.sessionservice.bench.spring;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.session.data.redis.config.ConfigureRedisAction;
import org.springframework.session.web.http.HeaderHttpSessionIdResolver;
import org.springframework.session.web.http.HttpSessionIdResolver;

/**
 * What both Spring Session variants share: one Lettuce connection factory (Spring Data Redis's default, a
 * shared native connection), the session id in the {@code X-Auth-Token} header instead of a cookie, and no
 * {@code CONFIG SET} on a Redis this webapp does not own. Host and port come from the context parameters
 * {@code redisHost} and {@code redisPort}.
 */
@Configuration
public class RedisConnectionConfig {

    @Bean
    public LettuceConnectionFactory redisConnectionFactory(@Value("${redisHost:127.0.0.1}") String host,
                                                           @Value("${redisPort:6379}") int port) {
        return new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port));
    }

    /** Spring's stock header resolver: reads the id from {@code X-Auth-Token}, and sends it back there. */
    @Bean
    public HttpSessionIdResolver httpSessionIdResolver() {
        return HeaderHttpSessionIdResolver.xAuthToken();
    }

    /**
     * The indexed repository would otherwise enable keyspace notifications with {@code CONFIG SET} at start;
     * the benchmark shares the machine's Redis, whose configuration is not ours to change.
     */
    @Bean
    public static ConfigureRedisAction configureRedisAction() {
        return ConfigureRedisAction.NO_OP;
    }
}
