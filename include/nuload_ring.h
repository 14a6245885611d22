/*
 * nuload_ring.h: header-only C reader of the nuload batch ring (docs/format/ring.md).
 *
 * Byte offsets below are those of docs/format/ring.md; the file is little-endian, which is the
 * byte order of every machine this header compiles for (it refuses big-endian targets).
 *
 *   nl_ring ring;
 *   char err[512];
 *   if (nl_ring_open(&ring, "/dev/shm/ring", 30000, err, sizeof err) != 0) { puts(err); return 1; }
 *   nl_batch b;
 *   int rc;
 *   while ((rc = nl_ring_next(&ring, &b, err, sizeof err)) == 1) {
 *     const nl_tensor *img = nl_ring_tensor(&ring, "img");
 *     const uint8_t *pixels = nl_batch_tensor(&ring, &b, img);  // [b.size, img->shape...]
 *     nl_ring_release(&ring, &b);
 *   }
 *   nl_ring_close(&ring);   // rc == 0: end of stream; rc < 0: producer gone, message in err
 *
 * A batch is a lease: its memory stays valid until nl_ring_release or the next nl_ring_next.
 * The consumer heartbeat is written on every call; a consumer that holds a batch longer than the
 * producer's consumer timeout calls nl_ring_beat() meanwhile. One consumer per ring.
 *
 * The reader never creates a file. When nl_ring_next reports the producer gone it removes the ring
 * file if no process holds the ring's flock any more (nl_ring_remove_if_abandoned), so a killed
 * producer leaves nothing in /dev/shm.
 */
#ifndef NULOAD_RING_H
#define NULOAD_RING_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "nuload_ring.h reads a little-endian file with plain loads; big-endian targets are not supported"
#endif

/* ---- header ---- */
#define NL_MAGIC 0x474E4952444C554EULL /* "NULDRING" */
#define NL_VERSION 1u
#define NL_HEADER_LENGTH 4096u
#define NL_OFF_MAGIC 0
#define NL_OFF_VERSION 8
#define NL_OFF_HEADER_LENGTH 12
#define NL_OFF_FILE_LENGTH 16
#define NL_OFF_SLOT_COUNT 24
#define NL_OFF_BATCH_SIZE 28
#define NL_OFF_SLOT_STRIDE 32
#define NL_OFF_SLOTS_OFFSET 40
#define NL_OFF_DESCRIPTOR_OFFSET 48
#define NL_OFF_TENSOR_COUNT 52
#define NL_OFF_DESCRIPTOR_ENTRY_LENGTH 56
#define NL_OFF_SLOT_HEADER_LENGTH 60
#define NL_OFF_SAMPLE_TABLE_OFFSET 64
#define NL_OFF_METADATA_OFFSET 72
#define NL_OFF_METADATA_CAPACITY 80
#define NL_OFF_BATCHES_PER_EPOCH 88
#define NL_OFF_EPOCHS 96
#define NL_OFF_RANK 100
#define NL_OFF_WORLD_SIZE 104
#define NL_OFF_PRODUCER_PID 128
#define NL_OFF_PRODUCER_START_MS 136
#define NL_OFF_PRODUCER_HEARTBEAT_MS 144
#define NL_OFF_HEARTBEAT_INTERVAL_MS 152
#define NL_OFF_PUBLISH_CURSOR 160
#define NL_OFF_STREAM_STATE 168
#define NL_OFF_ERROR_LENGTH 172
#define NL_OFF_CONSUMER_PID 192
#define NL_OFF_CONSUMER_HEARTBEAT_MS 200
#define NL_OFF_CONSUMER_CURSOR 208
#define NL_OFF_CONSUMER_WAIT_NS 216
#define NL_OFF_ERROR_MESSAGE 1024
#define NL_ERROR_MESSAGE_CAPACITY 3072
#define NL_STATE_RUNNING 0
#define NL_STATE_ENDED 1
#define NL_STATE_FAILED 2
/* ---- layout descriptor entry ---- */
#define NL_ENTRY_NAME 0
#define NL_ENTRY_NAME_CAPACITY 48
#define NL_ENTRY_DTYPE 48
#define NL_ENTRY_NDIM 52
#define NL_ENTRY_SHAPE 56
#define NL_ENTRY_SLOT_OFFSET 120
#define NL_MAX_TENSOR_DIMS 8
/* ---- slot header and sample table ---- */
#define NL_SLOT_SEQ_WORD 0
#define NL_SLOT_SEQUENCE 8
#define NL_SLOT_EPOCH 16
#define NL_SLOT_BATCH_INDEX 20
#define NL_SLOT_SAMPLE_COUNT 24
#define NL_SLOT_FLAGS 28
#define NL_SLOT_SKIPPED_COUNT 32
#define NL_SLOT_METADATA_LENGTH 36
#define NL_SLOT_METADATA_RECORDS 40
#define NL_FLAG_END_OF_EPOCH 1u
#define NL_FLAG_END_OF_STREAM 2u
#define NL_SAMPLE_ENTRY_LENGTH 8
#define NL_SAMPLE_SKIPPED 1u
/* ---- metadata record ---- */
#define NL_RECORD_LENGTH 0
#define NL_RECORD_KIND 4
#define NL_RECORD_DTYPE 5
#define NL_RECORD_INNER_NDIM 6
#define NL_RECORD_NAME_LENGTH 7
#define NL_RECORD_INNER_SHAPE 8
#define NL_RECORD_ROW_COUNT 24
#define NL_RECORD_NAME 32
#define NL_RECORD_HEADER_LENGTH 32
#define NL_KIND_STRINGS 1
#define NL_KIND_RAGGED 2

