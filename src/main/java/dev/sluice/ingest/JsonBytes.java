package dev.sluice.ingest;

import dev.sluice.privacy.HashedIdentity;
import dev.sluice.privacy.PayloadFormat;
import dev.sluice.privacy.PiiField;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A small JSON writer straight into a byte array, for the payload sealed with every accepted
 * event and for ingest's HTTP answers. It writes what Jackson's UTF-8 generator writes for the same calls (UTF-8, the short
 * escapes for {@code \b \t \n \f \r}, {@code \}{@code u00XX} for other control characters,
 * characters beyond the Basic Multilingual Plane and unpaired surrogates as escaped surrogates),
 * with one difference: field names known in advance ({@link Name}) are encoded once, not per
 * event.
 *
 * <p>Commas are placed by the writer: each nesting level remembers whether it has a member yet.
 * Nesting is at most 62 levels deep, far more than the payload's four.
 */
public final class JsonBytes {
    /** A field name encoded once: {@code "name":}. */
    public static final class Name {
        private final byte[] encoded;

        private Name(byte[] encoded) {
            this.encoded = encoded;
        }
    }

    /** Characters below 0x80 that are escaped: the escape's second character, or 'u' for the long form. */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\b'] = 'b';
        ESCAPE['\t'] = 't';
        ESCAPE['\n'] = 'n';
        ESCAPE['\f'] = 'f';
        ESCAPE['\r'] = 'r';
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private byte[] buf;
    private int pos;
    /** Bit d set: the container at depth d already has a member, so the next one needs a comma. */
    private long hasMember;
    private int depth;

