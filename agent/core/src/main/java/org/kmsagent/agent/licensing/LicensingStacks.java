package org.kmsagent.agent.licensing;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.kmsagent.api.LicensingStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the machine's licensing stack from the {@code licensing} setting: {@code slc} (Windows' own service
 * through SLC and WMI), {@code simulated} (the in-process model) or {@code auto} (slc on Windows, simulated
 * elsewhere). The choice and its reason are logged once and returned, so that commands can print them.
 *
 * <p>The stacks themselves come from the licensing modules: each contributes a {@link LicensingStackFactory} under its
 * value ({@link Binding}); this class holds only the rule that picks one.
 */
public final class LicensingStacks {
    private static final Logger LOG = LoggerFactory.getLogger(LicensingStacks.class);

    /** The accepted values of {@code --licensing} / {@code licensing:}. */
    public static final String MODES = "slc, simulated or auto";

    private final Map<String, LicensingStackFactory> stacks;
    private final String osName;

    /** The map binder a licensing module adds its stack to: {@code Binding.of(binder()).addBinding("slc")}. */
    public static final class Binding {
        private Binding() {}

        public static MapBinder<String, LicensingStackFactory> of(Binder binder) {
            return MapBinder.newMapBinder(binder, String.class, LicensingStackFactory.class);
        }
    }

    /** The stacks the licensing modules on the class path contribute, deciding {@code auto} by this JVM's OS. */
    @Inject
    public LicensingStacks(Map<String, LicensingStackFactory> stacks) {
        this(stacks, System.getProperty("os.name", "unknown"));
    }

    /**
     * @param stacks the factories by {@code licensing} value ({@code slc}, {@code simulated})
     * @param osName the {@code os.name} that {@code auto} decides by
     */
    public LicensingStacks(Map<String, LicensingStackFactory> stacks, String osName) {
        this.stacks = Map.copyOf(Objects.requireNonNull(stacks, "stacks"));
        this.osName = Objects.requireNonNull(osName, "osName");
    }

    /**
     * @param slc builds the SLC stack (only called when chosen: it loads native libraries)
     * @param simulated builds the simulated stack
     * @param osName the {@code os.name} that {@code auto} decides by
     */
    public LicensingStacks(Supplier<LicensingStack> slc, Supplier<LicensingStack> simulated, String osName) {
        this(
                Map.of(
                        "slc",
                        Objects.requireNonNull(slc, "slc")::get,
                        "simulated",
                        Objects.requireNonNull(simulated, "simulated")::get),
                osName);
    }

    /** The stack chosen and why. */
    public record Choice(LicensingStack stack, String mode, String reason) {
        /** One line for a log or a command's header: {@code licensing stack: slc (auto: running on Windows 10)}. */
        public String statusLine() {
            return LicensingStacks.statusLine(stack.name(), reason);
        }
    }

    /** {@link Choice#statusLine}'s line for a stack's name and the reason it was chosen. */
    public static String statusLine(String stack, String reason) {
        return "licensing stack: " + stack + " (" + reason + ")";
    }

    /**
     * The stack for {@code mode}.
     *
     * @throws IllegalArgumentException if the mode is not one of {@link #MODES}, naming the value given
     */
    public Choice select(String mode) {
        String m = mode == null ? "auto" : mode.strip().toLowerCase(Locale.ROOT);
        boolean windows = osName.toLowerCase(Locale.ROOT).startsWith("windows");
        Choice choice = switch (m) {
            case "slc" -> new Choice(create("slc"), m, "licensing=slc: Windows' Software Licensing Client");
            case "simulated" ->
                new Choice(
                        create("simulated"),
                        m,
                        "licensing=simulated: the in-process simulated machine, nothing on this computer is changed");
            case "auto" ->
                windows
                        ? new Choice(
                                create("slc"), m, "auto: running on " + osName + ", so Windows' own licensing service")
                        : new Choice(
                                create("simulated"),
                                m,
                                "auto: " + osName + " is not Windows, so the simulated machine");
            default -> throw new IllegalArgumentException("licensing must be " + MODES + "; got '" + mode + "'");
        };
        LOG.info(choice.statusLine());
        return choice;
    }

    private LicensingStack create(String mode) {
        LicensingStackFactory factory = stacks.get(mode);
        if (factory == null) {
            // Each licensing module brings its own stack: one missing from the class path is an install problem.
            throw new IllegalStateException("licensing=" + mode + ": this install has no " + mode
                    + " licensing stack (its licensing module is not on the class path)");
        }
        return factory.create();
    }
}
