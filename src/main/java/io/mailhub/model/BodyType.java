package io.mailhub.model;

/** The RFC 6152 BODY parameter: whether the content may contain octets above 127. */
public enum BodyType {
    SEVEN_BIT("7BIT"),
    EIGHT_BIT_MIME("8BITMIME");

    private final String keyword;

    BodyType(String keyword) {
        this.keyword = keyword;
    }

    /** The value as written in {@code BODY=}. */
    public String keyword() {
        return keyword;
    }

    /** Parses a BODY value; {@code null} when it is not one we support (BINARYMIME is not offered). */
    public static BodyType fromKeyword(String value) {
        for (BodyType t : values()) {
            if (t.keyword.equalsIgnoreCase(value)) {
                return t;
            }
        }
        return null;
    }
}
