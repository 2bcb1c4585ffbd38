package org.kmsagent.agent.licensing;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.kmsagent.api.LicensingStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the machine's licensing stack from the {@code licensing} setting: {@code slc} (Windows' own service
 * through SLC and WMI), {@code simulated} (the in-process model) or {@code auto} (slc on Windows, simulated
 * elsewhere). The choice and its reason are logged once and returned, so that commands can print them.
 */
public final class LicensingStacks {
  private static final Logger LOG = LoggerFactory.getLogger(LicensingStacks.class);

  /** The accepted values of {@code --licensing} / {@code licensing:}. */
  public static final String MODES = "slc, simulated or auto";

  private final Supplier<LicensingStack> slc;
  private final Supplier<LicensingStack> simulated;
  private final String osName;

  /**
   * @param slc builds the SLC stack (only called when chosen: it loads native libraries)
   * @param simulated builds the simulated stack
   * @param osName the {@code os.name} that {@code auto} decides by
   */
  public LicensingStacks(Supplier<LicensingStack> slc, Supplier<LicensingStack> simulated, String osName) {
    this.slc = Objects.requireNonNull(slc, "slc");
    this.simulated = Objects.requireNonNull(simulated, "simulated");
    this.osName = Objects.requireNonNull(osName, "osName");
  }

  /** The stack chosen and why. */
  public record Choice(LicensingStack stack, String mode, String reason) {
    /** One line for a log or a command's header: {@code licensing stack: slc (auto: running on Windows 10)}. */
    public String statusLine() {
      return "licensing stack: " + stack.name() + " (" + reason + ")";
    }
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
      case "slc" -> new Choice(slc.get(), m, "licensing=slc: Windows' Software Licensing Client");
      case "simulated" -> new Choice(simulated.get(), m,
          "licensing=simulated: the in-process simulated machine, nothing on this computer is changed");
      case "auto" -> windows
          ? new Choice(slc.get(), m, "auto: running on " + osName + ", so Windows' own licensing service")
          : new Choice(simulated.get(), m, "auto: " + osName + " is not Windows, so the simulated machine");
      default -> throw new IllegalArgumentException(
          "licensing must be " + MODES + "; got '" + mode + "'");
    };
    LOG.info(choice.statusLine());
    return choice;
  }
}
