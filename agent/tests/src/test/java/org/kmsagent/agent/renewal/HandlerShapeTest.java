package org.kmsagent.agent.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.renewal.RenewalLoop.HandlerShape;
import org.kmsagent.api.ActivationHandler;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.SkuCatalog;

/**
 * Which handler calls the renewal loop may make without entering plugin code: every method the handler keeps as the
 * API's default. A handler that overrides one goes through the plugin for that call.
 */
class HandlerShapeTest {
    @Test
    void theStandardHandlerKeepsEveryDefaultSoTheLoopCallsTheStackDirectly() {
        assertThat(HandlerShape.of(ActivationHandler.STANDARD)).isEqualTo(new HandlerShape(true, true, true, true));
    }

    @Test
    void aHandlerThatFindsItsOwnProductsIsAskedForThemButActivatesDirectly() {
        ActivationHandler own = new ActivationHandler() {
            @Override
            public List<InstalledProduct> findInstalled(LicensingStack stack, SkuCatalog catalog)
                    throws LicensingException {
                return List.of();
            }
        };
        assertThat(HandlerShape.of(own)).isEqualTo(new HandlerShape(true, true, true, false));
    }

    @Test
    void aHandlerThatActivatesItselfAlsoRenewsThroughThePlugin() {
        ActivationHandler own = new ActivationHandler() {
            @Override
            public ActivationResult activate(LicensingStack stack, InstalledProduct product) throws LicensingException {
                return ActivationHandler.super.activate(stack, product);
            }
        };
        assertThat(HandlerShape.of(own)).isEqualTo(new HandlerShape(true, false, false, true));
    }

    @Test
    void noHandlerMeansEveryCallGoesThroughThePlugin() {
        assertThat(HandlerShape.of(null)).isEqualTo(new HandlerShape(false, false, false, false));
    }
}
