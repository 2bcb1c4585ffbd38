package org.kmsagent.agent.status;

import java.util.List;
import java.util.Objects;
import org.kmsagent.api.WindowsVersion;

/**
 * What {@code kms-agent status} shows: the stack, the machine, and every loaded family's installed products.
 *
 * @param stack the licensing stack's name ({@code slc}, {@code simulated})
 * @param stackReason why that stack was chosen (and, for the simulated one, that nothing real is shown)
 * @param machine the machine's name
 * @param windows its Windows version
 * @param families each loaded family
 */
public record StatusReport(
        String stack, String stackReason, String machine, WindowsVersion windows, List<FamilyStatus> families) {
    public StatusReport {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(stackReason, "stackReason");
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(windows, "windows");
        families = List.copyOf(families);
    }

    /** Whether any family or product could not be read. */
    public boolean hasErrors() {
        return families.stream()
                .anyMatch(f -> f.error().isPresent()
                        || f.products().stream().anyMatch(p -> p.error().isPresent()));
    }
}
