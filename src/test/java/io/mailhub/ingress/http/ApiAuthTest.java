package io.mailhub.ingress.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mailhub.auth.ApiKey;
import io.mailhub.auth.ApiKeys;
import io.mailhub.auth.AuthFailures;
import io.mailhub.testing.ManualClock;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who is calling: the API key in any of the headers the native API and the provider aliases use; a missing or unknown
 * key is 401, and failed keys count towards the same per-address lockout as SMTP AUTH (then 429).
 */
class ApiAuthTest {

    private static final int MAX_FAILURES = 3;
    private static final Duration LOCKOUT = Duration.ofMinutes(10);
    private static final String CLIENT = "192.0.2.7";

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final AuthFailures failures = new AuthFailures(MAX_FAILURES, Duration.ofMinutes(15), LOCKOUT, clock);
    private final String secret = ApiKeys.newSecret();
    private final String otherSecret = ApiKeys.newSecret();
    private ApiAuth auth;

    @BeforeEach
    void keysFile() throws Exception {
        Path file = Files.writeString(dir.resolve("api-keys"), "billing " + ApiKeys.hash(secret)
                + " from=@shop.test rate=100/h\n" + "crm " + ApiKeys.hash(otherSecret) + " from=crm@shop.test\n");
        auth = new ApiAuth(ApiKeys.load(file), failures);
    }