/* dtype codes */
enum nl_dtype { NL_UINT8 = 1, NL_INT8, NL_INT16, NL_UINT16, NL_INT32, NL_INT64, NL_FLOAT16, NL_FLOAT32, NL_FLOAT64 };

static inline int nl_dtype_size(uint32_t code) {
  static const int sizes[] = {0, 1, 1, 2, 2, 4, 8, 2, 4, 8};
  return code >= 1 && code <= 9 ? sizes[code] : 0;
}

#define NL_MAX_TENSORS 64
#define NL_PATH_CAPACITY 4096
/* How long a reader that reports the producer gone waits for it to let go of the ring's lock: a
 * failed producer is still exiting; a killed JVM looks gone (a zombie) while its threads close files. */
#define NL_PRODUCER_EXIT_WAIT_MS 1000

typedef struct {
  char name[NL_ENTRY_NAME_CAPACITY];
  uint32_t dtype;
  uint32_t ndim;
  int64_t shape[NL_MAX_TENSOR_DIMS];
  uint64_t slot_offset;
  uint64_t sample_bytes;
} nl_tensor;

typedef struct {
  uint8_t *base;
  size_t length;
  uint32_t slot_count, batch_size, tensor_count;
  uint64_t slot_stride, slots_offset, sample_table_offset, metadata_offset;
  uint64_t producer_pid;
  long timeout_ms;
  uint64_t next_sequence;
  int ended, holding;
  nl_tensor tensors[NL_MAX_TENSORS];
  char path[NL_PATH_CAPACITY]; /* the ring file, for removing it once its producer is gone ("" if too long) */
} nl_ring;

typedef struct {
  uint64_t sequence;
  uint32_t epoch, batch_index, size, flags, skipped_count, metadata_records;
  const uint8_t *slot;
} nl_batch;

static inline uint32_t nl_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t nl_u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline uint64_t nl_load_acquire64(const uint8_t *p) { return __atomic_load_n((const uint64_t *)p, __ATOMIC_ACQUIRE); }
static inline uint32_t nl_load_acquire32(const uint8_t *p) { return __atomic_load_n((const uint32_t *)p, __ATOMIC_ACQUIRE); }
static inline void nl_store_release64(uint8_t *p, uint64_t v) { __atomic_store_n((uint64_t *)p, v, __ATOMIC_RELEASE); }

static inline uint64_t nl_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/** Stores the consumer heartbeat (call while holding a batch for long). */
static inline void nl_ring_beat(nl_ring *r) { nl_store_release64(r->base + NL_OFF_CONSUMER_HEARTBEAT_MS, nl_now_ms()); }

static inline void nl_sleep_us(long us) {
  struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
  nanosleep(&ts, NULL);
}

