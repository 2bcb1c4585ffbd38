package org.kmsagent.agent.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmsagent.agent.bus.view.HostSettingsView;
import org.kmsagent.agent.bus.view.ProductView;
import org.kmsagent.api.KmsEndpoint;

/**
 * What every {@link AgentControl} binding must do, whatever is behind it: unknown names are 404s, and a refused call
 * leaves what the API shows unchanged. The daemon's real binding extends this as the in-memory one does.
 */
public abstract class AgentControlContract {
    protected AgentControl control;

    /** A fresh control over a machine with at least one product. */
    protected abstract AgentControl newControl() throws Exception;

    @BeforeEach
    void create() throws Exception {
        control = newControl();
    }

    @Test
    void productsNameTheirFamilyAndShowAtMostFiveKeyCharacters() {
        List<ProductView> products = control.products();
        assertThat(products).isNotEmpty().allSatisfy(p -> {
            assertThat(p.family()).matches("[a-z0-9]+(-[a-z0-9]+)*");
            assertThat(p.skuId()).isNotBlank();
            if (p.partialKey() != null) {
                assertThat(p.partialKey()).hasSize(5);
            }
        });
    }

    @Test
    void activatingAnUnknownFamilyIsA404AndChangesNothing() {
        List<ProductView> before = control.products();
        ControlException e =
                catchThrowableOfType(ControlException.class, () -> control.activate(Optional.of("no-such-family")));
        assertThat(e.code()).isEqualTo(BusCodes.NOT_FOUND);
        assertThat(control.products()).isEqualTo(before);
    }

    @Test
    void installingForAnUnknownFamilyIsA404AndChangesNothing() {
        List<ProductView> before = control.products();
        ControlException e = catchThrowableOfType(
                ControlException.class, () -> control.installGvlk(Optional.of("no-such-family"), Optional.empty()));
        assertThat(e.code()).isEqualTo(BusCodes.NOT_FOUND);
        assertThat(control.products()).isEqualTo(before);
    }

    @Test
    void settingKmsForAnUnknownFamilyIsA404AndChangesNothing() {
        List<ProductView> before = control.products();
        ControlException e = catchThrowableOfType(
                ControlException.class,
                () -> control.setKms(Optional.of("no-such-family"), KmsEndpoint.host("kms.example")));
        assertThat(e.code()).isEqualTo(BusCodes.NOT_FOUND);
        assertThat(control.products()).isEqualTo(before);
    }

    @Test
    void aPinnedKmsShowsInTheProductsAndClearingItRemovesIt() {
        control.setKms(Optional.empty(), KmsEndpoint.host("kms.corp.example", 1700));
        assertThat(control.products()).allSatisfy(p -> assertThat(p.kms()).isEqualTo("kms.corp.example:1700"));
        control.clearKms(Optional.empty());
        assertThat(control.products()).allSatisfy(p -> assertThat(p.kms()).isNotEqualTo("kms.corp.example:1700"));
    }

    @Test
    void hostSettingsReadBackWhatWasSet() {
        HostSettingsView wanted = new HostSettingsView(60, 1440, 1688, false);
        assertThat(control.updateHostSettings(wanted)).isEqualTo(wanted);
        assertThat(control.hostSettings()).isEqualTo(wanted);
    }

    @Test
    void unloadingAnUnknownPluginIsA404AndChangesNothing() {
        var before = control.plugins();
        ControlException e = catchThrowableOfType(ControlException.class, () -> control.unloadPlugin("no-such-plugin"));
        assertThat(e.code()).isEqualTo(BusCodes.NOT_FOUND);
        assertThat(control.plugins()).isEqualTo(before);
    }

    @Test
    void loadingAMissingJarIsA404AndChangesNothing() {
        var before = control.plugins();
        ControlException e = catchThrowableOfType(
                ControlException.class,
                () -> control.loadPlugin(Path.of("x-missing-plugin.jar"))); // a name: in the plugins directory
        assertThat(e.code()).isEqualTo(BusCodes.NOT_FOUND);
        assertThat(control.plugins()).isEqualTo(before);
    }
}
