package dev.sluice.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.privacy.DataKeyring;
import dev.sluice.privacy.PayloadAad;
import dev.sluice.privacy.PayloadFormat;
import dev.sluice.privacy.PayloadParts;
import dev.sluice.privacy.TenantCrypto;
import dev.sluice.store.StoredPayload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What opening one claimed copy costs the dispatcher: a copy sealed whole, one AES-GCM open,
 * against a copy stored in two parts ({@link StoredPayload}), two opens and the splice that writes
 * its raw digests out as hex ({@link StoredCopies#open}); then, as the dispatcher goes on, each
 * read into the connectors' tree ({@code read*}, {@link PayloadFormat#readVersion1}). The payload is the load script's purchase (nine hashed fields, a
 * 300-character user agent) as ingest renders it for Meta.
 *
 * <pre>
 * ./mvnw -q -B -Pbench -DskipTests package
 * java -cp "target/classes:target/libs/*" org.openjdk.jmh.Main StoredCopyOpenBenchmark -wi 3 -i 5 -f 1 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StoredCopyOpenBenchmark {
    private static final String[] FIELDS = {"em", "ph", "fn", "ln", "ct", "st", "zp", "co", "x"};
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TenantCrypto crypto = DataKeyring.of(Map.of("k1", new byte[32]), "k1").forTenant("demo");
    private final byte[] whole;
    private final byte[] joined;

    public StoredCopyOpenBenchmark() {
        String[] digests = new String[FIELDS.length];
        StringBuilder quoted = new StringBuilder();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes("\"h\":{".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < FIELDS.length; i++) {
            byte[] digest = new byte[32];
            Arrays.fill(digest, (byte) (31 * i + 7));
            digests[i] = HexFormat.of().formatHex(digest);
            String name = (i == 0 ? "" : ",") + "\"" + FIELDS[i] + "\":";
            quoted.append(name).append('"').append(PayloadFormat.hashed(digests[i])).append('"');
            raw.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
            byte[] rawDigest = new byte[PayloadFormat.RAW_DIGEST_LENGTH];
            PayloadFormat.writeRawDigest(digests[i], rawDigest, 0);
            raw.writeBytes(rawDigest);
        }
        raw.writeBytes("}".getBytes(StandardCharsets.US_ASCII));
        String head = "{\"v\":2,\"i\":\"load-bench-1\",\"n\":\"Purchase\",\"t\":1795861000,\"s\":\"website\","
                + "\"u\":\"https://shop.example/checkout?step=confirm\",\"U\":{";
        String middle = ",\"ip\":\"203.0.113.7\",\"ua\":\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/126.0 Safari/537.36 " + "x".repeat(220) + "\","
                + "\"k\":{\"fbp\":\"fb.1.1596403881668.1116446470\",\"gclid\":\"Cj0KCQiA-load-test\"}},"
                + "\"c\":{\"v\":\"129.90\",\"c\":\"EUR\",\"o\":\"o-1\",\"ids\":[\"sku-1\",\"sku-2\"],\"q\":2},"
                + "\"a\":{\"utm_campaign\":\"bf-2026\",\"utm_source\":\"facebook\"},"
                + "\"C\":{\"au\":\"granted\",\"ap\":\"denied\",\"gpc\":false}";
        String tail = ",\"d\":{\"d\":\"ALLOW\",\"r\":[\"us.no-opt-out\"]}}";
        byte[] text = (head + "\"h\":{" + quoted + "}" + middle + tail).getBytes(StandardCharsets.UTF_8);
        whole = crypto.seal(text, PayloadAad.of("demo", "meta", "Purchase", "load-bench-1"));

        byte[] sharedText = (head + middle).getBytes(StandardCharsets.UTF_8);
        byte[] sharedPart = new byte[PayloadParts.size(head.length(), sharedText.length - head.length())];
        PayloadParts.write(sharedText, 0, head.length(), head.length(), sharedText.length, sharedPart);
        raw.writeBytes(tail.getBytes(StandardCharsets.US_ASCII));
        byte[] ownText = raw.toByteArray();
        int userEnd = ownText.length - tail.length();
        byte[] ownPart = new byte[PayloadParts.size(userEnd, tail.length())];
        PayloadParts.write(ownText, 0, userEnd, userEnd, ownText.length, ownPart);
        joined = StoredPayload.join(crypto.seal(sharedPart, PayloadAad.shared("demo", "Purchase", "load-bench-1")),
                crypto.seal(ownPart, PayloadAad.of("demo", "meta", "Purchase", "load-bench-1")));
        try {
            if (!Arrays.equals(text, sealedWhole()) || !readSealedWhole().equals(readInTwoParts())) {
                throw new IllegalStateException("both forms must open to the same payload");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As the dispatcher opens a copy: decrypted (and spliced) and read into the connectors' tree. */
    @Benchmark
    public JsonNode readSealedWhole() throws IOException {
        return PayloadFormat.readVersion1(JSON, sealedWhole());
    }

    @Benchmark
    public JsonNode readInTwoParts() throws IOException {
        return PayloadFormat.readVersion1(JSON, inTwoParts());
    }

    /** What a dispatcher reads of a claimed copy before it maps it (session 20): opened, its event time alone. */
    @Benchmark
    public long eventTimeInTwoParts() throws IOException {
        return PayloadFormat.eventTime(JSON, inTwoParts()).orElseThrow();
    }

    @Benchmark
    public byte[] sealedWhole() throws IOException {
        return StoredCopies.open(crypto, "demo", "meta", "Purchase", "load-bench-1", whole);
    }

    @Benchmark
    public byte[] inTwoParts() throws IOException {
        return StoredCopies.open(crypto, "demo", "meta", "Purchase", "load-bench-1", joined);
    }
}
