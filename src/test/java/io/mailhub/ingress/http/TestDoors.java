package io.mailhub.ingress.http;

import io.mailhub.acceptance.AcceptanceSettings;
import io.mailhub.acceptance.MailAcceptance;
import io.mailhub.cleanup.MessageComposer;
import io.mailhub.policy.DomainList;
import io.mailhub.policy.NetworkList;
import io.mailhub.policy.PolicyChain;
import io.mailhub.policy.RelayControl;
import io.mailhub.queue.FakeMailQueue;
import io.mailhub.queue.IdempotencyRecords;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** An API door for unit tests: no keys, no policy, a fake queue; records in the broker when given. */
final class TestDoors {

    private TestDoors() {}

    static ApiDoor door(Clock clock, Path dir, IdempotencyRecords records) throws Exception {
        MailAcceptance acceptance = new MailAcceptance(new AcceptanceSettings("hub.test", 10_000, 50),
                new PolicyChain(List.of(), List.of(), List.of(), new RelayControl(DomainList.parse(""),
                        NetworkList.empty(), "hub.test"), List.of(), List.of()),
                new FakeMailQueue(), new MessageComposer("hub.test", clock), null, false, clock);
        return new ApiDoor(acceptance, null, null, dir, dir, 1 << 16, 1000, null, null, records, clock);
    }
}
