package io.mailhub.it;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One transaction as smtp-sink dumped it: the envelope it saw and the message content. */
public record SinkMessage(String mailArgs, List<String> rcptArgs, String content) {

    private static final Pattern BRACKETED = Pattern.compile("<([^>]*)>");

    static SinkMessage parse(String dump) {
        String mail = null;
        List<String> rcpts = new ArrayList<>();
        int pos = 0;
        while (true) {
            int eol = dump.indexOf('\n', pos);
            if (eol < 0) {
                break;
            }
            String line = dump.substring(pos, eol).replace("\r", "");
            if (line.startsWith("X-Mail-Args: ")) {
                mail = line.substring(13);
            } else if (line.startsWith("X-Rcpt-Args: ")) {
                rcpts.add(line.substring(13));
            } else if (!line.startsWith("X-Client-") && !line.startsWith("X-Helo-Args")) {
                break;
            }
            pos = eol + 1;
        }
        return new SinkMessage(mail, rcpts, dump.substring(pos));
    }

    public String sender() {
        return address(mailArgs);
    }

    public List<String> recipients() {
        return rcptArgs.stream().map(SinkMessage::address).toList();
    }

    /** The value of the first header with this name in the content (after smtp-sink's own Received), or null. */
    public String header(String name) {
        List<String> all = headers(name);
        return all.isEmpty() ? null : all.get(0);
    }

    /** Every header line (unfolded) with this name, in order. */
    public List<String> headers(String name) {
        List<String> out = new ArrayList<>();
        String prefix = name.toLowerCase() + ":";
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length && !lines[i].isEmpty(); i++) {
            if (lines[i].toLowerCase().startsWith(prefix)) {
                StringBuilder v = new StringBuilder(lines[i].substring(prefix.length()).trim());
                while (i + 1 < lines.length && (lines[i + 1].startsWith(" ") || lines[i + 1].startsWith("\t"))) {
                    v.append(' ').append(lines[++i].trim());
                }
                out.add(v.toString());
            }
        }
        return out;
    }

    public String body() {
        int i = content.indexOf("\n\n");
        int j = content.indexOf("\r\n\r\n");
        if (j >= 0 && (i < 0 || j < i)) {
            return content.substring(j + 4);
        }
        return i < 0 ? "" : content.substring(i + 2);
    }

    private static String address(String args) {
        if (args == null) {
            return null;
        }
        Matcher m = BRACKETED.matcher(args);
        return m.find() ? m.group(1) : args;
    }
}
