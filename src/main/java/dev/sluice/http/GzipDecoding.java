package dev.sluice.http;

import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;
import io.helidon.http.encoding.ContentEncodingContext;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Request bodies sent with {@code Content-Encoding: gzip}, as many analytics SDKs send them,
 * decoded with the JDK's inflater before a handler reads them (Helidon's own gzip module is not
 * among the artifacts this build resolves). Decoding only: answers are never compressed. Every
 * handler bounds what it reads of the decoded body by its own limit, so a small body that
 * inflates to gigabytes is refused at that limit (413), and ingest admits an encoded body by
 * what it inflates to, as a body of unknown length ({@link IngestHandler}).
 *
 * <p>Data that is not gzip, or ends inside the gzip stream, fails the read with
 * {@link BadContent}, which the handlers answer 400 {@code bad-content-encoding}.
 */
final class GzipDecoding implements ContentEncoding {

    private static final ContentEncodingContext CONTEXT = new AnyCase(ContentEncodingContext.builder()
            .contentEncodingsDiscoverServices(false)
            .addContentEncoding(new GzipDecoding())
            .build());

    /** The listeners' content codings: gzip decoding, nothing else; other codings get 415. */
    static ContentEncodingContext context() {
        return CONTEXT;
    }

    /** Whether a request's {@code Content-Encoding} value names a coding the listeners cannot undo. */
    static boolean unsupported(String contentEncoding) {
        return encoded(contentEncoding) && !CONTEXT.contentDecodingSupported(contentEncoding);
    }

    /** Whether a request's {@code Content-Encoding} value means its body is encoded. */
    static boolean encoded(String contentEncoding) {
        return !contentEncoding.isBlank() && !contentEncoding.strip().equalsIgnoreCase("identity");
    }

    @Override
    public Set<String> ids() {
        return Set.of("gzip", "x-gzip");
    }

    @Override
    public boolean supportsEncoding() {
        return false;
    }

    @Override
    public boolean supportsDecoding() {
        return true;
    }

    @Override
    public ContentDecoder decoder() {
        return Decoded::new;
    }

    @Override
    public ContentEncoder encoder() {
        return ContentEncoder.NO_OP;
    }

    @Override
    public String name() {
        return "gzip";
    }

    @Override
    public String type() {
        return "gzip";
    }

    /**
     * Helidon's context, asked with the coding's name as RFC 9110 (8.4.1) compares it: without
     * case or surrounding blanks (Helidon looks the header's value up as sent, so {@code GZIP} was
     * refused 415).
     */
    private record AnyCase(ContentEncodingContext helidon) implements ContentEncodingContext {
        private static String name(String coding) {
            return coding.strip().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public io.helidon.http.encoding.ContentEncodingContextConfig prototype() {
            return helidon.prototype();
        }

        @Override
        public boolean contentEncodingEnabled() {
            return helidon.contentEncodingEnabled();
        }

        @Override
        public boolean contentDecodingEnabled() {
            return helidon.contentDecodingEnabled();
        }

        @Override
        public boolean contentEncodingSupported(String encodingId) {
            return helidon.contentEncodingSupported(name(encodingId));
        }

        @Override
        public boolean contentDecodingSupported(String encodingId) {
            return helidon.contentDecodingSupported(name(encodingId));
        }

        @Override
        public ContentEncoder encoder(String encodingId) {
            return helidon.encoder(name(encodingId));
        }

        @Override
        public ContentDecoder decoder(String encodingId) {
            return helidon.decoder(name(encodingId));
        }

        @Override
        public ContentEncoder encoder(io.helidon.http.Headers headers) {
            return helidon.encoder(headers);
        }
    }

    /** A body whose content coding could not be undone: not gzip, or cut off inside the stream. */
    static final class BadContent extends IOException {
        BadContent(IOException cause) {
            super("the body is not valid gzip", cause);
        }
    }

    /**
     * The decoded body. The gzip header is read at the first read, not when the stream is made
     * (which the web server does before the handler runs), so that a bad header fails the
     * handler's read like any other bad data.
     */
    private static final class Decoded extends InputStream {
        private final InputStream raw;
        private GZIPInputStream gzip;
        private boolean closed;
        private final byte[] one = new byte[1];

        Decoded(InputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                // As the undecoded body reads once closed (a parser closes its source at its end,
                // and the handler then drains what is left).
                return -1;
            }
            try {
                if (gzip == null) {
                    gzip = new GZIPInputStream(raw, 8192);
                }
                return gzip.read(b, off, len);
            } catch (ZipException | EOFException bad) {
                // The raw body ended where the web server says it does (a connection that breaks
                // fails with the server's own exception instead), so this is the data's fault.
                throw new BadContent(bad);
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (gzip != null) {
                gzip.close();
            } else {
                raw.close();
            }
        }
    }
}
