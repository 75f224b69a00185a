package io.sessionservice.it.protectedapp;

import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.Collections;

/**
 * Registers SessionAuthFilter in code, as a webapp without the filter in its web.xml would (SPEC §8):
 * {@code ServletContext.addFilter} with the class name (so the webapp's loader finds it, in WEB-INF/lib
 * or the container's shared lib), each context parameter {@code sessionAuth.<name>} as init-parameter
 * {@code <name>}, mapped to {@code /*}. Uses only the Servlet API.
 */
public class AddFilterListener implements ServletContextListener {

    public static final String PARAMETER_PREFIX = "sessionAuth.";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        FilterRegistration.Dynamic filter = context.addFilter("session-auth", "io.sessionservice.filter.SessionAuthFilter");
        for (String name : Collections.list(context.getInitParameterNames())) {
            if (name.startsWith(PARAMETER_PREFIX)) {
                filter.setInitParameter(name.substring(PARAMETER_PREFIX.length()), context.getInitParameter(name));
            }
        }
        filter.addMappingForUrlPatterns(null, false, "/*");
    }
}
