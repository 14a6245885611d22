package dev.nuload.shm;

/**
 * Byte layout of the batch ring file: offsets only, no behaviour. The language-neutral definition
 * is {@code docs/format/ring.md}; {@code RingDescriptorTest} pins every constant here to that
 * document. All integers are little-endian.
 *
 * <pre>
 *   +---------------------------+ 0
 *   | header (4096 bytes)       |  geometry, producer line (128), consumer line (192), error text (1024)
 *   +---------------------------+ 4096
 *   | layout descriptor         |  tensor_count entries of 128 bytes
 *   +---------------------------+ slots_offset (multiple of 4096)
 *   | slot 0                    |  slot header (64) | sample table | tensors | metadata area
 *   | slot 1 ...                |  each slot_stride bytes (multiple of 4096)
 *   +---------------------------+ file_length
 * </pre>
 */
public final class RingDescriptor {
  /** {@code "NULDRING"} read as a little-endian 64-bit integer. */
  public static final long MAGIC = 0x474E4952444C554EL;

  /** The format version this code writes and reads. */
  public static final int VERSION = 1;

  /** Page size every region is aligned to. */
  public static final int PAGE = 4096;

  // ---- header: static geometry (written once before the version) ----
  /** u64 magic. */
  public static final int MAGIC_OFFSET = 0;

  /** u32 format version; 0 until the file is ready (written last, release). */
  public static final int VERSION_OFFSET = 8;

  /** u32 header length (4096). */
  public static final int HEADER_LENGTH_OFFSET = 12;

  /** u64 file length in bytes. */
  public static final int FILE_LENGTH_OFFSET = 16;

  /** u32 slot count K. */
  public static final int SLOT_COUNT_OFFSET = 24;

  /** u32 batch size B: sample rows per slot. */
  public static final int BATCH_SIZE_OFFSET = 28;

  /** u64 slot stride in bytes. */
  public static final int SLOT_STRIDE_OFFSET = 32;

  /** u64 offset of slot 0 in the file. */
  public static final int SLOTS_OFFSET_OFFSET = 40;

  /** u32 offset of the layout descriptor in the file. */
  public static final int DESCRIPTOR_OFFSET_OFFSET = 48;

  /** u32 number of tensors in the layout descriptor. */
  public static final int TENSOR_COUNT_OFFSET = 52;

  /** u32 length of one descriptor entry (128). */
  public static final int DESCRIPTOR_ENTRY_LENGTH_OFFSET = 56;

  /** u32 slot header length (64). */
  public static final int SLOT_HEADER_LENGTH_OFFSET = 60;

  /** u64 offset of the sample table inside a slot. */
  public static final int SAMPLE_TABLE_OFFSET_OFFSET = 64;

  /** u64 offset of the metadata area inside a slot. */
  public static final int METADATA_OFFSET_OFFSET = 72;

  /** u64 metadata area capacity in bytes. */
  public static final int METADATA_CAPACITY_OFFSET = 80;

  /** u64 batches per epoch this producer serves (informational). */
  public static final int BATCHES_PER_EPOCH_OFFSET = 88;

  /** u32 epochs this producer serves (informational). */
  public static final int EPOCHS_OFFSET = 96;

  /** u32 rank of this producer's shard. */
  public static final int RANK_OFFSET = 100;

  /** u32 world size of the sharding. */
  public static final int WORLD_SIZE_OFFSET = 104;

  // ---- header: producer line ----
  /** u64 producer process id. */
  public static final int PRODUCER_PID_OFFSET = 128;

  /** u64 producer start time, Unix epoch milliseconds. */
  public static final int PRODUCER_START_MS_OFFSET = 136;

  /** u64 producer heartbeat, Unix epoch milliseconds (release). */
  public static final int PRODUCER_HEARTBEAT_MS_OFFSET = 144;

  /** u64 interval between producer heartbeats in milliseconds. */
  public static final int HEARTBEAT_INTERVAL_MS_OFFSET = 152;

  /** u64 publish cursor: number of sequences published (release). */
  public static final int PUBLISH_CURSOR_OFFSET = 160;

  /** u32 stream state: {@link #STATE_RUNNING}, {@link #STATE_ENDED}, {@link #STATE_FAILED}. */
  public static final int STREAM_STATE_OFFSET = 168;

  /** u32 length in bytes of the UTF-8 error message. */
  public static final int ERROR_LENGTH_OFFSET = 172;

  // ---- header: consumer line ----
  /** u64 consumer process id, 0 when no consumer is attached. */
  public static final int CONSUMER_PID_OFFSET = 192;

  /** u64 consumer heartbeat, Unix epoch milliseconds. */
  public static final int CONSUMER_HEARTBEAT_MS_OFFSET = 200;

  /** u64 consumer cursor: number of sequences released by the consumer (release). */
  public static final int CONSUMER_CURSOR_OFFSET = 208;

  /** u64 total nanoseconds the consumer has waited for batches. */
  public static final int CONSUMER_WAIT_NS_OFFSET = 216;

  // ---- header: error record ----
  /** Start of the UTF-8 error message. */
  public static final int ERROR_MESSAGE_OFFSET = 1024;

  /** Capacity of the error message. */
  public static final int ERROR_MESSAGE_CAPACITY = 3072;

  /** Length of the header. */
  public static final int HEADER_LENGTH = 4096;

  /** Stream state: batches are being served. */
  public static final int STATE_RUNNING = 0;

