package org.kmsagent.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.FileSize;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.kmsagent.agent.config.ConfigException;
import org.kmsagent.agent.config.LoggingConfig;
import org.slf4j.LoggerFactory;

/**
 * The log of the resident processes, {@code kms-agent run} (and the Windows service that runs it) and
 * {@code kms-agent hub}, set up in code from {@code logging.*} (docs/operations.md, "Logs"): every line
 * {@code 2026-03-01T09:30:00.123+01:00 WARN  [thread] logger - message}, on standard error and, when
 * {@code logging.file} is set, in that file, which rolls over at {@code logging.maxFileSize} and at midnight into
 * {@code <file>.<date>.<n>}; rolled files older than {@code logging.maxHistoryDays}, or beyond
 * {@code logging.totalSizeCap} together, are deleted oldest first. A logback configuration of the administrator's own
 * ({@link #userConfiguration}) wins over all of this, for these processes as for every other command.
 */
public final class ResidentLogging {
    /** ISO-8601 local time with its offset, then the level padded so that messages line up. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";

    private static final String CONSOLE = "console";

    private ResidentLogging() {}

    /**
     * Replaces whatever logging is configured with the one {@code config} describes.
     *
     * @return where lines go, for the start-up banner, e.g. {@code INFO to standard error and /var/log/kms-agent.log}
     * @throws ConfigException {@code logging.file} cannot be opened for writing (a folder on its path is a file, or
     *     not writable): said at once rather than found missing later; standard error alone stays set up
     */
    public static String apply(LoggingConfig config) throws ConfigException {
        return apply(config, true);
    }

    /**
     * As {@link #apply(LoggingConfig)} for the Windows service: with {@code logging.file} set, lines go to that file
     * alone. The service host appends standard error to {@code <install>\logs\kms-agent-service.log}, which nothing
     * rolls: a second copy of every line there would grow without bound (docs/windows.md, "Logs").
     */
    public static String applyForService(LoggingConfig config) throws ConfigException {
        return apply(config, false);
    }

    private static String apply(LoggingConfig config, boolean fileAndStandardError) throws ConfigException {
        return applyKeys(config, fileAndStandardError)
                + missingConfiguration().map(why -> " (" + why + ")").orElse("");
    }

