package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Attachments removed by name or type, read back with Jakarta Mail (an independent MIME parser). */
class MimeStripTest {

    private static final MimeStrip.Rule EXECUTABLES = new MimeStrip.Rule(List.of("*.exe", "*.js"),
            List.of("application/x-msdownload"), "Removed by the mail system's policy: {attachment}.");

    private static final String BODY = "Content-Type: text/plain\r\n\r\nsee attached\r\n";
    private static final String PDF = "Content-Type: application/pdf; name=invoice.pdf\r\nContent-Disposition:"
            + " attachment; filename=invoice.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n";

    private static String mixed(String... parts) {
        StringBuilder m = new StringBuilder("From: a@client.test\r\nSubject: files\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n");
        for (String p : parts) {
            m.append("--m\r\n").append(p);
        }
        return m.append("--m--\r\n").toString();
    }

    private static MimeMessage parse(byte[] message) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
    }

    @Test
    void anExecutableIsReplacedByANoteAndEveryOtherPartStaysByteForByte() throws Exception {
        String exe = "Content-Type: application/octet-stream; name=setup.EXE\r\nContent-Disposition: attachment;"
                + " filename=\"setup.EXE\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n";
        String message = mixed(BODY, exe, PDF);

        MimeStrip.Result r = MimeStrip.strip(message.getBytes(StandardCharsets.ISO_8859_1), EXECUTABLES);

        assertThat(r.removed()).containsExactly("setup.EXE");
        String out = new String(r.message(), StandardCharsets.ISO_8859_1);
        assertThat(out).startsWith("From: a@client.test\r\nSubject: files\r\n").contains("--m\r\n" + BODY + "--m\r\n")
                .contains("--m\r\n" + PDF + "--m--\r\n").doesNotContain("TVqQ");
        Multipart parts = (Multipart) parse(r.message()).getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat((String) parts.getBodyPart(1).getContent()).isEqualTo(
                "Removed by the mail system's policy: the attachment setup.EXE (application/octet-stream).\r\n");
    }

    @Test
    void namesEncodedAsRfc2231OrRfc2047AndTypesMatchToo() throws Exception {
        String encoded = "Content-Type: application/octet-stream\r\nContent-Disposition: attachment;"
                + " filename*=UTF-8''r%C3%A9sum%C3%A9.js\r\n\r\nalert(1)\r\n";
        String worded = "Content-Type: application/octet-stream; name=\"=?UTF-8?B?dG9vbC5leGU=?=\"\r\n\r\nMZ\r\n";
        String typed = "Content-Type: application/x-msdownload\r\nContent-Disposition: attachment\r\n\r\nMZ\r\n";

        MimeStrip.Result r = MimeStrip.strip(mixed(BODY, encoded, worded, typed, PDF)
                .getBytes(StandardCharsets.ISO_8859_1), EXECUTABLES);

        assertThat(r.removed()).containsExactly("r\u00e9sum\u00e9.js", "tool.exe", "application/x-msdownload");
        Multipart parts = (Multipart) parse(r.message()).getContent();
        assertThat(parts.getCount()).isEqualTo(5);
        assertThat((String) parts.getBodyPart(3).getContent()).contains("an attachment (application/x-msdownload)");
        assertThat(parts.getBodyPart(4).getFileName()).isEqualTo("invoice.pdf");
    }

    @Test
    void aNameSplitIntoRfc2231SectionsIsJoinedBeforeItIsMatched() throws Exception {
        String split = "Content-Type: application/octet-stream\r\nContent-Disposition: attachment;"
                + " filename*0=\"set\"; filename*1=\"up.exe\"\r\n\r\nMZ\r\n";
        String encoded = "Content-Type: application/octet-stream\r\nContent-Disposition: attachment;"
                + " filename*0*=UTF-8''r%C3%A9; filename*1*=sum%C3%A9.js\r\n\r\nalert(1)\r\n";

        MimeStrip.Result r = MimeStrip.strip(mixed(BODY, split, encoded, PDF).getBytes(StandardCharsets.ISO_8859_1),
                EXECUTABLES);

        assertThat(r.removed()).containsExactly("setup.exe", "r\u00e9sum\u00e9.js");
    }

    @Test
    void attachmentsInNestedMultipartsAndInsideAnAttachedMessageAreFound() throws Exception {
        String inner = "Content-Type: multipart/mixed; boundary=in\r\n\r\n--in\r\n" + BODY
                + "--in\r\nContent-Type: application/octet-stream; name=a.exe\r\n\r\nMZ\r\n--in--\r\n";
        String forwarded = "Content-Type: message/rfc822\r\n\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=fw\r\n\r\n--fw\r\n" + BODY
                + "--fw\r\nContent-Type: application/octet-stream; name=b.exe\r\n\r\nMZ\r\n--fw--\r\n";
        String wrapped = "Content-Type: message/rfc822\r\n\r\nSubject: tool\r\nContent-Type: application/octet-stream;"
                + " name=c.exe\r\n\r\nMZ\r\n";

        MimeStrip.Result r = MimeStrip.strip(mixed(inner, forwarded, wrapped).getBytes(StandardCharsets.ISO_8859_1),
                EXECUTABLES);

        assertThat(r.removed()).containsExactly("a.exe", "b.exe", "c.exe");
        assertThat(new String(r.message(), StandardCharsets.ISO_8859_1)).doesNotContain("MZ")
                .contains("Subject: fwd\r\nMIME-Version: 1.0\r\n").contains("Subject: tool\r\n");
        Multipart parts = (Multipart) parse(r.message()).getContent();
        MimeMessage fwd = (MimeMessage) parts.getBodyPart(1).getContent();
        assertThat(fwd.getSubject()).isEqualTo("fwd");
        Multipart fwdParts = (Multipart) fwd.getContent();
        assertThat(fwdParts.getCount()).isEqualTo(2);
        assertThat((String) fwdParts.getBodyPart(1).getContent()).contains("the attachment b.exe");
        MimeMessage tool = (MimeMessage) parts.getBodyPart(2).getContent();
        assertThat(tool.getSubject()).as("the attached message that is itself the file keeps its header").isEqualTo(
                "tool");
        assertThat((String) tool.getContent()).contains("the attachment c.exe");
    }

    @Test
    void anAttachedMessageThatIsSignedOrNotInAnIdentityEncodingIsLeftAsItIs() throws Exception {
        String signed = "Content-Type: message/rfc822\r\n\r\nSubject: signed\r\nContent-Type: multipart/signed;"
                + " boundary=s; protocol=\"application/pkcs7-signature\"\r\n\r\n--s\r\nContent-Type:"
                + " application/octet-stream; name=d.exe\r\n\r\nMZ\r\n--s--\r\n";
        String encoded = "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + java.util.Base64.getMimeEncoder().encodeToString(("Content-Type: application/octet-stream;"
                + " name=e.exe\r\n\r\nMZ\r\n").getBytes(StandardCharsets.US_ASCII)) + "\r\n";

        MimeStrip.Result r = MimeStrip.strip(mixed(BODY, signed, encoded).getBytes(StandardCharsets.ISO_8859_1),
                EXECUTABLES);

        assertThat(r.removed()).isEmpty();
        assertThat(r.unchangedBecause()).isEqualTo("no attachment matched");
    }

    @Test
    void aMessageThatIsItselfTheAttachmentKeepsItsHeaderFields() throws Exception {
        String message = "From: a@client.test\r\nSubject: tool\r\nContent-Type: application/octet-stream;"
                + " name=tool.exe\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQ\r\n";

        MimeStrip.Result r = MimeStrip.strip(message.getBytes(StandardCharsets.ISO_8859_1), EXECUTABLES);

        MimeMessage m = parse(r.message());
        assertThat(m.getSubject()).isEqualTo("tool");
        assertThat(m.getContentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat((String) m.getContent()).contains("the attachment tool.exe");
    }

    @Test
    void nothingMatchedOrASignedMessageLeavesTheMessageAsItWas() {
        byte[] plain = mixed(BODY, PDF).getBytes(StandardCharsets.ISO_8859_1);
        byte[] signed = ("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; boundary=s\r\n\r\n"
                + "--s\r\nContent-Type: application/octet-stream; name=x.exe\r\n\r\nMZ\r\n--s\r\n"
                + "Content-Type: application/pkcs7-signature\r\n\r\nsig\r\n--s--\r\n").getBytes(StandardCharsets.ISO_8859_1);

        assertThat(MimeStrip.strip(plain, EXECUTABLES).message()).isSameAs(plain);
        assertThat(MimeStrip.strip(plain, EXECUTABLES).unchangedBecause()).isEqualTo("no attachment matched");
        MimeStrip.Result s = MimeStrip.strip(signed, EXECUTABLES);
        assertThat(s.message()).isSameAs(signed);
        assertThat(s.unchangedBecause()).contains("signed or encrypted");
    }

    private static String zipPart(String name, byte[] zip) {
        return "Content-Type: application/zip; name=" + name + "\r\nContent-Disposition: attachment; filename=" + name
                + "\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + java.util.Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(zip) + "\r\n";
    }

    @Test
    void aZipHoldingAMatchingFileAtAnyFolderOrNestingGoesAsAWhole() throws Exception {
        byte[] inner = ZipListingTest.zip(false, "tools/Setup.exe", "MZ");
        String message = mixed(BODY, zipPart("docs.zip", ZipListingTest.zip(false, "readme.txt", "hi", "more.zip",
                inner)), PDF);

        MimeStrip.Result r = MimeStrip.strip(message.getBytes(StandardCharsets.ISO_8859_1), EXECUTABLES);

        assertThat(r.removed()).containsExactly("docs.zip (holding more.zip/tools/Setup.exe)");
        Multipart parts = (Multipart) parse(r.message()).getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat((String) parts.getBodyPart(1).getContent()).isEqualTo("Removed by the mail system's policy: the"
                + " attachment docs.zip (application/zip), which holds more.zip/tools/Setup.exe.\r\n");
        assertThat(new String(r.message(), StandardCharsets.ISO_8859_1)).contains("--m\r\n" + PDF + "--m--\r\n");
    }

    @Test
    void aZipOfHarmlessFilesStaysAndArchivesFalseLeavesEveryZipAlone() throws Exception {
        byte[] harmless = mixed(BODY, zipPart("docs.zip", ZipListingTest.zip(false, "a.txt", "a")))
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] dangerous = mixed(BODY, zipPart("docs.zip", ZipListingTest.zip(false, "a.exe", "MZ")))
                .getBytes(StandardCharsets.ISO_8859_1);
        MimeStrip.Rule keepArchives = new MimeStrip.Rule(EXECUTABLES.names(), EXECUTABLES.types(),
                EXECUTABLES.note(), false);

        assertThat(MimeStrip.strip(harmless, EXECUTABLES).message()).isSameAs(harmless);
        assertThat(MimeStrip.strip(dangerous, keepArchives).message()).isSameAs(dangerous);
        assertThat(MimeStrip.strip(dangerous, EXECUTABLES).removed()).containsExactly("docs.zip (holding a.exe)");
    }

    @Test
    void aPartThatIsNoArchiveDespiteItsNameOrBadBase64IsLeftAsItIs() {
        String notZip = "Content-Type: application/zip; name=a.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "JVBERi0xLjQK\r\n";
        String badBase64 = "Content-Type: application/zip; name=b.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + "UEsDB=A\r\n";
        byte[] message = mixed(BODY, notZip, badBase64).getBytes(StandardCharsets.ISO_8859_1);

        MimeStrip.Result r = MimeStrip.strip(message, EXECUTABLES);

        assertThat(r.message()).isSameAs(message);
        assertThat(r.unchangedBecause()).isEqualTo("no attachment matched");
    }
}
