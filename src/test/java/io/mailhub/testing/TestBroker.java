package io.mailhub.testing;

import io.mailhub.queue.EmbeddedBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerBasePlugin;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real embedded broker for each test, with the broker.xml the hub ships, in a directory of its own, and a JMS
 * connection factory of its in-VM acceptor: {@code @RegisterExtension final TestBroker broker = new TestBroker();}.
 */
public final class TestBroker implements BeforeEachCallback, AfterEachCallback {

    private final List<ActiveMQServerBasePlugin> plugins = new ArrayList<>();
    private Path dir;
    private EmbeddedBroker broker;
    private ActiveMQConnectionFactory cf;

    /** A broker plugin, registered at every start. */
    public TestBroker withPlugin(ActiveMQServerBasePlugin plugin) {
        plugins.add(plugin);
        return this;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("mailhub-broker-");
        start();
    }

    private void start() throws Exception {
        broker = new EmbeddedBroker("artemis/broker.xml", dir, false);
        plugins.forEach(broker::withPlugin);
        broker.start();
        cf = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
    }

    /** Stops the broker and starts it again on the same journal, as a restart of the hub does; a new factory. */
    public void restart() throws Exception {
        cf.close();
        broker.stop();
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            if (cf != null) {
                cf.close();
            }
            if (broker != null) {
                broker.stop();
            }
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    public EmbeddedBroker broker() {
        return broker;
    }

    /** A factory of connections to the broker (for this start; {@link #restart} makes a new one). */
    public ActiveMQConnectionFactory cf() {
        return cf;
    }

    /** The hub's data directory the broker keeps its journal in. */
    public Path dir() {
        return dir;
    }
}
