package org.kmsagent.agent.windows.service;

import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import org.kmsagent.agent.windows.advapi.Advapi32Service;
import org.kmsagent.agent.windows.eventlog.AgentEvents;
import org.kmsagent.agent.windows.eventlog.EventLogWriter;
import org.kmsagent.agent.windows.service.ServiceBody.StopReason;

/**
 * The Java entry of the Windows service. {@code kms-agent-service.exe} (src/main/c/kms-agent-service.c) creates the
 * JVM in its own process and calls {@link #main} on its main thread; this then hands that thread to the Service
 * Control Manager through {@link ServiceHost}, so the agent itself is the service. Arguments are the launcher's
 * (the ImagePath after the exe), passed to the {@link ServiceBodyProvider}.
 *
 * <p>System properties: {@code kmsagent.service.name} (default {@code kms-agent}), the name the service is installed
 * under; the event source is always {@link EventLogWriter#SOURCE}.
 */
public final class ServiceMain {
    /** The default service name, as install-service.cmd installs it. */
    public static final String DEFAULT_SERVICE_NAME = "kms-agent";

    private ServiceMain() {}

    public static void main(String[] args) {
        Advapi32Service api;
        try {
            api = Advapi32Service.load();
        } catch (UnsatisfiedLinkError e) {
            System.err.println("kms-agent-service: advapi32 is not available (" + e.getMessage() + "); this entry runs"
                    + " only as a Windows service. Use kms-agent run instead.");
            System.exit(ServiceExitCode.PROCESS_NOT_A_SERVICE);
            return;
        }
        int code;
        boolean gaveUp;
        String serviceName = System.getProperty("kmsagent.service.name", DEFAULT_SERVICE_NAME);
        try (EventLogWriter writer = EventLogWriter.open(EventLogWriter.SOURCE)) {
            AgentEvents events = new AgentEvents(writer);
            ServiceHost host = host(
                    List.of(args),
                    api,
                    events,
                    serviceName,
                    ServiceHost.Options.defaults(),
                    ServiceMain.class.getClassLoader());
            code = run(host, serviceName);
            gaveUp = host.gaveUp();
        }
        System.out.flush();
        System.err.flush();
        if (gaveUp) {
            // A start or stop that hung past its limit: the JVM's shutdown hooks (the ledger's database closing on
            // exit,
            // say) could wait on what hangs and keep the process, and the data folder, after STOPPED was reported.
            Runtime.getRuntime().halt(code);
        }
        // The daemon may leave non-daemon threads; STOPPED is reported, so the process ends here.
        System.exit(code);
    }

    /**
     * The host that runs the service with the body of the first {@link ServiceBodyProvider} {@code loader} finds.
     * Without a provider the service fails to start with {@link ServiceExitCode#NO_SERVICE_BODY}, reported to the SCM
     * and the Event Log.
     */
    static ServiceHost host(
            List<String> args,
            Advapi32Service api,
            AgentEvents events,
            String serviceName,
            ServiceHost.Options options,
            ClassLoader loader) {
        return new ServiceHost(api, serviceName, new ProvidedBody(args, events, loader), events, options);
    }

    /** Runs {@code host} until the service has stopped; returns the process exit code ({@link ServiceHost#run}). */
    static int run(ServiceHost host, String serviceName) {
        int code = host.run();
        if (code == ServiceExitCode.PROCESS_NOT_A_SERVICE) {
            System.err.println("kms-agent-service: not started by the Service Control Manager. Install the service with"
                    + " bin\\install-service.cmd and start it with sc.exe start " + serviceName
                    + "; to run the agent in a console, use bin\\kms-agent run.");
        }
        return code;
    }

    /** Finds and creates the real body inside {@link #start}, so that its failures reach the SCM. */
    private static final class ProvidedBody implements ServiceBody {
        private final List<String> args;
        private final AgentEvents events;
        private final ClassLoader loader;
        private ServiceBody delegate;

        ProvidedBody(List<String> args, AgentEvents events, ClassLoader loader) {
            this.args = args;
            this.events = events;
            this.loader = loader;
        }

        @Override
        public void start() throws Exception {
            Iterator<ServiceBodyProvider> it =
                    ServiceLoader.load(ServiceBodyProvider.class, loader).iterator();
            if (!it.hasNext()) {
                throw new ServiceStartException(
                        ServiceExitCode.NO_SERVICE_BODY,
                        "no " + ServiceBodyProvider.class.getName() + " on the class path",
                        "The installation is incomplete: reinstall kms-agent so that its lib folder holds every jar.");
            }
            ServiceBody b = it.next().create(args, events);
            b.start();
            delegate = b;
        }

        @Override
        public void stop(StopReason reason) throws Exception {
            if (delegate != null) {
                delegate.stop(reason);
            }
        }
    }
}