/** Opens and maps a ready ring, waiting up to timeout_ms for it; 0 on success, -1 with err. */
static inline int nl_ring_open(nl_ring *r, const char *path, long timeout_ms, char *err, size_t errlen) {
  memset(r, 0, sizeof *r);
  r->timeout_ms = timeout_ms;
  if (strlen(path) < sizeof r->path) memcpy(r->path, path, strlen(path) + 1);
  uint64_t deadline = nl_now_ms() + (uint64_t)timeout_ms;
  for (;;) {
    int fd = open(path, O_RDWR);
    if (fd >= 0) {
      struct stat st;
      if (fstat(fd, &st) == 0 && st.st_size >= (off_t)NL_HEADER_LENGTH) {
        uint8_t *base = (uint8_t *)mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        close(fd);
        if (base == MAP_FAILED) {
          snprintf(err, errlen, "mmap %s: %s", path, strerror(errno));
          return -1;
        }
        uint32_t version = nl_load_acquire32(base + NL_OFF_VERSION);
        if (version != 0) {
          if (nl_u64(base + NL_OFF_MAGIC) != NL_MAGIC || version != NL_VERSION ||
              nl_u64(base + NL_OFF_FILE_LENGTH) != (uint64_t)st.st_size) {
            snprintf(err, errlen, "%s: not a nuload ring of format version %u (file has %u)", path, NL_VERSION, version);
            munmap(base, (size_t)st.st_size);
            return -1;
          }
          r->base = base;
          r->length = (size_t)st.st_size;
          break;
        }
        munmap(base, (size_t)st.st_size);
      } else {
        close(fd);
      }
    }
    if (nl_now_ms() > deadline) {
      snprintf(err, errlen, "no ready ring at %s within %ld ms", path, timeout_ms);
      return -1;
    }
    nl_sleep_us(10000);
  }
  uint8_t *b = r->base;
  r->slot_count = nl_u32(b + NL_OFF_SLOT_COUNT);
  r->batch_size = nl_u32(b + NL_OFF_BATCH_SIZE);
  r->slot_stride = nl_u64(b + NL_OFF_SLOT_STRIDE);
  r->slots_offset = nl_u64(b + NL_OFF_SLOTS_OFFSET);
  r->sample_table_offset = nl_u64(b + NL_OFF_SAMPLE_TABLE_OFFSET);
  r->metadata_offset = nl_u64(b + NL_OFF_METADATA_OFFSET);
  r->producer_pid = nl_u64(b + NL_OFF_PRODUCER_PID);
  r->tensor_count = nl_u32(b + NL_OFF_TENSOR_COUNT);
  if (r->tensor_count > NL_MAX_TENSORS) {
    snprintf(err, errlen, "%s: %u tensors, this header reads at most %d", path, r->tensor_count, NL_MAX_TENSORS);
    munmap(r->base, r->length);
    return -1;
  }
  uint32_t desc = nl_u32(b + NL_OFF_DESCRIPTOR_OFFSET), entry = nl_u32(b + NL_OFF_DESCRIPTOR_ENTRY_LENGTH);
  for (uint32_t i = 0; i < r->tensor_count; i++) {
    const uint8_t *e = b + desc + (uint64_t)entry * i;
    nl_tensor *t = &r->tensors[i];
    memcpy(t->name, e + NL_ENTRY_NAME, NL_ENTRY_NAME_CAPACITY);
    t->name[NL_ENTRY_NAME_CAPACITY - 1] = 0;
    t->dtype = nl_u32(e + NL_ENTRY_DTYPE);
    t->ndim = nl_u32(e + NL_ENTRY_NDIM);
    t->sample_bytes = (uint64_t)nl_dtype_size(t->dtype);
    for (uint32_t d = 0; d < t->ndim && d < NL_MAX_TENSOR_DIMS; d++) {
      t->shape[d] = (int64_t)nl_u64(e + NL_ENTRY_SHAPE + 8 * d);
      t->sample_bytes *= (uint64_t)t->shape[d];
    }
    t->slot_offset = nl_u64(e + NL_ENTRY_SLOT_OFFSET);
  }
  r->next_sequence = nl_load_acquire64(b + NL_OFF_CONSUMER_CURSOR);
  nl_ring_beat(r);
  nl_store_release64(b + NL_OFF_CONSUMER_PID, (uint64_t)getpid());
  return 0;
}

/** Finds a tensor of the layout descriptor by name, or NULL. */
static inline const nl_tensor *nl_ring_tensor(const nl_ring *r, const char *name) {
  for (uint32_t i = 0; i < r->tensor_count; i++)
    if (strcmp(r->tensors[i].name, name) == 0) return &r->tensors[i];
  return NULL;
}

