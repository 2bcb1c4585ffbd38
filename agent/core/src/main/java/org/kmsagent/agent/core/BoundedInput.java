package org.kmsagent.agent.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kmsagent.api.ProductKey;

/**
 * Reading what a user points at, and quoting back what a user wrote, without trusting either: files are read up to a
 * bound (so {@code /dev/zero} or a huge file is refused instead of filling the heap), and text quoted in an error is
 * shortened and its control characters escaped (so a 1 MB value or a terminal escape is not echoed back).
 */
public final class BoundedInput {
    private BoundedInput() {}

    /** U+FEFF, which Windows Notepad writes first in a file saved as UTF-8. */
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    /** The longest quoted value in a message. */
    public static final int SHOWN_CHARS = 60;

    /** The longest client text kept by {@link #printable}. */
    public static final int PRINTABLE_CHARS = 80;

    /**
     * The longest reason taken from a parser or a library: far above any real one (parsers shorten the values they
     * quote themselves), so it only stops a runaway message.
     */
    public static final int REASON_CHARS = 500;

    /** A file too large for what it should hold. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    /**
     * Reads a UTF-8 text file of at most {@code maxBytes}, without the byte order mark Windows Notepad writes at the
     * start of a file it saves as UTF-8 (a token, a fingerprint or a YAML key would otherwise begin with U+FEFF).
     *
     * @throws TooLargeException it holds more (the message says how much is allowed)
     * @throws IOException it cannot be read, or is not UTF-8
     */
    public static String readText(Path file, int maxBytes) throws IOException {
        byte[] data = readBytes(file, maxBytes);
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
            return text.startsWith(BYTE_ORDER_MARK) ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8 text");
        }
    }

    /**
     * The bytes of a file of the user's, refused when it holds more than {@code maxBytes} (a binary certificate, say).
     *
     * @throws TooLargeException it holds more (the message says how much is allowed)
     * @throws IOException it cannot be read
     */
    public static byte[] readBytes(Path file, int maxBytes) throws IOException {
        byte[] data;
        try (InputStream in = Files.newInputStream(file)) {
            data = in.readNBytes(maxBytes + 1);
        }
        if (data.length > maxBytes) {
            throw new TooLargeException("larger than " + describe(maxBytes) + ", more than such a file ever holds");
        }
        return data;
    }

    private static String describe(int bytes) {
        return bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0
                ? bytes / (1024 * 1024) + " MiB"
                : bytes >= 1024 && bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " bytes";
    }

    /**
     * A user's value made safe to quote in a one-line message: anything shaped like a product key masked to its last
     * five ({@link ProductKey#maskKeysIn}: a key typed where a host or a family goes must not reach a log whole),
     * control characters escaped as Java escapes (newline as backslash n), at most {@link #SHOWN_CHARS} characters,
     * then an ellipsis and the full length.
     */
    public static String shown(String text) {
        return cut(ProductKey.maskKeysIn(text), SHOWN_CHARS);
    }

    /** The longest file path quoted by {@link #shownPath}: Windows' classic MAX_PATH. */
    public static final int PATH_CHARS = 260;

    /**
     * A file path the user gave, quoted as {@link #shown} quotes a value but cut only past {@link #PATH_CHARS}: a
     * path cut at 60 characters would no longer say which file is meant.
     */
    public static String shownPath(String path) {
        return cut(path, PATH_CHARS);
    }

    private static String cut(String text, int max) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (; i < text.length() && b.length() < max; i++) {
            escape(b, text.charAt(i));
        }
        if (i < text.length()) {
            b.append("\u2026 (").append(text.length()).append(" characters)");
        }
        return b.toString();
    }

    /**
     * Text a remote client chose (its name, an address, an id, an error it caused) made safe for one log line, audit
     * record or error reply: each control character replaced by {@code ?}, anything shaped like a product key masked
     * to its last five ({@link ProductKey#maskKeysIn}), at most {@link #PRINTABLE_CHARS} characters, then {@code
     * ...}; {@code (none)} for null. {@link #shown} is for a user's own value quoted back in an error, where the
     * escapes tell them what they typed.
     */
    public static String printable(String text) {
        if (text == null) {
            return "(none)";
        }
        String clean = ProductKey.maskKeysIn(text.replaceAll("\\p{Cntrl}", "?"));
        return clean.length() > PRINTABLE_CHARS ? clean.substring(0, PRINTABLE_CHARS) + "..." : clean;
    }

    /** SnakeYAML's mark line, {@code  in 'reader', line 4, column 9:}. */
    private static final Pattern YAML_MARK = Pattern.compile("^\\s*in '[^']*', (line \\d+, column \\d+):?\\s*$");

    /** Jackson's location, {@code [Source: REDACTED (...); line: 1, column: 10]}. */
    private static final Pattern JSON_LOCATION =
            Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");

    /**
     * A parser's or library's message as one line, kept whole: its lines joined with "; ", a YAML mark as "(line 4,
     * column 9)", the input snippet and caret lines a YAML parser adds left out (they echo the file), Jackson's
     * source location shortened to "line 1, column 10", and control characters escaped as in {@link #shown}.
     */
    public static String reason(String message) {
        if (message == null || message.isBlank()) {
            return "invalid";
        }
        List<String> parts = new ArrayList<>();
        for (String line : message.lines().toList()) {
            Matcher mark = YAML_MARK.matcher(line);
            if (mark.matches() && !parts.isEmpty()) {
                parts.set(parts.size() - 1, parts.get(parts.size() - 1) + " (" + mark.group(1) + ")");
            } else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                parts.add(line.strip());
            }
        }
        String text = String.join("; ", parts.isEmpty() ? List.of(message.strip()) : parts);
        text = JSON_LOCATION.matcher(text).replaceAll("line $1, column $2");
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (; i < text.length() && b.length() < REASON_CHARS; i++) {
            escape(b, text.charAt(i));
        }
        if (i < text.length()) {
            b.append("\u2026 (").append(text.length()).append(" characters)");
        }
        return b.toString();
    }

    /**
     * Text built around a user's values (a key path they wrote, say) with its control characters escaped as in
     * {@link #shown}, not shortened: for a whole message line whose values were already shortened.
     */
    public static String escaped(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            escape(b, text.charAt(i));
        }
        return b.toString();
    }

    /**
     * Whether {@code c} is a control character as a message escapes it: C0 and C1 controls, format characters, and the
     * line and paragraph separators U+2028 and U+2029 (YAML's {@code \L} and {@code \P}), which break a line too.
     */
    public static boolean isControl(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c)
                || type == Character.FORMAT
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static void escape(StringBuilder b, char c) {
        if (c == '\n') {
            b.append("\\n");
        } else if (c == '\t') {
            b.append("\\t");
        } else if (isControl(c)) {
            b.append(String.format("\\u%04x", (int) c));
        } else {
            b.append(c);
        }
    }
}
