package io.mailhub.ingress.http;

import io.mailhub.acceptance.Origin;
import io.mailhub.auth.ApiKey;
import io.mailhub.model.DsnRet;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.IntFunction;

/**
 * How a door without its own protocol (the JMS door) hands a message to the acceptance path: the send API's JSON or a
 * raw RFC 5322 message. {@link LocalSubmissions} is the hub's; tests of a door may use their own.
 */
public interface Submissions {

    /** See {@link LocalSubmissions#json}. */
    List<LocalSubmissions.Queued> json(InputStream in, ApiKey principal, Origin origin, IntFunction<String> queueIds)
            throws LocalSubmissions.Refused, IOException;

    /** See {@link LocalSubmissions#raw}. */
    LocalSubmissions.Queued raw(InputStream in, long size, ApiKey principal, Origin origin, boolean senderGiven,
            MailAddress sender, List<Recipient> recipients, DsnRet ret, String envid, String queueId)
            throws LocalSubmissions.Refused, IOException;

    /**
     * Why no mail can be queued now (the disk or the broker's disk is full, the broker is away), or {@code null} when
     * it can. A door whose source counts attempts (the broker's redelivery count) waits while this is not null,
     * instead of spending them on refusals that say the same.
     */
    default String notReady() {
        return null;
    }
}
