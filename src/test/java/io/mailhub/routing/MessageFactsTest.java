package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The attachment facts the routes see, from the scan of the part headers. */
class MessageFactsTest {

    private static Map<String, Object> attachmentFacts(String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Object> headers = new HashMap<>();
        MessageFacts.content(() -> new ByteArrayInputStream(bytes), true, headers);
        return headers;
    }

    @Test
    void attachmentsOfAMessageAttachedToItAreFactsToo() throws Exception {
        Map<String, Object> facts = attachmentFacts("Subject: fwd\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
                + "--m\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                + "--m\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=fwd.eml\r\n\r\n"
                + "Subject: tool\r\nContent-Type: application/octet-stream; name=c.exe\r\n\r\nMZ\r\n"
                + "--m\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\nJVBE\r\n--m--\r\n");

        assertThat(facts).containsEntry(MailhubHeaders.HAS_ATTACHMENT, true)
                .containsEntry(MailhubHeaders.ATTACHMENT_NAMES, "fwd.eml,c.exe,a.pdf")
                .containsEntry(MailhubHeaders.ATTACHMENT_TYPES, "message/rfc822,application/octet-stream,application/pdf");
    }

    @Test
    void aPlainMessageHasNoAttachments() throws Exception {
        Map<String, Object> facts = attachmentFacts("Subject: hi\r\nContent-Type: text/plain\r\n\r\nhello\r\n");

        assertThat(facts).containsEntry(MailhubHeaders.HAS_ATTACHMENT, false)
                .containsEntry(MailhubHeaders.ATTACHMENT_NAMES, "").containsEntry(MailhubHeaders.ARCHIVE_NAMES, "");
    }

    @Test
    void theFilesInsideZipAttachmentsAreFactsOfTheirOwnInAnyTransferEncoding() throws Exception {
        byte[] zip = ZipListingTest.zip(false, "docs/a.txt", "a", "inner.zip", ZipListingTest.zip(true, "run.js", "x"));
        String base64 = java.util.Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(zip);
        String qp = new String(io.mailhub.model.QuotedPrintable.encode(ZipListingTest.zip(true, "b.exe", "MZ")),
                StandardCharsets.ISO_8859_1);
        Map<String, Object> facts = attachmentFacts("Subject: files\r\nContent-Type: multipart/mixed; boundary=m\r\n"
                + "\r\n--m\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                + "--m\r\nContent-Type: application/octet-stream; name=\"files.zip\"\r\nContent-Transfer-Encoding:"
                + " base64\r\n\r\n" + base64 + "\r\n"
                + "--m\r\nContent-Type: application/x-zip-compressed\r\nContent-Disposition: attachment\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp + "\r\n"
                + "--m\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\nJVBE\r\n--m--\r\n");

        assertThat(facts).containsEntry(MailhubHeaders.ATTACHMENT_NAMES, "files.zip,,a.pdf")
                .containsEntry(MailhubHeaders.ARCHIVE_NAMES, "docs/a.txt,inner.zip,inner.zip/run.js,b.exe")
                .containsEntry(MailhubHeaders.ARCHIVE_ENCRYPTED, false);
    }
}
