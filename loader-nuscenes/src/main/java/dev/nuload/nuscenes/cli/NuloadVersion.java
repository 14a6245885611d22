package dev.nuload.nuscenes.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints the nuload version with the JVM it runs on. */
public final class NuloadVersion implements IVersionProvider {
  /** The tool version, from the jar manifest when packaged. */
  public static String version() {
    String v = NuloadVersion.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "nuload " + version(),
      "JVM: " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
