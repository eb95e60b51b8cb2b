package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LowDiskSendRefusalTest {

    @TempDir
    Path dir;

    private static CoreMessage messageTo(String address) {
        CoreMessage m = new CoreMessage(1, 100);
        m.setAddress(address);
        return m;
    }

    @Test
    void aSendIsRefusedAsAddressFullWhileTheDiskHasLessThanTheMinimumFree() throws Exception {
        LowDiskSendRefusal plugin = new LowDiskSendRefusal(dir, Long.MAX_VALUE);
        assertThatThrownBy(() -> plugin.beforeSend(null, null, messageTo("mail.incoming"), false, false))
                .isInstanceOf(ActiveMQAddressFullException.class)
                .hasMessageContaining("data disk full").hasMessageContaining("mail.incoming is refused");
    }

    @Test
    void aSendPassesWhileTheDiskHasRoom() throws Exception {
        LowDiskSendRefusal plugin = new LowDiskSendRefusal(dir, 0);
        assertThatCode(() -> plugin.beforeSend(null, null, messageTo("mail.incoming"), false, false))
                .doesNotThrowAnyException();
    }

    @Test
    void aRefusedSendInsideATransactionMakesItsCommitFailSoTheConsumedMessageStays() throws Exception {
        java.util.List<Object> rollbackOnly = new java.util.ArrayList<>();
        org.apache.activemq.artemis.core.transaction.Transaction tx = (org.apache.activemq.artemis.core.transaction
                .Transaction) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {
                        org.apache.activemq.artemis.core.transaction.Transaction.class}, (proxy, method, args) -> {
                            if (method.getName().equals("markAsRollbackOnly")) {
                                rollbackOnly.add(args[0]);
                            }
                            return null;
                        });
        LowDiskSendRefusal plugin = new LowDiskSendRefusal(dir, Long.MAX_VALUE);

        assertThatThrownBy(() -> plugin.beforeSend(null, tx, messageTo("mail.outbound"), false, false))
                .isInstanceOf(ActiveMQAddressFullException.class);
        org.assertj.core.api.Assertions.assertThat(rollbackOnly).singleElement()
                .isInstanceOf(ActiveMQAddressFullException.class);
    }
}
