package io.sessionservice.http;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a resource answers errors in the user-session dialect ({@code {"success":false,"message"}});
 * without it, the state dialect ({@code {"code","message"}}). Read by {@link ErrorDialect}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface UserDialect {
}
