package io.mailhub.ingress.http;

import io.mailhub.routing.AttachmentStore;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code GET /api/v1/attachments/{token}?expires=UNIX&signature=SIG}: an attachment the webhook action sent by
 * reference. No API key: the signed link is the credential (the receiver of the webhook has no key). A signature
 * that is missing or wrong is {@code 403 link-invalid}, a link past its expiry {@code 410 link-expired}, a token the
 * hub does not have (never, or no longer) {@code 404 not-found}. The content is served as an attachment that browsers
 * may not sniff or render in the hub's origin.
 */
public final class AttachmentServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient AttachmentStore store;

    public AttachmentServlet(AttachmentStore store) {
        this.store = store;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        switch (req.getMethod()) {
            case "GET", "HEAD" -> super.service(req, resp);
            default -> {
                resp.setHeader("Allow", "GET, HEAD");
                ApiResponses.problem(resp, new ApiProblem(405, "method-not-allowed", "Method not allowed",
                        req.getMethod() + " is not a method of attachment links (GET, HEAD)", List.of(), "5.5.1", 0),
                        req.getRequestURI());
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String token = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
        AttachmentStore.Lookup found = store.lookup(token, req.getParameter("expires"), req.getParameter("signature"));
        ApiProblem problem = switch (found.status()) {
            case BAD_SIGNATURE -> new ApiProblem(403, "link-invalid", "The link is not valid", "the signature does not"
                    + " match the token and expiry: use the url of the webhook's JSON as it is", List.of(), "5.7.0", 0);
            case EXPIRED -> new ApiProblem(410, "link-expired", "The link has expired", "the link expired at "
                    + java.time.Instant.ofEpochSecond(Long.parseLong(req.getParameter("expires")))
                    + "; the attachment is deleted", List.of(), "5.4.7", 0);
            case NOT_FOUND -> notFound(req);
            case FOUND -> null;
        };
        if (problem != null) {
            ApiResponses.problem(resp, problem, req.getRequestURI());
            return;
        }
        AttachmentStore.Stored s = found.stored();
        resp.setStatus(200);
        resp.setContentType(s.contentType().matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+") ? s.contentType()
                : "application/octet-stream");
        resp.setContentLengthLong(s.size());
        resp.setHeader("Content-Disposition", disposition(s.filename()));
        resp.setHeader("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of()
                .parseHex(s.sha256())) + ":");
        resp.setHeader("ETag", "\"" + s.sha256() + "\"");
        resp.setHeader("Cache-Control", "private, no-transform");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Content-Security-Policy", "sandbox; default-src 'none'");
        resp.setHeader("Referrer-Policy", "no-referrer");
        if (req.getMethod().equals("HEAD")) {
            return;
        }
        try {
            Files.copy(found.content(), resp.getOutputStream());
        } catch (NoSuchFileException swept) { // deleted between the lookup and the copy: the link expired just now
            resp.reset();
            ApiResponses.problem(resp, notFound(req), req.getRequestURI());
        }
    }

    private static ApiProblem notFound(HttpServletRequest req) {
        return new ApiProblem(404, "not-found", "No such attachment", req.getRequestURI() + " is not an attachment"
                + " of this hub", List.of(), "5.5.1", 0);
    }

    /** {@code attachment; filename="ascii"; filename*=UTF-8''pct-encoded} (RFC 6266, RFC 8187). */
    static String disposition(String filename) {
        if (filename == null || filename.isBlank()) {
            return "attachment";
        }
        String ascii = filename.replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "_");
        String encoded = URLEncoder.encode(filename, StandardCharsets.UTF_8).replace("+", "%20")
                .replace("*", "%2A");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }
}
