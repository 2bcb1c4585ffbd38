package org.kmsagent.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The activation threshold of a class of products: a KMS host activates a requesting SKU only when its count,
 * the requester included, has reached the SKU's class minimum (docs/kms-rules.md §1.5). The host's table holds twice
 * the highest minimum it has been asked for (§1.3).
 *
 * <p>The three Microsoft classes are constants here; a future plugin may declare its own in its catalog.
 *
 * @param name stable lower-case name, e.g. {@code client}
 * @param minimumCount the count a host must report before it activates such a product; at least 1
 */
public record ThresholdClass(String name, int minimumCount) {
    /** Windows client volume editions: 25 (docs/kms-rules.md §1.5). */
    public static final ThresholdClass CLIENT = new ThresholdClass("client", 25);
    /** Windows Server volume editions: 5 (docs/kms-rules.md §1.5). */
    public static final ThresholdClass SERVER = new ThresholdClass("server", 5);
    /** Office volume products, every release from 2010: 5 (docs/kms-rules.md §1.5, §3.4). */
    public static final ThresholdClass OFFICE = new ThresholdClass("office", 5);

    /** The classes every core knows without a plugin declaring them. */
    public static final List<ThresholdClass> WELL_KNOWN = List.of(CLIENT, SERVER, OFFICE);

    public ThresholdClass {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("threshold class name must be kebab-case: '" + name + "'");
        }
        // A guard against a caller's mistake: a catalog's minimumCount the agent checks before it gets here.
        if (minimumCount < 1) {
            throw new IllegalArgumentException("threshold class " + name + ": minimum count must be at least 1");
        }
    }

    /** The well-known class of that name, if any. */
    public static Optional<ThresholdClass> wellKnown(String name) {
        return WELL_KNOWN.stream().filter(c -> c.name.equals(name)).findFirst();
    }
}
