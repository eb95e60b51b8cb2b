package io.mailhub.queue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.activemq.artemis.api.core.management.QueueControl;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/** {@link BrokerQueues} on the embedded broker, through Artemis' queue controls in this JVM. */
public final class LocalQueues implements BrokerQueues {

    private final Supplier<ActiveMQServer> server;

    /** @param server the running broker server (asked at every call: the hub may restart its broker) */
    public LocalQueues(Supplier<ActiveMQServer> server) {
        this.server = server;
    }

    @Override
    public List<String> names() {
        ActiveMQServer s = server.get();
        if (s == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (Object o : s.getManagementService().getResources(QueueControl.class)) {
            names.add(((QueueControl) o).getName());
        }
        return names;
    }

    @Override
    public List<Map<String, Object>> waiting(String queue, String selector) throws Exception {
        return Arrays.asList(control(queue).listMessages(selector));
    }

    @Override
    public List<Map<String, Object>> scheduled(String queue) throws Exception {
        return Arrays.asList(control(queue).listScheduledMessages());
    }

    @Override
    public long messageCount(String queue) {
        return control(queue).getMessageCount();
    }

    @Override
    public long count(String queue, String selector) throws Exception {
        return control(queue).countMessages(selector);
    }

    @Override
    public long scheduledCount(String queue) {
        return control(queue).getScheduledCount();
    }

    @Override
    public Map<String, Object> first(String queue) throws Exception {
        return RemoteQueues.firstOf(control(queue).peekFirstMessageAsJSON());
    }

    @Override
    public void deliverScheduled(String queue, String selector) throws Exception {
        control(queue).deliverScheduledMessages(selector);
    }

    @Override
    public int move(String queue, String selector, String target) throws Exception {
        return control(queue).moveMessages(selector, target);
    }

    @Override
    public int remove(String queue, String selector) throws Exception {
        return control(queue).removeMessages(selector);
    }

    @Override
    public int retry(String queue, String selector) throws Exception {
        return control(queue).retryMessages(selector);
    }

    private QueueControl control(String queue) {
        ActiveMQServer s = server.get();
        if (s == null) {
            throw new IllegalStateException("the broker is not running");
        }
        Object c = s.getManagementService().getResource(ResourceNames.QUEUE + queue);
        if (c == null) {
            throw new IllegalStateException("queue " + queue + " does not exist on the broker");
        }
        return (QueueControl) c;
    }
}
