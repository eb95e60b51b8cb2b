package io.mailhub.ingress.pickup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.SyntaxException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SendmailTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String input, Consumer<Path> hub, String... args) throws Exception {
        Files.createDirectories(dir.resolve(".bad"));
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = new Thread(() -> { // plays the hub: takes the first .eml that appears, until sendmail returns
            AtomicReference<Path> found = new AtomicReference<>();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(20)).until(() -> {
                        try (Stream<Path> s = Files.list(dir)) {
                            found.set(s.filter(p -> p.toString().endsWith(".eml")).findFirst().orElse(null));
                        }
                        return found.get() != null || done.get();
                    });
            if (found.get() != null) {
                hub.accept(found.get());
            }
        });
        t.start();
        int exit = new Sendmail(dir, Duration.ofSeconds(2), "hub.test", new PrintStream(err, true, "UTF-8"))
                .run(List.of(args), new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        done.set(true);
        t.join();
        return exit;
    }

    private static Consumer<Path> keepingIn(AtomicReference<String> file) {
        return f -> {
            try {
                file.set(Files.readString(f));
                Files.delete(f);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Test
    void theMessageGoesToThePickupDirectoryWithItsEnvelopeAndExitsZeroOnceTheHubTookIt() throws Exception {
        AtomicReference<String> file = new AtomicReference<>();

        int exit = run("Subject: hi\n\nbody\n", keepingIn(file), "-f", "nagios@ops.test", "-N", "failure,delay",
                "-R", "hdrs", "-V", "env1", "a@x.test,b@x.test", "c@x.test");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(file.get()).isEqualTo("X-Sender: <nagios@ops.test> RET=HDRS ENVID=env1\r\n"
                + "X-Receiver: <a@x.test> NOTIFY=FAILURE,DELAY\r\nX-Receiver: <b@x.test> NOTIFY=FAILURE,DELAY\r\n"
                + "X-Receiver: <c@x.test> NOTIFY=FAILURE,DELAY\r\nFrom: <nagios@ops.test>\r\nSubject: hi\n\nbody\n");
    }

    @Test
    void withTTheRecipientsOfToCcAndBccAreAddedAndAFromFieldIsKept() throws Exception {
        AtomicReference<String> file = new AtomicReference<>();

        int exit = run("From: Ops <nagios@ops.test>\nTo: \"Doe, Ann\" <ann@x.test>, bob@x.test\nCc: carl@x.test\n"
                + "Bcc: audit@x.test\n\nbody\n", keepingIn(file), "-t", "-i", "extra@x.test");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(file.get()).startsWith("X-Receiver: <extra@x.test>\r\nX-Receiver: <ann@x.test>\r\n"
                + "X-Receiver: <bob@x.test>\r\nX-Receiver: <carl@x.test>\r\nX-Receiver: <audit@x.test>\r\n"
                + "From: Ops <nagios@ops.test>\n");
    }

    @Test
    void withoutIALoneDotEndsTheMessageAndWithIItIsText() throws Exception {
        assertThat(new String(Sendmail.read(new ByteArrayInputStream("a\n.\nb\n".getBytes()), true)))
                .isEqualTo("a\n");
        assertThat(new String(Sendmail.read(new ByteArrayInputStream("a\r\n.\r\nb\r\n".getBytes()), true)))
                .isEqualTo("a\r\n");
        assertThat(new String(Sendmail.read(new ByteArrayInputStream("a\n.\nb\n".getBytes()), false)))
                .isEqualTo("a\n.\nb\n");
        assertThat(new String(Sendmail.read(new ByteArrayInputStream("a\n..\n".getBytes()), true)))
                .isEqualTo("a\n..\n");
    }

    @Test
    void theOptionsCallersUseAreUnderstoodAndOthersAreUsageErrors() throws Exception {
        Sendmail.Options o = Sendmail.parse(List.of("-FCron Daemon", "-i", "-B8BITMIME", "-oem", "-odi", "-bm",
                "-rroot@x.test", "user@x.test"));
        assertThat(o.fullName()).isEqualTo("Cron Daemon");
        assertThat(o.dotEnds()).isFalse();
        assertThat(o.sender()).isEqualTo("root@x.test");
        assertThat(o.recipients()).containsExactly("user@x.test");
        assertThat(Sendmail.parse(List.of("-oi", "--", "-odd@x.test")).recipients()).containsExactly("-odd@x.test");

        assertThatThrownBy(() -> Sendmail.parse(List.of("-bs"))).isInstanceOf(SyntaxException.class)
                .hasMessageContaining("-bs is not supported");
        assertThatThrownBy(() -> Sendmail.parse(List.of("-X", "log"))).hasMessage("unknown option -X");
        assertThatThrownBy(() -> Sendmail.parse(List.of("-f"))).hasMessage("-f needs a value");
    }

    @Test
    void usageDataAndRefusalsHaveTheirSysexitsCodes() throws Exception {
        Consumer<Path> nobody = f -> { };
        assertThat(run("x\n", nobody, "-bs")).isEqualTo(Sendmail.EX_USAGE);
        assertThat(run("Subject: x\n\nx\n", nobody, "-f", "a@x.test")).isEqualTo(Sendmail.EX_USAGE);
        assertThat(err.toString()).contains("no recipients specified");
        assertThat(run("x\n", nobody, "-f", "a@x.test", "not an address")).isEqualTo(Sendmail.EX_DATAERR);

        Consumer<Path> refusing = f -> {
            try {
                Files.writeString(dir.resolve(".bad").resolve(f.getFileName() + ".reason"),
                        "5.7.1 sender-not-allowed: <ceo@bank.test> is not allowed\n");
                Files.move(f, dir.resolve(".bad").resolve(f.getFileName()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        assertThat(run("x\n", refusing, "-f", "ceo@bank.test", "a@x.test")).isEqualTo(Sendmail.EX_NOPERM);
        assertThat(err.toString()).contains("refused: 5.7.1 sender-not-allowed");
    }

    @Test
    void whenTheHubDoesNotTakeTheMessageItIsTakenBackAndTheExitIsTempfail() throws Exception {
        int exit = run("x\n", f -> { }, "-f", "a@x.test", "b@x.test");

        assertThat(exit).isEqualTo(Sendmail.EX_TEMPFAIL);
        assertThat(err.toString()).contains("did not take the message within 2 s");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly(".bad");
        }
    }
}
