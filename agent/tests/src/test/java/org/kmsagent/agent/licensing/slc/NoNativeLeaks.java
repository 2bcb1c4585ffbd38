package org.kmsagent.agent.licensing.slc;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Native;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test and after each class: nothing the double allocated is still outstanding, no handle is left
 * open and nothing was freed that the double did not hand out. The counters are never reset, so the check at
 * the end of the last class covers the whole suite.
 */
public final class NoNativeLeaks implements AfterEachCallback, AfterAllCallback {
    private static final String[] LIBRARIES = {"slc", "osppc"};

    @Override
    public void afterEach(ExtensionContext context) {
        check("after " + context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check("after all of " + context.getDisplayName());
    }

    private static void check(String when) {
        for (String lib : LIBRARIES) {
            if (!SlcDouble.built(lib)) {
                continue;
            }
            SlcDoubleControl c = Native.load(lib, SlcDoubleControl.class);
            assertThat(c.double_outstanding_allocations())
                    .as("%s buffers not freed %s", lib, when)
                    .isZero();
            assertThat(c.double_open_handles())
                    .as("%s handles not closed %s", lib, when)
                    .isZero();
            assertThat(c.double_bad_frees())
                    .as("%s frees of foreign or freed buffers %s", lib, when)
                    .isZero();
        }
    }
}
