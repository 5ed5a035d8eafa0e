package dev.sluice.ledger;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV, read one record at a time: comma-separated, fields optionally in double quotes
 * (a quote inside doubled), quoted fields may hold commas and line breaks; CRLF or LF line ends;
 * a leading UTF-8 byte order mark is skipped. Blank lines are dropped. Only the record being read
 * is held, so an import's memory does not grow with the size of its body.
 */
final class CsvLines {
    /** Characters one field may have: every spend field is far shorter; this bounds a hostile one. */
    static final int MAX_FIELD_CHARS = 65_536;
    /** Fields one record may have (an ad platform's widest export has under a hundred columns). */
    static final int MAX_FIELDS = 1_000;

    private final Reader in;
    private final StringBuilder field = new StringBuilder();
    /** The character read ahead, or -2 when none is. */
    private int ahead = -2;
    private boolean started;

    /** Reads from {@code in}, which should be buffered. */
    CsvLines(Reader in) {
        this.in = in;
    }

    /** The next record, or null at the end; throws when a quoted field is left open. */
    List<String> next() throws IOException, MalformedCsvException {
        if (!started) {
            started = true;
            int first = read();
            if (first != '\uFEFF') {
                ahead = first;
            }
        }
        List<String> record = new ArrayList<>();
        field.setLength(0);
        boolean quoted = false;
        boolean fieldStarted = false;
        while (true) {
            int c = read();
            if (c == -1) {
                if (quoted) {
                    throw new MalformedCsvException("a quoted field is open");
                }
                return end(record, fieldStarted) ? record : null;
            }
            if (quoted) {
                if (c == '"') {
                    int n = read();
                    if (n == '"') {
                        append('"');
                    } else {
                        ahead = n;
                        quoted = false;
                    }
                } else {
                    append(c);
                }
            } else if (c == '"' && !fieldStarted) {
                quoted = true;
                fieldStarted = true;
            } else if (c == ',') {
                if (record.size() == MAX_FIELDS - 1) {
                    throw new MalformedCsvException("a record has more than " + MAX_FIELDS + " fields");
                }
                record.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r') {
                    int n = read();
                    if (n != '\n') {
                        ahead = n;
                    }
                }
                if (end(record, fieldStarted)) {
                    return record;
                }
                fieldStarted = false;
            } else {
                append(c);
                fieldStarted = true;
            }
        }
    }

    private void append(int c) throws MalformedCsvException {
        if (field.length() == MAX_FIELD_CHARS) {
            throw new MalformedCsvException("a field is longer than " + MAX_FIELD_CHARS + " characters");
        }
        field.append((char) c);
    }

    private int read() throws IOException {
        if (ahead != -2) {
            int c = ahead;
            ahead = -2;
            return c;
        }
        return in.read();
    }

    /** Ends the record at a line end; false when it is a blank line (nothing in it). */
    private boolean end(List<String> record, boolean fieldStarted) {
        if (record.isEmpty() && !fieldStarted && field.isEmpty()) {
            return false;
        }
        record.add(field.toString());
        field.setLength(0);
        return true;
    }

    /** The text is not CSV. */
    static final class MalformedCsvException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedCsvException(String message) {
            super(message);
        }
    }
}
