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
 * Liveness: both sides beat a heartbeat in the header; the producer holds {@code PATH.lock}; a dead
 * producer (pid gone, heartbeat stale, or error recorded) makes the reader raise {@link
 * dev.nuload.shm.ProducerGoneException}; a gone consumer makes the producer stop with {@link
 * dev.nuload.shm.ConsumerGoneException}.
 */
package dev.nuload.shm;
