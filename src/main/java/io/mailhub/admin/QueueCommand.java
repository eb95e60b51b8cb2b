package io.mailhub.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code mailhub queue [--url URL] [--user NAME] COMMAND ...}: the admin API from a shell, as Postfix' postqueue and
 * postsuper. The password comes from {@code MAILHUB_ADMIN_PASSWORD} or a prompt. Exit status: 0 done, 1 the hub
 * refused (its problem detail is printed), 64 usage, 75 the hub cannot be reached.
 */
public final class QueueCommand {

    static final int EX_USAGE = 64;
    static final int EX_TEMPFAIL = 75;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FILTER_OPTIONS = List.of("--queue", "--sender", "--recipient", "--domain",
            "--principal", "--door", "--next-hop", "--status", "--state", "--min-age", "--max-age", "--min-attempts");
    private static final DateTimeFormatter MAILQ_TIME = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    static final String USAGE = """
            usage: mailhub queue [--url URL] [--user NAME] COMMAND
              summary                       counts, bytes and oldest age per queue; qshape of mail.outbound
              list [FILTER] [--json]        the messages (mailq); --json: one object per line, as postqueue -j
              inspect QUEUE_ID              envelope, state and delivery events of one message
              flush|hold|release|delete|requeue-dead|bounce FILTER|--all --reason TEXT [--dry-run]
              reroute FILTER|--all --to NEXT_HOP --reason TEXT [--dry-run]
                                            deliver now via host[:port], [address]:port, mx:domain or transport:NAME
              retry|hold|release|delete|requeue|bounce QUEUE_ID [--reason TEXT]
              reroute QUEUE_ID --to NEXT_HOP [--reason TEXT]
              retry DOMAIN [--reason TEXT]  deliver the deferred mail for one destination now
              raw QUEUE_ID [--reason TEXT]  the stored message on standard output (admin role; audited)
              suspend DOMAIN --for 2h --reason TEXT   hold back delivery to a domain for a time (at most 30d)
              resume DOMAIN [--reason TEXT] lift it, and retry the domain's deferred mail now
              suspensions                   the suspended domains
              suppress ADDRESS --reason TEXT  stop sending to an address (the suppression list)
              unsuppress ADDRESS [--reason TEXT]  send to it again
              suppressions                  the suppressed addresses (hard bounces and added by hand)
            FILTER: --queue Q --sender A --recipient A --domain D --principal P --door D --next-hop H --status TEXT
                    --state waiting|deferred --min-age 30m --max-age 2h --min-attempts N
            The password comes from MAILHUB_ADMIN_PASSWORD or is asked for.""";

