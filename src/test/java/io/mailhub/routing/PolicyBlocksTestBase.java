package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.acceptance.Door;
import io.mailhub.acceptance.Origin;
import io.mailhub.acceptance.PolicyRoute.Decision;
import io.mailhub.auth.Principal;
import io.mailhub.cleanup.SessionTrace;
import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SmtpReply;
import io.mailhub.relay.SmtpRelayConstants;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every block of the policy route ({@code from: direct:policy}, before the queue), loaded by Camel Main from
 * {@code routing-blocks/<dsl>/policy.camel.<dsl>} and run through {@link CamelPolicyRoute} as the acceptance stage runs
 * it: the facts as headers, the message as the body, the decision the door carries out. The subclasses load the same
 * rules written in the YAML DSL and in the XML DSL.
 */
@CamelMainTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PolicyBlocksTestBase {

    private RouteBlocksConfiguration blocks;

    /** {@code yaml} or {@code xml}. */
    abstract String dsl();

    @Configure
    void loadThePolicyRouteOfTheDsl(MainConfigurationProperties main) throws Exception {
        blocks = new RouteBlocksConfiguration(Map.of("blocks.egress",
                Files.createTempDirectory("policy-blocks").toString()));
        main.withRoutesIncludePattern(RouteBlocksConfiguration.routeFile(dsl(), "policy"));
        main.addConfiguration(blocks);
    }

    @Test
    void aSubjectWithForbiddenWordsIsRejectedWithTheRoutesCodeEnhancedCodeAndText() throws Exception {
        Decision d = decide("a@client.test", null, Map.of(), "Subject: a forbidden offer\r\n\r\nbody\r\n",
                "ann@remote.test");

        assertThat(d).isEqualTo(Decision.refuse(SmtpReply.of(550, "5.7.1", "Forbidden words")));
    }

    @Test
    void aClientThatGreetsAsLocalhostIsRejectedByItsHeloName() throws Exception {
        assertThat(decideAfterHelo("localhost", "a@client.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n",
                "ann@remote.test")).isEqualTo(Decision.refuse(SmtpReply.of(550, "5.7.1",
                        "HELO localhost is not your name")));
        assertThat(decide("a@client.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", "ann@remote.test").refusal())
                .isNull();
    }

    @Test
    void anUnknownClientSenderAndRecipientAreGreylistedButALoggedInUserIsNot() throws Exception {
        String to = "new-" + dsl() + "@greylisted.test"; // the store is the component's: a triplet of its own per DSL

        Decision first = decide("a@client.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", to);
        Decision again = decide("a@client.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", to);

        assertThat(first).isEqualTo(Decision.refuse(SmtpReply.of(451, "4.7.1", "Greylisted, try again in 600 seconds")));
        assertThat(again.refusal()).as("too soon").isNotNull();
        assertThat(again.refusal().isTransientFailure()).isTrue();
        assertThat(decide("a@client.test", "shop", Map.of(), "Subject: hi\r\n\r\nx\r\n", to).refusal()).isNull();
    }

    @Test
    void aTemporaryRejectAnswersWithItsFourHundredCode() throws Exception {
        Decision d = decide("a@client.test", null, Map.of(), "Subject: hello\r\n\r\nbody\r\n", "ann@grey.test");

        assertThat(d).isEqualTo(Decision.refuse(SmtpReply.of(451, "4.7.1", "Greylisted, try again later")));
        assertThat(d.refusal().isTransientFailure()).isTrue();
    }

    @Test
    void aSenderOnTheBlockedListIsRejectedByAddressByDomainAndBySubdomain() throws Exception {
        Decision blocked = Decision.refuse(SmtpReply.of(550, "5.7.1", "Sender blocked"));

        assertThat(decide("Mallory@CLIENT.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", "ann@remote.test"))
                .as("an address, compared without case").isEqualTo(blocked);
        assertThat(decide("anyone@blocked.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", "ann@remote.test"))
                .as("@domain").isEqualTo(blocked);
        assertThat(decide("bot@mail.spam.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", "ann@remote.test"))
                .as(".domain: a subdomain").isEqualTo(blocked);
        assertThat(decide("owner@spam.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", "ann@remote.test"))
                .as(".domain: not the domain itself").isEqualTo(Decision.NONE);
    }

    @Test
    void aBlockedRelayInAFoldedReceivedFieldThatIsNotTheFirstIsRejected() throws Exception {
        String message = "Received: from mx.good.test (mx.good.test [192.0.2.1])\r\n\tby hub.test; Mon, 1 Jan 2024"
                + " 10:00:00 +0000\r\nReceived: from relay.evil.test\r\n (relay.evil.test [198.51.100.9])\r\n\tby"
                + " mx.good.test; Mon, 1 Jan 2024 09:59:00 +0000\r\nSubject: hi\r\n\r\nbody\r\n";

        Decision d = decide("a@client.test", null, Map.of(), message, "ann@remote.test");

        assertThat(d).isEqualTo(Decision.refuse(SmtpReply.of(550, "5.7.1", "Relayed by a blocked host")));
    }

    @Test
    void anEncodedFoldedSubjectIsMatchedDecodedAndTheSameWordsInTheBodyAreNot() throws Exception {
        String encoded = "Subject: =?UTF-8?Q?Your_lottery?=\r\n =?UTF-8?B?IHdpbiBpcyB3YWl0aW5n?=\r\n\r\nbody\r\n";
        String inBody = "Subject: news\r\n\r\nYour lottery win is waiting\r\n";

        assertThat(decide("a@client.test", null, Map.of(), encoded, "ann@remote.test"))
                .isEqualTo(Decision.refuse(SmtpReply.of(554, "5.7.1", "Lottery mail refused")));
        assertThat(decide("a@client.test", null, Map.of(), inBody, "ann@remote.test")).isEqualTo(Decision.NONE);
    }

    @Test
    void anExecutableAttachmentNamedInRfc2231IsRejected() throws Exception {
        String message = multipart("application/octet-stream", "attachment; filename*=UTF-8''setup%20tool.exe");

        Decision d = decide("a@client.test", null, Map.of(), message, "ann@remote.test");

        assertThat(d).isEqualTo(Decision.refuse(SmtpReply.of(552, "5.7.0",
                "Executable attachments are not accepted")));
    }

    @Test
    void aPdfAttachmentIsFoundByItsContentTypeAndTagged() throws Exception {
        String message = multipart("application/pdf; name=\"invoice.pdf\"", "attachment");

        Decision d = decide("a@client.test", null, Map.of(), message, "ann@remote.test");

        assertThat(d).isEqualTo(new Decision(null, List.of(), Set.of(), List.of("X-Has-Pdf: yes"), Map.of(), null));
    }

    @Test
    void dmarcQuarantineIsHeldInTheNamedQuarantineQueue() throws Exception {
        Decision d = decide("a@client.test", null, Map.of(MailhubHeaders.DMARC_DISPOSITION, "quarantine"),
                "Subject: hi\r\n\r\nx\r\n", "ann@remote.test");

        assertThat(d).isEqualTo(new Decision(null, List.of(), Set.of(), List.of(),
                Map.of(EnvelopeHeaders.HOLD, "quarantine.dmarc"), null));
    }

    @Test
    void mailForAHeldDomainIsHeldInMailHold() throws Exception {
        Decision d = decide("a@client.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", "ann@held.test");

        assertThat(d).isEqualTo(new Decision(null, List.of(), Set.of(), List.of(),
                Map.of(EnvelopeHeaders.HOLD, "mail.hold"), null));
    }

    @Test
    void aDiscardedMessageIsMarkedWithItsReasonForDispatchToDrop() throws Exception {
        Decision d = decide("a@client.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", "ann@drop.test");

        assertThat(d).isEqualTo(new Decision(null, List.of(), Set.of(), List.of(),
                Map.of(RoutingStage.DISCARD, "junk"), null));
    }

    @Test
    void theErpsMailGetsAnArchiveCopyAndABccAsExtraRecipients() throws Exception {
        Decision d = decide("erp@client.test", "erp", Map.of(), "Subject: Order 7\r\n\r\nx\r\n", "orders@remote.test");

        assertThat(d).isEqualTo(new Decision(null, List.of(recipient("archive@remote.test"),
                recipient("audit@remote.test")), Set.of(), List.of(), Map.of(), null));
    }

    @Test
    void headerFieldsAreAddedAndRemovedAndTheSubjectPrefixKeepsTheEncodedWordsAsSent() throws Exception {
        String message = "X-Internal: secret\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n =?UTF-8?Q?_aus_Berlin?=\r\n"
                + "x-internal: again\r\n\r\nbody\r\n";

        Decision d = decide("a@client.test", null, Map.of(), message, "ann@tagged.test");

        assertThat(d).isEqualTo(new Decision(null, List.of(), Set.of("x-internal", "subject"), List.of(
                "X-Routed: tagged", "Subject: [EXT] =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= =?UTF-8?Q?_aus_Berlin?="), Map.of(),
                null));
    }

    @Test
    void partnerMailIsDeliveredThroughItsTransportMapEntry() throws Exception {
        Decision d = decide("a@client.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", "ann@partner.test");

        assertThat(d).isEqualTo(new Decision(null, List.of(), Set.of(), List.of(),
                Map.of(SmtpRelayConstants.NEXT_HOP, "transport:partner-tls"), null));
    }

    @Test
    void relayMailIsDeliveredThroughTheNextHopTheRouteNames() throws Exception {
        Decision d = decide("a@client.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", "ann@relay.test");

        assertThat(d).isEqualTo(new Decision(null, List.of(), Set.of(), List.of(),
                Map.of(SmtpRelayConstants.NEXT_HOP, "[192.0.2.25]:2525"), null));
    }

    @Test
    void legacySendersAreRewrittenByRegexAndRecipientsByTheMapFile() throws Exception {
        Decision d = decide("Ann@legacy.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", "bob@old.test",
                "sales@shop.test", "carol@else.test");

        assertThat(d).isEqualTo(new Decision(null, List.of(), Set.of(), List.of(), Map.of(),
                new Decision.Rewritten(SmtpPath.looseMailbox("Ann@client.test"), List.of(recipient("bob@remote.test"),
                        recipient("orders@erp.test"), recipient("carol@else.test")))));
    }

    @Test
    void anEgressActionInThePolicyRouteFailsTheRouteAndTheDoorAnswers451() throws Exception {
        Decision d = decide("a@client.test", null, Map.of(), "Subject: hi\r\n\r\nx\r\n", "ann@misplaced.test");

        assertThat(d).isEqualTo(Decision.refuse(SmtpReply.of(451, "4.3.0",
                "Error: policy route failed, try again later")));
    }

    @Test
    void mailThatNoBlockMatchesGoesOnUnchanged() throws Exception {
        Decision d = decide("a@client.test", "shop", Map.of(MailhubHeaders.DMARC_DISPOSITION, "none"),
                "Subject: Order 8\r\nX-Internal: kept\r\n\r\nbody\r\n", "ann@remote.test");

        assertThat(d).isEqualTo(Decision.NONE);
    }

    /** Runs the policy route as the acceptance stage does, for a message of the SMTP door. */
    private Decision decide(String from, String user, Map<String, String> facts, String message, String... to)
            throws Exception {
        return decideAfterHelo("client.test", from, user, facts, message, to);
    }

    private Decision decideAfterHelo(String helo, String from, String user, Map<String, String> facts, String message,
            String... to) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        List<Recipient> rcpts = new ArrayList<>();
        for (String t : to) {
            rcpts.add(recipient(t));
        }
        Envelope e = new Envelope("01POLICY" + dsl().toUpperCase(java.util.Locale.ROOT), SmtpPath.looseMailbox(from),
                rcpts, null, null, BodyType.EIGHT_BIT_MIME, false, "192.0.2.7", helo, user, Instant.now(),
                bytes.length);
        Origin origin = new Origin(Door.SMTP, InetAddress.getByName("192.0.2.7"), helo,
                user == null ? null : principal(user), false,
                new SessionTrace(helo, "192.0.2.7", true, null, null, user));
        return new CamelPolicyRoute(blocks.hooks()).decide(e, origin, facts, MessageContent.of(bytes));
    }

    private static Principal principal(String name) {
        return new Principal() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean maySendAs(MailAddress address) {
                return true;
            }
        };
    }

    static Recipient recipient(String address) throws Exception {
        return Recipient.of(SmtpPath.looseMailbox(address));
    }

    /** A message with a text part and one attachment part of that type and disposition. */
    static String multipart(String type, String disposition) {
        return "Subject: with attachment\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                + "--b1\r\nContent-Type: " + type + "\r\nContent-Disposition: " + disposition
                + "\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n";
    }
}
