package io.mailhub.policy;

import io.mailhub.auth.WatchedFile;
import io.mailhub.model.Ascii;
import io.mailhub.model.DomainName;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SmtpReply;
import io.mailhub.model.SyntaxException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The addresses that exist in the local domains ({@code mailhub.relay.recipients}), as Postfix's
 * {@code relay_recipient_maps}: a recipient in a local domain that is not listed is refused at RCPT with {@code 550
 * 5.1.1}, so that the hub never accepts mail for a mailbox the server behind it does not have, and never sends the
 * bounce for it to a forged sender (backscatter). One entry per line: an address, or {@code @domain} for every address
 * of that domain; {@code #} comments. An address with a subaddress ({@code ann+news@example.com}, RFC 5233) is listed
 * when its base address is; {@code postmaster} of every local domain always is (RFC 5321 section 4.5.1). Read again
 * when the file changes.
 */
public final class RecipientTable implements RcptHook {

    private final WatchedFile<Set<String>> file;
    private final RelayControl relay;

    private RecipientTable(WatchedFile<Set<String>> file, RelayControl relay) {
        this.file = file;
        this.relay = relay;
    }

    /** Reads the table; fails only when the file cannot be read at all (unusable lines are logged and skipped). */
    public static RecipientTable load(Path path, RelayControl relay) throws IOException {
        return new RecipientTable(WatchedFile.load(path, "relay recipients", RecipientTable::parse), relay);
    }

    static WatchedFile.Parsed<Set<String>> parse(Path path, List<String> lines) {
        Set<String> keys = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (WatchedFile.Entry e : WatchedFile.entries(path, lines)) {
            try {
                keys.add(e.text().startsWith("@") ? "@" + domainKey(e.text().substring(1))
                        : SmtpPath.mailbox(e.text(), true).key());
            } catch (SyntaxException | RuntimeException ex) {
                problems.add(e.where() + e.text() + " is neither an address nor @domain: " + ex.getMessage());
            }
        }
        return new WatchedFile.Parsed<>(Set.copyOf(keys), problems);
    }

    private static String domainKey(String domain) throws SyntaxException {
        if (!SmtpPath.isDomain(domain, true)) {
            throw new SyntaxException("not a domain name");
        }
        return DomainName.key(DomainName.canonical(domain));
    }

    @Override
    public HookResult rcpt(SessionFacts session, MailAddress sender, Recipient recipient) {
        MailAddress a = recipient.address();
        if (!relay.isLocal(a) || listed(a)) {
            return HookResult.next();
        }
        return HookResult.reject(SmtpReply.of(550, "5.1.1", "<" + a + ">: Recipient address rejected: User unknown in"
                + " relay recipient table"));
    }

    /** Whether the address of a local domain is in the table. */
    boolean listed(MailAddress a) {
        Set<String> keys = file.get();
        String local = Ascii.toLowerCase(a.localPart());
        String domain = a.domainKey();
        int plus = local.indexOf('+');
        return keys.contains(a.key()) || keys.contains("@" + domain) || local.equals("postmaster")
                || plus > 0 && !local.startsWith("\"") && keys.contains(local.substring(0, plus) + "@" + domain);
    }
}
