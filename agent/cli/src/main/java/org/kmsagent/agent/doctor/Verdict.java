package org.kmsagent.agent.doctor;

/** How a doctor check came out. */
public enum Verdict {
    OK,
    INFO,
    WARN,
    FAIL
}
