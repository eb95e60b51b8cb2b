package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueueIdsTest {

    @Test
    void idIsFourteenCharactersOfCrockfordBase32() {
        for (int i = 0; i < 1000; i++) {
            assertThat(QueueIds.next()).hasSize(14).matches("[0-9A-HJKMNP-TV-Z]{14}");
        }
    }

    @Test
    void idsMadeInATightLoopAreAllDifferent() {
        int count = 200_000;
        Set<String> ids = new HashSet<>(count * 2);

        for (int i = 0; i < count; i++) {
            ids.add(QueueIds.next());
        }

        assertThat(count - ids.size()).as("duplicate ids among %d", count).isZero();
    }

    @Test
    void idsSortByCreationOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(QueueIds.next());
        }

        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).as("id %d", i).isGreaterThan(ids.get(i - 1));
        }
    }

    @Test
    void firstTenCharactersAreTheMillisecondTimestamp() {
        long before = System.currentTimeMillis();
        String id = QueueIds.next();
        long after = System.currentTimeMillis();

        long timestamp = 0;
        String alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        for (int i = 0; i < 10; i++) {
            timestamp = timestamp * 32 + alphabet.indexOf(id.charAt(i));
        }
        assertThat(timestamp).isBetween(before, after + 1);
    }
}
