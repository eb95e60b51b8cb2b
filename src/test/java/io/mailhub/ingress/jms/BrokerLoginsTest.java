package io.mailhub.ingress.jms;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.auth.Logins;
import io.mailhub.auth.User;
import java.util.List;
import java.util.Set;
import org.apache.activemq.artemis.core.security.CheckType;
import org.junit.jupiter.api.Test;

class BrokerLoginsTest {

    private static final User ERP = new User("erp", "hash", List.of(), List.of("erp.test"));

    private final Logins logins = new Logins() {
        @Override
        public User authenticate(String name, char[] password) {
            return name.equals("erp") && new String(password).equals("secret") ? ERP : null;
        }

        @Override
        public User user(String name) {
            return name.equals("erp") ? ERP : null;
        }
    };

    private final BrokerLogins broker = new BrokerLogins(logins, "mail.submit");

    @Test
    void aLoginOfTheUsersFileMaySendToTheSubmitQueueOnly() {
        assertThat(broker.validateUserAndRole("erp", "secret", Set.of(), CheckType.SEND, "mail.submit", null, null))
                .isEqualTo("erp");
        for (String other : List.of("mail.incoming", "mail.dead", "hub.idempotency", "mail.submit.invalid",
                "orders", "activemq.management")) {
            assertThat(broker.validateUserAndRole("erp", "secret", Set.of(), CheckType.SEND, other, null, null))
                    .as(other).isNull();
        }
    }

    @Test
    void temporaryQueuesOutsideTheHubsAddressesMayBeMadeAndReadForReceipts() {
        String temp = "7f9c4c1e-2b1a-4c7e-9d1a-0c2f3e4d5a6b";
        for (CheckType t : List.of(CheckType.CREATE_NON_DURABLE_QUEUE, CheckType.CONSUME, CheckType.BROWSE,
                CheckType.DELETE_NON_DURABLE_QUEUE, CheckType.CREATE_ADDRESS)) {
            assertThat(broker.allowed(t, temp)).as(t.name()).isTrue();
        }
        for (String internal : List.of("mail.incoming", "mail.submit.invalid", "hub.expired", "activemq.notifications")) {
            assertThat(broker.allowed(CheckType.CONSUME, internal)).as(internal).isFalse();
            assertThat(broker.allowed(CheckType.BROWSE, internal + "::" + internal)).as(internal).isFalse();
        }
        assertThat(broker.allowed(CheckType.CREATE_DURABLE_QUEUE, temp)).isFalse();
        assertThat(broker.allowed(CheckType.MANAGE, temp)).isFalse();
    }

    @Test
    void aLoginReadsOnlyTheQueuesTheRoutesLetIt() {
        BrokerLogins routed = new BrokerLogins(logins, "mail.submit", (login, queue) ->
                !queue.equals("quarantine.dmarc") && (!queue.equals("erp.inbox") || login.equals("erp")));
        for (CheckType t : List.of(CheckType.CONSUME, CheckType.BROWSE)) {
            assertThat(routed.allowed("erp", t, "quarantine.dmarc")).as("held mail: %s", t).isFalse();
            assertThat(routed.allowed("erp", t, "quarantine.dmarc::quarantine.dmarc")).as(t.name()).isFalse();
            assertThat(routed.allowed("erp", t, "erp.inbox")).as("its egress queue: %s", t).isTrue();
            assertThat(routed.allowed("shop", t, "erp.inbox")).as("another's egress queue: %s", t).isFalse();
        }
        assertThat(routed.validateUserAndRole("erp", "secret", Set.of(), CheckType.CONSUME, "quarantine.dmarc", null,
                null)).isNull();
        assertThat(routed.validateUserAndRole("erp", "secret", Set.of(), CheckType.CONSUME, "erp.inbox", null,
                null)).isEqualTo("erp");
    }

    @Test
    void aWrongPasswordAnUnknownUserOrNoUsersFileCannotLogIn() {
        assertThat(broker.validateUser("erp", "wrong", null, null)).isNull();
        assertThat(broker.validateUser("nobody", "secret", null, null)).isNull();
        assertThat(broker.validateUser(null, null, null, null)).isNull();
        assertThat(new BrokerLogins(null, "mail.submit").validateUser("erp", "secret", null, null)).isNull();
        assertThat(broker.validateUser("erp", "secret", null, null)).isEqualTo("erp");
    }
}
