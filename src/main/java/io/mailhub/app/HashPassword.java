package io.mailhub.app;

import io.mailhub.auth.Passwords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code java -jar mailhub.jar hash-password}: reads one password from standard input (the first line; a terminal
 * does not echo it when the console is available) and prints its bcrypt hash for the users file, so operators never
 * store a plaintext password.
 */
final class HashPassword {

    private HashPassword() {}

    static int run(InputStream stdin, PrintStream out, PrintStream err) {
        char[] password;
        try {
            password = System.console() != null && stdin == System.in
                    ? System.console().readPassword("Password: ")
                    : firstLine(stdin);
        } catch (IOException e) {
            err.println("mailhub hash-password: cannot read the password: " + e.getMessage());
            return 2;
        }
        if (password == null || password.length == 0) {
            err.println("mailhub hash-password: no password given (write it on standard input, one line)");
            return 2;
        }
        try {
            out.println(Passwords.hash(password));
            return 0;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static char[] firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, n));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            return password;
        } catch (CharacterCodingException e) {
            throw new IOException("the password is not UTF-8", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
