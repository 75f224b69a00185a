package io.sessionservice.bench.spring;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.session.data.redis.config.annotation.web.http.EnableRedisHttpSession;

/**
 * Spring Session's default Redis repository ({@code RedisSessionRepository}: one hash per session, no
 * indexes, no expiry events). Keys live under the context parameter {@code redisNamespace}.
 */
@Configuration
@EnableRedisHttpSession(redisNamespace = "${redisNamespace:spring:session:bench}")
@Import(RedisConnectionConfig.class)
public class DefaultRepositoryConfig {
}
