package dev.nuload.nuscenes.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Build step run after the CLI jar is packed: rewrites the class files in a jar that are older than
 * Java 6 (major version below 50) as Java 8 class files with stack maps, code and members
 * unchanged.
 *
 * <p>Why. picocli ships Java 5 class files. The JVM's start-up cache ({@code -XX:AOTCache}, see
 * docs/design.md "Start-up") skips such classes and every class that implements one of their
 * interfaces ("Old class has been linked"), so each command loaded and verified picocli from the
 * jar again: about 0.05 s of the 0.2 s an {@code extract --help} takes. Rewritten, they are cached
 * like the rest. A class whose stack maps cannot be computed is left as it was.
 */
public final class OldClassUpgrade {
  /** Class-file major version of Java 6, the first the JVM's split verifier and cache accept. */
  static final int FIRST_CACHED_MAJOR = 50;

  /** Major version written (Java 8). */
  static final int TARGET_MAJOR = 52;

  private OldClassUpgrade() {}

  /**
   * Upgrades each jar named, in place.
   *
   * @param args jar paths.
   * @throws IOException when a jar cannot be read or written.
   */
  public static void main(String[] args) throws IOException {
    for (String a : args) {
      Result r = upgrade(Path.of(a));
      System.out.println(
          "old-class-upgrade: "
              + a
              + ": "
              + r.upgraded()
              + " class files from before Java 6 rewritten as Java 8"
              + (r.kept() > 0 ? ", " + r.kept() + " kept as they were" : ""));
    }
  }

  /** Counts of one jar's rewrite. */
  record Result(int upgraded, int kept) {}

  /**
   * Rewrites the old class files of {@code jar} (through a temporary file renamed over it).
   *
   * @param jar the jar.
   * @return how many were rewritten and how many could not be.
   * @throws IOException when the jar cannot be read or written.
   */
  static Result upgrade(Path jar) throws IOException {
    Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrade.tmp");
    int upgraded = 0;
    int kept = 0;
    try (URLClassLoader types = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      ClassFile cf =
          ClassFile.of(
              ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
              ClassFile.ClassHierarchyResolverOption.of(
                  ClassHierarchyResolver.ofResourceParsing(types)
                      .orElse(ClassHierarchyResolver.defaultResolver())));
      try (InputStream raw = Files.newInputStream(jar);
          ZipInputStream in = new ZipInputStream(raw);
          OutputStream rawOut = Files.newOutputStream(tmp);
          ZipOutputStream out = new ZipOutputStream(rawOut)) {
        for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
          byte[] bytes = in.readAllBytes();
          if (e.getName().endsWith(".class") && isOld(bytes)) {
            byte[] up = upgradeClass(cf, bytes);
            if (up != null) {
              bytes = up;
              upgraded++;
            } else {
              kept++;
            }
          }
          ZipEntry copy = new ZipEntry(e.getName());
          copy.setTime(e.getTime());
          out.putNextEntry(copy);
          out.write(bytes);
          out.closeEntry();
        }
      }
      Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return new Result(upgraded, kept);
  }

  /** Tells whether class-file bytes are older than Java 6 (big-endian major version at 6). */
  static boolean isOld(byte[] classFile) {
    if (classFile.length < 8
        || (classFile[0] & 0xff) != 0xCA
        || (classFile[1] & 0xff) != 0xFE
        || (classFile[2] & 0xff) != 0xBA
        || (classFile[3] & 0xff) != 0xBE) {
      return false;
    }
    int major = ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    return major < FIRST_CACHED_MAJOR;
  }

  /** Returns the class rewritten as Java 8 with stack maps, or null when that fails. */
  private static byte[] upgradeClass(ClassFile cf, byte[] bytes) {
    try {
      ClassModel m = cf.parse(bytes);
      // Passing every method body through a code transform makes the library write the code
      // again, with the stack maps a Java 8 class file needs.
      return cf.transformClass(
          m,
          ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
              .andThen(ClassTransform.endHandler(b -> b.withVersion(TARGET_MAJOR, 0))));
    } catch (RuntimeException e) { // IllegalArgumentException: code the library cannot map
      return null;
    }
  }
}
