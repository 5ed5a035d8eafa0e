// What inflating a gzip events body costs the request thread, measured alone: the load test's
// batch of 100 events (src/load/events.lua's event with a shorter user agent), gzipped, inflated
// 2,000 times per round through GZIPInputStream as GzipDecoding does, 20 rounds. Not part of the
// build; run it with the JDK's single-file launcher:
//
//     java src/load/GzipInflateCost.java
//
// docs/benchmarks.md, session 36.
import java.io.*; import java.util.zip.*;
public class GzipInflateCost {
  public static void main(String[] a) throws Exception {
    String ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
    StringBuilder b = new StringBuilder("{\"events\":[");
    for (int i = 0; i < 100; i++) {
      if (i > 0) b.append(',');
      b.append("{\"event_id\":\"load-abc-1-").append(i).append("\",\"event_name\":\"Purchase\",\"event_time\":1764633600,\"action_source\":\"website\",\"event_source_url\":\"https://shop.example/checkout?step=confirm\",\"user\":{\"email\":\"shopper").append(i).append("@example.com\",\"phone\":\"+1 650 555 ").append(1000+i).append("\",\"first_name\":\"Jane\",\"last_name\":\"Doe\",\"city\":\"Menlo Park\",\"state\":\"CA\",\"zip\":\"94025\",\"country\":\"US\",\"external_id\":\"cust-").append(i).append("\",\"client_ip\":\"203.0.113.7\",\"user_agent\":\"").append(ua).append("\",\"click_ids\":{\"fbp\":\"fb.1.1596403881668.1116446470\",\"gclid\":\"Cj0KCQiA-load-test\"}},\"custom\":{\"value\":\"129.90\",\"currency\":\"EUR\",\"order_id\":\"o-").append(i).append("\",\"content_ids\":[\"sku-1\",\"sku-2\"],\"num_items\":2},\"attribution\":{\"utm_source\":\"facebook\",\"utm_campaign\":\"bf-2026\"},\"consent\":{\"ad_user_data\":\"granted\",\"ad_personalization\":\"denied\",\"gpc\":false}}");
    }
    byte[] json = b.append("]}").toString().getBytes("UTF-8");
    ByteArrayOutputStream bo = new ByteArrayOutputStream(); try (GZIPOutputStream g = new GZIPOutputStream(bo)) { g.write(json); }
    byte[] gz = bo.toByteArray();
    System.out.println("json bytes " + json.length + " gzip bytes " + gz.length);
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 20; round++) {
      long t = System.nanoTime(); int n = 2000; long sum = 0;
      for (int i = 0; i < n; i++) { try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 8192)) { sum += in.readNBytes(json.length + 1).length; } }
      long per = (System.nanoTime() - t) / n; best = Math.min(best, per);
      if (round % 5 == 4) System.out.println("round " + round + ": " + per / 1000.0 + " us per 100-event body (" + per / 100 / 1000.0 + " us per event) sum " + sum);
    }
    System.out.println("best " + best / 1000.0 + " us per body, " + best / 100 / 1000.0 + " us per event");
  }
}
