package io.mailhub.ingress.jms;

import io.mailhub.auth.Logins;
import io.mailhub.auth.User;
import java.util.Locale;
import java.util.Set;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager4;

/**
 * Who may use the embedded broker's network acceptor: the users of {@code mailhub.auth.users-file} (the SMTP logins,
 * the same passwords), and only to send mail. A user may send to the submit queue and nowhere else, and may make,
 * read and delete temporary queues (for receipts, JMSReplyTo) outside the hub's own addresses ({@code mail.*},
 * {@code hub.*}, {@code activemq.*}), and read the queues routes hand mail to ({@code mailhub:jms}; only the logins
 * its {@code readers=} names, when it names them), never the queues routes hold mail in ({@code mailhub:hold?queue=});
 * nothing else. The hub's own in-VM connections may do everything.
 */
public final class BrokerLogins implements ActiveMQSecurityManager4 {

    private final Logins logins;
    private final String submitQueue;
    private final QueueReaders readers;

    /** Who may read a queue that is neither the hub's own nor temporary (the routes say: egress and quarantine). */
    @FunctionalInterface
    public interface QueueReaders {
        boolean mayRead(String login, String queue);
    }

    /** @param logins the users file's logins, or {@code null}: no network producer can log in */
    public BrokerLogins(Logins logins, String submitQueue) {
        this(logins, submitQueue, (login, queue) -> true);
    }

    /**
     * @param readers who may read which queue: not a queue a route holds mail in ({@code mailhub:hold?queue=}), and
     *     only the logins a route names for the queue it hands mail to ({@code mailhub:jms?readers=})
     */
    public BrokerLogins(Logins logins, String submitQueue, QueueReaders readers) {
        this.logins = logins;
        this.submitQueue = submitQueue;
        this.readers = readers;
    }

    static boolean inVm(RemotingConnection connection) {
        return connection != null && connection.getTransportConnection() != null
                && connection.getTransportConnection().getClass().getName().contains("InVM");
    }

    @Override
    public String validateUser(String user, String password, RemotingConnection connection, String securityDomain) {
        if (inVm(connection)) {
            return user == null ? "" : user;
        }
        if (logins == null || user == null || password == null) {
            return null;
        }
        User u = logins.authenticate(user, password.toCharArray());
        return u == null ? null : u.name();
    }

    @Override
    public String validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType,
            String address, RemotingConnection connection, String securityDomain) {
        if (inVm(connection)) {
            return user == null ? "" : user;
        }
        String name = validateUser(user, password, connection, securityDomain);
        if (name == null || address == null) {
            return null;
        }
        return allowed(name, checkType, address) ? name : null;
    }

    /** What the network user {@code login} may do with {@code address}. */
    boolean allowed(String login, CheckType type, String address) {
        if (!allowed(type, address)) {
            return false;
        }
        String a = address.toLowerCase(Locale.ROOT);
        int fqqn = a.indexOf("::");
        String bare = fqqn < 0 ? address : address.substring(0, fqqn);
        return !(type == CheckType.CONSUME || type == CheckType.BROWSE) || readers.mayRead(login, bare);
    }

    /** What a network user may do with {@code address}. */
    boolean allowed(CheckType type, String address) {
        String a = address.toLowerCase(Locale.ROOT);
        int fqqn = a.indexOf("::"); // address::queue
        String bare = fqqn < 0 ? a : a.substring(0, fqqn);
        if (type == CheckType.SEND) {
            return bare.equals(submitQueue.toLowerCase(Locale.ROOT));
        }
        if (isInternal(bare)) {
            return false;
        }
        return switch (type) {
            case CREATE_NON_DURABLE_QUEUE, DELETE_NON_DURABLE_QUEUE, CONSUME, BROWSE, CREATE_ADDRESS -> true;
            default -> false;
        };
    }

    private static boolean isInternal(String address) {
        return address.startsWith("mail.") || address.startsWith("hub.") || address.startsWith("activemq.")
                || address.startsWith("$sys.");
    }

    @Override
    public boolean validateUser(String user, String password) {
        return validateUser(user, password, null, null) != null;
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return false; // the broker calls the variant with the address
    }
}
