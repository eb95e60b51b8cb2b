package io.mailhub.bounce;

import io.mailhub.model.SyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The texts of the human-readable part, read from a template file in the style of Postfix's bounce(5):
 *
 * <pre>
 * # comment
 * failure_template = &lt;&lt;EOF
 * Subject: Undelivered Mail Returned to Sender
 *
 * This is the mail system at host ${hostname}.
 * ...
 * EOF
 * returned_full = The original message is attached.
 * </pre>
 *
 * A template ({@code failure_template}, {@code delay_template}, {@code success_template}) starts with a
 * {@code Subject:} line and an empty line; the rest is the text. A note ({@code returned_*}) tells the sender how much
 * of the original is attached (see {@link ReturnedContent}). Any entry may be written on one line or as a
 * {@code <<EOF} block. The packaged default is {@code bounce/bounce-templates.txt}; the operator's
 * {@code config/bounce-templates.txt} replaces the entries it contains. Unknown entries and placeholders are errors.
 */
public final class DsnTemplates {

    public static final String FILE_NAME = "bounce-templates.txt";
    private static final String RESOURCE = "/bounce/" + FILE_NAME;

    static final Set<String> TEMPLATE_PLACEHOLDERS = Set.of(
            "hostname", "queue_id", "sender", "arrival_date", "recipients", "returned", "will_retry_until");
    static final Set<String> NOTE_PLACEHOLDERS = Set.of("hostname", "original_size", "size_limit");

    private static final Pattern ENTRY = Pattern.compile("([a-z_]+)\\s*=\\s*(.*)");
    private static final Pattern HEREDOC = Pattern.compile("<<\\s*([A-Za-z_]+)");

    /** One notice text: the subject line and the body, both with placeholders. */
    public record Template(String subject, String body) {}

    private static volatile DsnTemplates defaults;

    private final Map<DsnKind, Template> templates;
    private final Map<ReturnedContent, String> notes;

    private DsnTemplates(Map<DsnKind, Template> templates, Map<ReturnedContent, String> notes) {
        this.templates = Map.copyOf(templates);
        this.notes = Map.copyOf(notes);
    }

    /** The packaged default texts. */
    public static DsnTemplates defaults() {
        DsnTemplates d = defaults;
        if (d == null) {
            try (InputStream in = DsnTemplates.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing from the build");
                }
                d = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + RESOURCE, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (SyntaxException e) {
                throw new IllegalStateException("packaged " + e.getMessage(), e);
            }
            defaults = d;
        }
        return d;
    }

    /**
     * The texts for a hub whose configuration directory is {@code configDir}: {@code configDir/bounce-templates.txt}
     * when it exists, over the packaged defaults.
     *
     * @throws SyntaxException when the operator's file is malformed; the message names the file and the line
     */
    public static DsnTemplates load(Path configDir) throws IOException, SyntaxException {
        Path file = configDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return defaults();
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), defaults());
    }

    /**
     * Parses a template file.
     *
     * @param origin the file name for error messages
     * @param base supplies the entries the text does not contain; {@code null} when the text must contain all
     */
    public static DsnTemplates parse(String text, String origin, DsnTemplates base) throws SyntaxException {
        Map<DsnKind, Template> templates = new EnumMap<>(DsnKind.class);
        Map<ReturnedContent, String> notes = new EnumMap<>(ReturnedContent.class);
        Map<String, Integer> seen = new HashMap<>();
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int lineNo = i + 1;
            String where = origin + " line " + lineNo + ": ";
            Matcher m = ENTRY.matcher(line);
            if (!m.matches()) {
                throw new SyntaxException(where + "expected 'name = text' or 'name = <<EOF', found '" + line + "'");
            }
            String name = m.group(1);
            String value = m.group(2).strip();
            Matcher heredoc = HEREDOC.matcher(value);
            if (heredoc.matches()) {
                StringBuilder block = new StringBuilder();
                int end = i + 1;
                while (end < lines.length && !lines[end].strip().equals(heredoc.group(1))) {
                    block.append(lines[end]).append('\n');
                    end++;
                }
                if (end == lines.length) {
                    throw new SyntaxException(where + "'" + name + "' has no closing line '" + heredoc.group(1) + "'");
                }
                value = block.toString();
                i = end;
            }
            Integer earlier = seen.putIfAbsent(name, lineNo);
            if (earlier != null) {
                throw new SyntaxException(where + "'" + name + "' is already defined on line " + earlier);
            }
            try {
                add(name, value, templates, notes);
            } catch (SyntaxException e) {
                throw new SyntaxException(where + e.getMessage());
            }
        }
        for (DsnKind k : DsnKind.values()) {
            if (!templates.containsKey(k)) {
                templates.put(k, required(base, origin, k.templateName()).template(k));
            }
        }
        for (ReturnedContent r : ReturnedContent.values()) {
            if (!notes.containsKey(r)) {
                notes.put(r, required(base, origin, r.noteName()).note(r));
            }
        }
        return new DsnTemplates(templates, notes);
    }

    public Template template(DsnKind kind) {
        return templates.get(kind);
    }

    public String note(ReturnedContent returned) {
        return notes.get(returned);
    }

    private static void add(String name, String value, Map<DsnKind, Template> templates,
            Map<ReturnedContent, String> notes) throws SyntaxException {
        for (DsnKind k : DsnKind.values()) {
            if (k.templateName().equals(name)) {
                templates.put(k, template(name, value));
                return;
            }
        }
        for (ReturnedContent r : ReturnedContent.values()) {
            if (r.noteName().equals(name)) {
                Placeholders.check(value, NOTE_PLACEHOLDERS);
                notes.put(r, value.strip());
                return;
            }
        }
        List<String> known = new ArrayList<>();
        Arrays.stream(DsnKind.values()).forEach(k -> known.add(k.templateName()));
        Arrays.stream(ReturnedContent.values()).forEach(r -> known.add(r.noteName()));
        throw new SyntaxException("unknown entry '" + name + "' (known: " + String.join(", ", known) + ")");
    }

    private static Template template(String name, String text) throws SyntaxException {
        int blank = text.indexOf("\n\n");
        String head = blank < 0 ? text.strip() : text.substring(0, blank).strip();
        if (!head.toLowerCase(Locale.ROOT).startsWith("subject:") || head.indexOf('\n') >= 0) {
            throw new SyntaxException("'" + name + "' must start with one 'Subject:' line and an empty line");
        }
        String subject = head.substring("subject:".length()).strip();
        String body = blank < 0 ? "" : text.substring(blank + 2).stripTrailing();
        Placeholders.check(subject, TEMPLATE_PLACEHOLDERS);
        Placeholders.check(body, TEMPLATE_PLACEHOLDERS);
        return new Template(subject, body);
    }

    private static DsnTemplates required(DsnTemplates base, String origin, String name) throws SyntaxException {
        if (base == null) {
            throw new SyntaxException(origin + ": '" + name + "' is missing");
        }
        return base;
    }
}