    public JsonBytes(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Encodes a field name once, for use with {@link #field(Name)}. */
    public static Name name(String name) {
        JsonBytes out = new JsonBytes(name.length() + 8);
        out.quoted(name);
        out.put((byte) ':');
        return new Name(Arrays.copyOf(out.buf, out.pos));
    }

    public JsonBytes startObject() {
        return open((byte) '{');
    }

    public JsonBytes endObject() {
        return close((byte) '}');
    }

    public JsonBytes startArray() {
        return open((byte) '[');
    }

    public JsonBytes endArray() {
        return close((byte) ']');
    }

    public JsonBytes field(Name name) {
        separate();
        ensure(name.encoded.length);
        System.arraycopy(name.encoded, 0, buf, pos, name.encoded.length);
        pos += name.encoded.length;
        // The value that follows is part of this member: no comma before it.
        hasMember &= ~(1L << depth);
        return this;
    }

    /** A field name not known in advance (map keys). */
    JsonBytes field(String name) {
        separate();
        quoted(name);
        put((byte) ':');
        hasMember &= ~(1L << depth);
        return this;
    }

    public JsonBytes string(String value) {
        separate();
        quoted(value);
        return this;
    }

    public JsonBytes number(long value) {
        separate();
        ascii(Long.toString(value));
        return this;
    }

    /** A number already in JSON form, such as {@code BigDecimal.toString()}. */
    JsonBytes number(String json) {
        separate();
        ascii(json);
        return this;
    }

    JsonBytes bool(boolean value) {
        separate();
        bytes(value ? TRUE : FALSE);
        return this;
    }

    JsonBytes nul() {
        separate();
        bytes(NULL);
        return this;
    }

    /**
     * The identity's hashed value of {@code field} in the stored payload's form
     * ({@link PayloadFormat#hashed}), written without building that form as a string first: from
     * the digest's bytes where the identity has them, else from its hex.
     */
    JsonBytes hashed(HashedIdentity identity, PiiField field) {
        separate();
        ensure(PayloadFormat.STORED_DIGEST_LENGTH + 2 + PayloadFormat.DIGEST_BYTES);
        // The bytes go past the stored form's end first, then become its base64url.
        int scratch = pos + PayloadFormat.STORED_DIGEST_LENGTH + 2;
        if (identity.copyDigest(field, buf, scratch)) {
            PayloadFormat.writeDigest(buf, scratch, buf, pos + 1);
            closeStoredDigest();
        } else {
            storedOrQuoted(identity.hash(field));
        }
        return this;
    }

    private void storedOrQuoted(String value) {
        ensure(PayloadFormat.STORED_DIGEST_LENGTH + 2);
        if (PayloadFormat.writeDigest(value, buf, pos + 1)) {
            closeStoredDigest();
        } else {
            quoted(PayloadFormat.hashed(value));
        }
    }

    private void closeStoredDigest() {
        buf[pos] = '"';
        buf[pos + 1 + PayloadFormat.STORED_DIGEST_LENGTH] = '"';
        pos += PayloadFormat.STORED_DIGEST_LENGTH + 2;
    }

    /**
     * The identity's hashed value of {@code field} for a payload's own part: a digest raw
     * ({@link PayloadFormat#RAW_DIGEST} and its bytes, which {@link dev.sluice.privacy.PayloadParts#splice}
     * writes out as a stored value again), copied where the identity has its bytes and parsed from
     * its hex where not ({@link PayloadFormat#writeRawDigest}); anything else as {@link #hashed}
     * writes it. What this writes is JSON only once spliced.
     */
    JsonBytes rawHashed(HashedIdentity identity, PiiField field) {
        separate();
        ensure(PayloadFormat.RAW_DIGEST_LENGTH);
        if (identity.copyDigest(field, buf, pos + 1)) {
            buf[pos] = PayloadFormat.RAW_DIGEST;
            pos += PayloadFormat.RAW_DIGEST_LENGTH;
            return this;
        }
        String value = identity.hash(field);
        if (PayloadFormat.writeRawDigest(value, buf, pos)) {
            pos += PayloadFormat.RAW_DIGEST_LENGTH;
        } else {
            storedOrQuoted(value);
        }
        return this;
    }

    public JsonBytes stringField(Name name, String value) {
        return field(name).string(value);
    }

    public byte[] toBytes() {
        requireClosed();
        return Arrays.copyOf(buf, pos);
    }

    /** The bytes written so far are {@code buffer()[0..length())}; valid until the next write or {@link #reset}. */
    byte[] buffer() {
        requireClosed();
        return buf;
    }

    int length() {
        return pos;
    }

    /** Empties the writer, keeping its buffer, so that one writer serves many payloads. */
    JsonBytes reset() {
        pos = 0;
        depth = 0;
        hasMember = 0;
        return this;
    }

    private void requireClosed() {
        if (depth != 0) {
            throw new IllegalStateException("unclosed object or array");
        }
    }

    private JsonBytes open(byte bracket) {
        separate();
        if (depth == 62) {
            throw new IllegalStateException("nested too deep");
        }
        put(bracket);
        depth++;
        hasMember &= ~(1L << depth);
        return this;
    }

    private JsonBytes close(byte bracket) {
        if (depth == 0) {
            throw new IllegalStateException("nothing to close");
        }
        depth--;
        put(bracket);
        return this;
    }

    /** Before a value or a field: a comma when the container already has a member. */
    private void separate() {
        long bit = 1L << depth;
        if ((hasMember & bit) != 0) {
            put((byte) ',');
        }
        hasMember |= bit;
    }

    private void quoted(String s) {
        int len = s.length();
        ensure(len + 2);
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        int i = 0;
        // The common case: printable ASCII, copied byte per character.
        for (; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || ESCAPE[c] != 0) {
                break;
            }
            b[p++] = (byte) c;
        }
        pos = p;
        if (i < len) {
            escaped(s, i);
        }
        put((byte) '"');
    }

    /** The rest of {@code s} from {@code from}: escapes, UTF-8 sequences, unpaired surrogates. */
    private void escaped(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            ensure(12);
            if (c < 0x80) {
                byte escape = ESCAPE[c];
                if (escape == 0) {
                    buf[pos++] = (byte) c;
                } else if (escape == 'u') {
                    unicodeEscape(c);
                } else {
                    buf[pos++] = '\\';
                    buf[pos++] = escape;
                }
            } else if (c < 0x800) {
                buf[pos++] = (byte) (0xc0 | (c >> 6));
                buf[pos++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) {
                // Characters beyond the BMP, as Jackson writes them: both halves escaped.
                unicodeEscape(c);
            } else {
                buf[pos++] = (byte) (0xe0 | (c >> 12));
                buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buf[pos++] = (byte) (0x80 | (c & 0x3f));
            }
        }
    }

    private void unicodeEscape(char c) {
        buf[pos++] = '\\';
        buf[pos++] = 'u';
        buf[pos++] = HEX[(c >> 12) & 0xf];
        buf[pos++] = HEX[(c >> 8) & 0xf];
        buf[pos++] = HEX[(c >> 4) & 0xf];
        buf[pos++] = HEX[c & 0xf];
    }

    private void ascii(String s) {
        int len = s.length();
        ensure(len);
        for (int i = 0; i < len; i++) {
            buf[pos++] = (byte) s.charAt(i);
        }
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    private void put(byte b) {
        ensure(1);
        buf[pos++] = b;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
