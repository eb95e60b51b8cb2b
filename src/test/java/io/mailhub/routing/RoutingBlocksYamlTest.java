package io.mailhub.routing;

/** The routing route blocks of {@link RoutingBlocksTestBase} written in the YAML DSL (routing-blocks/yaml). */
class RoutingBlocksYamlTest extends RoutingBlocksTestBase {

    @Override
    String dsl() {
        return "yaml";
    }
}
