package io.mailhub.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        Map<String, String> env = Map.of("MAILHUB_ADMIN_PASSWORD", "pw");
        return new QueueCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env::get)
                .run(List.of(args), "http://127.0.0.1:9"); // port 9 (discard): nothing listens there
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aBulkActionWithoutAReasonOrWithoutAFilterIsAUsageErrorBeforeAnyRequest() {
        assertThat(run("hold", "--domain", "x.test")).isEqualTo(64);
        assertThat(err()).contains("hold needs --reason TEXT");
        assertThat(run("delete", "--reason", "cleanup")).isEqualTo(64);
        assertThat(err()).contains("delete needs a filter, or --all for every message");
    }

    @Test
    void anUnknownCommandOrAMissingValueIsAUsageError() {
        assertThat(run("purge")).isEqualTo(64);
        assertThat(err()).contains("unknown command purge").contains("usage: mailhub queue");
        assertThat(run("list", "--sender")).isEqualTo(64);
        assertThat(err()).contains("--sender needs a value");
    }

    @Test
    void aHubThatCannotBeReachedEndsInTempfail() {
        assertThat(run("summary")).isEqualTo(75);
        assertThat(err()).contains("cannot reach the hub at http://127.0.0.1:9");
    }

    @Test
    void rerouteNeedsItsNextHopAndSuspendItsTimeAndReasonBeforeAnyRequest() {
        assertThat(run("reroute", "--domain", "x.test", "--reason", "their MX moved")).isEqualTo(64);
        assertThat(err()).contains("reroute needs --to NEXT_HOP");
        assertThat(run("hold", "--domain", "x.test", "--to", "[10.0.0.1]:25", "--reason", "r")).isEqualTo(64);
        assertThat(err()).contains("--to is for reroute only");
        assertThat(run("suspend", "x.test", "--reason", "maintenance")).isEqualTo(64);
        assertThat(err()).contains("suspend needs --for TIME");
        assertThat(run("raw")).isEqualTo(64);
        assertThat(err()).contains("raw needs one queue id");
    }

    @Test
    void retryOfADomainIsAFlushOfThatDestinationSentToTheHub() {
        assertThat(run("retry", "example.com")).as("a request was made, to a hub that is not there").isEqualTo(75);
        assertThat(err()).contains("cannot reach the hub");
    }

    @Test
    void suppressNeedsOneAddressAndAReasonAndTheListTakesNoArgumentsBeforeAnyRequest() {
        assertThat(run("suppress", "ann@example.org")).isEqualTo(64);
        assertThat(err()).contains("suppress needs --reason TEXT");
        assertThat(run("unsuppress")).isEqualTo(64);
        assertThat(err()).contains("unsuppress needs one address");
        assertThat(run("suppressions", "ann@example.org")).isEqualTo(64);
        assertThat(err()).contains("suppressions takes no arguments");
        assertThat(run("unsuppress", "ann+news@example.org")).as("a request was made").isEqualTo(75);
    }
}
