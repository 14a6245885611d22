package dev.nuload.index;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Main of the child JVM started by {@link ChronicleAnalyticsOffTest}: with a proxy selector and a
 * name resolver that record every outside connection attempt (and refuse it), writes and reads a
 * token map through the public API only, then prints what was recorded. With {@code --control} it
 * also opens an HTTP connection itself, to show that the recorders see such an attempt.
 */
public final class PhoneHomeProbe {
  private static final List<String> PROXY_SELECTIONS = new CopyOnWriteArrayList<>();

  private PhoneHomeProbe() {}

  /**
   * Runs the probe.
   *
   * @param args a scratch directory, optionally {@code --control}.
   * @throws Exception on any failure (the parent sees a non-zero exit).
   */
  public static void main(String[] args) throws Exception {
    System.out.println("property-before " + System.getProperty("chronicle.analytics.disable"));
    ProxySelector.setDefault(
        new ProxySelector() {
          @Override
          public List<Proxy> select(URI uri) {
            PROXY_SELECTIONS.add(uri.toString());
            return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", 9)));
          }

          @Override
          public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
        });
    Path dir = Path.of(args[0]);
    TokenMapFile f;
    try (TokenMapWriter<String> w = TokenMaps.createStringMap(dir.resolve("p.cmap"), 100, 32, 20)) {
      for (int i = 0; i < 100; i++) {
        w.put(String.format("%032x", i), "samples/CAM_FRONT/" + i + ".jpg");
      }
      f = w.commit();
    }
    try (TokenMap<String> m = TokenMaps.openStringMap(f)) {
      if (!"samples/CAM_FRONT/7.jpg".equals(m.get(String.format("%032x", 7)))) {
        throw new IllegalStateException("lookup failed");
      }
    }
    if (args.length > 1 && args[1].equals("--control")) {
      try (InputStream in =
          URI.create("http://www.google-analytics.com/collect").toURL().openStream()) {
        in.read();
      } catch (IOException expected) {
        // refused by the recording proxy, as intended
      }
    }
    Thread.sleep(500); // give an asynchronous sender time to try
    System.out.println("property-after " + System.getProperty("chronicle.analytics.disable"));
    for (String s : PROXY_SELECTIONS) {
      System.out.println("proxy " + s);
    }
    for (String s : RecordingResolverProvider.LOOKUPS) {
      System.out.println("lookup " + s);
    }
    System.out.println("done");
  }
}
