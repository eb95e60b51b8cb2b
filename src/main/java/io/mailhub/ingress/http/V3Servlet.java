package io.mailhub.ingress.http;

import io.mailhub.auth.ApiKey;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v3/...}: SendGrid's {@code /v3/mail/send} and Mailgun's {@code /v3/{domain}/messages(.mime)}, and their bounce
 * lists ({@link V3Suppressions}).
 */
final class V3Servlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");
    private static final Pattern MAILGUN = Pattern.compile("/([A-Za-z0-9.-]+)/messages(\\.mime)?");

    private final transient ApiDoor door;
    private final transient SendGridServlet sendGrid;
    private final transient MailgunServlet mailgun;

    private final transient V3Suppressions bounces;

    /** @param suppressions the hub's suppression list, which the bounce lists show, or {@code null}: not offered */
    V3Servlet(ApiDoor door, io.mailhub.delivery.Suppressions suppressions) {
        this.door = door;
        this.sendGrid = new SendGridServlet(door);
        this.mailgun = new MailgunServlet(door);
        this.bounces = new V3Suppressions(door, suppressions);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws jakarta.servlet.ServletException,
            IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        if (bounces.serves(path)) {
            bounces.handle(req, resp, path);
        } else {
            super.service(req, resp);
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        Matcher mg = MAILGUN.matcher(path);
        boolean isSendGrid = path.equals("/mail/send");
        try {
            if (!isSendGrid && !mg.matches()) {
                throw new ApiProblem(404, "not-found", "No such resource", "POST /v3" + path + " is not an endpoint"
                        + " of the SendGrid or Mailgun aliases", List.of(), "5.5.1", 0);
            }
            ApiKey key = door.auth.authenticateSender(req);
            if (isSendGrid) {
                sendGrid.send(req, resp, key);
            } else {
                mailgun.send(req, resp, key, mg.group(2) != null);
            }
        } catch (ApiProblem p) {
            ApiDoor.drainRest(req);
            if (isSendGrid) {
                SendGridServlet.error(resp, p);
            } else {
                MailgunServlet.error(resp, p);
            }
        } catch (RuntimeException e) {
            LOG.error("POST /v3{} failed", path, e);
            ApiProblem p = new ApiProblem(500, "internal-error", "The hub failed", e.toString(), List.of(), "4.3.0", 0);
            if (isSendGrid) {
                SendGridServlet.error(resp, p);
            } else {
                MailgunServlet.error(resp, p);
            }
        }
    }
}
