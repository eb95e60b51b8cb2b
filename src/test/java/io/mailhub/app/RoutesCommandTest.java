package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutesCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int check(Path target) throws Exception {
        Properties defaults = MailhubMain.camelProperties(MailhubSettings.from(new ConfigSource(java.util.Map.of(
                "mailhub.data.dir", dir.resolve("data").toString()), java.util.Map.of(), java.util.Map.of(), null)));
        return RoutesCommand.run(List.of("check", target.toString()), defaults,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void thePackagedRoutesAndAValidPolicyRoutePass() throws Exception {
        assertThat(check(Path.of("routes"))).as(errors()).isZero();
        Path policy = Files.writeString(dir.resolve("policy.camel.yaml"), """
                - route:
                    from:
                      uri: direct:policy
                      steps:
                        - filter:
                            simple: "${header.Subject} contains 'x'"
                            steps:
                              - to: "mailhub:reject?code=550&enhanced=5.7.1&text=no"
                """);

        assertThat(check(policy)).as(errors()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("1 route file(s) valid");
    }

    @Test
    void everyProblemIsOneLineNamingTheFileTheLineAndWhatIsWrong() throws Exception {
        Files.writeString(dir.resolve("policy.camel.yaml"), """
                - route:
                    from:
                      uri: direct:policy
                      steps:
                        - to: "mailhub:reject?code=250"
                        - to: "mailhub:jms?queue=erp.x"
                        - to: "mailhub:rejekt"
                        - to: "log:x?bogusOption=1"
                """);
        Files.writeString(dir.resolve("broken.camel.yaml"), "- route:\n    id: [broken\n");
        Files.writeString(dir.resolve("copy.camel.xml"), "<routes xmlns=\"http://camel.apache.org/schema/xml-io\">"
                + "<route><from uri=\"direct:routing\"/><to uri=\"mailhub:copy?to=not an address\"/></route></routes>");
        Files.writeString(dir.resolve("second.camel.xml"), "<routes xmlns=\"http://camel.apache.org/schema/xml-io\">"
                + "<route id=\"again\"><from uri=\"direct:policy\"/><to uri=\"mailhub:hold\"/></route></routes>");

        assertThat(check(dir)).isEqualTo(1);

        assertThat(errors().lines()).hasSize(7).contains(
                dir.resolve("copy.camel.xml") + ":1: mailhub:copy?to=not an address: mailhub:copy: to=not an address is"
                        + " not an address",
                dir.resolve("policy.camel.yaml") + ":5: mailhub:reject?code=250: mailhub:reject: code=250 must be a 4xx"
                        + " or 5xx SMTP reply code",
                dir.resolve("policy.camel.yaml") + ":6: mailhub:jms?queue=erp.x: mailhub:jms works only after the queue"
                        + " (a route from direct:routing); a policy route rejects or holds instead",
                dir.resolve("policy.camel.yaml") + ":7: mailhub:rejekt: mailhub:rejekt is not an action; the actions are"
                        + " reject, greylist, hold, discard, bounce, copy, bcc, deliver, header, subject, footer, strip,"
                        + " rewrite, split, jms, file, webhook",
                dir.resolve("policy.camel.yaml") + ":8: log:x?bogusOption=1: Failed to resolve endpoint:"
                        + " log://x?bogusOption=1 due to: There are 1 parameters that couldn't be set on the endpoint."
                        + " Check the uri if the parameters are spelt correctly and that they are properties of the"
                        + " endpoint. Unknown parameters=[{bogusOption=1}]");
        assertThat(errors().lines().filter(l -> l.startsWith("more than one policy route (from: direct:policy): ")))
                .singleElement().asString().contains("policy.camel.yaml (").contains("second.camel.xml (again)");
        assertThat(errors()).contains("broken.camel.yaml: does not load: while parsing a flow sequence")
                .contains("line 2, column 9");
    }

    @Test
    void aFooterOrStripWithBadOptionsIsNamedAndAFooterWorksOnlyAfterTheQueue() throws Exception {
        Path disclaimer = Files.writeString(dir.resolve("disclaimer.txt"), "Confidential.\nFor its recipients only.\n");
        Files.writeString(dir.resolve("routing.camel.yaml"), """
                - route:
                    from:
                      uri: direct:routing
                      steps:
                        - to: "mailhub:footer?file=DISCLAIMER"
                        - to: "mailhub:footer"
                        - to: "mailhub:footer?file=/nonexistent/disclaimer.txt"
                        - to: "mailhub:footer?text=a&html=<b>a</b>&htmlFile=DISCLAIMER"
                        - to: "mailhub:strip"
                        - to: "mailhub:strip?types=exe"
                        - to: "mailhub:greylist?delay=soon"
                        - to: "mailhub:greylist"
                        - to: "mailhub:strip?names=*.exe&archives=false"
                        - to: "mailhub:strip?names=*.exe&archives=maybe"
                """.replace("DISCLAIMER", disclaimer.toString()));
        Files.writeString(dir.resolve("policy.camel.yaml"), """
                - route:
                    from:
                      uri: direct:policy
                      steps:
                        - to: "mailhub:footer?text=Confidential"
                """);

        assertThat(check(dir)).isEqualTo(1);

        assertThat(errors().lines()).hasSize(9).noneSatisfy(l -> assertThat(l).contains("routing.camel.yaml:13: "))
                .anySatisfy(l -> assertThat(l).contains("routing.camel.yaml:14: ").contains("archives"))
                .anySatisfy(l -> assertThat(l).contains("routing.camel.yaml:11: ")
                .contains("mailhub:greylist: delay=soon is not a duration such as 300s, 5m, 2d"))
                .anySatisfy(l -> assertThat(l).endsWith("routing.camel.yaml:12: mailhub:greylist: mailhub:greylist works"
                        + " only before the queue (a route from direct:policy), where the client is still connected"))
                .anySatisfy(l -> assertThat(l)
                .endsWith("routing.camel.yaml:9: mailhub:strip: mailhub:strip needs names= or types= (or both)"))
                .anySatisfy(l -> assertThat(l).endsWith("mailhub:strip: types=exe must be content types such as"
                        + " application/x-msdownload or application/*, separated by commas"))
                .anySatisfy(l -> assertThat(l)
                .endsWith("routing.camel.yaml:6: mailhub:footer: mailhub:footer needs text= or file=, one of them"))
                .anySatisfy(l -> assertThat(l).contains("routing.camel.yaml:7: ")
                        .contains("mailhub:footer: file=/nonexistent/disclaimer.txt cannot be read"))
                .anySatisfy(l -> assertThat(l).endsWith("mailhub:footer takes html= or htmlFile=, not both"))
                .anySatisfy(l -> assertThat(l).endsWith("policy.camel.yaml:5: mailhub:footer?text=Confidential:"
                        + " mailhub:footer works only after the queue (a route from direct:routing), where the message"
                        + " is signed again"));
    }

    @Test
    void aMissingPathIsAUsageError() throws Exception {
        assertThat(check(dir.resolve("nothing"))).isEqualTo(RoutesCommand.EX_USAGE);
        assertThat(errors()).contains("cannot read").contains("no such file or directory");
    }

    @Test
    void routesTestPrintsWhatEachRouteWouldDoWithoutSendingAnything() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("policy.camel.yaml"), """
                - route:
                    from:
                      uri: direct:policy
                      steps:
                        - filter:
                            simple: "${header.Subject} contains 'forbidden'"
                            steps:
                              - to: "mailhub:reject?code=550&enhanced=5.7.1&text=Forbidden words"
                """);
        Files.writeString(routes.resolve("routing.camel.xml"), """
                <routes xmlns="http://camel.apache.org/schema/xml-io">
                  <route id="routing">
                    <from uri="direct:routing"/>
                    <choice>
                      <when>
                        <simple>${header.MailhubRcptDomains} == 'erp.test' &amp;&amp; ${header.MailhubAuthUser} == 'shop'</simple>
                        <to uri="mailhub:jms?queue=erp.inbox"/>
                      </when>
                      <otherwise>
                        <to uri="mailhub:copy?to=archive@example.test"/>
                      </otherwise>
                    </choice>
                  </route>
                </routes>
                """);
        Path refused = Files.writeString(dir.resolve("refused.eml"), "From: a@client.test\nTo: b@remote.test\n"
                + "Subject: forbidden\n\nx\n");
        Path toErp = Files.writeString(dir.resolve("erp.eml"), "X-Sender: <shop@shop.test>\n"
                + "X-Receiver: <orders@erp.test>\nSubject: order\n\nx\n");
        Path plain = Files.writeString(dir.resolve("plain.eml"), "From: Ann <ann@client.test>\n"
                + "To: bob@remote.test, Carol <carol@remote.test>\nSubject: hello\n\nx\n");

        Path json = Files.writeString(dir.resolve("order.json"), "{\"from\": \"Shop <shop@shop.test>\", \"to\":"
                + " \"orders@erp.test\", \"subject\": \"order 9\", \"text\": \"x\"}");
        Path badJson = Files.writeString(dir.resolve("bad.json"), "{\"from\": \"shop@shop.test\"}");

        int status = RoutesCommand.run(List.of("test", routes.toString(), "--user", "shop", refused.toString(),
                toErp.toString(), plain.toString(), json.toString(), badJson.toString()), defaults(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).as("a message that cannot be read").isEqualTo(1);
        assertThat(errors()).startsWith(badJson + ": not a message the API would take: 5.5.2 invalid-request");
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                refused + ": from=<a@client.test> to=[<b@remote.test>]",
                "  policy: reject 550 5.7.1 Forbidden words",
                toErp + ": from=<shop@shop.test> to=[<orders@erp.test>]",
                "  policy: deliver",
                "  routing: egress jms erp.inbox",
                plain + ": from=<ann@client.test> to=[<bob@remote.test>, <carol@remote.test>]",
                "  policy: deliver",
                "  routing: copy to archive@example.test; deliver",
                "  envelope: from=<ann@client.test> to=[<bob@remote.test>, <carol@remote.test>, <archive@example.test>]",
                json + ": from=<shop@shop.test> to=[<orders@erp.test>]",
                "  policy: deliver",
                "  routing: egress jms erp.inbox");
    }

    private Properties defaults() throws Exception {
        return MailhubMain.camelProperties(MailhubSettings.from(new ConfigSource(java.util.Map.of(
                "mailhub.data.dir", dir.resolve("data").toString()), java.util.Map.of(), java.util.Map.of(), null)));
    }
}
