package dev.nuload.index;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Name resolver for {@link PhoneHomeProbe}'s child JVM: records every host name looked up and
 * resolves only the local host; any other name fails, so nothing can leave the machine.
 */
public final class RecordingResolverProvider extends InetAddressResolverProvider {
  /** Every name looked up, in order. */
  static final List<String> LOOKUPS = new CopyOnWriteArrayList<>();

  /** Creates the provider (ServiceLoader). */
  public RecordingResolverProvider() {}

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver builtin = configuration.builtinResolver();
    String local = configuration.lookupLocalHostName();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy)
          throws UnknownHostException {
        LOOKUPS.add(host);
        if (host.equals(local) || host.equals("localhost")) {
          return builtin.lookupByName(host, policy);
        }
        throw new UnknownHostException("blocked by the test resolver: " + host);
      }

      @Override
      public String lookupByAddress(byte[] addr) throws UnknownHostException {
        return builtin.lookupByAddress(addr);
      }
    };
  }

  @Override
  public String name() {
    return "nuload-recording-resolver";
  }
}
