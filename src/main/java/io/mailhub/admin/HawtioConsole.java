package io.mailhub.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hawtio console ({@code io.hawt:hawtio-default} war, packed into the hub's jar) at {@code /hawtio} on the hub's
 * HTTP port, in the hub's JVM: Camel's routes and the broker's queues through Hawtio's own Jolokia. Login with the
 * admin users file (JAAS realm {@code hawtio}, {@link AdminLoginModule}); every role may log in, and the Jolokia
 * policy ({@code hawtio/jolokia-access.xml}) makes the console read-only for all of them, with CORS checked strictly.
 * Hawtio's proxy to other JVMs is off.
 */
public final class HawtioConsole {

    private static final Logger LOG = LoggerFactory.getLogger(HawtioConsole.class);
    static final String WAR = "/hawtio/hawtio-default.war";
    static final String POLICY = "/hawtio/jolokia-access.xml";

    private HawtioConsole() {}

    /**
     * The console's web application, or {@code null} when the jar has no console (a build without the war).
     *
     * @param users the admin users (logins), or {@code null}: every login is refused
     * @param origins the origins the browser may call Jolokia from, such as {@code http://mail.example.com:8080}
     */
    public static WebAppContext create(Path dataDir, AdminUsers users, List<String> origins) throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve("hawtio"));
        // the war and its unpacked files (about 25 MB) go to the temporary directory, not to the data disk the queue
        // needs: one directory per data directory, used again by the next start
        Path files = Files.createDirectories(filesOf(dataDir));
        Path war = files.resolve("hawtio-default.war");
        try (InputStream in = HawtioConsole.class.getResourceAsStream(WAR)) {
            if (in == null) {
                LOG.warn("no Hawtio console in this build ({} missing): /hawtio is not served", WAR);
                return null;
            }
            Files.copy(in, war, StandardCopyOption.REPLACE_EXISTING);
        }
        Path policy = dir.resolve("jolokia-access.xml");
        Files.writeString(policy, policy(origins), StandardCharsets.UTF_8);
        installLogin(users);
        // Hawtio reads its options from system properties, once, when the web application starts
        System.setProperty("hawtio.authenticationEnabled", "true");
        System.setProperty("hawtio.realm", "hawtio");
        System.setProperty("hawtio.roles", "viewer,operator,admin");
        System.setProperty("hawtio.rolePrincipalClasses", AdminRolePrincipal.class.getName());
        System.setProperty("hawtio.disableProxy", "true");
        System.setProperty("hawtio.localAddressProbing", "false");
        System.setProperty("hawtio.noCredentials401", "true");

        WebAppContext app = new WebAppContext();
        app.setContextPath("/hawtio"); // index.html has <base href="/hawtio/">
        app.setWar(war.toString());
        app.setTempDirectory(Files.createDirectories(files.resolve("work")).toFile());
        // a file: location that cannot be read denies everything (a classpath: one would allow everything)
        app.setInitParameter("policyLocation", policy.toUri().toString());
        app.setThrowUnavailableOnStartupException(true);
        return app;
    }

    private static Path filesOf(Path dataDir) {
        return Path.of(System.getProperty("java.io.tmpdir"),
                "mailhub-hawtio-" + Integer.toHexString(dataDir.toAbsolutePath().toString().hashCode()));
    }

    /** Deletes the unpacked console of this data directory (after the HTTP server stopped). */
    public static void removeFiles(Path dataDir) {
        Path files = filesOf(dataDir);
        if (!Files.isDirectory(files)) {
            return;
        }
        try (var walk = Files.walk(files)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", files, e.toString());
        }
    }

    static String policy(List<String> origins) throws IOException {
        try (InputStream in = HawtioConsole.class.getResourceAsStream(POLICY)) {
            if (in == null) {
                throw new IOException(POLICY + " is missing from the jar");
            }
            String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // a browser sends no Origin on a same-origin GET; Jolokia then takes the Referer, which Hawtio's
            // Referrer-Policy (strict-origin) makes the origin with a slash: allow both forms
            String allowed = origins.stream().distinct().flatMap(o -> java.util.stream.Stream.of(o, o + "/"))
                    .map(o -> "    <allow-origin>" + xml(o) + "</allow-origin>").collect(Collectors.joining("\n"));
            return template.replace("@ORIGINS@", allowed);
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Adds the realm {@code hawtio} to the JVM's JAAS configuration, leaving every other realm as it was. */
    static void installLogin(AdminUsers users) {
        Configuration previous;
        try {
            previous = Configuration.getConfiguration();
        } catch (SecurityException e) { // no login configuration file: nothing to delegate to
            previous = null;
        }
        Configuration before = previous;
        AppConfigurationEntry[] hawtio = {new AppConfigurationEntry(AdminLoginModule.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                users == null ? Map.of() : Map.of(AdminLoginModule.USERS, users))};
        Configuration.setConfiguration(new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                if ("hawtio".equals(name)) {
                    return hawtio;
                }
                return before == null ? null : before.getAppConfigurationEntry(name);
            }
        });
    }
}
