package org.kmsagent.agent.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The procrun entry points: start blocks while the daemon serves, stop (from another thread) ends it cleanly. */
class WindowsServiceTest {
  @TempDir Path dir;

  @Test
  void startServesUntilStopIsCalledFromAnotherThread() throws Exception {
    Path data = dir.resolve("data");
    Path config = dir.resolve("agent.yaml");
    Files.writeString(config, "dataDir: " + data + "\npluginsDir: " + dir.resolve("no-plugins")
        + "\nlicensing: simulated\nbridge:\n  port: 0\n");
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread service = new Thread(() -> {
      try {
        WindowsService.start(new String[] {config.toString()});
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "procrun-start");
    service.start();

    // The daemon is up once it has made its TLS material and admin token in the data folder.
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(data.resolve("admin.token")) || !service.isAlive());
    assertThat(failure.get()).isNull();
    assertThat(service.isAlive()).as("start blocks while the service runs").isTrue();

    WindowsService.stop(new String[0]);
    service.join(Duration.ofSeconds(60).toMillis());
    assertThat(service.isAlive()).as("start returned after stop").isFalse();
    assertThat(failure.get()).isNull();
  }
}
