/**
 * Archives: reading the nuScenes downloads and writing archives like them.
 *
 * <pre>
 *  archive --ArchiveFormat.detect (magic bytes)--+-- gzip: GzipDecoder (members, CRC, BGZF in parallel)
 *                                                +-- zstd: ZstdFrames (frames, window limit), zstd-jni
 *                                                +-- tar
 *        --> ChunkPipe --> TarReader --> EntryNames (containment) --> TargetWriter
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
 *
 * <p>Parallel inflate of one large gzip member, file by file:
 *
 * <ul>
 *   <li>{@code ParallelGzipInflater}: submits the chunk tasks and hands their output on in order
 *       (inflating the rest on its own thread once a chunk is over the cap); tunables and stats.
 *   <li>{@code ChunkInflater}: the task that decodes one chunk, from its start to the proven start
 *       of the next used chunk.
 *   <li>{@code ChunkStarts}: drives the search for where chunks start, once per chunk.
 *   <li>{@code DeflateBlockFinder}: finds a candidate dynamic block header after a given bit.
 *   <li>{@code ChunkChain}: the order of the used chunks; hands each task its real window, tells
 *       the others they are not used.
 *   <li>{@code Piece}: the output of one chunk task.
 *   <li>{@code WindowResolver}: the stand-in windows and their replacement by the real 32 KiB.
 *   <li>{@code LibdeflateSplicer}: hands the rest of a chunk to libdeflate once its window is real.
 *   <li>{@code LibdeflateChunkDecoder}: one libdeflate call on a stream built by {@code
 *       DeflateSplice}.
 *   <li>{@code IsalChunkDecoder}: an ISA-L decoder that starts at any bit, with a given window.
 *   <li>{@code OutBufferPool}: the native buffers libdeflate decodes into.
 *   <li>{@code RefCount}: the holder count of a native buffer lent to the sink ({@code ChunkPipe},
 *       {@code OutBufferPool}).
 *   <li>{@code ChunkPipe}: hands the output to the tar parser.
 *   <li>{@code MappedPages}: drops the archive's pages already read; {@code GzipTrailer}: checks
 *       the member's CRC-32 and length.
 * </ul>
 */
package dev.nuload.archive;
