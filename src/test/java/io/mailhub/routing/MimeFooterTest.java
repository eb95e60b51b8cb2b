package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A disclaimer appended to the body text, read back with Jakarta Mail (an independent MIME parser). */
class MimeFooterTest {

    private static final String TEXT = "Confidential: meant for its recipients only.";
    private static final String HTML = "<p class=\"footer\">Confidential: meant for its recipients only.</p>";

    private static MimeFooter.Result add(String message) {
        return MimeFooter.add(message.getBytes(StandardCharsets.ISO_8859_1), TEXT, HTML);
    }

    private static MimeMessage parse(byte[] message) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
    }

    private static String string(MimeFooter.Result r) {
        return new String(r.message(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aPlainTextMessageGetsTheFooterAfterABlankLineAndNothingElseChanges() throws Exception {
        String header = "From: a@client.test\r\nTo: b@remote.test\r\nSubject: hi\r\n\r\n";
        MimeFooter.Result r = add(header + "Hello\r\nBob\r\n");

        assertThat(string(r)).isEqualTo(header + "Hello\r\nBob\r\n\r\n" + TEXT + "\r\n");
        assertThat(r.partsChanged()).isEqualTo(1);
    }

    @Test
    void anHtmlMessageGetsTheHtmlFooterBeforeTheEndOfItsBody() throws Exception {
        MimeFooter.Result r = add("Content-Type: text/html; charset=us-ascii\r\n\r\n<html><body><p>Hi</p></BODY></html>\r\n");

        assertThat(string(r)).endsWith("\r\n\r\n<html><body><p>Hi</p>" + HTML + "</BODY></html>\r\n");
    }

    @Test
    void bothAlternativesGetTheirFooterInTheirOwnTransferEncoding() throws Exception {
        String html = Base64.getMimeEncoder().encodeToString("<html><body>Gr\u00fc\u00dfe</body></html>"
                .getBytes(StandardCharsets.UTF_8));
        String message = "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
                + "preamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding:"
                + " quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe, a long line that goes on=\r\n and on\r\n--b1\r\n"
                + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + html
                + "\r\n--b1--\r\nepilogue\r\n";

        MimeFooter.Result r = add(message);

        assertThat(r.partsChanged()).isEqualTo(2);
        Multipart alternatives = (Multipart) parse(r.message()).getContent();
        assertThat(alternatives.getCount()).isEqualTo(2);
        assertThat((String) alternatives.getBodyPart(0).getContent())
                .isEqualTo("Gr\u00fc\u00dfe, a long line that goes on and on\r\n\r\n" + TEXT + "\r\n");
        assertThat(alternatives.getBodyPart(0).getHeader("Content-Transfer-Encoding")[0]).isEqualTo("quoted-printable");
        assertThat((String) alternatives.getBodyPart(1).getContent())
                .isEqualTo("<html><body>Gr\u00fc\u00dfe" + HTML + "</body></html>");
        assertThat(alternatives.getBodyPart(1).getHeader("Content-Transfer-Encoding")[0]).isEqualTo("base64");
        assertThat(string(r)).contains("preamble\r\n--b1\r\n").endsWith("\r\n--b1--\r\nepilogue\r\n");
    }

    @Test
    void inAMixedMessageOnlyTheBodyGetsItAndTheAttachmentsStayByteForByte() throws Exception {
        String attachment = "Content-Type: text/plain; name=notes.txt\r\nContent-Disposition: attachment;"
                + " filename=notes.txt\r\n\r\nnotes\r\n";
        String inline = "Content-Type: text/plain\r\n\r\nsecond text part\r\n";
        String message = "Content-Type: multipart/mixed; boundary=mix\r\n\r\n--mix\r\n"
                + "Content-Type: multipart/alternative; boundary=alt\r\n\r\n--alt\r\nContent-Type: text/plain\r\n\r\n"
                + "body\r\n--alt\r\nContent-Type: text/html\r\n\r\n<p>body</p>\r\n--alt--\r\n"
                + "--mix\r\n" + attachment + "--mix\r\n" + inline + "--mix--\r\n";

        MimeFooter.Result r = add(message);

        assertThat(r.partsChanged()).isEqualTo(2);
        assertThat(string(r)).contains("--mix\r\n" + attachment + "--mix\r\n" + inline + "--mix--\r\n");
        Multipart mixed = (Multipart) parse(r.message()).getContent();
        Multipart alternatives = (Multipart) mixed.getBodyPart(0).getContent();
        assertThat((String) alternatives.getBodyPart(0).getContent()).endsWith("body\r\n\r\n" + TEXT + "\r\n");
        assertThat((String) alternatives.getBodyPart(1).getContent()).isEqualTo("<p>body</p>" + HTML);
    }

    @Test
    void anAsciiBodyGetsUtf8AndQuotedPrintableWhenTheFooterIsNot() throws Exception {
        MimeFooter.Result r = MimeFooter.add("Subject: x\r\n\r\nHello\r\n".getBytes(StandardCharsets.US_ASCII),
                "Vertraulich \u2013 nur f\u00fcr die Empf\u00e4nger.", HTML);

        MimeMessage m = parse(r.message());
        assertThat(m.getContentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(m.getEncoding()).isEqualTo("quoted-printable");
        assertThat((String) m.getContent()).isEqualTo("Hello\r\n\r\nVertraulich \u2013 nur f\u00fcr die Empf\u00e4nger.\r\n");
    }

    @Test
    void aSignedOrEncryptedMessageIsLeftAlone() {
        String signed = "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=s\r\n\r\n"
                + "--s\r\nContent-Type: text/plain\r\n\r\nsigned text\r\n--s\r\nContent-Type: application/pgp-signature"
                + "\r\n\r\nsig\r\n--s--\r\n";

        MimeFooter.Result r = add(signed);

        assertThat(r.message()).isEqualTo(signed.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(r.unchangedBecause()).isEqualTo("the message is signed or encrypted (multipart/signed)");
        assertThat(add("Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n\r\nxyz\r\n")
                .unchangedBecause()).contains("application/pkcs7-mime");
    }

    @Test
    void aMessageWithoutATextBodyIsLeftAloneAndSaysSo() {
        String image = "Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n";

        MimeFooter.Result r = add(image);

        assertThat(r.partsChanged()).isZero();
        assertThat(r.unchangedBecause()).isEqualTo("no text or HTML body part");
    }

    @Test
    void aPartWithoutHeaderFieldsIsPlainAsciiText() throws Exception {
        MimeFooter.Result r = add("Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n\r\nbare part\r\n--m--\r\n");

        BodyPart part = ((Multipart) parse(r.message()).getContent()).getBodyPart(0);
        assertThat((String) part.getContent()).isEqualTo("bare part\r\n\r\n" + TEXT + "\r\n");
    }
}