    private final PrintStream out;
    private final PrintStream err;
    private final Function<String, String> env;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public QueueCommand(PrintStream out, PrintStream err, Function<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    /** A refusal by the hub or the wrong use of the command, with the exit status it ends in. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Failed(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** @param defaultUrl the hub's admin base, from its configuration: {@code http://127.0.0.1:PORT} */
    public int run(List<String> args, String defaultUrl) {
        try {
            return execute(new ArrayList<>(args), defaultUrl);
        } catch (Failed f) {
            err.println("queue: " + f.getMessage());
            if (f.status == EX_USAGE) {
                err.println(USAGE);
            }
            return f.status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EX_TEMPFAIL;
        }
    }

    private int execute(List<String> args, String defaultUrl) throws Failed, InterruptedException {
        String url = option(args, "--url", defaultUrl);
        String user = option(args, "--user", env.apply("MAILHUB_ADMIN_USER") != null ? env.apply("MAILHUB_ADMIN_USER")
                : "admin");
        if (args.isEmpty()) {
            throw new Failed(EX_USAGE, "no command");
        }
        String command = args.remove(0);
        Client client = new Client(url.replaceAll("/+$", ""), user);
        switch (command) {
            case "summary" -> summary(client, args);
            case "list" -> list(client, args);
            case "inspect" -> {
                String id = only(args, "inspect needs one queue id");
                out.println(pretty(client.get("/admin/v1/messages/" + id)));
            }
            case "flush", "hold", "release", "delete", "requeue-dead", "retry", "requeue", "bounce", "reroute" ->
                act(client, command, args);
            case "raw" -> raw(client, args);
            case "suspend" -> suspend(client, args);
            case "resume" -> resume(client, args);
            case "suspensions" -> {
                if (!args.isEmpty()) {
                    throw new Failed(EX_USAGE, "suspensions takes no arguments");
                }
                JsonNode list = client.get("/admin/v1/suspensions").path("suspensions");
                if (list.isEmpty()) {
                    out.println("no destination is suspended");
                }
                for (JsonNode x : list) {
                    out.println(x.path("domain").asText() + " until " + x.path("until").asText() + " by "
                            + x.path("by").asText() + ": " + x.path("reason").asText());
                }
            }
            case "suppress" -> {
                String reason = option(args, "--reason", null);
                String address = only(args, "suppress needs one address");
                if (reason == null || reason.isBlank()) {
                    throw new Failed(EX_USAGE, "suppress needs --reason TEXT");
                }
                JsonNode r = client.post("/admin/v1/suppressions", JSON.createObjectNode().put("address", address)
                        .put("reason", reason));
                out.println("suppressed " + r.path("address").asText());
            }
            case "unsuppress" -> {
                String reason = option(args, "--reason", null);
                String address = only(args, "unsuppress needs one address");
                JsonNode r = client.delete("/admin/v1/suppressions/" + URLEncoder.encode(address,
                        StandardCharsets.UTF_8).replace("+", "%20")
                        + (reason == null ? "" : "?reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8)));
                out.println("unsuppressed " + r.path("address").asText());
            }
            case "suppressions" -> {
                if (!args.isEmpty()) {
                    throw new Failed(EX_USAGE, "suppressions takes no arguments");
                }
                JsonNode list = client.get("/admin/v1/suppressions").path("suppressions");
                if (list.isEmpty()) {
                    out.println("no address is suppressed");
                }
                for (JsonNode x : list) {
                    out.println(x.path("address").asText() + " since " + x.path("since").asText() + " ("
                            + x.path("reason").asText() + ", " + x.path("by").asText() + "): "
                            + x.path("detail").asText());
                }
            }
            default -> throw new Failed(EX_USAGE, "unknown command " + command);
        }
        return 0;
    }

    private void summary(Client client, List<String> args) throws Failed, InterruptedException {
        if (!args.isEmpty()) {
            throw new Failed(EX_USAGE, "summary takes no arguments");
        }
        JsonNode s = client.get("/admin/v1/queues");
        out.printf("%-24s %9s %9s %12s %12s%n", "QUEUE", "MESSAGES", "DEFERRED", "BYTES", "OLDEST");
        for (JsonNode q : s.path("queues")) {
            out.printf("%-24s %9d %9d %12d %12s%n", q.path("name").asText(), q.path("messages").asLong(),
                    q.path("deferred").asLong(), q.path("bytes").asLong(),
                    io.mailhub.model.DurationText.format(Duration.ofSeconds(q.path("oldest_age_seconds").asLong())));
        }
        JsonNode shape = s.path("shape");
        out.println();
        out.println("qshape " + shape.path("queue").asText() + " (minutes since arrival)");
        StringBuilder head = new StringBuilder(String.format("%-28s", ""));
        shape.path("buckets").forEach(b -> head.append(String.format("%6s", b.asText())));
        out.println(head);
        for (JsonNode row : shape.path("domains")) {
            StringBuilder line = new StringBuilder(String.format("%-28s", row.path("domain").asText()));
            row.path("counts").forEach(c -> line.append(String.format("%6d", c.asInt())));
            out.println(line);
        }
    }

    private void list(Client client, List<String> args) throws Failed, InterruptedException {
        boolean json = args.remove("--json");
        Map<String, String> filter = filter(args);
        if (!args.isEmpty()) {
            throw new Failed(EX_USAGE, "unexpected " + args);
        }
        long total = 0;
        long bytes = 0;
        int offset = 0;
        while (true) {
            StringBuilder query = new StringBuilder("/admin/v1/messages?limit=1000&offset=" + offset);
            filter.forEach((k, v) -> query.append('&').append(k).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
            JsonNode page = client.get(query.toString());
            for (JsonNode m : page.path("messages")) {
                if (json) {
                    out.println(m.toString());
                } else {
                    mailq(m);
                }
                bytes += Math.max(0, m.path("message_size").asLong());
            }
            total = page.path("total").asLong();
            offset += page.path("messages").size();
            if (offset >= total || page.path("messages").isEmpty()) {
                break;
            }
        }
        if (!json) {
            out.println(total == 0 ? "Mail queue is empty"
                    : "-- " + (bytes + 1023) / 1024 + " Kbytes in " + total + " Request" + (total == 1 ? "." : "s."));
        }
    }

    /** One message as Postfix' mailq prints it; a held message is marked with {@code !}, a deferred one has no mark. */
    private void mailq(JsonNode m) {
        String id = m.path("queue_id").asText() + (m.path("queue_name").asText().equals("mail.hold") ? "!"
                : m.path("state").asText().equals("waiting") ? "*" : "");
        String arrival = m.has("arrival_time") ? MAILQ_TIME.format(Instant.ofEpochSecond(m.path("arrival_time")
                .asLong())) : "?";
        out.printf("%-17s %8d %-20s  %s%n", id, m.path("message_size").asLong(), arrival,
                m.path("sender").asText().isEmpty() ? "MAILER-DAEMON" : m.path("sender").asText());
        for (JsonNode r : m.path("recipients")) {
            if (r.has("delay_reason")) {
                out.printf("%50s(%s)%n", "", r.path("delay_reason").asText());
            }
            out.printf("%50s%s%n", "", r.path("address").asText());
        }
        out.println();
    }

    private void act(Client client, String command, List<String> args) throws Failed, InterruptedException {
        boolean dryRun = args.remove("--dry-run");
        boolean all = args.remove("--all");
        String reason = option(args, "--reason", null);
        String to = option(args, "--to", null);
        if (command.equals("reroute") == (to == null)) {
            throw new Failed(EX_USAGE, command.equals("reroute") ? "reroute needs --to NEXT_HOP"
                    : "--to is for reroute only");
        }
        if (command.equals("retry") && args.size() == 1 && args.get(0).contains(".")) { // one destination
            args.add(0, "--domain");
            command = "flush";
            reason = reason == null ? "retry " + args.get(1) + " now" : reason;
        }
        if (!args.isEmpty() && args.get(0).matches("[0-9A-Z]{1,32}")) {
            String id = args.remove(0);
            if (!args.isEmpty() || all || dryRun) {
                throw new Failed(EX_USAGE, command + " QUEUE_ID takes only --reason" + (to != null ? " and --to" : ""));
            }
            ObjectNode body = JSON.createObjectNode();
            if (reason != null) {
                body.put("reason", reason);
            }
            if (to != null) {
                body.put("next_hop", to);
            }
            String action = command.equals("flush") ? "retry" : command.equals("requeue-dead") ? "requeue" : command;
            report(client.post("/admin/v1/messages/" + id + "/" + action, body));
            return;
        }
        if (command.equals("retry") || command.equals("requeue")) {
            throw new Failed(EX_USAGE, command + " needs a queue id; for many messages use "
                    + (command.equals("retry") ? "flush" : "requeue-dead") + " with a filter");
        }
        Map<String, String> filter = filter(args);
        if (!args.isEmpty()) {
            throw new Failed(EX_USAGE, "unexpected " + args);
        }
        if (filter.isEmpty() && !all) {
            throw new Failed(EX_USAGE, command + " needs a filter, or --all for every message");
        }
        if (reason == null || reason.isBlank()) {
            throw new Failed(EX_USAGE, command + " needs --reason TEXT (it goes to the audit log)");
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("filter", JSON.valueToTree(filter));
        body.put("all", all);
        body.put("dry_run", dryRun);
        body.put("reason", reason);
        if (to != null) {
            body.put("next_hop", to);
        }
        report(client.post("/admin/v1/actions/" + command, body));
    }

    private void raw(Client client, List<String> args) throws Failed, InterruptedException {
        String reason = option(args, "--reason", null);
        String id = only(args, "raw needs one queue id");
        out.writeBytes(client.raw("/admin/v1/messages/" + id + "/raw"
                + (reason == null ? "" : "?reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8))));
        out.flush();
    }

    private void suspend(Client client, List<String> args) throws Failed, InterruptedException {
        String time = option(args, "--for", null);
        String reason = option(args, "--reason", null);
        String domain = only(args, "suspend needs one domain");
        if (time == null || reason == null || reason.isBlank()) {
            throw new Failed(EX_USAGE, "suspend needs --for TIME (e.g. 2h) and --reason TEXT");
        }
        ObjectNode body = JSON.createObjectNode().put("domain", domain).put("duration", time).put("reason", reason);
        JsonNode r = client.post("/admin/v1/suspensions", body);
        out.println("suspended " + r.path("domain").asText() + " until " + r.path("until").asText());
    }

    private void resume(Client client, List<String> args) throws Failed, InterruptedException {
        String reason = option(args, "--reason", null);
        String domain = only(args, "resume needs one domain");
        JsonNode r = client.delete("/admin/v1/suspensions/" + URLEncoder.encode(domain, StandardCharsets.UTF_8)
                + (reason == null ? "" : "?reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8)));
        out.println("resumed " + r.path("domain").asText() + ": " + r.path("retried").asInt()
                + " deferred message(s) retried now");
    }

    private void report(JsonNode r) {
        out.println(r.path("action").asText() + (r.path("dry_run").asBoolean() ? " (dry run)" : "") + ": "
                + r.path("matched").asInt() + " matched, " + r.path("affected").asInt() + " acted on");
        r.path("queue_ids").forEach(id -> out.println("  " + id.asText()));
    }

    private static Map<String, String> filter(List<String> args) throws Failed {
        Map<String, String> f = new LinkedHashMap<>();
        for (String o : FILTER_OPTIONS) {
            String v = option(args, o, null);
            if (v != null) {
                f.put(o.substring(2).replace('-', '_'), v);
            }
        }
        return f;
    }

    private static String option(List<String> args, String name, String otherwise) throws Failed {
        int i = args.indexOf(name);
        if (i < 0) {
            return otherwise;
        }
        if (i + 1 >= args.size()) {
            throw new Failed(EX_USAGE, name + " needs a value");
        }
        String v = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return v;
    }

    private static String only(List<String> args, String message) throws Failed {
        if (args.size() != 1) {
            throw new Failed(EX_USAGE, message);
        }
        return args.get(0);
    }

    private static String pretty(JsonNode n) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (IOException e) {
            return n.toString();
        }
    }

    /** The admin API with one user's credentials. */
    private final class Client {
        private final String base;
        private final String user;
        private String authorization;

        Client(String base, String user) {
            this.base = base;
            this.user = user;
        }

        JsonNode get(String path) throws Failed, InterruptedException {
            return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
        }

        JsonNode post(String path, JsonNode body) throws Failed, InterruptedException {
            return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        }

        JsonNode delete(String path) throws Failed, InterruptedException {
            return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
        }

        /** A non-JSON answer (the raw message), or the problem as a failure. */
        byte[] raw(String path) throws Failed, InterruptedException {
            HttpResponse<byte[]> r = exchange(HttpRequest.newBuilder(URI.create(base + path)).GET());
            if (r.statusCode() == 200) {
                return r.body();
            }
            check(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
            return r.body();
        }

        private HttpResponse<byte[]> exchange(HttpRequest.Builder request) throws Failed, InterruptedException {
            try {
                return http.send(request.header("Authorization", authorization()).timeout(Duration.ofMinutes(2))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                throw new Failed(EX_TEMPFAIL, "cannot reach the hub at " + base + ": " + e);
            }
        }

        private JsonNode send(HttpRequest.Builder request) throws Failed, InterruptedException {
            HttpResponse<byte[]> r = exchange(request);
            return check(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        }

        private JsonNode check(int status, String text) throws Failed {
            JsonNode body;
            try {
                body = JSON.readTree(text);
            } catch (IOException e) {
                throw new Failed(status == 503 ? EX_TEMPFAIL : 1, "HTTP " + status + ": " + text.strip());
            }
            if (status != 200) {
                throw new Failed(status == 503 ? EX_TEMPFAIL : 1, "HTTP " + status + " "
                        + body.path("type").asText() + ": " + body.path("detail").asText());
            }
            return body;
        }

        private String authorization() throws Failed {
            if (authorization == null) {
                String password = env.apply("MAILHUB_ADMIN_PASSWORD");
                if (password == null) {
                    Console console = System.console();
                    if (console == null) {
                        throw new Failed(EX_USAGE, "no MAILHUB_ADMIN_PASSWORD and no terminal to ask for the password");
                    }
                    char[] typed = console.readPassword("password for %s: ", user);
                    password = typed == null ? "" : new String(typed);
                }
                authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                        .getBytes(StandardCharsets.UTF_8));
            }
            return authorization;
        }
    }
}
