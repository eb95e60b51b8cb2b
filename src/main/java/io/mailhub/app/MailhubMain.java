package io.mailhub.app;

import io.mailhub.ingress.pickup.Sendmail;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.main.Main;

/**
 * Starts the hub: {@code java -jar mailhub.jar}; {@code java -jar mailhub.jar hash-password} hashes a password read
 * on standard input for the users file instead. Reads and validates the settings first, so a bad value stops
 * start-up with one clear line per problem (exit code 2) before any port is opened or file written.
 */
public final class MailhubMain {

    private MailhubMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length > 0) {
            if (args[0].equals("hash-password") && args.length == 1) {
                return HashPassword.run(System.in, System.out, System.err);
            }
            if (args[0].equals("dkim-keygen") || args[0].equals("dkim-record")) {
                return DkimCommands.run(args, System.out, System.err);
            }
            if (args[0].equals("sendmail")) {
                return sendmail(java.util.List.of(args).subList(1, args.length));
            }
            if (args[0].equals("routes")) {
                return routes(java.util.List.of(args).subList(1, args.length));
            }
            if (args[0].equals("queue")) {
                return queue(java.util.List.of(args).subList(1, args.length));
            }
            if (args[0].equals("api-key")) {
                return ApiKeyCommand.run(java.util.List.of(args).subList(1, args.length), System.out, System.err);
            }
            System.err.println("mailhub: unknown command '" + String.join(" ", args) + "'; run without arguments to"
                    + " start the hub; commands: hash-password, dkim-keygen, dkim-record, api-key create, sendmail, routes check, queue");
            return 2;
        }
        MailhubSettings settings = settings("mailhub");
        if (settings == null) {
            return 2;
        }
        Main main;
        MailhubRuntime runtime = new MailhubRuntime(settings);
        try {
            main = createMain(settings, runtime);
        } catch (IOException e) {
            System.err.println("mailhub: " + e.getMessage());
            return 2;
        }
        try {
            main.run();
        } catch (Exception e) {
            System.err.println("mailhub: " + e.getMessage());
            return 1;
        }
        if (!runtime.hasStarted()) {
            // Camel Main logs a failed start and returns normally, leaving what had started running: stopped here, or
            // the JVM's shutdown hook would wait 45 s for a Camel context nobody stops, the ports still open
            runtime.abandon(main);
            return 1; // a hub that never started must not exit 0
        }
        return main.getExitCode();
    }

    /** {@code sendmail}: reads the hub's configuration to find the pickup directory, then acts as sendmail does. */
    static int sendmail(java.util.List<String> args) {
        MailhubSettings settings = settings("sendmail");
        if (settings == null) {
            return Sendmail.EX_CONFIG;
        }
        if (settings.pickup.dir() == null) {
            System.err.println("sendmail: mailhub.pickup.dir is not set: the hub has no pickup directory to hand mail"
                    + " to");
            return Sendmail.EX_CONFIG;
        }
        return new Sendmail(settings.pickup.dir(), settings.pickup.sendmailWait(), settings.hostname, System.err)
                .run(args, System.in);
    }

    /** {@code queue}: the admin API of the hub this configuration describes (or the one {@code --url} names). */
    static int queue(java.util.List<String> args) {
        String url = "http://127.0.0.1:8080";
        try {
            MailhubSettings s = MailhubSettings.from(ConfigSource.load(configDir()));
            url = "http://127.0.0.1:" + s.http.port();
        } catch (InvalidSettingsException | IOException e) {
            // the hub's configuration is not readable here: the default port, or --url
        }
        return new io.mailhub.admin.QueueCommand(System.out, System.err, System::getenv).run(args, url);
    }

    /** {@code routes check}: placeholders resolve against the hub's configuration, as when the hub loads the routes. */
    static int routes(java.util.List<String> args) {
        MailhubSettings settings = settings("mailhub");
        return settings == null ? 2 : RoutesCommand.run(args, camelProperties(settings), System.out, System.err);
    }

    /** The hub's settings from its configuration; {@code null} after printing why they cannot be had. */
    private static MailhubSettings settings(String command) {
        try {
            return MailhubSettings.from(ConfigSource.load(configDir()));
        } catch (InvalidSettingsException e) {
            e.problems().forEach(p -> System.err.println(command + ": invalid configuration: " + p));
        } catch (IOException e) {
            System.err.println(command + ": cannot read the configuration: " + e.getMessage());
        }
        return null;
    }

    static Path configDir() {
        String dir = System.getProperty("mailhub.config.dir");
        if (dir == null) {
            dir = System.getenv("MAILHUB_CONFIG_DIR");
        }
        return Path.of(dir == null ? "config" : dir);
    }

    /** A Camel Main configured from the settings, not yet started. */
    public static Main createMain(MailhubSettings settings) throws IOException {
        return createMain(settings, new MailhubRuntime(settings));
    }

    static Main createMain(MailhubSettings settings, MailhubRuntime runtime) throws IOException {
        Main main = new Main();
        main.setInitialProperties(camelProperties(settings));
        if (settings.configFile != null) {
            // the same file the settings came from, so Camel's own keys in it apply too
            main.setPropertyPlaceholderLocations("file:" + settings.configFile.toAbsolutePath() + ";optional=true");
        }
        main.configure().withRoutesIncludePattern(RouteFiles.includePattern(settings.routesDir));
        main.configure().addConfiguration(runtime);
        main.addMainListener(runtime);
        return main;
    }

    /** Camel's own settings derived from ours; an operator may still override any of them in application.properties. */
    static Properties camelProperties(MailhubSettings settings) {
        Properties p = new Properties();
        for (Map.Entry<String, String> e : settings.asProperties().entrySet()) {
            p.setProperty(e.getKey(), e.getValue());
        }
        p.setProperty("camel.main.name", "mailhub");
        p.setProperty("camel.main.shutdownTimeout", "30");
        p.setProperty("camel.main.streamCachingEnabled", "true");
        p.setProperty("camel.main.streamCachingSpoolEnabled", "true");
        p.setProperty("camel.main.streamCachingSpoolDirectory", settings.dataDir.resolve("tmp/stream-cache").toString());
        p.setProperty("camel.main.streamCachingSpoolThreshold", Integer.toString(MailhubRuntime.SPOOL_MEMORY_THRESHOLD));
        if (settings.admin.hawtio()) { // what the Hawtio console's tabs need (Exchanges, Endpoints, Trace)
            p.setProperty("camel.main.inflightRepositoryBrowseEnabled", "true");
            p.setProperty("camel.main.endpointRuntimeStatisticsEnabled", "true");
            p.setProperty("camel.trace.standby", "true");
        }
        // health checks: the hub serves them itself (HealthServlet on mailhub.http.port)
        p.setProperty("camel.health.enabled", "true");
        p.setProperty("camel.health.routesEnabled", "true");
        p.setProperty("camel.health.consumersEnabled", "true");
        p.setProperty("camel.health.registryEnabled", "true");
        return p;
    }
}
