package io.mailhub.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mustache templates of a directory: {@code ID.subject}, {@code ID.text} and {@code ID.html}, each optional. */
class TemplatesTest {

    @TempDir
    Path dir;

    private Path templates() throws Exception {
        return Files.createDirectories(dir.resolve("templates"));
    }

    private void write(String file, String text) throws Exception {
        Files.writeString(templates().resolve(file), text);
    }

    private ApiProblem refusalOf(String id, Map<String, Object> model) throws Exception {
        try {
            new Templates(templates()).render(id, model);
        } catch (ApiProblem p) {
            return p;
        }
        return fail("template " + id + " rendered");
    }

    @Test
    void allThreeFilesAreRenderedWithTheModel() throws Exception {
        write("welcome.subject", "Welcome, {{name}}");
        write("welcome.text", "Hello {{name}},\nyour code is {{code}}.\n");
        write("welcome.html", "<p>Hello {{name}}, your code is <b>{{code}}</b>.</p>");

        Templates.Rendered r = new Templates(templates()).render("welcome", Map.of("name", "Ann", "code", "A-17"));

        assertThat(r.subject()).isEqualTo("Welcome, Ann");
        assertThat(r.text()).isEqualTo("Hello Ann,\nyour code is A-17.\n");
        assertThat(r.html()).isEqualTo("<p>Hello Ann, your code is <b>A-17</b>.</p>");
    }

    @Test
    void valuesAreEscapedInTheHtmlOnly() throws Exception {
        String name = "Tom & Jerry <tj@x.test>";
        write("n.subject", "For {{name}}");
        write("n.text", "For {{name}}");
        write("n.html", "<p>For {{name}}</p>");

        Templates.Rendered r = new Templates(templates()).render("n", Map.of("name", name));

        assertThat(r.subject()).isEqualTo("For " + name);
        assertThat(r.text()).isEqualTo("For " + name);
        assertThat(r.html()).isEqualTo("<p>For Tom &amp; Jerry &lt;tj@x.test&gt;</p>");
    }

    @Test
    void tripleBracesLeaveHtmlAsItIs() throws Exception {
        write("raw.html", "<div>{{{snippet}}}</div>");

        assertThat(new Templates(templates()).render("raw", Map.of("snippet", "<b>bold</b>")).html())
                .isEqualTo("<div><b>bold</b></div>");
    }

    @Test
    void aTemplateMayHaveOnlySomeOfItsFiles() throws Exception {
        write("textonly.text", "just text");

        Templates.Rendered r = new Templates(templates()).render("textonly", Map.of());

        assertThat(r.text()).isEqualTo("just text");
        assertThat(r.subject()).isNull();
        assertThat(r.html()).isNull();
    }

    @Test
    void aMissingValueRendersAsNothing() throws Exception {
        write("m.text", "Dear {{title}} {{name}}.");

        assertThat(new Templates(templates()).render("m", Map.of("name", "Ann")).text()).isEqualTo("Dear  Ann.");
    }

    @Test
    void sectionsListsAndNestedValuesRender() throws Exception {
        write("order.text", "Order {{order.id}}:\n{{#order.items}}- {{name}} x{{qty}}\n{{/order.items}}"
                + "{{^order.paid}}Not paid yet.{{/order.paid}}");

        Templates.Rendered r = new Templates(templates()).render("order", Map.of("order", Map.of("id", "A-17", "paid",
                false, "items", List.of(Map.of("name", "tea", "qty", 2), Map.of("name", "cup", "qty", 1)))));

        assertThat(r.text()).isEqualTo("Order A-17:\n- tea x2\n- cup x1\nNot paid yet.");
    }

    @Test
    void anEditAppliesToTheNextMessage() throws Exception {
        write("e.text", "first version");
        Templates templates = new Templates(templates());
        assertThat(templates.render("e", Map.of()).text()).isEqualTo("first version");

        write("e.text", "second version");

        assertThat(templates.render("e", Map.of()).text()).isEqualTo("second version");
    }

    @Test
    void aMissingTemplateIsA422TemplateNotFoundNamingTheFilesLookedForButNotWhereTheHubKeepsThem() throws Exception {
        write("welcome.text", "hello");

        ApiProblem p = refusalOf("welcom", Map.of());

        assertThat(p.status).isEqualTo(422);
        assertThat(p.type).isEqualTo("template-not-found");
        assertThat(p.enhancedStatus).isEqualTo("5.6.0");
        assertThat(p.errors).containsExactly(new ApiProblem.FieldError("template.id", "is not a template"));
        assertThat(p.detail()).contains("'welcom'").doesNotContain(templates().toString())
                .contains("NAME.subject, NAME.text or NAME.html");
    }

    @Test
    void aDirectoryIsNotATemplateFile() throws Exception {
        Files.createDirectories(templates().resolve("d.text"));

        assertThat(refusalOf("d", Map.of()).type).isEqualTo("template-not-found");
    }

    @Test
    void aTemplateThatDoesNotCompileIsA422TemplateError() throws Exception {
        write("broken.subject", "fine");
        write("broken.html", "<p>{{#items}}never closed</p>");

        ApiProblem p = refusalOf("broken", Map.of("items", List.of(1)));

        assertThat(p.status).isEqualTo(422);
        assertThat(p.type).isEqualTo("template-error");
        assertThat(p.enhancedStatus).isEqualTo("5.6.0");
        assertThat(p.detail()).startsWith("template 'broken': ");
    }

    @Test
    void aTemplateIdCannotReachFilesOutsideTheDirectory() throws Exception {
        Files.writeString(templates().resolveSibling("secret.text"), "not a template: a file beside the directory");
        Path elsewhere = Files.writeString(Files.createTempFile(dir, "abs", ".text"), "an absolute path");
        String absolute = elsewhere.toString().substring(0, elsewhere.toString().length() - ".text".length());

        assertThat(refusalOf("../secret", Map.of()).type).isEqualTo("template-not-found");
        assertThat(refusalOf(absolute, Map.of()).type).isEqualTo("template-not-found");
    }
}
