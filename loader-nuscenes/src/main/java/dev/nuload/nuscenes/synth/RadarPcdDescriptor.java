package dev.nuload.nuscenes.synth;

import java.nio.charset.StandardCharsets;

/**
 * Layout of a nuScenes radar file: binary PCD v0.7 with 18 fields, as written by the real dataset
 * (checked byte-wise against the real {@code RADAR_*} files).
 *
 * <pre>
 *   +------------------------------------------+
 *   | ASCII header, 11 lines, '\n' terminated   |  headerLength(points) bytes
 *   +------------------------------------------+
 *   | record 0 .. record POINTS-1               |  43 bytes each, little-endian, packed
 *   +------------------------------------------+
 *   | zero padding                              |  4096 - headerLength bytes
 *   +------------------------------------------+   total = 4096 + 43 * POINTS
 * </pre>
 *
 * <p>One record (byte offsets; F = float32, I = signed integer):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            x (F)                              |  0
 * |                            y (F)                              |  4
 * |                            z (F)                              |  8
 * | dyn_prop (I1) |        id (I2)                |  rcs (F) ...   12
 * |   ... rcs     |        vx (F) ...                              16..
 * vy 23, vx_comp 27, vy_comp 31 (F); is_quality_valid 35, ambig_state 36, x_rms 37,
 * y_rms 38, invalid_state 39, pdh0 40, vx_rms 41, vy_rms 42 (I1); record length 43
 * </pre>
 *
 * <p>The padding matters: the devkit's reader asserts that each field ends strictly before the end
 * of the data, so the last record must not end the file.
 */
public final class RadarPcdDescriptor {
  /** Size of a float32 field. */
  public static final int SIZE_OF_FLOAT = 4;

  /** Offset of x (metres, radar frame, forward). */
  public static final int X_OFFSET = 0;

  /** Offset of y (metres, left). */
  public static final int Y_OFFSET = X_OFFSET + SIZE_OF_FLOAT;

  /** Offset of z (always 0 in the real data). */
  public static final int Z_OFFSET = Y_OFFSET + SIZE_OF_FLOAT;

  /** Offset of dyn_prop (int8: 0 moving, 1 stationary, 2 oncoming, 3 stationary candidate...). */
  public static final int DYN_PROP_OFFSET = Z_OFFSET + SIZE_OF_FLOAT;

  /** Offset of id (int16). */
  public static final int ID_OFFSET = DYN_PROP_OFFSET + 1;

  /** Offset of rcs (float32, dBsm). */
  public static final int RCS_OFFSET = ID_OFFSET + 2;

  /** Offset of vx (float32, m/s). */
  public static final int VX_OFFSET = RCS_OFFSET + SIZE_OF_FLOAT;

  /** Offset of vy. */
  public static final int VY_OFFSET = VX_OFFSET + SIZE_OF_FLOAT;

  /** Offset of vx_comp (ego-motion compensated). */
  public static final int VX_COMP_OFFSET = VY_OFFSET + SIZE_OF_FLOAT;

  /** Offset of vy_comp. */
  public static final int VY_COMP_OFFSET = VX_COMP_OFFSET + SIZE_OF_FLOAT;

  /** Offset of is_quality_valid (int8). */
  public static final int IS_QUALITY_VALID_OFFSET = VY_COMP_OFFSET + SIZE_OF_FLOAT;

  /** Offset of ambig_state (int8). */
  public static final int AMBIG_STATE_OFFSET = IS_QUALITY_VALID_OFFSET + 1;

  /** Offset of x_rms (int8). */
  public static final int X_RMS_OFFSET = AMBIG_STATE_OFFSET + 1;

  /** Offset of y_rms (int8). */
  public static final int Y_RMS_OFFSET = X_RMS_OFFSET + 1;

  /** Offset of invalid_state (int8). */
  public static final int INVALID_STATE_OFFSET = Y_RMS_OFFSET + 1;

  /** Offset of pdh0 (int8). */
  public static final int PDH0_OFFSET = INVALID_STATE_OFFSET + 1;

  /** Offset of vx_rms (int8). */
  public static final int VX_RMS_OFFSET = PDH0_OFFSET + 1;

  /** Offset of vy_rms (int8). */
  public static final int VY_RMS_OFFSET = VX_RMS_OFFSET + 1;

  /** Bytes per record. */
  public static final int RECORD_LENGTH = VY_RMS_OFFSET + 1;

  /** Header plus padding: the data of a real file starts with exactly this many bytes. */
  public static final int HEADER_BLOCK = 4096;

  /** The most points a sweep of the real sensor holds. */
  public static final int MAX_POINTS = 125;

  private RadarPcdDescriptor() {}

  /**
   * Returns the ASCII header for a sweep.
   *
   * @param points number of records.
   * @return the header bytes, ending with {@code "DATA binary\n"}.
   */
  public static byte[] header(int points) {
    checkPoints(points);
    String h =
        "# .PCD v0.7 - Point Cloud Data file format\n"
            + "VERSION 0.7\n"
            + "FIELDS x y z dyn_prop id rcs vx vy vx_comp vy_comp is_quality_valid ambig_state"
            + " x_rms y_rms invalid_state pdh0 vx_rms vy_rms\n"
            + "SIZE 4 4 4 1 2 4 4 4 4 4 1 1 1 1 1 1 1 1\n"
            + "TYPE F F F I I F F F F F I I I I I I I I\n"
            + "COUNT 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n"
            + "WIDTH "
            + points
            + "\nHEIGHT 1\n"
            + "VIEWPOINT 0 0 0 1 0 0 0\n"
            + "POINTS "
            + points
            + "\nDATA binary\n";
    return h.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Returns the file length for a sweep.
   *
   * @param points number of records.
   * @return {@code 4096 + 43 * points}.
   */
  public static int fileLength(int points) {
    checkPoints(points);
    return HEADER_BLOCK + RECORD_LENGTH * points;
  }

  /**
   * Returns where record {@code index} starts.
   *
   * @param headerLength length of the ASCII header.
   * @param index record index.
   * @return byte offset in the file.
   */
  public static int recordOffset(int headerLength, int index) {
    return headerLength + RECORD_LENGTH * index;
  }

  /**
   * Validates a point count.
   *
   * @param points number of records.
   */
  public static void checkPoints(int points) {
    if (points < 0 || points > 100_000) {
      throw new IllegalArgumentException("radar points out of range: points=" + points);
    }
  }
}
