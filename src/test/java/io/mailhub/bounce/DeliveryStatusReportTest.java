package io.mailhub.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeliveryStatusReportTest {

    /** As Postfix 3.7 writes it for a recipient its LMTP server refused (the layout of bounce(8)'s reports). */
    static final String POSTFIX = String.join("\r\n",
            "Return-Path: <>",
            "From: MAILER-DAEMON@mx.remote.test (Mail Delivery System)",
            "Subject: Undelivered Mail Returned to Sender",
            "To: bounce-0kz3x9qh2m7b4c-abcdefgh@bounces.shop.test",
            "Auto-Submitted: auto-replied",
            "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=delivery-status;",
            "\tboundary=\"4GmZ1q0Kzxz3x.1764588000/mx.remote.test\"",
            "Content-Transfer-Encoding: 8bit",
            "",
            "This is a MIME-encapsulated message.",
            "",
            "--4GmZ1q0Kzxz3x.1764588000/mx.remote.test",
            "Content-Description: Notification",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "This is the mail system at host mx.remote.test.",
            "",
            "<nobody@lmtp.test>: host 127.0.0.1[127.0.0.1] said: 550 5.1.1",
            "    <nobody@lmtp.test> User doesn't exist: nobody@lmtp.test (in reply to RCPT TO command)",
            "",
            "--4GmZ1q0Kzxz3x.1764588000/mx.remote.test",
            "Content-Description: Delivery report",
            "Content-Type: message/delivery-status",
            "",
            "Reporting-MTA: dns; mx.remote.test",
            "X-Postfix-Queue-ID: 4GmZ1q0Kzxz3x",
            "X-Postfix-Sender: rfc822; bounce-0kz3x9qh2m7b4c-abcdefgh@bounces.shop.test",
            "Arrival-Date: Tue,  1 Dec 2026 11:20:00 +0000 (UTC)",
            "",
            "Final-Recipient: rfc822; nobody@lmtp.test",
            "Original-Recipient: rfc822;nobody@lmtp.test",
            "Action: failed",
            "Status: 5.1.1",
            "Remote-MTA: dns; 127.0.0.1",
            "Diagnostic-Code: lmtp; 550 5.1.1 <nobody@lmtp.test> User doesn't exist:",
            "    nobody@lmtp.test",
            "",
            "Final-Recipient: rfc822; ann@lmtp.test",
            "Action: delayed",
            "Status: 4.2.2",
            "Diagnostic-Code: lmtp; 452 4.2.2 <ann@lmtp.test> Mailbox is full",
            "",
            "--4GmZ1q0Kzxz3x.1764588000/mx.remote.test",
            "Content-Description: Undelivered Message",
            "Content-Type: message/rfc822",
            "",
            "From: billing@shop.test",
            "Subject: your invoice",
            "",
            "hello",
            "",
            "--4GmZ1q0Kzxz3x.1764588000/mx.remote.test--",
            "");

    @Test
    void postfixsReportGivesEachRecipientsActionStatusAndDiagnostic() {
        DeliveryStatusReport r = DeliveryStatusReport.read(POSTFIX.getBytes(StandardCharsets.UTF_8));

        assertThat(r.reportingMta()).isEqualTo("mx.remote.test");
        assertThat(r.recipients()).containsExactly(
                new DeliveryStatusReport.PerRecipient("nobody@lmtp.test", "failed", "5.1.1",
                        "550 5.1.1 <nobody@lmtp.test> User doesn't exist: nobody@lmtp.test", "127.0.0.1"),
                new DeliveryStatusReport.PerRecipient("ann@lmtp.test", "delayed", "4.2.2",
                        "452 4.2.2 <ann@lmtp.test> Mailbox is full", null));
    }

    @Test
    void aReportCutShortAfterItsStatusPartIsStillRead() {
        String head = POSTFIX.substring(0, POSTFIX.indexOf("From: billing@shop.test"));

        DeliveryStatusReport r = DeliveryStatusReport.read(head.getBytes(StandardCharsets.UTF_8));

        assertThat(r.recipients()).extracting(DeliveryStatusReport.PerRecipient::recipient)
                .containsExactly("nobody@lmtp.test", "ann@lmtp.test");
    }

    @Test
    void theOriginalRecipientIsTheAddressTheHubSentToAndAMissingStatusFollowsTheAction() {
        String report = String.join("\r\n",
                "Content-Type: multipart/report; boundary=b1",
                "",
                "--b1",
                "Content-Type: text/plain",
                "",
                "Delivery has failed.",
                "--b1",
                "Content-Type: message/global-delivery-status",
                "Content-Transfer-Encoding: base64",
                "",
                java.util.Base64.getMimeEncoder().encodeToString(String.join("\r\n",
                        "reporting-mta: dns;EXCH01.corp.test",
                        "",
                        "final-recipient: rfc822;ann.smith@corp.test",
                        "original-recipient: rfc822;<ann@corp.test>",
                        "action: FAILED (mailbox gone)",
                        "status: 5.1.10 (RESOLVER.ADR.RecipientNotFound)",
                        "").getBytes(StandardCharsets.UTF_8)),
                "--b1",
                "Content-Type: message/delivery-status",
                "",
                "Final-Recipient: rfc822; bob@corp.test",
                "Action: failed",
                "--b1--",
                "");

        DeliveryStatusReport r = DeliveryStatusReport.read(report.getBytes(StandardCharsets.UTF_8));

        assertThat(r.reportingMta()).isEqualTo("EXCH01.corp.test");
        assertThat(r.recipients()).singleElement().isEqualTo(new DeliveryStatusReport.PerRecipient("ann@corp.test",
                "failed", "5.1.10", null, null));
        assertThat(DeliveryStatusReport.fields("Final-Recipient: rfc822; bob@corp.test\nAction: failed\n").recipients())
                .singleElement().extracting(DeliveryStatusReport.PerRecipient::status).isEqualTo("5.0.0");
    }

    @Test
    void anAutomaticReplyOrAMultipartWithoutAStatusPartIsNotAReport() {
        String autoReply = "Subject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nBack on Monday.\r\n";
        String mixed = "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\n"
                + "Final-Recipient: rfc822; a@b.test\r\nAction: failed\r\n--x--\r\n";

        assertThat(DeliveryStatusReport.read(autoReply.getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(DeliveryStatusReport.read(mixed.getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(DeliveryStatusReport.read(new byte[0])).isNull();
    }
}