/** The tensor's bytes in a batch: C-contiguous [b->size, t->shape...]. */
static inline const void *nl_batch_tensor(const nl_ring *r, const nl_batch *b, const nl_tensor *t) {
  (void)r;
  return b->slot + t->slot_offset;
}

static inline int32_t nl_batch_sample_index(const nl_ring *r, const nl_batch *b, uint32_t row) {
  return (int32_t)nl_u32(b->slot + r->sample_table_offset + (uint64_t)NL_SAMPLE_ENTRY_LENGTH * row);
}

static inline int nl_batch_skipped(const nl_ring *r, const nl_batch *b, uint32_t row) {
  return nl_u32(b->slot + r->sample_table_offset + (uint64_t)NL_SAMPLE_ENTRY_LENGTH * row + 4) == NL_SAMPLE_SKIPPED;
}

/**
 * Finds metadata record `name`: sets *counts (row_count u32: string bytes or ragged rows), *payload
 * (rows back to back) and *row_bytes (bytes per ragged row, 1 for strings); returns the row count or -1.
 */
static inline int nl_batch_metadata(const nl_ring *r, const nl_batch *b, const char *name, const uint32_t **counts,
                                    const uint8_t **payload, uint64_t *row_bytes) {
  const uint8_t *at = b->slot + r->metadata_offset;
  for (uint32_t i = 0; i < b->metadata_records; i++) {
    uint32_t len = nl_u32(at + NL_RECORD_LENGTH), name_len = at[NL_RECORD_NAME_LENGTH];
    if (strlen(name) == name_len && memcmp(at + NL_RECORD_HEADER_LENGTH, name, name_len) == 0) {
      uint32_t rows = nl_u32(at + NL_RECORD_ROW_COUNT);
      const uint8_t *p = at + NL_RECORD_HEADER_LENGTH + ((name_len + 7u) & ~7u);
      *counts = (const uint32_t *)p;
      *payload = p + ((4u * rows + 7u) & ~7u);
      *row_bytes = 1;
      if (at[NL_RECORD_KIND] == NL_KIND_RAGGED) {
        *row_bytes = (uint64_t)nl_dtype_size(at[NL_RECORD_DTYPE]);
        for (uint32_t d = 0; d < at[NL_RECORD_INNER_NDIM]; d++) *row_bytes *= nl_u32(at + NL_RECORD_INNER_SHAPE + 4 * d);
      }
      return (int)rows;
    }
    at += len;
  }
  return -1;
}

static inline int nl_pid_alive(uint64_t pid) {
  if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) return 0;
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%llu/stat", (unsigned long long)pid);
  FILE *f = fopen(path, "r");
  if (!f) return 1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *close_paren = strrchr(buf, ')');
  return !(close_paren && close_paren[1] == ' ' && (close_paren[2] == 'Z' || close_paren[2] == 'X'));
}

/**
 * Removes the ring file at path when no process holds its flock (its producer is gone), waiting up
 * to wait_ms for a held lock: 1 removed, 0 not. The lock is taken on the file path names and the
 * name is unlinked only while it still names that file (a producer renames a new ring over the
 * name only while it holds the old one's lock). docs/format/ring.md, Clean-up.
 */
static inline int nl_ring_remove_if_abandoned(const char *path, long wait_ms) {
  uint64_t deadline = nl_now_ms() + (uint64_t)(wait_ms > 0 ? wait_ms : 0);
  for (;;) {
    if (!path[0]) return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
      struct stat held, now;
      if (fstat(fd, &held) != 0 || stat(path, &now) != 0) {
        close(fd);
        return 0;
      }
      if (held.st_dev == now.st_dev && held.st_ino == now.st_ino) {
        int removed = unlink(path) == 0;
        close(fd);
        return removed;
      }
      /* the name was moved to another file since it was opened: look again */
    }
    close(fd);
    if (nl_now_ms() >= deadline) return 0;
    nl_sleep_us(10000);
  }
}

static inline long nl_producer_exit_wait_ms(const nl_ring *r) {
  return r->timeout_ms < NL_PRODUCER_EXIT_WAIT_MS ? r->timeout_ms : NL_PRODUCER_EXIT_WAIT_MS;
}

/** Hands the batch's slot back to the producer. */
static inline void nl_ring_release(nl_ring *r, nl_batch *b) {
  if (r->holding && b->sequence == r->next_sequence) {
    r->holding = 0;
    r->next_sequence++;
    nl_store_release64(r->base + NL_OFF_CONSUMER_CURSOR, r->next_sequence);
    nl_ring_beat(r);
  }
}

