/**
 * The nuScenes JSON tables in memory: {@link dev.nuload.nuscenes.table.NuScenesTables} streams the
 * 13 files of a version folder in parallel with Jackson's streaming parser into columnar arrays,
 * resolves foreign keys to row numbers and builds the devkit-derived indexes (spec 1.6).
 *
 * <pre>
 *  v1.0-xxx/*.json --(TableParser, one task per file)--&gt; ParsedTable columns
 *                  --(resolve tokens -&gt; rows)--------------&gt; NuScenesTables (typed getters)
 * </pre>
 */
package dev.nuload.nuscenes.table;
