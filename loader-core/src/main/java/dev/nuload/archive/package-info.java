/**
 * Archives: reading the nuScenes downloads and writing archives like them.
 *
 * <pre>
 *  archive --ArchiveFormat.detect (magic bytes)--+-- gzip: GzipDecoder (members, CRC, BGZF in parallel)
 *                                                +-- zstd: ZstdFrames (frames, window limit), zstd-jni
 *                                                +-- tar
 *        --> ChunkPipe --> TarReader --> EntryNames (containment) --> Extractor writers
 *                                                   (temp file + rename, ExtractJournal, limits)
 *  Repacker: any archive --> zstd frames cut at entry boundaries + RepackIndex (seekable .tar.zst)
 *  TarGzWriter: the .tgz files written by nuload synth --archive
 * </pre>
 *
 * <p>Extraction, file by file:
 *
 * <ul>
 *   <li>{@link dev.nuload.archive.Extractor}: the public entry point; the threads, one archive's
 *       flow from journal to result, and several archives at once.
 *   <li>{@code ExtractRun}: one archive's state (journal, counters, temporary names, the first
 *       error, the writer tasks still running).
 *   <li>{@code ArchiveSources}: picks how an archive is read from its format and layout, and names
 *       the method in the result.
 *   <li>{@code StreamingSource}: one decoder thread into a {@code ChunkPipe} read by the tar walk,
 *       then the archive's digest check; the plain-tar and zstd-stream decoders.
 *   <li>{@code SegmentSource}: BGZF members or zstd frames decoded several at once, in order.
 *   <li>{@code ParallelGzipSource}: one large gzip member through {@code ParallelGzipInflater}.
 *   <li>{@code IndexedZstdSource}: a repacked .tar.zst by its {@code RepackIndex}, frame by frame
 *       on the writer threads, with {@code BufferInput}, {@code ChannelSlice} and {@code
 *       LimitedStream} as the streams over one frame.
 *   <li>{@code TarWalk}: the tar entries: names, limits, include patterns, journal skips.
 *   <li>{@code EntryWriterPool}: small files handed to the writer threads, with a bound on the
 *       bytes in flight.
 *   <li>{@code TargetWriter}: one file into the target (folders, links refused, temporary name,
 *       manifest check, rename, journal record).
 *   <li>{@link dev.nuload.archive.ExtractJournal}: the journal file itself.
 * </ul>
 *
 * <p>Formats: {@code docs/format/extract-journal.md}, {@code docs/format/repacked-tar-zst.md}.
 */
package dev.nuload.archive;
