package dev.nuload.nuscenes.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RadarPcdDescriptorTest {
  @Test
  void shouldPinTheRecordOffsets() {
    assertEquals(0, RadarPcdDescriptor.X_OFFSET);
    assertEquals(4, RadarPcdDescriptor.Y_OFFSET);
    assertEquals(8, RadarPcdDescriptor.Z_OFFSET);
    assertEquals(12, RadarPcdDescriptor.DYN_PROP_OFFSET);
    assertEquals(13, RadarPcdDescriptor.ID_OFFSET);
    assertEquals(15, RadarPcdDescriptor.RCS_OFFSET);
    assertEquals(19, RadarPcdDescriptor.VX_OFFSET);
    assertEquals(23, RadarPcdDescriptor.VY_OFFSET);
    assertEquals(27, RadarPcdDescriptor.VX_COMP_OFFSET);
    assertEquals(31, RadarPcdDescriptor.VY_COMP_OFFSET);
    assertEquals(35, RadarPcdDescriptor.IS_QUALITY_VALID_OFFSET);
    assertEquals(36, RadarPcdDescriptor.AMBIG_STATE_OFFSET);
    assertEquals(37, RadarPcdDescriptor.X_RMS_OFFSET);
    assertEquals(38, RadarPcdDescriptor.Y_RMS_OFFSET);
    assertEquals(39, RadarPcdDescriptor.INVALID_STATE_OFFSET);
    assertEquals(40, RadarPcdDescriptor.PDH0_OFFSET);
    assertEquals(41, RadarPcdDescriptor.VX_RMS_OFFSET);
    assertEquals(42, RadarPcdDescriptor.VY_RMS_OFFSET);
    assertEquals(43, RadarPcdDescriptor.RECORD_LENGTH);
  }

  @Test
  void shouldMatchTheRealFileLengthFormula() {
    // real RADAR_FRONT files: 125 points -> 9471 bytes, 4 points -> 4268 bytes
    assertEquals(9471, RadarPcdDescriptor.fileLength(125));
    assertEquals(4268, RadarPcdDescriptor.fileLength(4));
    assertEquals(370, RadarPcdDescriptor.header(125).length);
    assertEquals(366, RadarPcdDescriptor.header(4).length);
  }
}
