package org.kmsagent.agent.licensing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.kmsagent.agent.renewal.DiagnosableStack;
import org.kmsagent.agent.renewal.Diagnosis;
import org.kmsagent.api.ActivationResult;
import org.kmsagent.api.InstalledProduct;
import org.kmsagent.api.KmsEndpoint;
import org.kmsagent.api.LicenseState;
import org.kmsagent.api.LicensingException;
import org.kmsagent.api.LicensingService;
import org.kmsagent.api.LicensingStack;
import org.kmsagent.api.ProductKey;
import org.kmsagent.api.WindowsVersion;

/**
 * A licensing stack wrapped around another, passing every call through unchanged unless a subclass overrides it: the
 * one place a decorator of a machine's stack (the call deadlines, the simulated faults) gets the machine it stands
 * for, and what the wrapped stack offers beside the plugins' interface, why its last attempt failed
 * ({@link DiagnosableStack}) and the {@code slmgr /dlv} details ({@link LicenseDetails}), so that wrapping a stack never
 * hides them.
 *
 * <p>A forwarded call is one direct call on the wrapped stack, with nothing allocated: the simulator drives each of its
 * machines through such a wrapper when a scenario has faults (docs/performance.md).
 */
public abstract class ForwardingStack implements LicensingStack, DiagnosableStack, LicenseDetails {
    private final LicensingStack delegate;

    protected ForwardingStack(LicensingStack delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public final String name() {
        return delegate.name();
    }

    @Override
    public final String machineName() {
        return delegate.machineName();
    }

    @Override
    public final WindowsVersion windowsVersion() {
        return delegate.windowsVersion();
    }

    @Override
    public List<InstalledProduct> installedProducts(LicensingService service, UUID applicationId)
            throws LicensingException {
        return delegate.installedProducts(service, applicationId);
    }

    @Override
    public LicenseState licenseState(LicensingService service, UUID skuId) throws LicensingException {
        return delegate.licenseState(service, skuId);
    }

    @Override
    public void installProductKey(LicensingService service, ProductKey key) throws LicensingException {
        delegate.installProductKey(service, key);
    }

    @Override
    public void setKmsEndpoint(LicensingService service, UUID skuId, KmsEndpoint endpoint) throws LicensingException {
        delegate.setKmsEndpoint(service, skuId, endpoint);
    }

    @Override
    public ActivationResult activate(LicensingService service, UUID skuId) throws LicensingException {
        return delegate.activate(service, skuId);
    }

    /** The wrapped stack's details; empty when it reads none. */
    @Override
    public Optional<Details> licenseDetails(InstalledProduct product) throws LicensingException {
        return delegate instanceof LicenseDetails details ? details.licenseDetails(product) : Optional.empty();
    }

    /** The wrapped stack's diagnosis; empty when it makes none. */
    @Override
    public final Optional<Diagnosis> lastDiagnosis(UUID skuId) {
        return delegate instanceof DiagnosableStack d ? d.lastDiagnosis(skuId) : Optional.empty();
    }
}
