package io.mailhub.queue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;

/**
 * {@link BrokerQueues} on an external broker ({@code mailhub.broker.url}): each operation is one Artemis management
 * message to {@code activemq.management}, answered by the broker's own queue control, so paging, filters and
 * scheduled messages behave exactly as on the embedded broker. One session, opened when first needed and again after
 * the broker was away.
 */
public final class RemoteQueues implements BrokerQueues, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Map<String, Object>>> LIST = new TypeReference<>() {};
    private static final long TIMEOUT_MS = 30_000;
    /** The role of the hubs' login on a standalone broker (artemis/README.md, artemis/broker.xml). */
    public static final String HUB_ROLE = "mailhub";

    private final BrokerClient broker;
    private final String url;
    private final String shown; // for errors: the configured URL and user, not the added trust store parameters
    private ServerLocator locator;
    private ClientSessionFactory factory;
    private ClientSession session;
    private ClientRequestor requestor;

    /** @param url the broker's URL, as the hub's {@code mailhub.broker.url}, reached without a login */
    public RemoteQueues(String url) {
        this(null, url);
    }

    /** @param broker the external broker, its URL and login */
    public RemoteQueues(BrokerClient broker) {
        this(broker, broker.url());
    }

    private RemoteQueues(BrokerClient broker, String url) {
        this.broker = broker;
        this.url = url;
        this.shown = broker == null ? url : broker.toString();
    }

    /** Whether the broker has security on (then it authenticates every client, and stamps who sent what). */
    public boolean securityEnabled() throws Exception {
        return Boolean.TRUE.equals(attribute(ResourceNames.BROKER, "securityEnabled"));
    }

    /**
     * Why the broker refuses new messages for want of disk, or {@code null} while it has room: its disk store usage
     * as of its last disk scan against its {@code max-disk-usage}, as the broker itself compares them. A broker that
     * guards its disk with {@code min-disk-free} instead reports nothing here; its refusals still reach the sender.
     */
    public String diskFull() throws Exception {
        double used = ((Number) attribute(ResourceNames.BROKER, "diskStoreUsage")).doubleValue();
        int max = ((Number) attribute(ResourceNames.BROKER, "maxDiskUsage")).intValue();
        if (used < 0 || max < 0 || used * 100 < max) {
            return null;
        }
        return "the broker's disk is full: " + Math.round(used * 1000) / 10.0 + "% used, its max-disk-usage is " + max
                + "%";
    }

    /**
     * Lets only the hubs (role {@value #HUB_ROLE}) and {@code readerRoles} read {@code queue}: a security setting for
     * exactly that name, which the broker stores in its journal and prefers to broader matches such as {@code #}. The
     * hubs keep every right on it.
     */
    public void restrict(String queue, Collection<String> readerRoles) throws Exception {
        String readers = String.join(",", java.util.stream.Stream.concat(java.util.stream.Stream.of(HUB_ROLE),
                readerRoles.stream()).distinct().toList());
        request(m -> ManagementHelper.putOperationInvocation(m, ResourceNames.BROKER, "addSecuritySettings", queue,
                HUB_ROLE, readers, HUB_ROLE, HUB_ROLE, HUB_ROLE, HUB_ROLE, HUB_ROLE, readers, HUB_ROLE, HUB_ROLE),
                "security settings of " + queue);
    }

    /** The roles the broker lets consume from {@code queue}, as its security settings are now. */
    public java.util.Set<String> readers(String queue) throws Exception {
        Object json = request(m -> ManagementHelper.putOperationInvocation(m, ResourceNames.BROKER, "getRolesAsJSON",
                queue), "roles of " + queue);
        java.util.Set<String> readers = new java.util.TreeSet<>();
        for (Map<String, Object> role : JSON.readValue(String.valueOf(json), LIST)) {
            if (Boolean.TRUE.equals(role.get("consume"))) {
                readers.add(String.valueOf(role.get("name")));
            }
        }
        return readers;
    }

    @Override
    public List<String> names() throws Exception {
        Object r = attribute(ResourceNames.BROKER, "queueNames");
        List<String> names = new ArrayList<>();
        if (r instanceof Object[] a) {
            Arrays.stream(a).forEach(o -> names.add(String.valueOf(o)));
        }
        return names;
    }

    @Override
    public List<Map<String, Object>> waiting(String queue, String selector) throws Exception {
        return JSON.readValue(String.valueOf(invoke(queue, "listMessagesAsJSON", selector)), LIST);
    }

    @Override
    public List<Map<String, Object>> scheduled(String queue) throws Exception {
        return JSON.readValue(String.valueOf(invoke(queue, "listScheduledMessagesAsJSON")), LIST);
    }

    @Override
    public long messageCount(String queue) throws Exception {
        return ((Number) attribute(ResourceNames.QUEUE + queue, "messageCount")).longValue();
    }

    @Override
    public long count(String queue, String selector) throws Exception {
        return ((Number) invoke(queue, "countMessages", selector)).longValue();
    }

    @Override
    public long scheduledCount(String queue) throws Exception {
        return ((Number) attribute(ResourceNames.QUEUE + queue, "scheduledCount")).longValue();
    }

    @Override
    public Map<String, Object> first(String queue) throws Exception {
        return firstOf(String.valueOf(invoke(queue, "peekFirstMessageAsJSON")));
    }

    @Override
    public void deliverScheduled(String queue, String selector) throws Exception {
        invoke(queue, "deliverScheduledMessages", selector);
    }

    @Override
    public int move(String queue, String selector, String target) throws Exception {
        return ((Number) invoke(queue, "moveMessages", selector, target)).intValue();
    }

    @Override
    public int remove(String queue, String selector) throws Exception {
        return ((Number) invoke(queue, "removeMessages", selector)).intValue();
    }

    @Override
    public int retry(String queue, String selector) throws Exception {
        return ((Number) invoke(queue, "retryMessages", selector)).intValue();
    }

    /** The properties of the message in a {@code peekFirstMessageAsJSON} answer, or {@code null} for none. */
    static Map<String, Object> firstOf(String json) throws Exception {
        if (json == null || json.isBlank() || json.strip().equals("null") || json.strip().equals("{}")) {
            return null;
        }
        Object o = JSON.readValue(json, Object.class);
        if (o instanceof List<?> l) {
            o = l.isEmpty() ? null : l.get(0);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) o;
        return m == null || m.isEmpty() ? null : m;
    }

    private Object invoke(String queue, String operation, Object... args) throws Exception {
        return request(m -> ManagementHelper.putOperationInvocation(m, ResourceNames.QUEUE + queue, operation, args),
                ResourceNames.QUEUE + queue + "." + operation);
    }

    private Object attribute(String resource, String name) throws Exception {
        return request(m -> ManagementHelper.putAttribute(m, resource, name), resource + "." + name);
    }

    private interface Filler {
        void fill(ClientMessage m) throws Exception;
    }

    private synchronized Object request(Filler filler, String what) throws Exception {
        try {
            open();
            ClientMessage m = session.createMessage(false);
            filler.fill(m);
            ClientMessage reply = requestor.request(m, TIMEOUT_MS);
            if (reply == null) {
                throw new IllegalStateException("the broker at " + shown + " did not answer " + what + " within "
                        + TIMEOUT_MS / 1000 + " s");
            }
            Object result = ManagementHelper.getResult(reply);
            if (!ManagementHelper.hasOperationSucceeded(reply)) {
                String detail = String.valueOf(result);
                if (detail.contains("does not exist") || detail.contains("No resource")) {
                    throw new IllegalStateException("the broker at " + shown + " has no " + what + ": " + detail);
                }
                throw new IllegalArgumentException(what + " failed on the broker at " + shown + ": " + detail);
            }
            return result;
        } catch (org.apache.activemq.artemis.api.core.ActiveMQException e) {
            closeQuietly();
            throw new IllegalStateException("the broker at " + shown + " cannot be reached: " + e.getMessage(), e);
        }
    }

    private void open() throws Exception {
        if (session != null && !session.isClosed()) {
            return;
        }
        closeQuietly();
        locator = ActiveMQClient.createServerLocator(url);
        factory = locator.createSessionFactory();
        session = broker == null || broker.user() == null ? factory.createSession()
                : factory.createSession(broker.user(), broker.password(), false, true, true, false,
                        locator.getAckBatchSize());
        requestor = new ClientRequestor(session,
                org.apache.activemq.artemis.api.config.ActiveMQDefaultConfiguration.getDefaultManagementAddress());
        session.start();
    }

    private void closeQuietly() {
        try {
            if (requestor != null) {
                requestor.close();
            }
        } catch (Exception e) {
            // closing a broken session
        }
        if (session != null) {
            try {
                session.close();
            } catch (Exception e) {
                // closing a broken session
            }
        }
        if (factory != null) {
            factory.close();
        }
        if (locator != null) {
            locator.close();
        }
        requestor = null;
        session = null;
        factory = null;
        locator = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
