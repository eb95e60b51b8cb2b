package io.mailhub.ingress.jms;

import io.mailhub.config.SettingsReader;
import java.util.Map;

/**
 * The JMS door ({@code mailhub.broker.acceptor}, {@code mailhub.jms.submit-queue}).
 *
 * @param acceptor the embedded broker's network acceptor for external producers ({@code tcp://0.0.0.0:61617}: CORE
 *     AMQP and STOMP on one port; {@code ?sslEnabled=true}: TLS with the hub's certificate), or
 *     {@code null}: none
 * @param submitQueue the queue producers send to; refused messages go to {@code submitQueue + ".invalid"}
 * @param consumers how many messages the door takes at once (each waits for its durable enqueue)
 */
public record JmsSettings(String acceptor, String submitQueue, int consumers) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.broker.acceptor", "",
            "mailhub.jms.submit-queue", "mail.submit",
            "mailhub.jms.consumers", "16");

    public static JmsSettings read(SettingsReader r) {
        String acceptor = r.value("mailhub.broker.acceptor").strip();
        if (!acceptor.isEmpty() && !acceptor.matches("tcp://[^/?#\\s]+:\\d{1,5}(\\?\\S*)?")) {
            r.error("mailhub.broker.acceptor", "must be a URL such as tcp://0.0.0.0:61617");
        }
        String queue = r.value("mailhub.jms.submit-queue").strip();
        if (!queue.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,199}") || queue.startsWith("hub.")
                || java.util.Set.of("mail.incoming", "mail.outbound", "mail.bounce", "mail.hold", "mail.dead")
                        .contains(queue)) {
            r.error("mailhub.jms.submit-queue", "must be a queue name of letters, digits, '.', '_' and '-' that is"
                    + " not one of the hub's own queues");
        }
        return new JmsSettings(acceptor.isEmpty() ? null : acceptor, queue, r.intIn("mailhub.jms.consumers", 1, 64));
    }

    /** Where messages the door refuses go, each with a {@code MailhubRejectReason} property. */
    public String invalidQueue() {
        return submitQueue + ".invalid";
    }
}
