package org.kmsagent.agent.live;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Vert.x worker context with a one-thread pool of its own: what runs there runs one task at a time and may block
 * (licensing calls, plugin loading, the ledger) without holding up the event loops or the shared worker pool.
 */
final class MachineThread {
    /** Work to run on the thread. */
    @FunctionalInterface
    interface Call<T> {
        T call() throws Exception;
    }

    private final Vertx vertx;
    private final Context context;
    private final String deploymentId;

    private MachineThread(Vertx vertx, Context context, String deploymentId) {
        this.vertx = vertx;
        this.context = context;
        this.deploymentId = deploymentId;
    }

    /** Deploys the context (pool {@code name}) and waits for it. Call from a non-Vert.x thread. */
    static MachineThread deploy(Vertx vertx, String name, long waitSeconds) throws Exception {
        AtomicReference<Context> ctx = new AtomicReference<>();
        String id = vertx.deployVerticle(
                        new AbstractVerticle() {
                            @Override
                            public void start() {
                                ctx.set(context);
                            }
                        },
                        new DeploymentOptions()
                                .setThreadingModel(ThreadingModel.WORKER)
                                .setWorkerPoolName(name)
                                .setWorkerPoolSize(1))
                .toCompletionStage()
                .toCompletableFuture()
                .get(waitSeconds, TimeUnit.SECONDS);
        return new MachineThread(vertx, ctx.get(), id);
    }

    /** The context (for timers that must fire here). */
    Context context() {
        return context;
    }

    /** Whether the calling thread is running this context's task. */
    boolean isCurrent() {
        return Vertx.currentContext() == context;
    }

    /**
     * Runs {@code body} here and waits for its result; runs it at once when already here. The body's exception is
     * rethrown as is.
     *
     * @throws TimeoutException it did not finish within {@code waitSeconds}
     */
    <T> T call(Call<T> body, long waitSeconds) throws Exception {
        if (isCurrent()) {
            return body.call();
        }
        // A plain future: callers may be Vert.x worker threads, where Vert.x's own Future.await is refused.
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(waitSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Undeploys the context (its pool's thread ends). */
    void close() throws Exception {
        vertx.undeploy(deploymentId).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
