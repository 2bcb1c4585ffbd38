package org.kmsagent.agent.licensing.win32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.jna.NativeLibrary;
import org.junit.jupiter.api.Test;

/** A library JNA cannot load is reported by its reasons, not by the class path JNA searched. */
class LinkErrorsTest {
    @Test
    void aLibraryThatIsNotHereIsNamedWithItsReasonOnOneLineWithoutTheSearchPath() {
        UnsatisfiedLinkError e = catchThrowableOfType(
                () -> NativeLibrary.getInstance("kmsagent-no-such-library"), UnsatisfiedLinkError.class);
        // JNA's own message lists the whole class path it searched, one jar after another.
        assertThat(e.getMessage()).contains("resource path");

        String summary = LinkErrors.summary(e);

        assertThat(summary)
                .startsWith("Unable to load library 'kmsagent-no-such-library': ")
                .doesNotContain("resource path", ".jar", "\n")
                .hasSizeLessThan(400);
    }

    @Test
    void aMessageOfOneLineIsKeptAsItIs() {
        assertThat(LinkErrors.summary(new UnsatisfiedLinkError("Error looking up function 'SLOpen'")))
                .isEqualTo("Error looking up function 'SLOpen'");
    }
}
