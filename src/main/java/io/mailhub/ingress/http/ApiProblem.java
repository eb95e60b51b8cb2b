package io.mailhub.ingress.http;

import java.util.List;

/**
 * A request the API refuses, as an RFC 9457 problem: a stable {@code type} per reason (documented in
 * docs/http-api.md), the HTTP status, a one-line detail, the field errors, and the SMTP enhanced status code the SMTP
 * door would have given for the same reason.
 */
final class ApiProblem extends Exception {

    private static final long serialVersionUID = 1L;

    /** One field's problem: {@code attachments[2].content}, "is not valid base64". */
    record FieldError(String field, String message) {}

    final int status;
    final String type;
    final String title;
    final transient List<FieldError> errors;
    final String enhancedStatus;
    /** Seconds a client should wait (Retry-After), or 0. */
    final long retryAfter;
    /** The SMTP reply code the SMTP door gives for the same reason, when the problem comes from one, else 0. */
    int replyCode;
    /** Whether the acceptance stage counted this refusal already (mailhub_rejections_total). */
    boolean counted;

    ApiProblem(int status, String type, String title, String detail, List<FieldError> errors, String enhancedStatus,
            long retryAfter) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.enhancedStatus = enhancedStatus;
        this.retryAfter = retryAfter;
    }

    /** A malformed request: bad JSON, a wrong type, an unknown field (400, 5.5.2 like an SMTP syntax error). */
    static ApiProblem invalid(String detail, List<FieldError> errors) {
        return new ApiProblem(400, "invalid-request", "The request is malformed", detail, errors, "5.5.2", 0);
    }

    static ApiProblem invalid(String field, String message) {
        return invalid(field + ": " + message, List.of(new FieldError(field, message)));
    }

    /** A well-formed request that cannot be sent as it is: no recipient, a bad address, ... (422). */
    static ApiProblem unprocessable(String type, String title, String detail, List<FieldError> errors, String enhanced) {
        return new ApiProblem(422, type, title, detail, errors, enhanced, 0);
    }

    /**
     * The key may not send as this address (403, 5.7.1); counted as the SMTP door's {@code 553 5.7.1} for a login
     * that does not own the sender.
     */
    static ApiProblem senderNotAllowed(String detail, List<FieldError> errors) {
        ApiProblem p = new ApiProblem(403, "sender-not-allowed", "The sender is not allowed", detail, errors, "5.7.1", 0);
        p.replyCode = 553;
        return p;
    }

    String detail() {
        return getMessage();
    }
}