    /** A request from {@code remote} with these headers (name, value, name, value, ...), names in any case. */
    private static HttpServletRequest request(String remote, String... headers) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> h.get((String) args[0]);
                    case "getRemoteAddr" -> remote;
                    case "toString" -> "request from " + remote + " " + h;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }

    private ApiProblem refusalOf(HttpServletRequest req) {
        try {
            ApiKey key = auth.authenticate(req);
            return fail("authenticated as " + key.name());
        } catch (ApiProblem p) {
            return p;
        }
    }

    private static void assertUnauthorized(ApiProblem p) {
        assertThat(p.status).isEqualTo(401);
        assertThat(p.type).isEqualTo("unauthorized");
        assertThat(p.enhancedStatus).isEqualTo("5.7.8");
        assertThat(p.retryAfter).isZero();
    }

    @Test
    void aBearerTokenIsTheKey() throws Exception {
        assertThat(auth.authenticate(request(CLIENT, "Authorization", "Bearer " + secret)).name()).isEqualTo("billing");
        assertThat(auth.authenticate(request(CLIENT, "authorization", "bearer   " + otherSecret + " ")).name())
                .isEqualTo("crm");
    }

    @Test
    void theKeyMayComeInXApiKey() throws Exception {
        assertThat(auth.authenticate(request(CLIENT, "X-Api-Key", secret)).name()).isEqualTo("billing");
    }

    @Test
    void theKeyMayComeInPostmarksServerTokenHeader() throws Exception {
        assertThat(auth.authenticate(request(CLIENT, "X-Postmark-Server-Token", " " + secret)).name())
                .isEqualTo("billing");
    }

    @Test
    void httpBasicTakesTheKeyAsThePasswordWhateverTheUser() throws Exception {
        assertThat(auth.authenticate(request(CLIENT, "Authorization", basic("api", secret))).name())
                .isEqualTo("billing");
        assertThat(auth.authenticate(request(CLIENT, "Authorization", basic("someone", otherSecret))).name())
                .isEqualTo("crm");
    }

    @Test
    void theKeyThatIsFoundCarriesItsScopes() throws Exception {
        ApiKey key = auth.authenticate(request(CLIENT, "X-Api-Key", secret));

        assertThat(key.messagesPerHour()).isEqualTo(100);
        assertThat(key.hash()).isEqualTo(ApiKeys.hash(secret));
    }

    @Test
    void noKeyIsA401SayingHowToSendOne() {
        ApiProblem p = refusalOf(request(CLIENT));

        assertUnauthorized(p);
        assertThat(p.detail()).contains("Authorization: Bearer");
    }

    @Test
    void aWrongKeyIsA401SayingTheKeyIsNotValid() {
        for (HttpServletRequest req : new HttpServletRequest[] {request(CLIENT, "Authorization", "Bearer mh_wrong"),
                request("192.0.2.8", "X-Api-Key", secret.substring(3)),
                request("192.0.2.9", "Authorization", basic("api", secret + "x"))}) {
            ApiProblem p = refusalOf(req);

            assertUnauthorized(p);
            assertThat(p.detail()).isEqualTo("the API key is not valid");
        }
    }

    @Test
    void aMalformedBasicHeaderIsA401AsIfNoKeyWasSent() {
        for (String header : new String[] {"Basic !!!not-base64", "Basic "
                + Base64.getEncoder().encodeToString(secret.getBytes(UTF_8))}) {
            ApiProblem p = refusalOf(request(CLIENT, "Authorization", header));

            assertUnauthorized(p);
            assertThat(p.detail()).as(header).contains("Authorization: Bearer");
        }
    }

    @Test
    void withoutAKeysFileEveryKeyIsRefused() {
        auth = new ApiAuth(null, failures);

        assertUnauthorized(refusalOf(request(CLIENT, "Authorization", "Bearer " + secret)));
    }

    @Test
    void repeatedWrongKeysLockTheAddressOutWith429EvenForTheRightKey() {
        for (int i = 0; i < MAX_FAILURES; i++) {
            assertUnauthorized(refusalOf(request(CLIENT, "X-Api-Key", "mh_guess" + i)));
        }

        ApiProblem p = refusalOf(request(CLIENT, "X-Api-Key", secret));

        assertThat(p.status).isEqualTo(429);
        assertThat(p.type).isEqualTo("locked-out");
        assertThat(p.enhancedStatus).isEqualTo("4.7.0");
        assertThat(p.retryAfter).isPositive();
        assertThat(p.detail()).contains(CLIENT);
    }

    @Test
    void theLockoutEndsAfterItsTimeAndConcernsOnlyTheGuessingAddress() throws Exception {
        for (int i = 0; i < MAX_FAILURES; i++) {
            refusalOf(request(CLIENT, "Authorization", "Bearer mh_guess" + i));
        }

        assertThat(auth.authenticate(request("192.0.2.99", "X-Api-Key", secret)).name()).isEqualTo("billing");
        clock.advance(LOCKOUT.minusSeconds(1));
        assertThat(refusalOf(request(CLIENT, "X-Api-Key", secret)).status).isEqualTo(429);
        clock.advance(Duration.ofSeconds(1));
        assertThat(auth.authenticate(request(CLIENT, "X-Api-Key", secret)).name()).isEqualTo("billing");
    }

    @Test
    void requestsWithoutAnyKeyNeverLockAnAddressOut() throws Exception {
        for (int i = 0; i < MAX_FAILURES * 3; i++) {
            assertUnauthorized(refusalOf(request(CLIENT)));
        }

        assertThat(failures.isLocked(InetAddress.getByName(CLIENT))).isFalse();
        assertThat(auth.authenticate(request(CLIENT, "X-Api-Key", secret)).name()).isEqualTo("billing");
    }

    @Test
    void anIpv6ClientIsCountedByItsAddress() throws Exception {
        String v6 = "2001:db8::7";
        for (int i = 0; i < MAX_FAILURES; i++) {
            refusalOf(request(v6, "X-Api-Key", "mh_guess" + i));
        }

        assertThat(failures.isLocked(InetAddress.getByName("2001:db8:0:0:0:0:0:7"))).isTrue();
        assertThat(refusalOf(request(v6, "X-Api-Key", secret)).status).isEqualTo(429);
    }

    @Test
    void theClientAddressIsTheRemoteAddressLiteral() throws Exception {
        assertThat(ApiAuth.client(request("198.51.100.4"))).isEqualTo(InetAddress.getByName("198.51.100.4"));
        assertThat(ApiAuth.client(request("::1"))).isEqualTo(InetAddress.getByName("0:0:0:0:0:0:0:1"));
    }

    @Test
    void theLockoutsRetryAfterIsTheTimeLeftOfTheLockout() {
        for (int i = 0; i < MAX_FAILURES; i++) {
            refusalOf(request(CLIENT, "X-Api-Key", "mh_guess" + i));
        }
        clock.advance(Duration.ofMinutes(4));

        ApiProblem p = refusalOf(request(CLIENT, "X-Api-Key", secret));

        assertThat(p.status).isEqualTo(429);
        assertThat(p.retryAfter).isEqualTo(LOCKOUT.minusMinutes(4).toSeconds());
    }
}
