import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * bench/BareBroker.java - the hub's broker without the hub: Artemis from target/mailhub.jar with the packaged
 * artemis/broker.xml (same journal, same address settings), one CORE acceptor, security off, and the queue
 * mail.submit with no consumer. What bench/JmsLoad.java reaches against it is the most any JMS door can accept on
 * this machine: the producers and the broker's durable store, with nothing taking the messages.
 * Between rounds the benchmark creates DATADIR/purge: the broker then drops what the queue holds and removes the file,
 * so every round starts from an empty queue, as a door's would, instead of paging what earlier rounds left.
 * Usage: java -Djava.library.path=DIR -cp target/mailhub.jar:CLASSES BareBroker DATADIR PORT
 */
public final class BareBroker {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        FileConfiguration config = new FileConfiguration();
        FileDeploymentManager deployment = new FileDeploymentManager("artemis/broker.xml");
        deployment.addDeployable(config);
        deployment.readConfiguration();
        config.setBrokerInstance(dir.toFile());
        config.setJournalDirectory(dir.resolve("journal").toString());
        config.setBindingsDirectory(dir.resolve("bindings").toString());
        config.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        config.setPagingDirectory(dir.resolve("paging").toString());
        config.setNodeManagerLockDirectory(dir.toString());
        config.getAcceptorConfigurations().clear();
        config.addAcceptorConfiguration("bench", "tcp://127.0.0.1:" + a[1] + "?protocols=CORE");
        config.setSecurityEnabled(false);
        config.setConfigurationFileRefreshPeriod(-1);
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(config);
        broker.start();
        if (broker.getActiveMQServer().locateQueue("mail.submit") == null) { // broker.xml defines it
            broker.getActiveMQServer().createQueue(QueueConfiguration.of("mail.submit")
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true).setAutoCreateAddress(true));
        }
        System.out.println("bare broker started (journal " + config.getJournalType() + ")");
        Path purge = dir.resolve("purge");
        org.apache.activemq.artemis.core.server.Queue queue = broker.getActiveMQServer().locateQueue("mail.submit");
        while (true) {
            if (Files.exists(purge)) {
                System.out.println("purged " + queue.deleteAllReferences() + " messages");
                Files.delete(purge);
            }
            Thread.sleep(100);
        }
    }
}
