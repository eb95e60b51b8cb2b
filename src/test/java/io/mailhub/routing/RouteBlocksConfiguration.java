package io.mailhub.routing;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockComponent;

/**
 * The wiring the route blocks need, done as {@code MailhubRuntime.configure} does it, for the camel-test-main tests
 * ({@link PolicyBlocksTestBase}, {@link RoutingBlocksTestBase}): the beans {@code mailLists} (over
 * {@code routing-blocks/lists}) and {@code mailHeaders}, the {@link RouteHooks}, and the placeholders the route files
 * use ({@code blocks.dir}, {@code blocks.egress}, {@code blocks.webhook}). The {@code mailhub} component itself is
 * found by its scheme, as in the hub. There is no broker: {@code jms} is a mock component, so what the blocks send to
 * a queue (held, split, egress, retried, dead) stays in its mock endpoint to be looked at.
 */
final class RouteBlocksConfiguration implements CamelConfiguration {

    /** The route files and the files they use: src/test/resources/routing-blocks. */
    static final Path DIR = resources();

    private final Map<String, String> properties;
    private CamelContext context;
    private RouteHooks hooks;

    /** @param properties more placeholders for the route files ({@code blocks.egress}, {@code blocks.webhook}) */
    RouteBlocksConfiguration(Map<String, String> properties) {
        this.properties = properties;
    }

    /** Camel Main's {@code routesIncludePattern} for one route file ({@code policy}, {@code routing}) of a DSL. */
    static String routeFile(String dsl, String route) {
        return "classpath:routing-blocks/" + dsl + "/" + route + ".camel." + dsl;
    }

    @Override
    public void configure(CamelContext camel) {
        this.context = camel;
        camel.getPropertiesComponent().addInitialProperty("blocks.dir", DIR.toString());
        properties.forEach(camel.getPropertiesComponent()::addInitialProperty);
        camel.addComponent("jms", new MockComponent());
        camel.getRegistry().bind("mailLists", new MailLists(DIR.resolve("lists")));
        camel.getRegistry().bind("mailHeaders", new MailHeaders());
        hooks = new RouteHooks(camel);
    }

    CamelContext context() {
        return context;
    }

    RouteHooks hooks() {
        return hooks;
    }

    private static Path resources() {
        try {
            return Path.of(RouteBlocksConfiguration.class.getResource("/routing-blocks").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
