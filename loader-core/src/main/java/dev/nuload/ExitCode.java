package dev.nuload;

/**
 * Process exit codes shared by every nuload command.
 *
 * <table>
 *   <caption>exit codes</caption>
 *   <tr><th>code</th><th>meaning</th></tr>
 *   <tr><td>0</td><td>success</td></tr>
 *   <tr><td>1</td><td>failure: an unexpected internal error</td></tr>
 *   <tr><td>2</td><td>usage: unknown option, missing argument, invalid option value</td></tr>
 *   <tr><td>3</td><td>bad data: malformed or inconsistent input (table, archive, image)</td></tr>
 *   <tr><td>4</td><td>out of resources: no space, no memory, missing directory, busy ring</td></tr>
 * </table>
 */
public final class ExitCode {
  /** Everything worked. */
  public static final int OK = 0;

  /** An unexpected internal error. */
  public static final int FAILURE = 1;

  /** The command line was wrong. */
  public static final int USAGE = 2;

  /** The input data is bad: the message names the file, entry, table, field or token. */
  public static final int BAD_DATA = 3;

  /** The environment lacks a resource: space, memory, a directory, a free ring. */
  public static final int OUT_OF_RESOURCES = 4;

  private ExitCode() {}
}
