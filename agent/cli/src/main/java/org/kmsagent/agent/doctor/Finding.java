package org.kmsagent.agent.doctor;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of a diagnosis.
 *
 * @param subject what it is about (a product, a host, the machine)
 * @param check which check ({@code key-channel}, {@code kms-srv}, {@code kms-port}, ...)
 * @param verdict how it came out
 * @param detail what was found
 * @param fix what usually fixes it, for WARN and FAIL
 */
public record Finding(String subject, String check, Verdict verdict, String detail, Optional<String> fix) {
    public Finding {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(fix, "fix");
    }

    static Finding ok(String subject, String check, String detail) {
        return new Finding(subject, check, Verdict.OK, detail, Optional.empty());
    }

    static Finding info(String subject, String check, String detail) {
        return new Finding(subject, check, Verdict.INFO, detail, Optional.empty());
    }

    static Finding fail(String subject, String check, String detail, String fix) {
        return new Finding(subject, check, Verdict.FAIL, detail, Optional.ofNullable(fix));
    }

    static Finding warn(String subject, String check, String detail, String fix) {
        return new Finding(subject, check, Verdict.WARN, detail, Optional.ofNullable(fix));
    }
}
