package io.mailhub.routing;

import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import java.time.Duration;
import java.util.List;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/** One action of a policy or routing route. Options are checked when the route starts, so a typo fails the load. */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "mailhub",
        title = "Mailhub routing actions",
        syntax = "mailhub:action",
        producerOnly = true,
        category = {Category.MAIL},
        headersClass = MailhubHeaders.class)
public class MailhubEndpoint extends DefaultEndpoint {

    /** The actions, in the order docs/routing.md lists them. */
    public static final List<String> ACTIONS = List.of("reject", "greylist", "hold", "discard", "bounce", "copy", "bcc",
            "deliver", "header", "subject", "footer", "strip", "rewrite", "split", "jms", "file", "webhook");
    /** The actions that hand the message to another system, or change its body: only after the queue. */
    public static final List<String> ROUTING_ONLY = List.of("bounce", "footer", "strip", "split", "jms", "file",
            "webhook");
    /** The actions that answer the client: only before the queue. */
    public static final List<String> POLICY_ONLY = List.of("greylist");

    @UriPath(enums = "reject,greylist,hold,discard,bounce,copy,bcc,deliver,header,subject,footer,strip,rewrite,split,jms,file,"
            + "webhook",
            description = "The action.")
    @Metadata(required = true)
    private final String action;

    @UriParam(description = "reject, bounce: the SMTP reply code (4xx temporary, 5xx permanent).", defaultValue = "550")
    private int code = 550;
    @UriParam(description = "reject, bounce: the enhanced status code (RFC 3463), of the code's class.",
            defaultValue = "5.7.1")
    private String enhanced;
    @UriParam(description = "reject, bounce: the text of the reply; discard: the reason logged; footer: the text"
            + " appended to the plain-text body; strip: the note that replaces an attachment ({attachment} names it).",
            defaultValue = "Message refused by policy")
    private String text;
    @UriParam(description = "footer: a UTF-8 file whose text is appended to the plain-text body (instead of text=).")
    private String file;
    @UriParam(description = "footer: the HTML appended to the HTML body (before </body>); default: the text, escaped,"
            + " in a <div>.")
    private String html;
    @UriParam(description = "footer: a UTF-8 file of the HTML appended to the HTML body (instead of html=).")
    private String htmlFile;
    @UriParam(description = "strip: file name patterns of the attachments to remove, comma-separated (*.exe,*.js;"
            + " case-insensitive).")
    private String names;
    @UriParam(description = "strip: content types of the attachments to remove, comma-separated"
            + " (application/x-msdownload, application/*).")
    private String types;
    @UriParam(description = "strip: whether a ZIP attachment holding a file whose name matches names= is removed too"
            + " (nested archives opened three deep).", defaultValue = "true")
    private boolean archives = true;
    @UriParam(description = "greylist: how long a new sender, recipient and client network is refused (451 4.7.1).",
            defaultValue = "5m")
    private String delay = "5m";
    @UriParam(description = "greylist: how long after the first attempt a retry still counts (later: refused anew).",
            defaultValue = "2d")
    private String window = "2d";
    @UriParam(description = "greylist: how long a triplet that passed is remembered after its last use.",
            defaultValue = "35d")
    private String lifetime = "35d";
    private io.mailhub.policy.Greylist.Timing greylistTiming;
    /** The footer's text and HTML, once validated. */
    private String footerText;
    private String footerHtml;
    @UriParam(description = "copy, bcc: the address that gets a copy.")
    private String to;
    @UriParam(description = "hold: the queue (default mail.hold); jms: the queue to send to.")
    private String queue;
    @UriParam(description = "jms: the logins of the broker's acceptor that may read the queue (comma-separated);"
            + " without it, any login may.")
    private String readers;
    @UriParam(description = "file: the directory the .eml file is written to.")
    private String dir;
    @UriParam(description = "webhook: the http or https URL to POST to.")
    private String url;
    @UriParam(description = "webhook, jms: raw (message/rfc822 with the envelope in headers or properties) or parsed"
            + " (JSON).", defaultValue = "parsed", enums = "parsed,raw")
    private String format = "parsed";
    @UriParam(description = "webhook: the HMAC-SHA256 key for the X-Mailhub-Signature header.", secret = true)
    private String secret;
    @UriParam(description = "webhook: what a final refusal (406, 410) does: bounce (a DSN to the sender) or dead"
            + " (to mail.dead).", defaultValue = "bounce", enums = "bounce,dead")
    private String onFinal = "bounce";
    @UriParam(description = "webhook (format=parsed): attachments larger than this size (512KB, 10MB) are not put in"
            + " the JSON but stored by the hub and linked: url (signed, expiring after"
            + " mailhub.webhook.attachment-lifetime), size, sha256, expires_at. off: every attachment inline (base64).",
            defaultValue = "off")
    private String attachmentsByReferenceOver = "off";
    /** {@link #attachmentsByReferenceOver} in octets, or -1 when off. */
    private long referenceOver = -1;
    @UriParam(description = "deliver: a named entry of the transport map (mailhub.relay.transport-map).")
    private String transport;
    @UriParam(description = "deliver: the next hop, [host]:port, host:port or mx:domain.")
    private String nextHop;
    @UriParam(description = "header: the name of the field to add.")
    private String name;
    @UriParam(description = "header: the value of the field to add.")
    private String value;
    @UriParam(description = "header: the name of a field to remove (every occurrence).")
    private String remove;
    @UriParam(description = "subject: the text to put before the Subject.")
    private String prefix;
    @UriParam(description = "rewrite: a regular expression over the whole address (case-insensitive).")
    private String regex;
    @UriParam(description = "rewrite: the replacement of regex, with $1 for its groups.")
    private String replacement;
    @UriParam(description = "rewrite: a map file of 'OLD NEW' lines (an address or @domain each).")
    private String map;
    @UriParam(description = "rewrite: which addresses: sender, recipients or both.", defaultValue = "sender",
            enums = "sender,recipients,both")
    private String what = "sender";

