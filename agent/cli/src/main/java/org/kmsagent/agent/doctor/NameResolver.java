package org.kmsagent.agent.doctor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Resolves a host name through the system's resolver, waiting at most doctor's {@code --timeout-ms}. The resolver
 * has its own timeouts and retries (seconds each, from resolv.conf or Windows' DNS client), which would otherwise
 * hold doctor far longer than it was told, on exactly the machines whose DNS it is asked about.
 */
public final class NameResolver {
    /** What one resolution gave. */
    public sealed interface Resolution {
        /**
         * Why the name has no address, as the end of a sentence naming it ("could not be resolved to an
         * address"), or empty when it has one.
         */
        Optional<String> failure();
    }

    /** The name has an address. */
    public record Resolved(InetAddress address) implements Resolution {
        @Override
        public Optional<String> failure() {
            return Optional.empty();
        }
    }

    /** The resolver answered that the name has no address. */
    public record Unknown() implements Resolution {
        @Override
        public Optional<String> failure() {
            return Optional.of("could not be resolved to an address");
        }
    }

    /** The resolver gave no answer within the timeout. */
    public record TimedOut(Duration after) implements Resolution {
        @Override
        public Optional<String> failure() {
            return Optional.of("did not resolve within " + after.toMillis() + " ms (is a DNS server reachable?)");
        }
    }

    /** One blocking look-up, {@link InetAddress#getByName} unless a test gives another. */
    @FunctionalInterface
    public interface Lookup {
        InetAddress byName(String host) throws UnknownHostException;
    }

    private final Lookup lookup;
    private final Duration timeout;

    /** Resolves through the system's resolver. */
    public NameResolver(Duration timeout) {
        this(InetAddress::getByName, timeout);
    }

    public NameResolver(Lookup lookup, Duration timeout) {
        this.lookup = lookup;
        this.timeout = timeout;
    }

    /** The address of {@code host}, an address literal taken as is. */
    public Resolution resolve(String host) {
        CompletableFuture<InetAddress> answer = new CompletableFuture<>();
        Thread asking = new Thread(
                () -> {
                    try {
                        answer.complete(lookup.byName(host));
                    } catch (UnknownHostException | RuntimeException e) {
                        answer.completeExceptionally(e);
                    }
                },
                "doctor-resolve");
        // A look-up still waiting on the resolver when doctor has its answer must not keep the JVM alive.
        asking.setDaemon(true);
        asking.start();
        try {
            return new Resolved(answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return new TimedOut(timeout);
        } catch (ExecutionException e) {
            return new Unknown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TimedOut(timeout);
        }
    }
}
