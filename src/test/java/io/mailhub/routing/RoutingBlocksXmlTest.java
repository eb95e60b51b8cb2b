package io.mailhub.routing;

/** The routing route blocks of {@link RoutingBlocksTestBase} written in the XML DSL (routing-blocks/xml). */
class RoutingBlocksXmlTest extends RoutingBlocksTestBase {

    @Override
    String dsl() {
        return "xml";
    }
}