    private static String applyKeys(LoggingConfig config, boolean fileAndStandardError) throws ConfigException {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return "as the class path's slf4j binding decides";
        }
        Optional<String> own = userConfiguration();
        if (own.isPresent()) {
            // Logback has configured itself from it already: resetting here would throw away what the administrator
            // wrote (their appenders, their format) for the logging.* keys, which they chose not to use.
            return "as " + own.get() + " configures (logging.* not used)";
        }
        Logger root = consoleOnly(context, config.levelName(), config.json());
        String what = config.levelName() + (config.json() ? " as JSON lines" : "");
        if (config.file() == null) {
            return what + " to standard error";
        }
        Path file = Path.of(config.file()).toAbsolutePath();
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("file");
        appender.setFile(file.toString());
        appender.setEncoder(encoder(context, config.json()));
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(file + ".%d{yyyy-MM-dd}.%i");
        policy.setMaxFileSize(new FileSize(LoggingConfig.bytes(config.maxFileSize())));
        policy.setMaxHistory(config.maxHistoryDays());
        policy.setTotalSizeCap(new FileSize(LoggingConfig.bytes(config.totalSizeCap())));
        policy.start();
        appender.setRollingPolicy(policy);
        appender.start();
        if (!appender.isStarted()) {
            String why = whyNotStarted(context, appender);
            // The JDK's "<file> (Not a directory)": the file is named once already.
            if (why.startsWith(file + " (") && why.endsWith(")")) {
                why = why.substring(file.toString().length() + 2, why.length() - 1);
            }
            throw new ConfigException("logging.file: cannot write " + file + ": " + why);
        }
        root.addAppender(appender);
        if (!fileAndStandardError) {
            root.detachAppender(CONSOLE);
            return what + " to " + file;
        }
        return what + " to standard error and " + file;
    }

    /**
     * The logback configuration the administrator gave, if any: {@code -Dlogback.configurationFile} (in
     * {@code KMSAGENT_JAVA_OPTS}), or a {@code logback.xml} (or {@code logback-test.xml}) on the class path. Logback
     * reads it itself at start; {@link QuietConfigurator} and {@link #apply} then step aside.
     */
    public static Optional<String> userConfiguration() {
        String file = System.getProperty("logback.configurationFile");
        ClassLoader loader = ResidentLogging.class.getClassLoader();
        if (file != null && missingConfiguration().isEmpty()) {
            return Optional.of(file);
        }
        if (file != null) {
            // Logback falls back to DEBUG lines on standard output when the file it was given is not there, which
            // broke --json and hid the agent's own lines; the agent then logs as if it had not been given (said once).
            return Optional.empty();
        }
        for (String name : new String[] {"logback-test.xml", "logback.xml"}) {
            if (loader.getResource(name) != null) {
                return Optional.of(name + " on the class path");
            }
        }
        return Optional.empty();
    }

    /**
     * Why {@code -Dlogback.configurationFile} names nothing logback can read (no such file, no such class-path
     * resource), as a line for the start-up banner and standard error; empty when it is not set or names one. A URL
     * other than {@code file:} is taken as given.
     */
    public static Optional<String> missingConfiguration() {
        String given = System.getProperty("logback.configurationFile");
        if (given == null || readable(given)) {
            return Optional.empty();
        }
        return Optional.of("-Dlogback.configurationFile=" + given + " names no file logback can read: not used");
    }

    /**
     * Whether logback finds a configuration at {@code given}, looked for in its order: a URL (any but {@code file:}
     * taken as given), else a class-path resource, else a file. {@code file:///C:/Program Files/logback.xml} is a URL
     * to logback although a URI may not have a space.
     */
    @SuppressWarnings("deprecation") // new URL(String), as logback reads the property: URI.create refuses a space
    static boolean readable(String given) {
        try {
            URL url = new URL(given);
            if (!url.getProtocol().equals("file")) {
                return true;
            }
            File file;
            try {
                file = new File(url.toURI());
            } catch (URISyntaxException | IllegalArgumentException notAUri) {
                file = new File(URLDecoder.decode(url.getPath(), StandardCharsets.UTF_8));
            }
            return file.isFile();
        } catch (MalformedURLException notAUrl) {
            return ResidentLogging.class.getClassLoader().getResource(given) != null || new File(given).isFile();
        }
    }

    /** What the appender reported when it did not start: its last error, its cause's message first. */
    private static String whyNotStarted(LoggerContext context, Object appender) {
        Status last = null;
        for (Status status : context.getStatusManager().getCopyOfStatusList()) {
            if (status.getOrigin() == appender && status.getLevel() == Status.ERROR) {
                last = status;
            }
        }
        if (last == null) {
            return "the file could not be opened";
        }
        Throwable cause = last.getThrowable();
        return cause != null && cause.getMessage() != null ? cause.getMessage() : last.getMessage();
    }

    /** Resets {@code context} to standard error alone at {@code level}; returns the root logger. */
    public static Logger consoleOnly(LoggerContext context, String level) {
        return consoleOnly(context, level, false);
    }

    private static Logger consoleOnly(LoggerContext context, String level, boolean json) {
        context.reset();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(CONSOLE);
        console.setTarget("System.err");
        console.setEncoder(encoder(context, json));
        console.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level rootLevel = Level.toLevel(level, Level.INFO);
        root.setLevel(rootLevel);
        root.addAppender(console);
        if (rootLevel.isGreaterOrEqual(Level.INFO)) {
            // Libraries' messages that say nothing an operator can act on: only their errors unless debugging.
            // PF4J logs what PluginHost already reports with the jar's name.
            context.getLogger("org.pf4j").setLevel(Level.ERROR);
            // Every hub start warned that Hazelcast's CP subsystem is off ("UNSAFE mode"): the fleet uses none of
            // its data structures (no cluster locks, counters or semaphores), only maps, so nothing runs unsafe.
            context.getLogger("com.hazelcast.cp.CPSubsystem").setLevel(Level.ERROR);
            // At INFO a hub's start printed Hazelcast's ASCII logo, its copyright, how to enable the Jet engine and
            // diagnostics the fleet does not use, and security "recommendations" for its enterprise edition: twenty
            // lines before the first one an operator reads. Its members joining and leaving, its lifecycle and its
            // health monitor's resource warnings come from other loggers and stay.
            context.getLogger("com.hazelcast.system").setLevel(Level.WARN);
            context.getLogger("com.hazelcast.internal.diagnostics.Diagnostics").setLevel(Level.WARN);
            context.getLogger("com.hazelcast.internal.tpc").setLevel(Level.WARN);
            // Every hub start warned that the gauge vertx.eventbus.handlers "has been already registered": Vert.x's
            // Micrometer metrics register it once per consumer and keep the first (vertx-micrometer-metrics 5.0);
            // the scrape is right. Micrometer logs this kind of message from this one logger.
            context.getLogger("io.micrometer.core.instrument.MeterRegistry").setLevel(Level.ERROR);
            // A hub (or agent) stopping while agents connect printed one WARN with a stack trace per connection
            // accepted during the bridge's close ("Failed to register an accepted channel", IllegalStateException in
            // VertxEventLoopGroup.next): a race inside Vert.x 5.0's server shutdown (eclipse-vertx/vert.x#6087, fixed
            // after the 5.0 line this build uses); the agents reconnect, nothing is lost (the bench's storm counts it).
            // This logger's other warnings are about channel options, which the agent sets in code.
            context.getLogger("io.netty.bootstrap.ServerBootstrap").setLevel(Level.ERROR);
        }
        return root;
    }

    /**
     * The lines of {@link #PATTERN}, written without logback's pattern parser ({@link LineEncoder}); with
     * {@code json} ({@code logging.format: json}), one JSON object per event and line ({@link JsonLineEncoder}).
     */
    private static Encoder<ILoggingEvent> encoder(LoggerContext context, boolean json) {
        Encoder<ILoggingEvent> encoder = json ? new JsonLineEncoder() : new LineEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }
}
