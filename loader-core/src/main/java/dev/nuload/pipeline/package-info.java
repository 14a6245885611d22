/**
 * The serving engine, dataset-agnostic: a {@link dev.nuload.pipeline.ShardSampler} (shuffle by seed
 * and epoch, DistributedSampler sharding), a {@link dev.nuload.pipeline.BatchEngine} on an LMAX
 * Disruptor ring of pre-allocated sample events with N {@link dev.nuload.pipeline.SampleWorker}s
 * writing straight into ring slots, and an in-order assembler that publishes each batch. A dataset
 * plugs in as a {@link dev.nuload.pipeline.SampleSource}.
 *
 * <pre>
 *  SampleSource --(sampler order)--> feeder --> [Disruptor: one event per sample row]
 *                                                 |  worker i fills rows with sequence % N == i
 *                                                 v
 *                                               assembler (in order) --> RingWriter.publish
 *                                                                         |-> RingServer (shm file)
 *                                                                         |-> InProcessLoader (JVM)
 * </pre>
 */
package dev.nuload.pipeline;
