package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.auth.AuthFailures;
import io.mailhub.policy.NetworkList;
import io.mailhub.policy.RateLimits;
import io.mailhub.policy.SessionFacts;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolicyCountersTest {

    @AfterEach
    void unregister() {
        PolicyCounters.unregister();
    }

    @Test
    void operatorsSeeTheLiveCountersAndLockoutsOverJmx() throws Exception {
        RateLimits limits = new RateLimits(10, 20, 30, NetworkList.parse(""), Clock.systemUTC());
        AuthFailures failures = new AuthFailures(1, Duration.ofMinutes(1), Duration.ofMinutes(1), Clock.systemUTC());
        InetAddress client = InetAddress.getByName("192.0.2.9");
        SessionFacts facts = new SessionFacts() {
            @Override
            public InetAddress clientAddress() {
                return client;
            }

            @Override
            public String helo() {
                return null;
            }

            @Override
            public String authUser() {
                return null;
            }

            @Override
            public boolean tls() {
                return false;
            }
        };
        limits.connect(facts);
        limits.connect(facts);
        failures.failed(client);
        new PolicyCounters(limits, failures).register();

        var mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(PolicyCounters.OBJECT_NAME);
        assertThat((String[]) mbs.getAttribute(name, "RateCounters")).containsExactly("connections [192.0.2.9]=2");
        assertThat(mbs.getAttribute(name, "LockedOutClients")).isEqualTo(1);
        assertThat(mbs.getAttribute(name, "ConnectionsPerMinuteLimit")).isEqualTo(10);
        assertThat(mbs.getAttribute(name, "RecipientsPerHourLimit")).isEqualTo(30);
    }
}
