package org.kmsagent.agent.doctor;

/**
 * One step of the binding self-test.
 *
 * @param library the client library ({@code slc}, {@code osppc})
 * @param call the SL function exercised
 * @param outcome PASS, FAIL or SKIP
 * @param detail what it returned, or why it failed
 */
public record SelfTestStep(String library, String call, Outcome outcome, String detail) {
    /** How a step came out. */
    public enum Outcome {
        PASS,
        FAIL,
        SKIP
    }

    @Override
    public String toString() {
        return String.format("%-4s %-6s %-34s %s", outcome, library, call, detail);
    }
}
