package org.kmsagent.agent.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kmsagent.agent.core.BoundedInput;

/**
 * The log of {@code kms-agent run} (docs/operations.md, "Logs"): lines with an ISO-8601 timestamp and a level on
 * standard error, and, when {@link #file} is set, the same lines in a file that rolls over by size and by day, with
 * a bounded total. Other commands stay quiet (warnings and errors on standard error) whatever these keys say.
 *
 * @param level the lowest level logged: {@code ERROR}, {@code WARN}, {@code INFO}, {@code DEBUG} or {@code TRACE}
 * @param file the log file, or {@code null} for standard error only
 * @param maxFileSize the size at which the file rolls over, e.g. {@code 10MB} (units B, KB, MB, GB)
 * @param maxHistoryDays how many days of rolled files are kept
 * @param totalSizeCap the most the rolled files may take together; the oldest go first
 * @param format {@code text} (one line per event, as docs/operations.md shows it) or {@code json} (one JSON object
 *     per line, for a log collector that parses fields rather than text)
 */
public record LoggingConfig(
        String level, String file, String maxFileSize, Integer maxHistoryDays, String totalSizeCap, String format) {
    /** The levels {@link #level} accepts, lowest volume first. */
    public static final List<String> LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

    /** The formats {@link #format} accepts, the default first. */
    public static final List<String> FORMATS = List.of("text", "json");

    private static final Pattern SIZE = Pattern.compile("(\\d{1,9})\\s*(B|KB|MB|GB)", Pattern.CASE_INSENSITIVE);

    public LoggingConfig {
        level = Objects.requireNonNullElse(level, "INFO");
        maxFileSize = Objects.requireNonNullElse(maxFileSize, "10MB");
        maxHistoryDays = Objects.requireNonNullElse(maxHistoryDays, 14);
        totalSizeCap = Objects.requireNonNullElse(totalSizeCap, "200MB");
        format = Objects.requireNonNullElse(format, FORMATS.get(0));
        if (file != null && file.isBlank()) {
            file = null;
        }
    }

    /** Every default: INFO, as text lines, no file. */
    public static LoggingConfig defaults() {
        return new LoggingConfig(null, null, null, null, null, null);
    }

    /** {@link #level} in upper case. */
    public String levelName() {
        return level.strip().toUpperCase(Locale.ROOT);
    }

    /** Whether events are written as JSON objects, one per line ({@code logging.format: json}, in any case). */
    public boolean json() {
        return format.strip().equalsIgnoreCase("json");
    }

    /** A size such as {@code 10MB} in bytes, or -1 when it is not one. */
    public static long bytes(String size) {
        Matcher m = size == null ? null : SIZE.matcher(size.strip());
        if (m == null || !m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "KB" -> n * 1024;
            case "MB" -> n * 1024 * 1024;
            case "GB" -> n * 1024 * 1024 * 1024;
            default -> n;
        };
    }

    void validate(List<String> errors) {
        if (!LEVELS.contains(levelName())) {
            errors.add("logging.level: must be one of " + String.join("|", LEVELS) + ", got '"
                    + BoundedInput.shown(level) + "'");
        }
        if (!FORMATS.contains(format.strip().toLowerCase(Locale.ROOT))) {
            errors.add("logging.format: must be one of " + String.join("|", FORMATS) + ", got '"
                    + BoundedInput.shown(format) + "'");
        }
        long max = bytes(maxFileSize);
        if (max < 1) {
            errors.add("logging.maxFileSize: expected a size such as 10MB (units B, KB, MB, GB), got '"
                    + BoundedInput.shown(maxFileSize) + "'");
        }
        long cap = bytes(totalSizeCap);
        if (cap < 1) {
            errors.add("logging.totalSizeCap: expected a size such as 200MB (units B, KB, MB, GB), got '"
                    + BoundedInput.shown(totalSizeCap) + "'");
        } else if (max >= 1 && cap < max) {
            errors.add("logging.totalSizeCap: " + totalSizeCap + " is less than logging.maxFileSize " + maxFileSize);
        }
        ConfigValidator.range(errors, "logging.maxHistoryDays", maxHistoryDays, 1, 3650);
        ConfigValidator.usable(file).ifPresent(f -> {
            Path parent = f.toAbsolutePath().getParent();
            if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
                errors.add("logging.file: " + BoundedInput.shownPath(parent.toString()) + " is not a directory");
            } else if (Files.isDirectory(f)) {
                errors.add("logging.file: " + BoundedInput.shownPath(file) + " is a directory; name a file in it, e.g. "
                        + BoundedInput.shownPath(file + "/kms-agent.log"));
            }
        });
    }
}
