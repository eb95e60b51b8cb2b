package io.mailhub.app;

import io.mailhub.routing.MailhubEndpoint;
import io.mailhub.routing.RouteHooks;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.FromDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * {@code java -jar mailhub.jar routes check FILE|DIR}: validates route files offline with the rules the hub applies
 * when it loads them: the file parses (YAML or XML DSL), every endpoint URI resolves with known options (a
 * {@code mailhub:} action checks its own), placeholders resolve against the hub's configuration, a policy route
 * ({@code from: direct:policy}) uses no action that only works after the queue, and there is at most one policy and
 * one routing route. Exit 0 when every file is valid; else 1, with one line per problem naming the file (and line).
 */
final class RoutesCommand {

    static final int EX_USAGE = 64;
    private static final String USAGE = "usage: mailhub routes check FILE|DIR | routes test FILE|DIR [--door DOOR]"
            + " [--user NAME] [--fact NAME=VALUE]... MESSAGE.eml|MESSAGE.json...";

    private RoutesCommand() {}

    static int run(List<String> args, Properties properties, PrintStream out, PrintStream err) {
        if (args.size() >= 3 && args.get(0).equals("test")) {
            return test(args.subList(1, args.size()), properties, out, err);
        }
        if (args.size() != 2 || !args.get(0).equals("check")) {
            err.println("mailhub: " + USAGE);
            return EX_USAGE;
        }
        org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.camel",
                org.apache.logging.log4j.Level.WARN); // a command prints its findings, not Camel's start and stop
        Path target = Path.of(args.get(1));
        List<Path> files;
        try {
            files = routeFiles(target);
        } catch (IOException e) {
            err.println("mailhub: routes check: cannot read " + target + ": " + e.getMessage());
            return EX_USAGE;
        }
        if (files.isEmpty()) {
            err.println(target + ": no route file (*.camel.yaml, *.camel.xml)");
            return 1;
        }
        List<String> problems = check(files, properties);
        problems.forEach(err::println);
        if (problems.isEmpty()) {
            out.println(files.size() + " route file(s) valid: " + String.join(", ", files.stream().map(Path::toString)
                    .toList()));
            return 0;
        }
        return 1;
    }

    /**
     * {@code routes test FILE|DIR [--door DOOR] [--user NAME] MESSAGE.eml...}: loads the route files (they must pass
     * {@code check}), runs each message through the policy route and the routing route as the hub would, without
     * sending anything, and prints what each route decided. The envelope comes from leading X-Sender/X-Receiver lines
     * (the pickup format) or else from the From, To and Cc fields. Exit 0, or 1 when the files are not valid or a
     * message cannot be read.
     */
    static int test(List<String> args, Properties properties, PrintStream out, PrintStream err) {
        org.apache.logging.log4j.core.config.Configurator.setLevel("org.apache.camel",
                org.apache.logging.log4j.Level.WARN);
        String door = "smtp";
        String user = null;
        java.util.Map<String, String> facts = new java.util.LinkedHashMap<>();
        List<Path> messages = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("--door") || a.equals("--user") || a.equals("--fact")) && i + 1 < args.size()) {
                String v = args.get(++i);
                if (a.equals("--door")) {
                    door = v;
                } else if (a.equals("--user")) {
                    user = v;
                } else if (v.indexOf('=') > 0) {
                    facts.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1));
                } else {
                    err.println("mailhub: routes test: --fact takes NAME=VALUE, such as MailhubDmarc=fail");
                    return EX_USAGE;
                }
            } else if (a.startsWith("--")) {
                err.println("mailhub: routes test: unknown option " + a + "; " + USAGE);
                return EX_USAGE;
            } else {
                messages.add(Path.of(a));
            }
        }
        List<Path> files;
        try {
            files = routeFiles(Path.of(args.get(0)));
        } catch (IOException e) {
            err.println("mailhub: routes test: cannot read " + args.get(0) + ": " + e.getMessage());
            return EX_USAGE;
        }
        List<String> problems = check(files, properties);
        if (!problems.isEmpty() || messages.isEmpty()) {
            problems.forEach(err::println);
            if (messages.isEmpty()) {
                err.println("mailhub: routes test: no message given; " + USAGE);
            }
            return problems.isEmpty() ? EX_USAGE : 1;
        }
        int status = 0;
        try (DefaultCamelContext ctx = new DefaultCamelContext()) {
            ctx.getPropertiesComponent().setInitialProperties(properties);
            ctx.getRegistry().bind("mailLists", new io.mailhub.routing.MailLists(Path.of(properties.getProperty(
                    "mailhub.config.dir", "config")).resolve("lists")));
            ctx.getRegistry().bind("mailHeaders", new io.mailhub.routing.MailHeaders());
            for (Path f : files) {
                PluginHelper.getRoutesLoader(ctx).loadRoutes(ResourceHelper.resolveResource(ctx,
                        "file:" + f.toAbsolutePath()));
            }
            ctx.start();
            io.mailhub.routing.RouteTrial trial = new io.mailhub.routing.RouteTrial(ctx);
            int n = 0;
            for (Path m : messages) {
                try {
                    byte[] raw = Files.readAllBytes(m);
                    String queueId = "TEST" + String.format("%010d", ++n);
                    MessageFile parsed;
                    if (m.toString().endsWith(".json")) { // the send API's JSON, built as the API would build it
                        java.io.ByteArrayOutputStream built = new java.io.ByteArrayOutputStream();
                        try {
                            io.mailhub.model.Envelope e = io.mailhub.ingress.http.LocalSubmissions.render(
                                    new java.io.ByteArrayInputStream(raw), queueId, user, built);
                            parsed = new MessageFile(e, built.toByteArray());
                        } catch (io.mailhub.ingress.http.LocalSubmissions.Refused r) {
                            err.println(m + ": not a message the API would take: " + r.reason());
                            status = 1;
                            continue;
                        }
                    } else {
                        parsed = MessageFile.read(raw, queueId, user);
                    }
                    out.println(m + ": from=<" + (parsed.envelope().sender() == null ? "" : parsed.envelope().sender())
                            + "> to=" + parsed.envelope().recipients().stream().map(r -> "<" + r.address() + ">")
                                    .toList());
                    for (String line : trial.run(parsed.envelope(), door, facts, parsed.message())) {
                        out.println("  " + line);
                    }
                } catch (IOException | io.mailhub.model.SyntaxException e) {
                    err.println(m + ": cannot be read: " + e.getMessage());
                    status = 1;
                }
            }
        } catch (Exception e) {
            err.println("mailhub: routes test: the routes do not start: " + message(e));
            return 1;
        }
        return status;
    }

    /** A message file of {@code routes test}: its envelope and the message without the envelope lines. */
    record MessageFile(io.mailhub.model.Envelope envelope, byte[] message) {

        static MessageFile read(byte[] raw, String queueId, String user) throws IOException,
                io.mailhub.model.SyntaxException {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(raw.length + 64);
            for (int i = 0; i < raw.length; i++) { // the file may have Unix line ends: the message has CRLF
                if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
                    b.write('\r');
                }
                b.write(raw[i]);
            }
            byte[] crlf = b.toByteArray();
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(new java.io.ByteArrayInputStream(crlf));
            io.mailhub.ingress.pickup.ReplayEnvelope env = io.mailhub.ingress.pickup.ReplayEnvelope.read(in);
            byte[] message = in.readAllBytes();
            io.mailhub.model.MailAddress sender = env.sender();
            List<io.mailhub.model.Recipient> recipients = env.recipients();
            if (!env.senderGiven() && recipients.isEmpty()) {
                try {
                    jakarta.mail.internet.MimeMessage mime = new jakarta.mail.internet.MimeMessage(
                            jakarta.mail.Session.getInstance(new Properties()), new java.io.ByteArrayInputStream(message));
                    jakarta.mail.Address[] from = mime.getFrom();
                    sender = from == null || from.length == 0 ? null
                            : io.mailhub.model.SmtpPath.looseMailbox(((jakarta.mail.internet.InternetAddress) from[0])
                                    .getAddress());
                    List<io.mailhub.model.Recipient> list = new ArrayList<>();
                    jakarta.mail.Address[] to = mime.getAllRecipients();
                    for (jakarta.mail.Address a : to == null ? new jakarta.mail.Address[0] : to) {
                        list.add(io.mailhub.model.Recipient.of(io.mailhub.model.SmtpPath.looseMailbox(
                                ((jakarta.mail.internet.InternetAddress) a).getAddress())));
                    }
                    recipients = list;
                } catch (jakarta.mail.MessagingException e) {
                    throw new io.mailhub.model.SyntaxException("no envelope: " + e.getMessage());
                }
            }
            if (recipients.isEmpty()) {
                throw new io.mailhub.model.SyntaxException("no recipient (X-Receiver lines, or To/Cc fields)");
            }
            return new MessageFile(new io.mailhub.model.Envelope(queueId, sender, recipients, env.ret(), env.envid(),
                    io.mailhub.model.BodyType.EIGHT_BIT_MIME, false, "127.0.0.1", null, user,
                    java.time.Instant.now(), message.length), message);
        }
    }

    static List<Path> routeFiles(Path target) throws IOException {
        if (!Files.isDirectory(target)) {
            if (!Files.isRegularFile(target)) {
                throw new IOException("no such file or directory");
            }
            return List.of(target);
        }
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.toString().endsWith(".camel.yaml") || p.toString().endsWith(".camel.xml")).sorted()
                    .toList();
        }
    }

    /** The problems of the files taken together, each naming its file. */
    static List<String> check(List<Path> files, Properties properties) {
        List<String> problems = new ArrayList<>();
        List<String> policy = new ArrayList<>();
        List<String> routing = new ArrayList<>();
        for (Path f : files) {
            try (DefaultCamelContext ctx = new DefaultCamelContext()) {
                ctx.setSourceLocationEnabled(true);
                ctx.getPropertiesComponent().setInitialProperties(properties);
                ctx.getRegistry().bind("mailLists", new io.mailhub.routing.MailLists(Path.of(properties.getProperty(
                        "mailhub.config.dir", "config")).resolve("lists")));
                ctx.getRegistry().bind("mailHeaders", new io.mailhub.routing.MailHeaders());
                ctx.build();
                try {
                    PluginHelper.getRoutesLoader(ctx).loadRoutes(ResourceHelper.resolveResource(ctx,
                            "file:" + f.toAbsolutePath()));
                } catch (Exception e) {
                    problems.add(f + ": does not load: " + message(e));
                    continue;
                }
                for (RouteDefinition r : ((ModelCamelContext) ctx).getRouteDefinitions()) {
                    checkRoute(ctx, f, r, problems, policy, routing);
                }
            } catch (Exception e) {
                problems.add(f + ": " + message(e));
            }
        }
        if (policy.size() > 1) {
            problems.add("more than one policy route (from: direct:policy): " + String.join(", ", policy));
        }
        if (routing.size() > 1) {
            problems.add("more than one routing route (from: direct:routing): " + String.join(", ", routing));
        }
        return problems;
    }

    private static void checkRoute(DefaultCamelContext ctx, Path f, RouteDefinition r, List<String> problems,
            List<String> policy, List<String> routing) {
        FromDefinition from = r.getInput();
        String fromUri = from == null ? "" : from.getEndpointUri();
        boolean isPolicy = RouteHooks.POLICY.equals(fromUri) || "direct://policy".equals(fromUri);
        if (isPolicy) {
            policy.add(f + " (" + (r.getRouteId() == null ? "no id" : r.getRouteId()) + ")");
        }
        if (RouteHooks.ROUTING.equals(fromUri) || "direct://routing".equals(fromUri)) {
            routing.add(f + " (" + (r.getRouteId() == null ? "no id" : r.getRouteId()) + ")");
        }
        Collection<SendDefinition> sends = ProcessorDefinitionHelper.filterTypeInOutputs(r.getOutputs(),
                SendDefinition.class);
        for (SendDefinition<?> s : sends) {
            String uri = s.getEndpointUri();
            String where = f + ":" + (s.getLineNumber() > 0 ? s.getLineNumber() + ":" : "") + " ";
            if (uri == null) {
                continue;
            }
            try {
                String resolved = ctx.resolvePropertyPlaceholders(uri);
                ctx.getEndpoint(resolved);
                if (!isPolicy && resolved.startsWith("mailhub:")
                        && MailhubEndpoint.POLICY_ONLY.contains(resolved.substring(8).replaceFirst("[?].*", ""))) {
                    problems.add(where + uri + ": mailhub:" + resolved.substring(8).replaceFirst("[?].*", "") + " works only"
                            + " before the queue (a route from direct:policy), where the client is still connected");
                }
                if (isPolicy && resolved.startsWith("mailhub:")) {
                    String action = resolved.substring(8).replaceFirst("[?].*", "");
                    if (MailhubEndpoint.ROUTING_ONLY.contains(action)) {
                        problems.add(where + uri + ": mailhub:" + action + " works only after the queue (a route from"
                                + " direct:routing)" + (action.equals("footer") || action.equals("strip") ? ", where the message is signed again"
                                        : "; a policy route rejects or holds instead"));
                    }
                }
            } catch (Exception e) {
                problems.add(where + uri + ": " + message(e));
            }
        }
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && t.getCause().getMessage() != null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }
}
