package io.mailhub.filter;

import java.util.List;

/**
 * A spam filter's answer.
 *
 * @param score the score
 * @param required the filter's own threshold (rspamd: the reject score)
 * @param action the filter's action: {@code no action}, {@code greylist}, {@code add header}, {@code rewrite subject},
 *     {@code soft reject}, {@code reject}
 * @param symbols the names of the rules that hit, in the filter's order
 */
public record SpamVerdict(double score, double required, String action, List<String> symbols) {

    public SpamVerdict {
        symbols = List.copyOf(symbols);
    }
}
