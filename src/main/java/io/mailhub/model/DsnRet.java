package io.mailhub.model;

/** The RFC 3461 RET value: whether a failure DSN returns the full message or its headers only. */
public enum DsnRet {
    FULL,
    HDRS
}
