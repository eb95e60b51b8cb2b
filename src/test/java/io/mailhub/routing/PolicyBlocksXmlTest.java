package io.mailhub.routing;

/** The policy route blocks of {@link PolicyBlocksTestBase} written in the XML DSL (routing-blocks/xml). */
class PolicyBlocksXmlTest extends PolicyBlocksTestBase {

    @Override
    String dsl() {
        return "xml";
    }
}
