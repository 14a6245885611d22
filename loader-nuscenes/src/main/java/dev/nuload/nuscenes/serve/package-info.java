/**
 * The nuScenes side of serving: a {@link dev.nuload.pipeline.SampleSource} that runs the PETR
 * pipeline ({@link dev.nuload.nuscenes.petr.PetrSampleProcessor}) on info records, so the
 * dataset-agnostic engine of {@code dev.nuload.pipeline} can put PETR batches into a ring or hand
 * them to a JVM trainer.
 */
package dev.nuload.nuscenes.serve;
