package org.kmsagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Output that could not be written is said whatever the command's exit code: {@code doctor --json > /dev/full} that
 * found problems exited 1 with no word, the same as problems alone.
 */
class OutputWrittenTest {
    private static final String LOST = "kms-agent: standard output could not be written";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "command exit {0}: exit {1}")
    @CsvSource({"0, 1", "1, 1", "2, 2", "3, 3"})
    void lostOutputIsSaidAndAFailedCommandKeepsItsExitCode(int commandExit, int expected) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(CommandSpec.create());
        commandLine.setOut(new PrintWriter(new FullDisk()));
        commandLine.setErr(new PrintWriter(err));
        commandLine.getOut().println("{\"findings\": []}");
        commandLine.getOut().flush();

        // Not a symbolic link: not known to be a pipe, as for a file on a full disk.
        int exit = Main.withOutputWritten(commandLine, commandExit, dir.resolve("fd-1"));

        assertThat(exit).isEqualTo(expected);
        assertThat(err.toString()).contains(LOST);
    }

    @ParameterizedTest(name = "command exit {0}")
    @CsvSource({"0", "1"})
    void writtenOutputLeavesTheExitCodeAndSaysNothing(int commandExit) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(CommandSpec.create());
        commandLine.setOut(new PrintWriter(new StringWriter()));
        commandLine.setErr(new PrintWriter(err));
        commandLine.getOut().println("{}");

        assertThat(Main.withOutputWritten(commandLine, commandExit, dir.resolve("fd-1")))
                .isEqualTo(commandExit);
        assertThat(err.toString()).isEmpty();
    }

    /** Every write fails, as on /dev/full (ENOSPC). */
    private static final class FullDisk extends Writer {
        @Override
        public void write(char[] buffer, int offset, int length) throws IOException {
            throw new IOException("No space left on device");
        }

        @Override
        public void flush() throws IOException {
            throw new IOException("No space left on device");
        }

        @Override
        public void close() {}
    }
}
