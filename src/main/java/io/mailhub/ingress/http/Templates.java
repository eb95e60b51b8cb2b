package io.mailhub.ingress.http;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Message templates in {@code config/templates/}: {@code ID.subject}, {@code ID.text} and {@code ID.html}, each
 * optional, in Mustache (logic-less: {@code {{name}}}, sections, no code). HTML is escaped in the HTML template only
 * ({@code {{{raw}}}} leaves it); the subject and text templates take values as they are. A template is read when used,
 * so edits apply at once.
 */
final class Templates {

    /** A rendered template: any of the three may be {@code null} when the template has no such file. */
    record Rendered(String subject, String text, String html) {}

    private static final Mustache.Compiler PLAIN = Mustache.compiler().escapeHTML(false).defaultValue("");
    private static final Mustache.Compiler HTML = Mustache.compiler().escapeHTML(true).defaultValue("");

    /** A template name: never a path. */
    static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final Path directory;

    Templates(Path directory) {
        this.directory = directory;
    }

    /**
     * Renders template {@code id} with {@code model}.
     *
     * @throws ApiProblem 422 when there is no such template or it does not render
     */
    Rendered render(String id, Map<String, Object> model) throws ApiProblem {
        if (id == null || !NAME.matcher(id).matches()) { // never a path: every door's ids come here
            throw notFound(id);
        }
        Path subject = directory.resolve(id + ".subject");
        Path text = directory.resolve(id + ".text");
        Path html = directory.resolve(id + ".html");
        if (!Files.isRegularFile(subject) && !Files.isRegularFile(text) && !Files.isRegularFile(html)) {
            throw notFound(id);
        }
        try {
            return new Rendered(render(PLAIN, subject, model), render(PLAIN, text, model), render(HTML, html, model));
        } catch (IOException | MustacheException e) {
            throw ApiProblem.unprocessable("template-error", "The template does not render", "template '" + id
                    + "': " + e.getMessage(), java.util.List.of(), "5.6.0");
        }
    }

    /** The client learns that there is no such template, not where the hub keeps them. */
    private static ApiProblem notFound(String id) {
        return ApiProblem.unprocessable("template-not-found", "No such template", "there is no template '" + id
                + "' (a name of letters, digits, '.', '_' or '-' with files NAME.subject, NAME.text or NAME.html in the"
                + " hub's templates directory)", java.util.List.of(new ApiProblem.FieldError("template.id",
                        "is not a template")), "5.6.0");
    }

    private static String render(Mustache.Compiler compiler, Path file, Map<String, Object> model) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Template t = compiler.compile(Files.readString(file, StandardCharsets.UTF_8));
        return t.execute(model);
    }
}
