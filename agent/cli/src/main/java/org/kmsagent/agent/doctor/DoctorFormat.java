package org.kmsagent.agent.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a diagnosis or a self-test as text or JSON. */
public final class DoctorFormat {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DoctorFormat() {}

    /** One line per finding, the fix indented under it. */
    public static String text(DoctorReport report) {
        StringBuilder b = new StringBuilder(report.stackLine()).append('\n');
        for (Finding f : report.findings()) {
            b.append(String.format("%-4s %-18s %s: %s%n", f.verdict(), f.check(), f.subject(), f.detail()));
            f.fix().ifPresent(fix -> b.append("     fix: ").append(fix).append('\n'));
        }
        long warnings = report.findings().stream()
                .filter(f -> f.verdict() == Verdict.WARN)
                .count();
        // "No problem found" under a WARN (no family loaded, nothing checked) contradicted the line above it.
        b.append(
                report.failed()
                        ? "Problems found.\n"
                        : warnings > 0 ? "No failure; " + warnings + " warning(s) above.\n" : "No problem found.\n");
        return b.toString();
    }

    public static String json(DoctorReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        // As status --json gives them: the stack's name, and why it was chosen.
        root.put("stack", report.stack());
        root.put("stackReason", report.stackReason());
        root.put("failed", report.failed());
        List<Object> findings = new ArrayList<>();
        for (Finding f : report.findings()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("subject", f.subject());
            m.put("check", f.check());
            m.put("verdict", f.verdict().name());
            m.put("detail", f.detail());
            m.put("fix", f.fix().orElse(null));
            findings.add(m);
        }
        root.put("findings", findings);
        return write(root);
    }

    public static String selfTestText(List<SelfTestStep> steps) {
        StringBuilder b = new StringBuilder();
        steps.forEach(s -> b.append(s).append('\n'));
        b.append(BindingSelfTest.passed(steps) ? "Self-test passed.\n" : "Self-test FAILED.\n");
        return b.toString();
    }

    public static String selfTestJson(List<SelfTestStep> steps) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("passed", BindingSelfTest.passed(steps));
        List<Object> out = new ArrayList<>();
        for (SelfTestStep s : steps) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("library", s.library());
            m.put("call", s.call());
            m.put("outcome", s.outcome().name());
            m.put("detail", s.detail());
            out.add(m);
        }
        root.put("steps", out);
        return write(root);
    }

    private static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("doctor JSON", e);
        }
    }
}
