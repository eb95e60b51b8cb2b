package io.mailhub.routing;

import org.apache.camel.spi.Metadata;

/**
 * The message facts every door sets, as Camel headers the policy route ({@code direct:policy}) and the routing route
 * ({@code direct:routing}) can test with the simple language, e.g. {@code ${header.MailhubRcptDomains} contains
 * 'partner.example'}. The message's own header fields are there too, under their names ({@code Subject},
 * {@code From}, {@code X-Mailer}: the first occurrence, unfolded). docs/routing.md has the same table.
 */
public final class MailhubHeaders {

    @Metadata(description = "The door: smtp, submission, smtps, http, pickup, jms, webhook.", javaType = "String")
    public static final String INGRESS = "MailhubIngress";

    @Metadata(description = "Which route runs: policy (before the 250/202) or routing (after the queue).",
            javaType = "String")
    public static final String STAGE = "MailhubStage";

    @Metadata(description = "The queue id.", javaType = "String")
    public static final String QUEUE_ID = "MailhubQueueId";

    @Metadata(description = "The envelope sender (MAIL FROM) without brackets; empty for the null sender <>.",
            javaType = "String")
    public static final String MAIL_FROM = "MailhubMailFrom";

    @Metadata(description = "The envelope recipients, comma-separated.", javaType = "String")
    public static final String RCPT_TO = "MailhubRcptTo";

    @Metadata(description = "The recipients' domains, lower case, each once, comma-separated.", javaType = "String")
    public static final String RCPT_DOMAINS = "MailhubRcptDomains";

    @Metadata(description = "How many envelope recipients.", javaType = "int")
    public static final String RCPT_COUNT = "MailhubRcptCount";

    @Metadata(description = "The message size in octets.", javaType = "long")
    public static final String SIZE = "MailhubSize";

    @Metadata(description = "The principal: SMTP login, API key name, pickup, JMS login; absent when anonymous.",
            javaType = "String")
    public static final String AUTH_USER = "MailhubAuthUser";

    @Metadata(description = "The client's IP address.", javaType = "String")
    public static final String CLIENT_IP = "MailhubClientIp";

    @Metadata(description = "The name the client gave in HELO/EHLO (SMTP doors); absent for the other doors.",
            javaType = "String")
    public static final String CLIENT_HELO = io.mailhub.model.EnvelopeHeaders.CLIENT_HELO;

    @Metadata(description = "The number of Received header fields (hops so far).", javaType = "int")
    public static final String HOP_COUNT = "MailhubHopCount";

    @Metadata(description = "SPF result of inbound mail (pass, fail, softfail, neutral, none, temperror, permerror).",
            javaType = "String")
    public static final String SPF = "MailhubSpf";

    @Metadata(description = "DKIM results of inbound mail, one per signature with its domain (pass:example.com,"
            + "fail:other.example), none when unsigned.", javaType = "String")
    public static final String DKIM = "MailhubDkim";

    @Metadata(description = "DMARC result of inbound mail (pass, fail, none, ...).", javaType = "String")
    public static final String DMARC = "MailhubDmarc";

    @Metadata(description = "DMARC disposition of inbound mail: none, quarantine, reject.", javaType = "String")
    public static final String DMARC_DISPOSITION = "MailhubDmarcDisposition";

    @Metadata(description = "The spam filter's score of mail from untrusted clients (mailhub.spam.*), such as 3.20.",
            javaType = "String")
    public static final String SPAM_SCORE = "MailhubSpamScore";

    @Metadata(description = "The spam filter's action: no action, greylist, add header, rewrite subject, soft reject;"
            + " unchecked when the filter did not answer.", javaType = "String")
    public static final String SPAM_ACTION = "MailhubSpamAction";

    @Metadata(description = "Whether the message has an attachment (a part with a file name or disposition"
            + " attachment).", javaType = "boolean")
    public static final String HAS_ATTACHMENT = "MailhubHasAttachment";

    @Metadata(description = "The attachments' content types, lower case, comma-separated.", javaType = "String")
    public static final String ATTACHMENT_TYPES = "MailhubAttachmentTypes";

    @Metadata(description = "The attachments' file names, comma-separated.", javaType = "String")
    public static final String ATTACHMENT_NAMES = "MailhubAttachmentNames";

    @Metadata(description = "The names of the files inside ZIP attachments (nested archives' as inner.zip/name),"
            + " comma-separated.", javaType = "String")
    public static final String ARCHIVE_NAMES = "MailhubArchiveNames";

    @Metadata(description = "Whether a ZIP attachment holds an encrypted file (one a virus scanner cannot read).",
            javaType = "boolean")
    public static final String ARCHIVE_ENCRYPTED = "MailhubArchiveEncrypted";

    @Metadata(description = "Tags from the HTTP API, comma-separated.", javaType = "String")
    public static final String TAGS = "MailhubTags";

    @Metadata(description = "Metadata from the HTTP API, a JSON object of strings.", javaType = "String")
    public static final String METADATA = "MailhubMetadata";

    @Metadata(description = "The route the API client asked for (key with route=yes).", javaType = "String")
    public static final String ROUTE = "MailhubRoute";

    private MailhubHeaders() {}
}
