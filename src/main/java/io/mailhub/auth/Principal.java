package io.mailhub.auth;

import io.mailhub.model.MailAddress;

/**
 * Who hands a message over, by whatever door: an SMTP login (a {@link User}), an API key, later a pickup directory's or
 * a JMS producer's configured identity. One sender rule for all of them: the addresses and domains they may send as.
 */
public interface Principal {

    /** The name in logs, the Received header and the {@code MailhubAuthUser} property. */
    String name();

    /** Whether this principal may use {@code address} as sender, in the envelope and in From: (null sender: yes). */
    boolean maySendAs(MailAddress address);
}
