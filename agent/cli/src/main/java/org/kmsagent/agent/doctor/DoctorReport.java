package org.kmsagent.agent.doctor;

import java.util.List;
import org.kmsagent.agent.licensing.LicensingStacks;

/**
 * A diagnosis: the stack it ran on and every finding, in the order checked.
 *
 * @param stack the licensing stack's name ({@code slc}, {@code simulated}), as {@code status --json} gives it
 * @param stackReason why that stack, as {@code status --json} gives it
 * @param findings the findings
 */
public record DoctorReport(String stack, String stackReason, List<Finding> findings) {
    public DoctorReport {
        findings = List.copyOf(findings);
    }

    /** The stack and why, on one line, as every command's header gives it. */
    public String stackLine() {
        return LicensingStacks.statusLine(stack, stackReason);
    }

    /** Whether any check failed. */
    public boolean failed() {
        return findings.stream().anyMatch(f -> f.verdict() == Verdict.FAIL);
    }
}
