package org.kmsagent.agent.command;

import org.kmsagent.agent.core.WholeNumber;
import picocli.CommandLine;

/**
 * A command-line option that takes a whole number within a range ({@code ctl fleet expiring --days}, {@code doctor
 * --timeout-ms}, {@code simulate --clients}), refused in one wording whatever is wrong with it: {@code --days: expected a
 * whole number of days 0-3650, got 99999999999} (or {@code got 'x'}), a usage error (exit 2). The option is declared on
 * a setter that takes the text and reads it here: picocli's own reading of an {@code int} would refuse a number too
 * large for one first, in its own words ("'99999999999' is not an int"), before any range is checked.
 *
 * <pre>{@code
 * static final WholeNumberOption DAYS = new WholeNumberOption("--days", "days", 0, 3650);
 *
 * @Option(names = "--days", defaultValue = "30", description = "The window in days, 0-3650.")
 * void days(String text) {
 *     days = DAYS.read(spec, text);
 * }
 * }</pre>
 *
 * <p>A {@code long} option ({@code simulate --seed}) is the same with {@link #readLong}: picocli would say "is not a
 * long" past nineteen digits.
 *
 * @param name the option as a refusal names it, e.g. {@code --days}
 * @param unit what it counts ({@code days}, {@code seconds}), or empty
 */
public record WholeNumberOption(String name, String unit, long min, long max) {
    /**
     * The number the option was given, for an option whose range fits an {@code int}.
     *
     * @param spec the command (or mixin) the option belongs to, whose usage the refusal points to
     * @throws CommandLine.ParameterException when {@code text} is not a whole number within the range
     */
    public int read(CommandLine.Model.CommandSpec spec, String text) {
        return Math.toIntExact(readLong(spec, text));
    }

    /**
     * The number the option was given.
     *
     * @param spec the command (or mixin) the option belongs to, whose usage the refusal points to
     * @throws CommandLine.ParameterException when {@code text} is not a whole number within the range
     */
    public long readLong(CommandLine.Model.CommandSpec spec, String text) {
        return WholeNumber.within(text, min, max)
                .orElseThrow(() -> new CommandLine.ParameterException(
                        spec.commandLine(),
                        name + ": " + WholeNumber.refusal(WholeNumber.accepted(unit, min, max), text)));
    }
}
