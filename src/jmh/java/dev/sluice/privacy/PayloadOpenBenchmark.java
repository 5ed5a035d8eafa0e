package dev.sluice.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Reading an opened (decrypted) stored payload into the version 1 tree connectors map from, as
 * the dispatcher does for every claimed copy: through the version 2 tree
 * ({@code version1(readTree(bytes))}, before session 17) and straight from the bytes
 * ({@link PayloadFormat#readVersion1}). The payload is a purchase with nine hashed fields, client
 * IP and user agent, click ids, custom data, attribution and consent, as ingest stores it.
 *
 * <pre>
 * ./mvnw -q -B -Pbench -DskipTests package
 * java -cp "target/classes:target/libs/*" org.openjdk.jmh.Main PayloadOpenBenchmark -wi 3 -i 5 -f 1 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PayloadOpenBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final byte[] stored = payload().getBytes(StandardCharsets.UTF_8);

    private static String payload() {
        StringBuilder hashed = new StringBuilder();
        String[] fields = {"em", "ph", "fn", "ln", "ct", "st", "zp", "co", "x"};
        for (int i = 0; i < fields.length; i++) {
            String digest = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(HexFormat.of().parseHex(Integer.toHexString(i + 1).repeat(64)));
            hashed.append(i == 0 ? "" : ",").append('"').append(fields[i]).append("\":\"").append(digest).append('"');
        }
        return "{\"v\":2,\"i\":\"e-1\",\"n\":\"Purchase\",\"t\":1795861000,\"s\":\"website\","
                + "\"u\":\"https://shop.example/checkout?x=1\","
                + "\"U\":{\"h\":{" + hashed + "},"
                + "\"p\":{\"co\":\"us\"},\"ip\":\"203.0.113.7\",\"ua\":\"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0\","
                + "\"k\":{\"fbp\":\"fb.1.1596403881668.1116446470\",\"gclid\":\"Cj0KCQiA-g\"}},"
                + "\"c\":{\"v\":\"129.90\",\"c\":\"EUR\",\"o\":\"o-1\",\"ids\":[\"sku-1\",\"sku-2\"],\"q\":2},"
                + "\"a\":{\"utm_campaign\":\"bf-2026\",\"utm_source\":\"facebook\"},"
                + "\"C\":{\"as\":\"granted\",\"au\":\"granted\",\"ap\":\"denied\",\"gpc\":false,\"usp\":\"1YNN\"},"
                + "\"d\":{\"d\":\"ALLOW\",\"r\":[\"r1\"]}}";
    }

    @Benchmark
    public JsonNode throughTheVersion2Tree() throws IOException {
        return PayloadFormat.version1(JSON.readTree(stored));
    }

    @Benchmark
    public JsonNode straightFromTheBytes() throws IOException {
        return PayloadFormat.readVersion1(JSON, stored);
    }
}