    private AddressRewrite rewrite;

    MailhubEndpoint(String uri, MailhubComponent component, String action) {
        super(uri, component);
        this.action = action;
    }

    /** The logins {@code readers} names, or {@code null} when it is not given. */
    java.util.Set<String> readerLogins() {
        return readers == null ? null : java.util.Set.of(readers.strip().split("\\s*,\\s*"));
    }

    public String getReaders() {
        return readers;
    }

    public void setReaders(String readers) {
        this.readers = readers;
    }

    /** The queue of a hold other than mail.hold (a quarantine queue), else {@code null}. */
    String quarantineQueue() {
        return action.equals("hold") && queue != null && !queue.equals("mail.hold") ? queue : null;
    }

    /** Checks the options of the action: a bad one fails the route's start with a message naming it. */
    void validate() {
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException("mailhub:" + action + " is not an action; the actions are "
                    + String.join(", ", ACTIONS));
        }
        if (readers != null && !action.equals("jms")) {
            throw new IllegalArgumentException("mailhub:" + action + ": readers= is for mailhub:jms only");
        }
        switch (action) {
            case "reject", "bounce" -> {
                if (code < 400 || code > 599) {
                    throw new IllegalArgumentException("mailhub:" + action + ": code=" + code
                            + " must be a 4xx or 5xx SMTP reply code");
                }
                if (enhanced != null && !enhanced.matches("[45]\\.\\d{1,3}\\.\\d{1,3}")
                        || enhanced != null && enhanced.charAt(0) - '0' != code / 100) {
                    throw new IllegalArgumentException("mailhub:" + action + ": enhanced=" + enhanced + " must be an"
                            + " enhanced status code of the same class as code=" + code + " (such as " + code / 100
                            + ".7.1)");
                }
                if (action.equals("bounce") && code / 100 != 5) {
                    throw new IllegalArgumentException("mailhub:bounce: code=" + code + " must be 5xx (a bounce is"
                            + " final)");
                }
            }
            case "copy", "bcc" -> {
                try {
                    SmtpPath.looseMailbox(required("to", to));
                } catch (SyntaxException e) {
                    throw new IllegalArgumentException("mailhub:" + action + ": to=" + to + " is not an address");
                }
            }
            case "jms" -> {
                if (!required("queue", queue).matches("[A-Za-z0-9][A-Za-z0-9._-]{0,199}") || queue.startsWith("mail.")
                        || queue.startsWith("hub.")) {
                    throw new IllegalArgumentException("mailhub:jms: queue=" + queue + " must be a queue name that is"
                            + " not one of the hub's own (mail.*)");
                }
                format();
                if (readers != null && !readers.strip().matches("[^\\s,]+(\\s*,\\s*[^\\s,]+)*")) {
                    throw new IllegalArgumentException("mailhub:jms: readers=" + readers + " must be login names of"
                            + " mailhub.auth.users-file, separated by commas");
                }
            }
            case "file" -> required("dir", dir);
            case "webhook" -> {
                if (!required("url", url).matches("https?://\\S+")) {
                    throw new IllegalArgumentException("mailhub:webhook: url=" + url + " must be an http or https URL");
                }
                format();
                if (!onFinal.equals("bounce") && !onFinal.equals("dead")) {
                    throw new IllegalArgumentException("mailhub:webhook: onFinal=" + onFinal + " must be bounce or dead");
                }
                referenceOver = parseReferenceOver();
            }
            case "deliver" -> {
                if ((transport == null) == (nextHop == null)) {
                    throw new IllegalArgumentException("mailhub:deliver needs transport=NAME or nextHop=HOST, one of"
                            + " them");
                }
            }
            case "header" -> {
                if (remove == null && (name == null || value == null)) {
                    throw new IllegalArgumentException("mailhub:header needs name= and value= (to add a field) or"
                            + " remove= (to remove one)");
                }
                if (name != null && !name.matches("[!-9;-~]+") || remove != null && !remove.matches("[!-9;-~]+")) {
                    throw new IllegalArgumentException("mailhub:header: a field name is printable ASCII without ':'");
                }
                if (name != null && name.regionMatches(true, 0, "Mailhub", 0, 7)) {
                    throw new IllegalArgumentException("mailhub:header: Mailhub* fields are the hub's own");
                }
                if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)) {
                    throw new IllegalArgumentException("mailhub:header: value must be one line");
                }
            }
            case "subject" -> required("prefix", prefix);
            case "footer" -> footer();
            case "greylist" -> greylistTiming = new io.mailhub.policy.Greylist.Timing(duration("delay", delay), duration("window", window),
                    duration("lifetime", lifetime));
            case "strip" -> {
                if (names == null && types == null) {
                    throw new IllegalArgumentException("mailhub:strip needs names= or types= (or both)");
                }
                if (types != null && !types.strip().matches("[A-Za-z0-9.+-]+/([A-Za-z0-9.+-]+|\\*)(\\s*,\\s*[A-Za-z0-9.+-]+/"
                        + "([A-Za-z0-9.+-]+|\\*))*")) {
                    throw new IllegalArgumentException("mailhub:strip: types=" + types + " must be content types such"
                            + " as application/x-msdownload or application/*, separated by commas");
                }
            }
            case "rewrite" -> {
                if (!List.of("sender", "recipients", "both").contains(what)) {
                    throw new IllegalArgumentException("mailhub:rewrite: what=" + what + " must be sender, recipients"
                            + " or both");
                }
                if ((regex == null) == (map == null) || regex != null && replacement == null) {
                    throw new IllegalArgumentException("mailhub:rewrite needs regex= and replacement=, or map=FILE");
                }
                try {
                    rewrite = regex != null ? AddressRewrite.regex(regex, replacement)
                            : AddressRewrite.map(java.nio.file.Path.of(map));
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new IllegalArgumentException("mailhub:rewrite: regex=" + regex + " is not a regular"
                            + " expression: " + e.getDescription());
                } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("mailhub:rewrite: map=" + map + " cannot be read: "
                            + e.getMessage());
                }
            }
            case "hold" -> {
                if (queue != null && !queue.equals("mail.hold") && (!queue.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
                        || queue.startsWith("mail.") || queue.startsWith("hub."))) {
                    throw new IllegalArgumentException("mailhub:hold: queue=" + queue + " must be mail.hold or a queue"
                            + " name outside the hub's own (mail.*, hub.*), such as quarantine.dmarc");
                }
            }
            default -> { } // discard: nothing to check
        }
    }

    private Duration duration(String option, String value) {
        try {
            return io.mailhub.model.DurationText.parse(value);
        } catch (io.mailhub.model.SyntaxException e) {
            throw new IllegalArgumentException("mailhub:" + action + ": " + option + "=" + value + " is not a duration"
                    + " such as 300s, 5m, 2d: " + e.getMessage());
        }
    }

    io.mailhub.policy.Greylist.Timing greylistTiming() {
        return greylistTiming;
    }

    public String getDelay() {
        return delay;
    }

    public void setDelay(String delay) {
        this.delay = delay;
    }

    public String getWindow() {
        return window;
    }

    public void setWindow(String window) {
        this.window = window;
    }

    public String getLifetime() {
        return lifetime;
    }

    public void setLifetime(String lifetime) {
        this.lifetime = lifetime;
    }

    /** Reads the footer's text and HTML: text= or file=, html= or htmlFile= (or the text, escaped). */
    private void footer() {
        if ((text == null) == (file == null)) {
            throw new IllegalArgumentException("mailhub:footer needs text= or file=, one of them");
        }
        if (html != null && htmlFile != null) {
            throw new IllegalArgumentException("mailhub:footer takes html= or htmlFile=, not both");
        }
        footerText = crlf(text != null ? text : read("file", file));
        String h = html != null ? html : htmlFile != null ? read("htmlFile", htmlFile) : null;
        footerHtml = h != null ? h : "<div class=\"mailhub-footer\">" + escape(footerText).replace("\r\n", "<br>\r\n")
                + "</div>";
    }

    private static String read(String option, String path) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(path)).stripTrailing();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("mailhub:footer: " + option + "=" + path + " cannot be read: "
                    + e.getMessage());
        }
    }

    private static String crlf(String s) {
        return s.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The attachments mailhub:strip removes, and the note that replaces each. */
    MimeStrip.Rule stripRule() {
        return new MimeStrip.Rule(list(names), list(types), text != null ? text
                : "Removed by the mail system's policy: {attachment}.", archives);
    }

    private static List<String> list(String commaSeparated) {
        return commaSeparated == null ? List.of() : List.of(commaSeparated.strip().split("\\s*,\\s*"));
    }

    public String getNames() {
        return names;
    }

    public void setNames(String names) {
        this.names = names;
    }

    public boolean isArchives() {
        return archives;
    }

    public void setArchives(boolean archives) {
        this.archives = archives;
    }

    public String getTypes() {
        return types;
    }

    public void setTypes(String types) {
        this.types = types;
    }

    /** The footer's plain text (CRLF line ends). */
    String footerText() {
        return footerText;
    }

    /** The footer's HTML. */
    String footerHtml() {
        return footerHtml;
    }

    /** Parses attachmentsByReferenceOver: off, or a size up to 1 GiB, with parsed JSON only. */
    private long parseReferenceOver() {
        String v = attachmentsByReferenceOver == null ? "off" : attachmentsByReferenceOver.strip();
        if (v.equalsIgnoreCase("off")) {
            return -1;
        }
        long over;
        try {
            over = io.mailhub.model.DataSize.parse(v);
        } catch (io.mailhub.model.SyntaxException e) {
            over = -1;
        }
        if (over < 0 || over > 1L << 30) {
            throw new IllegalArgumentException("mailhub:webhook: attachmentsByReferenceOver=" + v + " must be off or a"
                    + " size up to 1GB, such as 512KB or 10MB");
        }
        if (!format.equals("parsed")) {
            throw new IllegalArgumentException("mailhub:webhook: attachmentsByReferenceOver works with format=parsed"
                    + " only (format=raw posts the message as it is)");
        }
        return over;
    }

    private void format() {
        if (!format.equals("parsed") && !format.equals("raw")) {
            throw new IllegalArgumentException("mailhub:" + action + ": format=" + format + " must be parsed or raw");
        }
    }

    private String required(String option, String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("mailhub:" + action + " needs " + option + "=");
        }
        return v;
    }

    @Override
    public Producer createProducer() {
        return new MailhubProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("mailhub: actions are producers only; routes start from direct:policy"
                + " or direct:routing");
    }

    public String getAction() {
        return action;
    }

    public int getCode() {
        return code;
    }

    public void setCode(int code) {
        this.code = code;
    }

    public String getEnhanced() {
        return enhanced;
    }

    public void setEnhanced(String enhanced) {
        this.enhanced = enhanced;
    }

    public String getFile() {
        return file;
    }

    public void setFile(String file) {
        this.file = file;
    }

    public String getHtml() {
        return html;
    }

    public void setHtml(String html) {
        this.html = html;
    }

    public String getHtmlFile() {
        return htmlFile;
    }

    public void setHtmlFile(String htmlFile) {
        this.htmlFile = htmlFile;
    }

    public String getText() {
        return text;
    }

    public void setText(String text) {
        this.text = text;
    }

    public String getTo() {
        return to;
    }

    public void setTo(String to) {
        this.to = to;
    }

    public String getQueue() {
        return queue;
    }

    public void setQueue(String queue) {
        this.queue = queue;
    }

    public String getDir() {
        return dir;
    }

    public void setDir(String dir) {
        this.dir = dir;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getFormat() {
        return format;
    }

    public void setFormat(String format) {
        this.format = format;
    }

    public String getSecret() {
        return secret;
    }

    public void setSecret(String secret) {
        this.secret = secret;
    }

    public String getOnFinal() {
        return onFinal;
    }

    public void setOnFinal(String onFinal) {
        this.onFinal = onFinal;
    }

    public String getAttachmentsByReferenceOver() {
        return attachmentsByReferenceOver;
    }

    /**
     * webhook (format=parsed): attachments larger than this size are stored by the hub and linked from the JSON
     * instead of inlined; {@code off} (the default) inlines every attachment.
     */
    public void setAttachmentsByReferenceOver(String attachmentsByReferenceOver) {
        this.attachmentsByReferenceOver = attachmentsByReferenceOver;
    }

    /** The threshold of attachments by reference in octets, or -1 when off (after {@link #validate}). */
    long referenceOver() {
        return referenceOver;
    }

    public String getTransport() {
        return transport;
    }

    public void setTransport(String transport) {
        this.transport = transport;
    }

    public String getNextHop() {
        return nextHop;
    }

    public void setNextHop(String nextHop) {
        this.nextHop = nextHop;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }

    public String getRemove() {
        return remove;
    }

    public void setRemove(String remove) {
        this.remove = remove;
    }

    AddressRewrite rewrite() {
        return rewrite;
    }

    public String getRegex() {
        return regex;
    }

    public void setRegex(String regex) {
        this.regex = regex;
    }

    public String getReplacement() {
        return replacement;
    }

    public void setReplacement(String replacement) {
        this.replacement = replacement;
    }

    public String getMap() {
        return map;
    }

    public void setMap(String map) {
        this.map = map;
    }

    public String getWhat() {
        return what;
    }

    public void setWhat(String what) {
        this.what = what;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }
}
