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
 * <p>Formats: {@code docs/format/extract-journal.md}, {@code docs/format/repacked-tar-zst.md}.
 */
package dev.nuload.archive;