/** Releases the held batch and waits for the next: 1 batch, 0 end of stream, -1 producer gone (err). */
static inline int nl_ring_next(nl_ring *r, nl_batch *out, char *err, size_t errlen) {
  if (r->holding) {
    nl_batch held = *out;
    held.sequence = r->next_sequence;
    nl_ring_release(r, &held);
  }
  if (r->ended) return 0;
  uint64_t s = r->next_sequence;
  const uint8_t *slot = r->base + r->slots_offset + r->slot_stride * (s % r->slot_count);
  uint64_t last_beat = 0;
  struct timespec w0, w1;
  int waited = 0;
  clock_gettime(CLOCK_MONOTONIC, &w0);
  while (nl_load_acquire64(slot + NL_SLOT_SEQ_WORD) != 2 * s + 2) {
    waited = 1;
    uint64_t now = nl_now_ms();
    if (now - last_beat >= 100) {
      nl_ring_beat(r);
      last_beat = now;
    }
    uint32_t state = nl_load_acquire32(r->base + NL_OFF_STREAM_STATE);
    uint32_t elen = nl_u32(r->base + NL_OFF_ERROR_LENGTH);
    if (elen > NL_ERROR_MESSAGE_CAPACITY) elen = NL_ERROR_MESSAGE_CAPACITY;
    if (state == NL_STATE_FAILED) {
      snprintf(err, errlen, "producer failed: %.*s", (int)elen, (const char *)r->base + NL_OFF_ERROR_MESSAGE);
      nl_ring_remove_if_abandoned(r->path, nl_producer_exit_wait_ms(r));
      return -1;
    }
    if (!nl_pid_alive(r->producer_pid)) {
      snprintf(err, errlen, "producer pid %llu is gone; last error: %.*s", (unsigned long long)r->producer_pid,
               (int)elen, (const char *)r->base + NL_OFF_ERROR_MESSAGE);
      nl_ring_remove_if_abandoned(r->path, nl_producer_exit_wait_ms(r));
      return -1;
    }
    uint64_t beat = nl_load_acquire64(r->base + NL_OFF_PRODUCER_HEARTBEAT_MS);
    if (now > beat && (long)(now - beat) > r->timeout_ms) {
      snprintf(err, errlen, "producer pid %llu has not beaten for %llu ms", (unsigned long long)r->producer_pid,
               (unsigned long long)(now - beat));
      nl_ring_remove_if_abandoned(r->path, 0); /* a stopped producer still holds the lock: its ring stays */
      return -1;
    }
    nl_sleep_us(200);
  }
  if (waited) {
    clock_gettime(CLOCK_MONOTONIC, &w1);
    uint64_t ns = (uint64_t)(w1.tv_sec - w0.tv_sec) * 1000000000u + (uint64_t)w1.tv_nsec - (uint64_t)w0.tv_nsec;
    nl_store_release64(r->base + NL_OFF_CONSUMER_WAIT_NS, nl_u64(r->base + NL_OFF_CONSUMER_WAIT_NS) + ns);
  }
  out->sequence = s;
  out->slot = slot;
  out->epoch = nl_u32(slot + NL_SLOT_EPOCH);
  out->batch_index = nl_u32(slot + NL_SLOT_BATCH_INDEX);
  out->size = nl_u32(slot + NL_SLOT_SAMPLE_COUNT);
  out->flags = nl_u32(slot + NL_SLOT_FLAGS);
  out->skipped_count = nl_u32(slot + NL_SLOT_SKIPPED_COUNT);
  out->metadata_records = nl_u32(slot + NL_SLOT_METADATA_RECORDS);
  r->holding = 1;
  if (out->flags & NL_FLAG_END_OF_STREAM) {
    nl_ring_release(r, out);
    r->ended = 1;
    return 0;
  }
  return 1;
}

/** Detaches and unmaps (heartbeat 0 when leaving before the end). */
static inline void nl_ring_close(nl_ring *r) {
  if (!r->base) return;
  if (!r->ended) nl_store_release64(r->base + NL_OFF_CONSUMER_HEARTBEAT_MS, 0);
  munmap(r->base, r->length);
  r->base = NULL;
}

#endif /* NULOAD_RING_H */
