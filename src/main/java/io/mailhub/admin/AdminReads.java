package io.mailhub.admin;

import static io.mailhub.admin.AdminHttp.JSON;
import static io.mailhub.admin.AdminHttp.body;
import static io.mailhub.admin.AdminHttp.number;
import static io.mailhub.admin.AdminHttp.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.delivery.Suspensions;
import io.mailhub.queue.QueuedMail;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.mailhub.admin.AdminHttp.Problem;

/** The admin API's reads: the queue summary with qshape, the filtered list, one message with its events. */
final class AdminReads {

    private final QueueView view;
    private final DeliveryEvents events;

    AdminReads(QueueView view, DeliveryEvents events) {
        this.view = view;
        this.events = events;
    }

    ObjectNode summary(HttpServletRequest req) throws Exception {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode queues = out.putArray("queues");
        for (QueueView.QueueSummary s : view.summary()) {
            ObjectNode q = queues.addObject();
            q.put("name", s.name());
            q.put("messages", s.messages());
            q.put("deferred", s.deferred());
            q.put("bytes", s.bytes());
            q.put("oldest_age_seconds", s.oldest().toSeconds());
        }
        String shaped = req.getParameter("shape") == null ? "mail.outbound" : req.getParameter("shape");
        if (!view.knows(shaped)) {
            throw new IllegalArgumentException("shape: unknown queue " + shaped);
        }
        QueueView.Shape shape = view.shape(shaped, 20);
        ObjectNode s = out.putObject("shape");
        s.put("queue", shape.queue());
        ArrayNode buckets = s.putArray("buckets");
        buckets.add("T");
        for (int b : QueueView.BUCKETS) {
            buckets.add(Integer.toString(b));
        }
        buckets.add(QueueView.BUCKETS[QueueView.BUCKETS.length - 1] + "+");
        ArrayNode domains = s.putArray("domains");
        shape.domains().forEach((d, counts) -> {
            ObjectNode row = domains.addObject();
            row.put("domain", d);
            ArrayNode c = row.putArray("counts");
            for (int n : counts) {
                c.add(n);
            }
        });
        return out;
    }

    ObjectNode list(HttpServletRequest req) throws Exception {
        List<String> unknown = new ArrayList<>();
        for (String name : req.getParameterMap().keySet()) {
            if (!MailFilter.FIELDS.contains(name) && !name.equals("limit") && !name.equals("offset")) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown parameter(s) " + unknown + "; filters are "
                    + MailFilter.FIELDS + ", paging limit and offset");
        }
        MailFilter filter = MailFilter.of(req::getParameter);
        checkQueue(filter);
        int limit = number(req.getParameter("limit"), 100, 1, 10_000, "limit");
        int offset = number(req.getParameter("offset"), 0, 0, Integer.MAX_VALUE, "offset");
        List<QueuedMail> found = view.find(filter);
        ObjectNode out = JSON.createObjectNode();
        out.put("total", found.size());
        out.put("offset", offset);
        out.put("limit", limit);
        ArrayNode messages = out.putArray("messages");
        for (int i = offset; i < Math.min(found.size(), offset + limit); i++) {
            messages.add(postqueueJson(found.get(i)));
        }
        return out;
    }

    ObjectNode inspect(String queueId) throws Exception {
        List<QueuedMail> parts = view.find(MailFilter.ALL.withQueueId(queueId));
        List<DeliveryEvents.Event> history = events == null ? List.of() : events.find(queueId);
        if (parts.isEmpty() && history.isEmpty()) {
            throw new Problem(404, "not-found", queueId + " is not queued and has no delivery events");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("queue_id", queueId);
        ArrayNode queued = out.putArray("queued");
        parts.forEach(m -> queued.add(postqueueJson(m)));
        ArrayNode attempts = out.putArray("events");
        for (DeliveryEvents.Event e : history) {
            ObjectNode a = attempts.addObject();
            a.put("time", e.time().toString());
            a.put("event", e.event());
            a.put("recipient", e.recipient());
            a.put("status", e.status());
            a.put("attempt", e.attempt());
            a.put("reply", e.reply());
            if (e.remoteMta() != null) {
                a.put("remote_mta", e.remoteMta());
            }
        }
        return out;
    }

    /** One message with the field names of Postfix' {@code postqueue -j}, then Mailhub's own. */
    static ObjectNode postqueueJson(QueuedMail m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("queue_name", m.queue());
        o.put("queue_id", m.queueId());
        if (m.arrival() != null) {
            o.put("arrival_time", m.arrival().getEpochSecond());
        }
        o.put("message_size", m.size());
        o.put("forced_expire", false);
        o.put("sender", m.sender());
        ArrayNode rcpts = o.putArray("recipients");
        String[] reasons = m.lastStatus().isEmpty() ? new String[0] : m.lastStatus().split("\n");
        for (int i = 0; i < m.recipients().size(); i++) {
            ObjectNode r = rcpts.addObject();
            r.put("address", m.recipients().get(i));
            if (i < reasons.length) {
                r.put("delay_reason", reasons[i]);
            }
        }
        o.put("state", m.state());
        o.put("attempts", m.attempt());
        if (m.nextAttempt() != null) {
            o.put("next_attempt", m.nextAttempt().toString());
        }
        putIf(o, "principal", m.principal());
        putIf(o, "door", m.door());
        putIf(o, "next_hop", m.nextHop());
        putIf(o, "dead_reason", m.deadReason());
        return o;
    }

    private static void putIf(ObjectNode o, String k, String v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    void checkQueue(MailFilter filter) {
        if (filter.queue() != null && !view.knows(filter.queue())) {
            throw new IllegalArgumentException("unknown queue " + filter.queue() + "; queues are " + view.queueNames());
        }
    }}
