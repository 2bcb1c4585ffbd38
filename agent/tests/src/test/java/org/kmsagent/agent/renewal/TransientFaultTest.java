package org.kmsagent.agent.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kmsagent.agent.renewal.LoopHarness.T0;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.licensing.simulated.FaultyStack;
import org.kmsagent.agent.licensing.simulated.SimulatedMachine;
import org.kmsagent.agent.licensing.simulated.SimulatedProduct;
import org.kmsagent.agent.plugin.LoadedFamily;
import org.kmsagent.agent.renewal.Diagnosis.Cause;
import org.kmsagent.agent.renewal.Faults.FaultClass;
import org.kmsagent.agent.renewal.RenewalEvent.Kind;
import org.kmsagent.agent.testsupport.TestFamilies;
import org.kmsagent.api.HResult;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.Sku;

/** A licensing service that is not running for a while (restarting after an update): the loop waits it out. */
class TransientFaultTest {

    @Test
    void serviceNotRunningAtStartIsRetriedAfterOneTwoFourEightMinutesAndTheProductActivatesWhenItIsBack() {
        LoopHarness h = new LoopHarness();
        for (int i = 1; i <= 5; i++) {
            h.server(i);
        }
        h.runFor(Duration.ZERO);
        SimulatedMachine m = h.machine("srv-6", Duration.ZERO);
        LoadedFamily f = TestFamilies.byId("windows-server");
        Sku sku = f.catalog().byName("Windows Server 2019 Standard").orElseThrow();
        SimulatedProduct p = LoopHarness.product(f, sku, m);
        m.install(p, Optional.of(sku.gvlk()));
        FaultyStack down = new FaultyStack(
                m,
                new FaultyStack.Plan(
                        1.0,
                        0,
                        EnumSet.of(FaultyStack.Kind.SERVICE_NOT_RUNNING),
                        Optional.of(T0.plus(Duration.ofMinutes(10)))),
                new SplittableRandom(1),
                h.scheduler::now,
                FaultyStack.HangMode.TIMEOUT,
                Duration.ZERO);
        RenewalLoop loop = new RenewalLoop(h.scheduler, f, down, p.skuId(), MakFallbackPolicy.OFF, h.events::add);
        loop.start();

        h.runUntil(Duration.ofHours(1));

        assertThat(h.times("srv-6", Kind.CALL_FAILED))
                .containsExactly(Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(3), Duration.ofMinutes(7));
        RenewalEvent first = h.of("srv-6", Kind.CALL_FAILED).get(0);
        assertThat(first.hresult()).contains(HResult.ERROR_SERVICE_NOT_ACTIVE);
        assertThat(first.diagnosis().orElseThrow().cause()).isEqualTo(Cause.LICENSING_UNAVAILABLE);
        assertThat(h.times("srv-6", Kind.ACTIVATED)).containsExactly(Duration.ofMinutes(15));
        assertThat(loop.finished()).isFalse();
        assertThat(loop.transientFailures()).isZero();
    }

    @Test
    void theFaultModelSortsEveryFailureOnce() {
        assertThat(Faults.classify(HResult.ERROR_SERVICE_NOT_ACTIVE, false)).isEqualTo(FaultClass.TRANSIENT);
        assertThat(Faults.classify(HResult.RPC_S_SERVER_UNAVAILABLE, false)).isEqualTo(FaultClass.TRANSIENT);
        assertThat(Faults.classify(HResult.WBEM_E_SERVER_TOO_BUSY, false)).isEqualTo(FaultClass.TRANSIENT);
        assertThat(Faults.classify(Faults.CALL_TIMED_OUT, false)).isEqualTo(FaultClass.TRANSIENT);
        // A service restarted under a COM call (sppsvc after an update, WMI's host): it was a permanent failure, the
        // next try an activation interval away.
        assertThat(HResult.of(0x80010108).name()).isEqualTo("RPC_E_DISCONNECTED");
        assertThat(Faults.classify(HResult.of(0x80010108), false)).isEqualTo(FaultClass.TRANSIENT);
        assertThat(Faults.classify(HResult.of(0x800706BF), false)).isEqualTo(FaultClass.TRANSIENT);
        assertThat(Faults.classify(HResult.of(0x80080005), false)).isEqualTo(FaultClass.TRANSIENT);
        // A class or method the machine's WMI lacks is named, not "Unknown error code", and not retried soon.
        assertThat(HResult.of(0x8004102E).name()).isEqualTo("WBEM_E_INVALID_METHOD");
        assertThat(Faults.classify(HResult.of(0x8004102E), false)).isEqualTo(FaultClass.PERMANENT);
        assertThat(Faults.classify(HResult.E_ACCESSDENIED, true)).isEqualTo(FaultClass.TRANSIENT);
        assertThat(Faults.classify(HResult.E_ACCESSDENIED, false)).isEqualTo(FaultClass.PERMANENT);
        assertThat(Faults.classify(new LicensingException(HResult.of(0x80004005), "SLC SLOpen failed"), false))
                .isEqualTo(FaultClass.TRANSIENT);
        assertThat(Faults.classify(HResult.SL_E_INVALID_PRODUCT_KEY, false)).isEqualTo(FaultClass.PERMANENT);
        assertThat(Faults.classify(HResult.ERROR_SERVICE_DISABLED, false)).isEqualTo(FaultClass.PERMANENT);
        assertThat(Faults.classify(HResult.of(0xC004F069), false)).isEqualTo(FaultClass.GONE);
        assertThat(Faults.classify(HResult.of(0xC004F015), false)).isEqualTo(FaultClass.GONE);
        // slmgr calls 0xC004F066 "SKU not found", but it is a property error: the product is still there to renew.
        assertThat(Faults.classify(HResult.of(0xC004F066), false)).isEqualTo(FaultClass.PERMANENT);
        assertThat(Faults.backoff(1, Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(1));
        assertThat(Faults.backoff(4, Duration.ofHours(2))).isEqualTo(Duration.ofMinutes(8));
        assertThat(Faults.backoff(40, Duration.ofHours(2))).isEqualTo(Duration.ofHours(2));
    }
}
