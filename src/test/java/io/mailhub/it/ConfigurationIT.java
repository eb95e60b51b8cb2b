package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A bad value stops start-up with one clear line naming the property, from every place a value can come from. */
class ConfigurationIT {

    private record Exit(int code, String output) {}

    private static Exit run(HubProcess hub, java.util.Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(hub.command()).directory(hub.workDir().toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the hub exits").isTrue();
        return new Exit(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void aPortOutOfRangeAsSystemPropertyStopsStartUpNamingTheProperty() throws Exception {
        HubProcess hub = new HubProcess(HubProcess.itDir("config")).set("mailhub.smtp.port", 70000);
        Exit e = run(hub, java.util.Map.of());
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.output().strip().lines().toList()).hasSize(1);
        assertThat(e.output()).startsWith("mailhub: invalid configuration: ").contains("mailhub.smtp.port")
                .contains("70000");
    }

    @Test
    void anEventsEndpointCamelCannotResolveStopsStartUpNamingTheSettingAndExitsNonZero() throws Exception {
        HubProcess hub = new HubProcess(HubProcess.itDir("config")).set("mailhub.events.endpoint", "kafka:events");
        Exit e = run(hub, java.util.Map.of());
        assertThat(e.code()).isEqualTo(1);
        assertThat(e.output()).contains("mailhub.events.endpoint=kafka:events").contains("kafka");
    }

    @Test
    void aListenerPortAnotherProcessHoldsStopsStartUpAtOnceWithTheDoorsClosed() throws Exception {
        HubProcess hub = new HubProcess(HubProcess.itDir("config"));
        try (java.net.ServerSocket taken = new java.net.ServerSocket(hub.smtpsPort)) {
            long began = System.nanoTime();
            Exit e = run(hub, java.util.Map.of());
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);

            assertThat(e.code()).isEqualTo(1);
            assertThat(e.output()).contains("cannot start the smtps listener on port " + hub.smtpsPort)
                    .contains("Address already in use")
                    .doesNotContain("Waiting for CamelContext to graceful shutdown")
                    .doesNotContain("Forcing shutdown");
            assertThat(seconds).as("exits without Camel's 45 s shutdown wait").isLessThan(40);
        }
    }

    @Test
    void aBrokerConfigurationWithoutAQueueTheHubUsesStopsStartUpNamingIt() throws Exception {
        Path dir = HubProcess.itDir("config");
        Path config = dir.resolve("broker.xml");
        Files.writeString(config, Files.readString(Path.of("artemis/broker.xml")).replace(
                "<address name=\"mail.bounce\"><anycast><queue name=\"mail.bounce\"/></anycast></address>", ""));
        HubProcess hub = new HubProcess(dir).set("mailhub.broker.config", config);

        Exit e = run(hub, java.util.Map.of());

        assertThat(e.code()).isEqualTo(1);
        assertThat(e.output()).contains("the embedded broker's configuration (mailhub.broker.config=" + config
                + ") has no queue mail.bounce: define them as artemis/broker.xml does");
    }

    @Test
    void anUnparsableSizeFromTheEnvironmentStopsStartUpNamingTheVariable() throws Exception {
        HubProcess hub = new HubProcess(HubProcess.itDir("config"));
        Exit e = run(hub, java.util.Map.of("MAILHUB_MAX_MESSAGE_SIZE", "lots"));
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.output()).contains("MAILHUB_MAX_MESSAGE_SIZE").contains("lots");
    }

    @Test
    void aBadCidrInTheConfigFileStopsStartUpNamingTheFileAndProperty() throws Exception {
        Path dir = HubProcess.itDir("config");
        HubProcess hub = new HubProcess(dir);
        Path config = Files.createDirectories(dir.resolve("config")).resolve("application.properties");
        Files.writeString(config, "mailhub.relay.trusted-networks = 10.0.0.0/33\n");
        Exit e = run(hub, java.util.Map.of());
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.output()).contains("mailhub.relay.trusted-networks").contains("10.0.0.0/33")
                .contains("application.properties");
    }

    @Test
    void aMisspelledKeyIsReportedWithASuggestion() throws Exception {
        HubProcess hub = new HubProcess(HubProcess.itDir("config")).set("mailhub.smtp.prot", 2525);
        Exit e = run(hub, java.util.Map.of());
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.output()).contains("mailhub.smtp.prot").contains("mailhub.smtp.port");
    }
}
