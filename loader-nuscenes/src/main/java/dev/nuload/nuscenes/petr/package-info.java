/**
 * PETR / PETRv2 per-sample pipeline (spec part B): presets and users' configs ({@link
 * dev.nuload.nuscenes.petr.PetrConfig}; the JSON form {@code nuload-pipeline/1} in {@code
 * PipelineConfigJson}, config files of every kind through {@link
 * dev.nuload.nuscenes.petr.PipelineConfigFiles}), deterministic augmentation ({@link
 * dev.nuload.nuscenes.petr.PetrAugmentation}), geometry as pure functions ({@link
 * dev.nuload.nuscenes.petr.PetrGeometry}), targets ({@link dev.nuload.nuscenes.petr.PetrTargets})
 * and the worker-side entry point {@link dev.nuload.nuscenes.petr.PetrSampleProcessor}.
 *
 * <pre>
 *   InfoRecord + (seed, epoch, index) --PetrSampleProcessor.process--&gt; [V,3,H,W] in caller memory
 *                                                                      + SampleResult (metas, GT)
 * </pre>
 */
package dev.nuload.nuscenes.petr;
