package org.kmsagent.agent.doctor;

import java.util.List;

/**
 * A diagnosis: the stack it ran on and every finding, in the order checked.
 *
 * @param stackLine which licensing stack and why
 * @param findings the findings
 */
public record DoctorReport(String stackLine, List<Finding> findings) {
    public DoctorReport {
        findings = List.copyOf(findings);
    }

    /** Whether any check failed. */
    public boolean failed() {
        return findings.stream().anyMatch(f -> f.verdict() == Verdict.FAIL);
    }
}
