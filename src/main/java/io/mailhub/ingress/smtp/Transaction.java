package io.mailhub.ingress.smtp;

import io.mailhub.model.BodyType;
import io.mailhub.model.DsnRet;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import java.util.ArrayList;
import java.util.List;

/** The mail transaction in progress: from an accepted MAIL until the end of data, RSET, HELO/EHLO or QUIT. */
final class Transaction {

    final MailAddress sender;
    final DsnRet ret;
    final String envid;
    final BodyType body;
    final boolean smtputf8;
    final List<Recipient> recipients = new ArrayList<>();
    /** The message being received by BDAT chunks, {@code null} until the first chunk. */
    IncomingMessage chunked;

    Transaction(MailAddress sender, DsnRet ret, String envid, BodyType body, boolean smtputf8) {
        this.sender = sender;
        this.ret = ret;
        this.envid = envid;
        this.body = body;
        this.smtputf8 = smtputf8;
    }

    /** Adds the recipient unless the same mailbox is already listed (duplicates are accepted and merged). */
    void addRecipient(Recipient r) {
        for (Recipient existing : recipients) {
            if (existing.address().equals(r.address())) {
                return;
            }
        }
        recipients.add(r);
    }

    void discard() {
        if (chunked != null) {
            chunked.discard();
            chunked = null;
        }
    }
}
