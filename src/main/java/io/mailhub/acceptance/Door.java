package io.mailhub.acceptance;

/**
 * The way a message came in. Its {@link #label()} is the one word logs, routes (the {@code MailhubIngress} property)
 * and metrics use.
 */
public enum Door {
    SMTP("smtp"),
    SUBMISSION("submission"),
    SMTPS("smtps"),
    HTTP("http"),
    PICKUP("pickup"),
    JMS("jms"),
    WEBHOOK("webhook");

    private final String label;

    Door(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
