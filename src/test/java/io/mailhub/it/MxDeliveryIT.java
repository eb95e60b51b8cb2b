package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailhub.testing.Dnsmasq;
import io.mailhub.testing.ParsedDsn;
import jakarta.mail.internet.InternetHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MX delivery end to end on loopback, with real peers only: dnsmasq serves MX, A, AAAA and null MX records (and
 * SERVFAIL), Postfix's smtp-sink instances listen on 127.0.0.x and ::1 at the hub's {@code mailhub.relay.port},
 * some answering normally, some 4xx, 5xx or 421, one slowly, one address with nobody listening. Sender notices go to
 * the MX of {@code sender.test}, a sink of their own, and are parsed as RFC 3464 reports.
 */
class MxDeliveryIT {

    private static final String SENDER = "alice@sender.test";

    private static Dnsmasq dns;
    private static HubProcess hub;
    private static final List<SmtpSink> sinks = new ArrayList<>();
    private static SmtpSink bounces;
    private static SmtpSink primary;
    private static SmtpSink secondary;
    private static SmtpSink fallback;
    private static SmtpSink implicit;
    private static SmtpSink implicit6;
    private static SmtpSink permanent;
    private static SmtpSink afterGreeting;
    private static SmtpSink slow;

    @BeforeAll
    static void start() throws Exception {
        dns = Dnsmasq.builder()
                .mx("sender.test", "mx.sender.test", 10).host("mx.sender.test", "127.0.0.20")
                .mx("prio.test", "mx2.prio.test", 20).mx("prio.test", "mx1.prio.test", 10)
                .host("mx1.prio.test", "127.0.0.11").host("mx2.prio.test", "127.0.0.12")
                .mx("fallback.test", "down.fallback.test", 10).mx("fallback.test", "up.fallback.test", 20)
                .host("down.fallback.test", "127.0.0.13").host("up.fallback.test", "127.0.0.14")
                .mx("greeting.test", "busy.greeting.test", 10).mx("greeting.test", "ok.greeting.test", 20)
                .host("busy.greeting.test", "127.0.0.18").host("ok.greeting.test", "127.0.0.19")
                .host("implicit.test", "127.0.0.15")
                .host("implicit6.test", "::1")
                .mx("perm.test", "mx.perm.test", 10).host("mx.perm.test", "127.0.0.17")
                .mx("temp.test", "mx.temp.test", 10).host("mx.temp.test", "127.0.0.16")
                .mx("q421.test", "mx.q421.test", 10).host("mx.q421.test", "127.0.0.21")
                .mx("slow.test", "mx.slow.test", 10).host("mx.slow.test", "127.0.0.22")
                .nullMx("null.test")
                .servfail("servfail.example")
                .start();
        int port = Ports.free();
        bounces = sink("127.0.0.20", port);
        primary = sink("127.0.0.11", port);
        secondary = sink("127.0.0.12", port);
        fallback = sink("127.0.0.14", port);
        sink("127.0.0.18", port, "-r", "connect"); // 4xx greeting
        afterGreeting = sink("127.0.0.19", port);
        implicit = sink("127.0.0.15", port);
        implicit6 = sink("::1", port);
        permanent = sink("127.0.0.17", port, "-f", "rcpt");
        sink("127.0.0.16", port, "-r", "rcpt");
        sink("127.0.0.21", port, "-Q", "mail");
        slow = sink("127.0.0.22", port, "-w", "3");

        hub = new HubProcess(HubProcess.itDir("mx"))
                .set("mailhub.dns.servers", dns.setting())
                .set("mailhub.relay.port", port)
                .set("mailhub.retry.schedule", "1s")
                .set("mailhub.retry.max-lifetime", "6s")
                .set("mailhub.relay.dead-destination-time", "2s")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        for (SmtpSink s : sinks) {
            s.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void mailGoesToTheMostPreferredExchanger() throws Exception {
        send("RCPT TO:<bob@prio.test>");

        SinkMessage m = awaitMessageFor(primary, "bob@prio.test");
        assertThat(m.sender()).isEqualTo(SENDER);
        assertThat(secondary.messages()).as("the preference-20 exchanger is not used").isEmpty();
    }

    @Test
    void anExchangerNobodyAnswersAtIsSkippedForTheNextOne() throws Exception {
        send("RCPT TO:<carol@fallback.test>");

        awaitMessageFor(fallback, "carol@fallback.test");
    }

    @Test
    void anExchangerWithA4xxGreetingIsSkippedForTheNextOne() throws Exception {
        send("RCPT TO:<dave@greeting.test>");

        awaitMessageFor(afterGreeting, "dave@greeting.test");
    }

    @Test
    void aDomainWithoutMxIsItsOwnExchangerOverIpv4AndIpv6() throws Exception {
        send("RCPT TO:<erin@implicit.test>", "RCPT TO:<frank@implicit6.test>");

        awaitMessageFor(implicit, "erin@implicit.test");
        SinkMessage v6 = awaitMessageFor(implicit6, "frank@implicit6.test");
        assertThat(v6.recipients()).as("each domain gets its own transaction").containsExactly("frank@implicit6.test");
    }

    @Test
    void aSlowExchangerIsWaitedFor() throws Exception {
        send("RCPT TO:<grace@slow.test>");

        awaitMessageFor(slow, "grace@slow.test");
    }

    @Test
    void nullMxNoSuchDomainAndA5xxRecipientBounceAtOnceInOneReportWhileOthersAreDelivered() throws Exception {
        String subject = send("RCPT TO:<heidi@implicit.test>",
                "RCPT TO:<ivan@null.test> ORCPT=rfc822;ivan@null.test",
                "RCPT TO:<judy@nx.test>",
                "RCPT TO:<mallory@perm.test>");

        awaitMessageFor(implicit, "heidi@implicit.test");
        ParsedDsn dsn = awaitNotice(subject);

        assertThat(ParsedDsn.field(dsn.perMessage(), "Reporting-MTA")).isEqualTo("dns; hub.test");
        assertThat(ParsedDsn.field(dsn.perMessage(), "Arrival-Date")).isNotBlank();
        List<InternetHeaders> recipients = dsn.perRecipient();
        assertThat(recipients).extracting(r -> ParsedDsn.field(r, "Final-Recipient"))
                .containsExactly("rfc822; ivan@null.test", "rfc822; judy@nx.test", "rfc822; mallory@perm.test");
        assertThat(recipients).extracting(r -> ParsedDsn.field(r, "Action")).containsOnly("failed");
        assertThat(recipients).extracting(r -> ParsedDsn.field(r, "Status")).containsExactly("5.1.10", "5.1.2", "5.3.0");
        assertThat(ParsedDsn.field(recipients.get(0), "Original-Recipient")).isEqualTo("rfc822; ivan@null.test");
        assertThat(ParsedDsn.field(recipients.get(2), "Remote-MTA")).startsWith("dns; mx.perm.test");
        assertThat(ParsedDsn.field(recipients.get(2), "Diagnostic-Code")).startsWith("smtp; 500 5.3.0");
        assertThat(permanent.messages()).as("the rejected recipient got nothing").isEmpty();
    }

    @Test
    void temporaryFailuresAreRetriedUntilTheLifetimeEndsAndThenBouncedWith547() throws Exception {
        String subject = send("RCPT TO:<niaj@temp.test>", "RCPT TO:<olivia@servfail.example>",
                "RCPT TO:<peggy@q421.test>");

        ParsedDsn dsn = awaitNotice(subject);

        List<InternetHeaders> recipients = dsn.perRecipient();
        assertThat(recipients).extracting(r -> ParsedDsn.field(r, "Final-Recipient")).containsExactly(
                "rfc822; niaj@temp.test", "rfc822; olivia@servfail.example", "rfc822; peggy@q421.test");
        assertThat(recipients).extracting(r -> ParsedDsn.field(r, "Status")).containsOnly("5.4.7");
        assertThat(ParsedDsn.field(recipients.get(0), "Diagnostic-Code")).contains("450 4.3.0");
        assertThat(ParsedDsn.field(recipients.get(1), "Diagnostic-Code")).contains("4.4.3");
        assertThat(ParsedDsn.field(recipients.get(2), "Diagnostic-Code")).contains("421");
        assertThat(hub.log()).as("retried, not bounced at the first 4xx").containsPattern("deferred after attempt [2-9]");
    }

    @Test
    void aNoticeHasTheStructureOfRfc3464AndComesFromTheNullSender() throws Exception {
        String subject = send("RCPT TO:<rupert@null.test>");

        SinkMessage raw = awaitNoticeMessage(subject);
        assertThat(raw.sender()).as("MAIL FROM:<>").isEmpty();
        assertThat(raw.recipients()).containsExactly(SENDER);
        ParsedDsn dsn = ParsedDsn.parse(raw.content().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(dsn.contentType().getBaseType()).isEqualTo("multipart/report");
        assertThat(dsn.contentType().getParameter("report-type")).isEqualTo("delivery-status");
        assertThat(dsn.partTypes()).containsExactly("text/plain", "message/delivery-status", "message/rfc822");
        assertThat(dsn.message.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(dsn.text()).contains("rupert@null.test");
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static SmtpSink sink(String host, int port, String... options) throws Exception {
        SmtpSink s = SmtpSink.on(host, port, options).start();
        sinks.add(s);
        return s;
    }

    private static int sequence;

    /** Sends one message from {@link #SENDER} with the given RCPT lines; returns its unique Subject. */
    private static synchronized String send(String... rcptLines) throws Exception {
        String subject = "mx test #" + (++sequence) + "-" + System.nanoTime();
        try (RawSmtp smtp = RawSmtp.ehlo(hub.smtpPort)) {
            assertThat(smtp.command("MAIL FROM:<" + SENDER + ">")).startsWith("250");
            for (String rcpt : rcptLines) {
                assertThat(smtp.command(rcpt)).as(rcpt).startsWith("250");
            }
            assertThat(smtp.command("DATA")).startsWith("354");
            smtp.send("From: <" + SENDER + ">\r\nSubject: " + subject + "\r\n\r\nhello\r\n.\r\n");
            assertThat(smtp.reply()).startsWith("250 2.0.0");
        }
        return subject;
    }

    private static SinkMessage awaitMessageFor(SmtpSink sink, String recipient) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> sink.messages().stream().filter(m -> m.recipients().contains(recipient)).findFirst().orElse(null),
                m -> m != null);
    }

    private static SinkMessage awaitNoticeMessage(String subject) {
        return await().atMost(Duration.ofSeconds(40)).until(
                () -> bounces.messages().stream().filter(m -> m.content().contains(subject)).findFirst().orElse(null),
                m -> m != null);
    }

    private static ParsedDsn awaitNotice(String subject) throws Exception {
        SinkMessage m = awaitNoticeMessage(subject);
        return ParsedDsn.parse(m.content().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
