package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StopWaitTest {

    @Test
    void theHookWaitsUntilTheLastStopStepIsDone() throws Exception {
        StopWait wait = new StopWait(Duration.ofSeconds(30));
        CompletableFuture<Boolean> hook = CompletableFuture.supplyAsync(wait::awaitStop);
        Thread.sleep(200);
        assertThat(hook).isNotDone();
        wait.done();
        assertThat(hook.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theWaitIsBoundedSoAHangingStopCannotKeepTheJvmUp() {
        StopWait wait = new StopWait(Duration.ofMillis(100));
        assertThat(wait.awaitStop()).isFalse();
    }

    @Test
    void aHubThatStoppedNormallyLeavesNoHookBehind() {
        StopWait wait = new StopWait(Duration.ofSeconds(30));
        wait.install();
        wait.done();
        assertThat(Runtime.getRuntime().removeShutdownHook(wait.hook())).as("hook still registered").isFalse();
    }

    @Test
    void aHookInstalledIsRegisteredWithTheJvm() {
        StopWait wait = new StopWait(Duration.ofSeconds(30));
        wait.install();
        assertThat(Runtime.getRuntime().removeShutdownHook(wait.hook())).isTrue();
    }
}
