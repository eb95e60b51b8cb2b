package io.mailhub.routing;

import io.mailhub.model.MailAddress;
import io.mailhub.model.SmtpReply;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the {@code mailhub:} actions of one run of the policy or routing route decided, collected on the exchange
 * (property {@link #PROPERTY}) and carried out by the caller: the acceptance stage for {@code direct:policy}, the
 * dispatch stage for {@code direct:routing}. A final action (reject, hold, discard, bounce) stops the route.
 */
public final class RouteVerdict {

    /** The exchange property that holds the verdict. */
    public static final String PROPERTY = "MailhubVerdict";

    public enum Stage {
        POLICY, ROUTING;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Stage stage;
    private final boolean dryRun;
    private SmtpReply reject;
    private SmtpReply bounce;
    private String hold;
    private String discard;
    private String nextHop;
    private final List<MailAddress> copies = new ArrayList<>();
    private final Set<String> removeFields = new LinkedHashSet<>();
    private final List<String> addFields = new ArrayList<>();
    private String subjectPrefix;
    private boolean split;
    private final List<String> handedOff = new ArrayList<>();
    private final List<Rewrite> rewrites = new ArrayList<>();

    /** An address rewrite and what it applies to. */
    record Rewrite(AddressRewrite rule, boolean sender, boolean recipients) {}

    public RouteVerdict(Stage stage) {
        this(stage, false);
    }

    /** @param dryRun whether egress actions only record where they would hand the message ({@code routes test}) */
    public RouteVerdict(Stage stage, boolean dryRun) {
        this.stage = stage;
        this.dryRun = dryRun;
    }

    public boolean isDryRun() {
        return dryRun;
    }

    public Stage stage() {
        return stage;
    }

    void reject(SmtpReply reply) {
        reject = reply;
    }

    void bounce(SmtpReply reply) {
        bounce = reply;
    }

    void hold(String queue) {
        hold = queue;
    }

    void discard(String reason) {
        discard = reason;
    }

    void nextHop(String hop) {
        nextHop = hop;
    }

    void copy(MailAddress to) {
        if (!copies.contains(to)) {
            copies.add(to);
        }
    }

    void removeField(String name) {
        removeFields.add(name.toLowerCase(Locale.ROOT));
    }

    void addField(String name, String value) {
        addFields.add(name + ": " + value);
    }

    /** Puts {@code prefix} and a space before the Subject (URI options lose trailing spaces, so the space is ours). */
    void subjectPrefix(String prefix) {
        String p = prefix.strip() + " ";
        subjectPrefix = subjectPrefix == null ? p : p + subjectPrefix;
    }

    /** A footer (disclaimer) to append to the body's text and HTML. */
    record Footer(String text, String html) {}

    private final List<Footer> footers = new ArrayList<>();

    void footer(String text, String html) {
        Footer f = new Footer(text, html);
        if (!footers.contains(f)) {
            footers.add(f);
        }
    }

    private final List<MimeStrip.Rule> strips = new ArrayList<>();

    void strip(MimeStrip.Rule rule) {
        strips.add(rule);
    }

    /** The attachment rules to apply, in the route's order. */
    public List<MimeStrip.Rule> strips() {
        return List.copyOf(strips);
    }

    /** The footers to append, in the route's order. */
    public List<Footer> footers() {
        return List.copyOf(footers);
    }

    void rewrite(AddressRewrite rule, boolean sender, boolean recipients) {
        rewrites.add(new Rewrite(rule, sender, recipients));
    }

    List<Rewrite> rewrites() {
        return List.copyOf(rewrites);
    }

    /** The sender after the rewrites, in order. */
    MailAddress rewriteSender(MailAddress sender) throws io.mailhub.model.SyntaxException {
        MailAddress a = sender;
        for (Rewrite r : rewrites) {
            if (r.sender()) {
                a = r.rule().apply(a);
            }
        }
        return a;
    }

    /** The recipients after the rewrites, in order (each recipient keeps its DSN parameters; duplicates dropped). */
    List<io.mailhub.model.Recipient> rewriteRecipients(List<io.mailhub.model.Recipient> recipients)
            throws io.mailhub.model.SyntaxException {
        List<io.mailhub.model.Recipient> out = new ArrayList<>();
        for (io.mailhub.model.Recipient r : recipients) {
            MailAddress a = r.address();
            for (Rewrite w : rewrites) {
                if (w.recipients()) {
                    a = w.rule().apply(a);
                }
            }
            MailAddress target = a;
            if (out.stream().noneMatch(o -> o.address().equals(target))) {
                out.add(new io.mailhub.model.Recipient(a, r.notifyOn(), r.orcpt()));
            }
        }
        return out;
    }

    void split() {
        split = true;
    }

    /** Whether the message is to be split into one message per recipient domain, each routed again. */
    public boolean isSplit() {
        return split;
    }

    void handedOff(String where) {
        handedOff.add(where);
    }

    /** The refusal the door answers with (policy), or {@code null}. */
    public SmtpReply rejection() {
        return reject;
    }

    /** The failure to report to the sender (routing: a DSN), or {@code null}. */
    public SmtpReply bounceReply() {
        return bounce;
    }

    /** The queue to hold the message in, or {@code null}. */
    public String holdQueue() {
        return hold;
    }

    /** Why the message was discarded, or {@code null}. */
    public String discardReason() {
        return discard;
    }

    /** The next hop for delivery ({@code [host]:port}, {@code mx:domain}, {@code transport:NAME}), or {@code null}. */
    public String nextHop() {
        return nextHop;
    }

    public List<MailAddress> copies() {
        return List.copyOf(copies);
    }

    public Set<String> removeFields() {
        return Set.copyOf(removeFields);
    }

    public List<String> addFields() {
        return List.copyOf(addFields);
    }

    /** The text to put before the Subject, or {@code null}. */
    public String subjectPrefix() {
        return subjectPrefix;
    }

    /** Where egress actions handed the message (jms:Q, file:D, webhook:URL). */
    public List<String> handedOff() {
        return List.copyOf(handedOff);
    }

    /** Whether normal SMTP delivery is off: the message was held, discarded, bounced or handed elsewhere. */
    public boolean takesOverDelivery() {
        return hold != null || discard != null || bounce != null || reject != null || !handedOff.isEmpty() || split;
    }

    public boolean editsHeader() {
        return !removeFields.isEmpty() || !addFields.isEmpty() || subjectPrefix != null;
    }

    /** Whether the message itself changes: header edits or a footer. */
    public boolean editsMessage() {
        return editsHeader() || !footers.isEmpty() || !strips.isEmpty();
    }

    /** One line for logs and {@code routes test}. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        if (reject != null) {
            parts.add("reject " + reject);
        }
        if (bounce != null) {
            parts.add("bounce " + bounce);
        }
        if (hold != null) {
            parts.add("hold in " + hold);
        }
        if (split) {
            parts.add("split per recipient domain, each routed again");
        }
        if (discard != null) {
            parts.add("discard (" + discard + ")");
        }
        handedOff.forEach(h -> parts.add("egress " + h));
        copies.forEach(c -> parts.add("copy to " + c));
        if (nextHop != null) {
            parts.add("deliver via " + nextHop);
        }
        if (!rewrites.isEmpty()) {
            parts.add(rewrites.size() + " address rewrite(s)");
        }
        if (editsHeader()) {
            parts.add("header edits" + (subjectPrefix == null ? "" : " (subject prefix '" + subjectPrefix + "')"));
        }
        if (!strips.isEmpty()) {
            parts.add("strip attachments");
        }
        if (!footers.isEmpty()) {
            parts.add(footers.size() == 1 ? "footer" : footers.size() + " footers");
        }
        if (!takesOverDelivery() && nextHop == null) {
            parts.add("deliver");
        }
        return String.join("; ", parts);
    }
}
