package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MailhubSettingsTest {

    /** Always set: without it the default asks the resolver for the local host's name. */
    private static final Map<String, String> HOSTNAME = Map.of("mailhub.hostname", "mx.example.test");

    private static Map<String, String> with(Map<String, String> base, String... keyValues) {
        Map<String, String> m = new HashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static MailhubSettings fromSystemProperties(String... keyValues) throws InvalidSettingsException {
        return MailhubSettings.from(new ConfigSource(with(HOSTNAME, keyValues), Map.of(), Map.of(), null));
    }

    private static List<String> problemsWithSystemProperties(String... keyValues) {
        InvalidSettingsException e = catchThrowableOfType(InvalidSettingsException.class,
                () -> fromSystemProperties(keyValues));
        assertThat(e).as("settings should have been refused").isNotNull();
        return e.problems();
    }

    @Test
    void defaultsAreValid() throws Exception {
        MailhubSettings s = fromSystemProperties();

        assertThat(s.hostname).isEqualTo("mx.example.test");
        assertThat(s.listeners.smtpPort()).isEqualTo(2525);
        assertThat(s.http.port()).isEqualTo(8080);
        assertThat(s.listeners.maxLineLength()).isEqualTo(64 * 1024);
        assertThat(s.acceptance.maxMessageSize()).isEqualTo(25L * 1024 * 1024);
        assertThat(s.queue.minFreeSpace()).isEqualTo(100L * 1024 * 1024);
        assertThat(s.listeners.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.delivery.retryMaxLifetime()).isEqualTo(Duration.ofDays(5));
        assertThat(s.delivery.retrySchedule().delayAfter(1)).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.delivery.retrySchedule().delayAfter(100)).isEqualTo(Duration.ofHours(2));
        assertThat(s.policy.trustedNetworks().contains(InetAddress.getLoopbackAddress())).isTrue();
        assertThat(s.policy.localDomains().isEmpty()).isTrue();
        assertThat(s.routesDir).isNull();
        assertThat(s.dataDir).isAbsolute();
    }

    @Test
    void valuesWithUnitsAreParsed() throws Exception {
        MailhubSettings s = fromSystemProperties("mailhub.max-message-size", "10MB", "mailhub.smtp.idle-timeout", "90s",
                "mailhub.local-domains", "example.test, .example.test", "mailhub.hostname", "MX.Example.TEST");

        assertThat(s.acceptance.maxMessageSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(s.listeners.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.policy.localDomains().contains("mail.example.test")).isTrue();
        assertThat(s.hostname).isEqualTo("mx.example.test");
    }

    @Test
    void portOutsideTheTcpRangeIsRefusedNamingTheProperty() {
        assertThat(problemsWithSystemProperties("mailhub.smtp.port", "70000")).containsExactly(
                "mailhub.smtp.port=70000 (-Dmailhub.smtp.port): must be a TCP port number from 1 to 65535"
                        + " (0 picks a free port)");
    }

    @Test
    void portThatIsNotANumberIsRefused() {
        assertThat(problemsWithSystemProperties("mailhub.http.port", "http")).singleElement().asString()
                .startsWith("mailhub.http.port=http (-Dmailhub.http.port): must be a TCP port");
    }

    @Test
    void unparsableSizeIsRefusedNamingThePropertyAndTheValue() {
        assertThat(problemsWithSystemProperties("mailhub.max-message-size", "25 megs")).containsExactly(
                "mailhub.max-message-size=25 megs (-Dmailhub.max-message-size): '25 megs' is not a size"
                        + " (examples: 10240000, 512KB, 25MB, 1GB)");
    }

    @Test
    void sizeOutsideItsRangeIsRefused() {
        assertThat(problemsWithSystemProperties("mailhub.smtp.max-line-length", "500")).singleElement().asString()
                .startsWith("mailhub.smtp.max-line-length=500 (-Dmailhub.smtp.max-line-length): must be between 1000 and");
    }

    @Test
    void badCidrInTrustedNetworksIsRefusedNamingTheProperty() {
        assertThat(problemsWithSystemProperties("mailhub.relay.trusted-networks", "127.0.0.0/8, 10.0.0.0/33"))
                .singleElement().asString()
                .startsWith("mailhub.relay.trusted-networks=127.0.0.0/8, 10.0.0.0/33 (-Dmailhub.relay.trusted-networks): ")
                .contains("'10.0.0.0/33'", "prefix length");
    }

    @Test
    void badDurationAndRetryScheduleAreRefused() {
        List<String> problems = problemsWithSystemProperties("mailhub.smtp.idle-timeout", "5 minutes",
                "mailhub.retry.schedule", "5m, often");

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("mailhub.smtp.idle-timeout=5 minutes (-Dmailhub.smtp.idle-timeout): ")
                .contains("not a duration");
        assertThat(problems.get(1)).startsWith("mailhub.retry.schedule=5m, often (-Dmailhub.retry.schedule): step 2 'often'");
    }

    @Test
    void durationBelowTheMinimumIsRefused() {
        assertThat(problemsWithSystemProperties("mailhub.retry.max-lifetime", "500ms")).containsExactly(
                "mailhub.retry.max-lifetime=500ms (-Dmailhub.retry.max-lifetime): must be at least 1s");
    }

    @Test
    void theSuppressionListCoversTheApiByDefaultAndABadScopeLifetimeOrRecipientTableIsRefused() throws Exception {
        MailhubSettings s = fromSystemProperties();
        assertThat(s.suppression.scope()).isEqualTo(io.mailhub.delivery.SuppressionSettings.Scope.API);
        assertThat(s.suppression.lifetime()).as("until removed").isNull();
        assertThat(s.recipients.file()).isNull();

        assertThat(problemsWithSystemProperties("mailhub.suppression", "sometimes", "mailhub.suppression.lifetime",
                "5m", "mailhub.relay.recipients", "/nonexistent/recipients")).containsExactlyInAnyOrder(
                "mailhub.suppression=sometimes (-Dmailhub.suppression): must be api, all or off",
                "mailhub.suppression.lifetime=5m (-Dmailhub.suppression.lifetime): must be at least 1h",
                "mailhub.relay.recipients=/nonexistent/recipients (-Dmailhub.relay.recipients): file"
                        + " /nonexistent/recipients does not exist or cannot be read");
    }

    @Test
    void theReturnPathIsOffByDefaultAndItsDomainMustBeADomain() throws Exception {
        assertThat(fromSystemProperties().returnPath.domain()).as("off").isNull();
        MailhubSettings s = fromSystemProperties("mailhub.bounce.return-path-domain", "Bounces.Shop.TEST",
                "mailhub.bounce.return-path-key", "/etc/mailhub/return-path.key");
        assertThat(s.returnPath.domain()).isEqualTo("bounces.shop.test");
        assertThat(s.returnPath.keyFile()).isEqualTo(java.nio.file.Path.of("/etc/mailhub/return-path.key"));
        assertThat(problemsWithSystemProperties("mailhub.bounce.return-path-domain", "bounces@shop.test"))
                .containsExactly("mailhub.bounce.return-path-domain=bounces@shop.test"
                        + " (-Dmailhub.bounce.return-path-domain): 'bounces@shop.test' is not a domain name");
    }

    @Test
    void hostnameThatIsNotADomainIsRefused() {
        assertThat(problemsWithSystemProperties("mailhub.hostname", "mail_host")).containsExactly(
                "mailhub.hostname=mail_host (-Dmailhub.hostname): must be a host name such as mail.example.com");
    }

    @Test
    void unknownKeyIsRefusedWithTheNearestKnownKey() {
        assertThat(problemsWithSystemProperties("mailhub.smtp.prot", "25"))
                .containsExactly("mailhub.smtp.prot: unknown setting (did you mean mailhub.smtp.port?)");
    }

    @Test
    void unknownKeyFarFromEveryKnownKeyGetsNoSuggestion() {
        assertThat(problemsWithSystemProperties("mailhub.frobnicate", "yes"))
                .containsExactly("mailhub.frobnicate: unknown setting");
    }

    @Test
    void unknownEnvironmentVariableIsSuggestedItsEnvironmentSpelling() {
        InvalidSettingsException e = catchThrowableOfType(InvalidSettingsException.class, () -> MailhubSettings.from(
                new ConfigSource(HOSTNAME, Map.of("MAILHUB_SMTP_PROT", "25", "PATH", "/usr/bin"), Map.of(), null)));

        assertThat(e.problems()).containsExactly("MAILHUB_SMTP_PROT: unknown setting (did you mean MAILHUB_SMTP_PORT?)");
    }

    @Test
    void kubernetesServiceLinkVariablesForAServiceNamedMailhubAreNotSettings() throws Exception {
        MailhubSettings s = MailhubSettings.from(new ConfigSource(HOSTNAME, Map.of("MAILHUB_SERVICE_HOST", "10.0.0.7",
                "MAILHUB_SERVICE_PORT", "25", "MAILHUB_SERVICE_PORT_SMTP", "25", "MAILHUB_PORT", "tcp://10.0.0.7:25",
                "MAILHUB_PORT_25_TCP_ADDR", "10.0.0.7", "MAILHUB_SMTP_PORT", "2526"), Map.of(), null));

        assertThat(s.listeners.smtpPort()).isEqualTo(2526);
    }

    @Test
    void brokerUrlMustBeAnArtemisUrl() throws Exception {
        assertThat(problemsWithSystemProperties("mailhub.broker.url", "nonsense:61616")).singleElement().asString()
                .startsWith("mailhub.broker.url=nonsense:61616").contains("tcp://broker:61616");
        assertThat(fromSystemProperties("mailhub.broker.url", "tcp://broker:61616").queue.brokerUrl())
                .isEqualTo("tcp://broker:61616");
        assertThat(fromSystemProperties("mailhub.broker.url", "(tcp://a:61616,tcp://b:61616)?ha=true").queue.brokerUrl())
                .startsWith("(tcp://a");
    }

    @Test
    void otherSystemPropertiesAreIgnored() throws Exception {
        assertThat(fromSystemProperties("java.version", "17", "user.home", "/root").listeners.smtpPort()).isEqualTo(2525);
    }

    @Test
    void everyProblemIsReportedOnItsOwnLine() {
        InvalidSettingsException e = catchThrowableOfType(InvalidSettingsException.class,
                () -> fromSystemProperties("mailhub.smtp.port", "-1", "mailhub.max-message-size", "big",
                        "mailhub.smtp.max-recipients", "0"));

        assertThat(e.problems()).hasSize(3).allSatisfy(p -> assertThat(p).doesNotContain("\n"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("mailhub.smtp.port=-1"))
                .anySatisfy(p -> assertThat(p).startsWith("mailhub.max-message-size=big"))
                .anySatisfy(p -> assertThat(p).startsWith("mailhub.smtp.max-recipients=0").endsWith("from 1 to 100000"));
        assertThat(e).hasMessage(String.join("; ", e.problems()));
    }

    @Test
    void mtaStsIsOnByDefaultAndABadSwitchOrPortIsNamed() throws Exception {
        assertThat(fromSystemProperties().delivery.mtaSts()).isTrue();
        assertThat(fromSystemProperties().delivery.mtaStsPort()).isEqualTo(443);
        assertThat(fromSystemProperties("mailhub.relay.mta-sts", "off").delivery.mtaSts()).isFalse();

        assertThat(problemsWithSystemProperties("mailhub.relay.mta-sts", "enforce", "mailhub.relay.mta-sts-port", "0"))
                .hasSize(2).anySatisfy(p -> assertThat(p).startsWith("mailhub.relay.mta-sts=enforce"))
                .anySatisfy(p -> assertThat(p).startsWith("mailhub.relay.mta-sts-port=0"));
    }

    @Test
    void errorNamesTheEnvironmentVariableOrFileTheValueCameFrom() {
        Path file = Path.of("/etc/mailhub/application.properties");
        InvalidSettingsException e = catchThrowableOfType(InvalidSettingsException.class, () -> MailhubSettings.from(
                new ConfigSource(HOSTNAME, Map.of("MAILHUB_SMTP_PORT", "x"), Map.of("mailhub.http.port", "y"), file)));

        assertThat(e.problems()).containsExactlyInAnyOrder(
                "mailhub.smtp.port=x (environment variable MAILHUB_SMTP_PORT): must be a TCP port number from 1 to 65535"
                        + " (0 picks a free port)",
                "mailhub.http.port=y (" + file + "): must be a TCP port number from 1 to 65535 (0 picks a free port)");
    }

    @Test
    void systemPropertyBeatsEnvironmentWhichBeatsTheFile() throws Exception {
        MailhubSettings s = MailhubSettings.from(new ConfigSource(
                with(HOSTNAME, "mailhub.smtp.port", "2601"),
                Map.of("MAILHUB_SMTP_PORT", "2602", "MAILHUB_HTTP_PORT", "8082"),
                Map.of("mailhub.smtp.port", "2603", "mailhub.http.port", "8083", "mailhub.smtp.max-recipients", "7"),
                null));

        assertThat(s.listeners.smtpPort()).isEqualTo(2601);
        assertThat(s.http.port()).isEqualTo(8082);
        assertThat(s.listeners.maxRecipients()).isEqualTo(7);
    }

    @Test
    void propertiesForCamelCarryTheResolvedValues() throws Exception {
        Map<String, String> p = fromSystemProperties("mailhub.max-message-size", "1MB").asProperties();

        assertThat(p).containsEntry("mailhub.max-message-size", "1048576")
                .containsEntry("mailhub.hostname", "mx.example.test")
                .containsEntry("mailhub.smtp.port", "2525")
                .containsKeys(MailhubSettings.KEYS.keySet().toArray(String[]::new));
    }

    @Test
    void thePerClientSessionLimitIsFiftyOrHalfOfAllSessionsWhenThatIsLower() throws Exception {
        assertThat(fromSystemProperties().listeners.connectionsPerClient()).isEqualTo(50);
        assertThat(fromSystemProperties("mailhub.smtp.max-connections", "20").listeners.connectionsPerClient()).isEqualTo(10);
        assertThat(fromSystemProperties("mailhub.limits.connections-per-client", "0").listeners.connectionsPerClient())
                .isZero();
        assertThat(fromSystemProperties().listeners.minDataRate()).isEqualTo(500);
    }

    @Test
    void aPerClientSessionLimitThatLetsOneClientTakeEverySessionIsRefused() {
        assertThat(problemsWithSystemProperties("mailhub.smtp.max-connections", "100",
                "mailhub.limits.connections-per-client", "100")).singleElement().asString()
                .startsWith("mailhub.limits.connections-per-client=100").contains("lower than mailhub.smtp.max-connections");
    }
}
