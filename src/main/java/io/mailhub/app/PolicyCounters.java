package io.mailhub.app;

import io.mailhub.auth.AuthFailures;
import io.mailhub.policy.RateLimits;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/** The JMX view of {@link RateLimits} and {@link AuthFailures}. */
public final class PolicyCounters implements PolicyCountersMBean {

    public static final String OBJECT_NAME = "io.mailhub:type=Policy";

    private final RateLimits limits;
    private final AuthFailures failures;

    public PolicyCounters(RateLimits limits, AuthFailures failures) {
        this.limits = limits;
        this.failures = failures;
    }

    @Override
    public String[] getRateCounters() {
        return limits.counters().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    @Override
    public int getLockedOutClients() {
        return failures.lockedCount();
    }

    @Override
    public int getConnectionsPerMinuteLimit() {
        return limits.connectionsPerMinute();
    }

    @Override
    public int getMessagesPerHourLimit() {
        return limits.messagesPerHour();
    }

    @Override
    public int getRecipientsPerHourLimit() {
        return limits.recipientsPerHour();
    }

    void register() throws JMException {
        var mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(OBJECT_NAME);
        if (mbs.isRegistered(name)) {
            mbs.unregisterMBean(name);
        }
        mbs.registerMBean(this, name);
    }

    static void unregister() {
        try {
            var mbs = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(OBJECT_NAME);
            if (mbs.isRegistered(name)) {
                mbs.unregisterMBean(name);
            }
        } catch (JMException e) {
            // nothing registered, nothing to do
        }
    }
}
