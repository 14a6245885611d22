/**
 * The shared-memory batch ring between a producer ({@code nuload serve}) and a trainer. The byte
 * layout is {@code docs/format/ring.md}; {@link dev.nuload.shm.RingDescriptor} holds its offsets
 * and a test pins one to the other.
 *
 * <pre>
 *  RingWriter (producer)                     ring file in /dev/shm              RingReader / Python / C
 *  claim(s): wait consumer_cursor > s-K  --> slot s%K: seq_word = 2s+1
 *  fill tensors, sample table, metadata      ...
 *  publish: header, seq_word = 2s+2     -->  (release)          -------------> acquire seq_word == 2s+2
 *                                                                               read the batch (lease)
 *                                       <--  consumer_cursor = s+1 (release) <-- release
 * </pre>
 *
 * Liveness: both sides beat a heartbeat in the header; the producer holds an exclusive {@code
 * flock(2)} on the ring file itself for its life; a dead producer (pid gone, heartbeat stale, or
 * error recorded) makes the reader raise {@link dev.nuload.shm.ProducerGoneException}; a gone
 * consumer makes the producer stop with {@link dev.nuload.shm.ConsumerGoneException}.
 *
 * <p>Clean-up: the ring file is the only file a ring creates (built as {@code PATH.<pid>.<n>.tmp}
 * and renamed or linked to {@code PATH} when ready). The producer deletes it at a clean end or when
 * the consumer is gone; a consumer that reports the producer gone deletes it once no process holds
 * its lock (a killed producer); the next producer for {@code PATH} replaces a stale ring and
 * deletes the temporary files of producers killed while creating. Consumers create no file.
 */
package dev.nuload.shm;
