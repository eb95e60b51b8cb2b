package io.mailhub.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertReceiversTest {

    @TempDir
    Path dir;

    private AlertReceivers receivers(String file, String to, String from) throws Exception {
        Path f = Files.writeString(dir.resolve("receivers"), file);
        return new AlertReceivers(new AlertSettings(to, from, f, Duration.ofHours(1)));
    }

    @Test
    void rulesWithoutLabelsAlwaysApplyAndRulesWithLabelsWhenAllMatchOneLabelSet() throws Exception {
        AlertReceivers r = receivers("ops to=oncall@x.test from=alerts@x.test\n"
                + "ops severity=critical to=pager@x.test\n"
                + "ops severity=critical team=db to=dba@x.test,dbm@x.test\n", "", "");

        assertThat(r.route("ops", List.of(Map.of("severity", "warning"))).to()).containsExactly("oncall@x.test");
        assertThat(r.route("ops", List.of(Map.of("severity", "critical"))).to())
                .containsExactly("oncall@x.test", "pager@x.test");
        assertThat(r.route("ops", List.of(Map.of("severity", "critical"), Map.of("team", "db", "severity",
                "critical"))).to()).containsExactly("oncall@x.test", "pager@x.test", "dba@x.test", "dbm@x.test");
        assertThat(r.route("ops", List.of(Map.of())).from()).isEqualTo("alerts@x.test");
    }

    @Test
    void aReceiverWithoutRulesUsesTheDefaultsAndARuleWithoutFromTakesTheDefaultSender() throws Exception {
        AlertReceivers r = receivers("db to=dba@x.test secret=s1\n", "noc@x.test, ops@x.test", "hub@x.test");

        AlertReceivers.Route unknown = r.route("web", List.of(Map.of()));
        assertThat(unknown.to()).containsExactly("noc@x.test", "ops@x.test");
        assertThat(unknown.from()).isEqualTo("hub@x.test");
        assertThat(unknown.secret()).isNull();
        AlertReceivers.Route db = r.route("db", List.of(Map.of()));
        assertThat(db.to()).containsExactly("dba@x.test");
        assertThat(db.from()).isEqualTo("hub@x.test");
        assertThat(db.secret()).isEqualTo("s1");
    }

    @Test
    void badLinesAreSkippedAndTheOthersStillApply() throws Exception {
        AlertReceivers r = receivers("# comment\nops oops\nops severity=critical\nops to=a@x.test\n", "", "");

        assertThat(r.route("ops", List.of(Map.of("severity", "critical"))).to()).containsExactly("a@x.test");
    }
}
