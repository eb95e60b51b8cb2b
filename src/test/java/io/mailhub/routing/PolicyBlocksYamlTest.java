package io.mailhub.routing;

/** The policy route blocks of {@link PolicyBlocksTestBase} written in the YAML DSL (routing-blocks/yaml). */
class PolicyBlocksYamlTest extends PolicyBlocksTestBase {

    @Override
    String dsl() {
        return "yaml";
    }
}
