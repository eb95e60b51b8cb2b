package io.mailhub.ingress.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A response kept in memory (status, Location, body), so that it can be stored for an Idempotency-Key, then sent. */
final class CapturedResponse extends HttpServletResponseWrapper {

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status = SC_OK;
    private String location;

    CapturedResponse(HttpServletResponse response) {
        super(response);
    }

    @Override
    public void setStatus(int sc) {
        this.status = sc;
        super.setStatus(sc);
    }

    @Override
    public void setHeader(String name, String value) {
        if (name.equalsIgnoreCase("Location")) {
            location = value;
        }
        super.setHeader(name, value);
    }

    @Override
    public boolean isCommitted() {
        return false;
    }

    @Override
    public ServletOutputStream getOutputStream() {
        return new ServletOutputStream() {
            @Override
            public void write(int b) {
                body.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                body.write(b, off, len);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException("blocking only");
            }
        };
    }

    int status() {
        return status;
    }

    String location() {
        return location;
    }

    String body() {
        return body.toString(StandardCharsets.UTF_8);
    }

    /** Sends what was captured. */
    void send() throws IOException {
        HttpServletResponse real = (HttpServletResponse) getResponse();
        real.setContentLength(body.size());
        body.writeTo(real.getOutputStream());
    }
}
