package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class EgressTest {

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(Egress.seconds("120")).isEqualTo(120);
        assertThat(Egress.seconds(" 0 ")).isZero();
        String inAMinute = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60).format(DateTimeFormatter.RFC_1123_DATE_TIME);
        assertThat(Egress.seconds(inAMinute)).isBetween(55L, 60L);
        assertThat(Egress.seconds("Wed, 21 Oct 2015 07:28:00 GMT")).as("in the past: now").isZero();
        assertThat(Egress.seconds("soon")).isEqualTo(-1);
    }

    @Test
    void headerEditsRemoveAddAndPrefixWithoutTouchingTheBody() {
        RouteVerdict v = new RouteVerdict(RouteVerdict.Stage.ROUTING);
        v.removeField("X-Old");
        v.addField("X-New", "1");
        v.subjectPrefix("[EXT]");
        byte[] raw = ("Subject: hello\r\n\tworld\r\nX-Old: a\r\nx-old: b\r\nFrom: a@b\r\n\r\nSubject: body line\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

        String edited = new String(VerdictEdits.edited(raw, v), java.nio.charset.StandardCharsets.ISO_8859_1);

        assertThat(edited).isEqualTo("X-New: 1\r\nSubject: [EXT] hello\r\n\tworld\r\nFrom: a@b\r\n\r\n"
                + "Subject: body line\r\n");
    }
}
