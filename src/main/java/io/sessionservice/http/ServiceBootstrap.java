package io.sessionservice.http;

import io.sessionservice.config.ConfigException;
import io.sessionservice.config.ConfigLoader;
import io.sessionservice.config.ServiceConfig;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the config and opens the store when the webapp starts; refuses to start (the container
 * marks the webapp failed) when the config is unusable, e.g. no x-key is configured.
 */
public final class ServiceBootstrap implements ServletContextListener {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceBootstrap.class);

    @Override
    public void contextInitialized(ServletContextEvent event) {
        var context = event.getServletContext();
        try {
            ServiceConfig config = ConfigLoader.load(context.getInitParameter(ConfigLoader.PROPERTY));
            if (config.keys().isEmpty()) {
                throw new ConfigException("No x-key configured: set credentials.key in the config file or the "
                        + "SESSION_KEY environment variable. Session Service will not start without one.");
            }
            ServiceRuntime runtime = ServiceRuntime.open(config);
            context.setAttribute(ServiceRuntime.ATTRIBUTE, runtime);
            LOG.info("Session Service started: store={}, sessionExpirySec={}, maxTtlSec={}, keys={}",
                    config.storeType(), config.sessionExpirySec(), config.maxTtlSec(), config.keys().size());
        } catch (ConfigException e) {
            LOG.error("Session Service refuses to start: {}", e.getMessage());
            throw e;
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Object runtime = event.getServletContext().getAttribute(ServiceRuntime.ATTRIBUTE);
        if (runtime instanceof ServiceRuntime r) {
            r.close();
        }
    }
}
