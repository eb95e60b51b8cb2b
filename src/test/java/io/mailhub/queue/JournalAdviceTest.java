package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.activemq.artemis.core.server.JournalType;
import org.junit.jupiter.api.Test;

/** What the hub tells an operator whose broker journal fell back from ASYNCIO to NIO. */
class JournalAdviceTest {

    @Test
    void aLinuxHubWithoutTheNativeLibraryIsToldHowToGetTheAsyncIoJournal() {
        assertThat(EmbeddedBroker.journalAdvice(JournalType.NIO, "Linux", false))
                .contains("install libaio (Debian: libaio1)")
                .contains("-Djava.library.path=DIR")
                .contains("lib/linux-x86_64/libartemis-native-64.so");
    }

    @Test
    void aLinuxHubWithTheLibraryButATmpfsDataDirectoryIsToldToMoveIt() {
        assertThat(EmbeddedBroker.journalAdvice(JournalType.NIO, "Linux", true))
                .contains("does not support ASYNCIO")
                .contains("mailhub.data.dir")
                .doesNotContain("libaio1");
    }

    @Test
    void nothingIsSaidWhenTheJournalIsAsyncIoOrTheSystemHasNoLibaio() {
        assertThat(EmbeddedBroker.journalAdvice(JournalType.ASYNCIO, "Linux", true)).isNull();
        assertThat(EmbeddedBroker.journalAdvice(JournalType.NIO, "Mac OS X", false)).isNull();
    }
}