  /** Stream state: every batch has been published, the end-of-stream marker included. */
  public static final int STATE_ENDED = 1;

  /** Stream state: the producer failed; the error record says why. */
  public static final int STATE_FAILED = 2;

  // ---- layout descriptor entry ----
  /** Offset of the layout descriptor. */
  public static final int DESCRIPTOR_OFFSET = 4096;

  /** Length of one descriptor entry. */
  public static final int DESCRIPTOR_ENTRY_LENGTH = 128;

  /** 48 bytes: UTF-8 name, zero padded. */
  public static final int ENTRY_NAME_OFFSET = 0;

  /** Capacity of an entry's name (47 bytes and at least one zero). */
  public static final int ENTRY_NAME_CAPACITY = 48;

  /** u32 dtype code ({@link DType#code()}). */
  public static final int ENTRY_DTYPE_OFFSET = 48;

  /** u32 per-sample rank (dimensions after the batch dimension). */
  public static final int ENTRY_NDIM_OFFSET = 52;

  /** i64[8] per-sample shape, unused dimensions 0. */
  public static final int ENTRY_SHAPE_OFFSET = 56;

  /** u64 offset of the tensor inside a slot. */
  public static final int ENTRY_SLOT_OFFSET_OFFSET = 120;

  /** Most dimensions a tensor may have per sample. */
  public static final int MAX_TENSOR_DIMS = 8;

  // ---- slot header ----
  /** Length of the slot header. */
  public static final int SLOT_HEADER_LENGTH = 64;

  /** u64 sequence word: 0 empty, 2s+1 while sequence s is written, 2s+2 once s is published. */
  public static final int SLOT_SEQ_WORD_OFFSET = 0;

  /** u64 sequence s held by the slot. */
  public static final int SLOT_SEQUENCE_OFFSET = 8;

  /** u32 epoch of the batch. */
  public static final int SLOT_EPOCH_OFFSET = 16;

  /** u32 batch index within its epoch. */
  public static final int SLOT_BATCH_INDEX_OFFSET = 20;

  /** u32 samples in this batch (at most B; 0 for the end-of-stream marker). */
  public static final int SLOT_SAMPLE_COUNT_OFFSET = 24;

  /** u32 flags: {@link #FLAG_END_OF_EPOCH}, {@link #FLAG_END_OF_STREAM}. */
  public static final int SLOT_FLAGS_OFFSET = 28;

  /** u32 samples skipped by the bad-sample policy. */
  public static final int SLOT_SKIPPED_COUNT_OFFSET = 32;

  /** u32 bytes of the metadata area in use. */
  public static final int SLOT_METADATA_LENGTH_OFFSET = 36;

  /** u32 metadata records in the metadata area. */
  public static final int SLOT_METADATA_RECORDS_OFFSET = 40;

  /** Flag: the last batch of its epoch. */
  public static final int FLAG_END_OF_EPOCH = 1;

  /** Flag: no batch; the stream has ended. */
  public static final int FLAG_END_OF_STREAM = 2;

  /** Offset of the sample table inside a slot. */
  public static final int SAMPLE_TABLE_OFFSET = 64;

  /** Length of one sample table entry: i32 sample index, u32 status. */
  public static final int SAMPLE_ENTRY_LENGTH = 8;

  /** Sample status: filled. */
  public static final int SAMPLE_OK = 0;

  /** Sample status: skipped by the bad-sample policy; its tensor bytes are zero. */
  public static final int SAMPLE_SKIPPED = 1;

  /** Alignment of every tensor and of the metadata area inside a slot. */
  public static final int TENSOR_ALIGNMENT = 128;

  // ---- metadata record ----
  /** u32 record length including header and padding (multiple of 8). */
  public static final int RECORD_LENGTH_OFFSET = 0;

  /** u8 kind: 1 strings, 2 ragged. */
  public static final int RECORD_KIND_OFFSET = 4;

  /** u8 dtype code of a ragged record (0 for strings). */
  public static final int RECORD_DTYPE_OFFSET = 5;

  /** u8 inner rank of a ragged record. */
  public static final int RECORD_INNER_NDIM_OFFSET = 6;

  /** u8 name length in bytes. */
  public static final int RECORD_NAME_LENGTH_OFFSET = 7;

  /** i32[4] inner shape, unused dimensions 0. */
  public static final int RECORD_INNER_SHAPE_OFFSET = 8;

  /** u32 rows (equals the batch's sample count). */
  public static final int RECORD_ROW_COUNT_OFFSET = 24;

  /** The UTF-8 name, padded with zeros to a multiple of 8. */
  public static final int RECORD_NAME_OFFSET = 32;

  /** Length of the record header; the name follows. */
  public static final int RECORD_HEADER_LENGTH = 32;

  /** Most inner dimensions of a ragged field. */
  public static final int MAX_META_INNER_DIMS = 4;

  private RingDescriptor() {}

  /**
   * Rounds up to a multiple of a power of two.
   *
   * @param value the value.
   * @param alignment a power of two.
   * @return the smallest multiple of alignment not below value.
   */
  public static long align(long value, long alignment) {
    return (value + alignment - 1) & -alignment;
  }

  /**
   * Offset of a slot in the file.
   *
   * @param slotsOffset offset of slot 0.
   * @param slotStride bytes per slot.
   * @param slot slot number.
   * @return the file offset.
   */
  public static long slotOffset(long slotsOffset, long slotStride, int slot) {
    return slotsOffset + slotStride * slot;
  }
}
