package io.sessionservice.bench.spring;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.session.data.redis.config.annotation.web.http.EnableRedisIndexedHttpSession;

/**
 * Spring Session's indexed Redis repository ({@code RedisIndexedSessionRepository}: the session hash plus
 * an expiry key and an expirations set per minute, for principal-name lookups and session events).
 * Chosen by setting the context parameter {@code contextConfigLocation} to this class.
 */
@Configuration
@EnableRedisIndexedHttpSession(redisNamespace = "${redisNamespace:spring:session:bench}")
@Import(RedisConnectionConfig.class)
public class IndexedRepositoryConfig {
}
