package org.kmsagent.agent.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration before any command has said otherwise: warnings and errors on standard error, one line
 * each with an ISO-8601 timestamp and the level. Every command but {@code run} and {@code hub} stays at that; they
 * replace it from the {@code logging.*} keys ({@link ResidentLogging}). A {@code logback.xml} (or {@code logback-test.xml}) on the
 * class path, or {@code -Dlogback.configurationFile}, still wins: then this one steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class QuietConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (ResidentLogging.userConfiguration().isPresent()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ResidentLogging.consoleOnly(context, "WARN");
        // Logging is not set up yet for a logger to say it: one line on standard error, as a usage note is.
        ResidentLogging.missingConfiguration().ifPresent(why -> System.err.println("kms-agent: warning: " + why));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
