/*
 * A native trainer's side of the nuload ring: reads every batch and prints one line per batch
 * with its sequence, epoch, index, sample indices, a checksum of every tensor's bytes and the
 * first sample token. Build: gcc -O2 -std=c11 -I include examples/c/ring_consumer.c
 * Run: ./a.out /dev/shm/RING [timeout_ms]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include "nuload_ring.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s RING [timeout_ms]\n", argv[0]);
    return 2;
  }
  long timeout = argc > 2 ? atol(argv[2]) : 30000;
  char err[4096];
  nl_ring ring;
  if (nl_ring_open(&ring, argv[1], timeout, err, sizeof err) != 0) {
    fprintf(stderr, "ring_consumer: %s\n", err);
    return 1;
  }
  nl_batch b;
  int rc;
  while ((rc = nl_ring_next(&ring, &b, err, sizeof err)) == 1) {
    printf("batch %llu epoch %u index %u size %u samples", (unsigned long long)b.sequence, b.epoch,
           b.batch_index, b.size);
    for (uint32_t i = 0; i < b.size; i++) printf(" %d", nl_batch_sample_index(&ring, &b, i));
    for (uint32_t t = 0; t < ring.tensor_count; t++) {
      const nl_tensor *tensor = &ring.tensors[t];
      const uint8_t *p = (const uint8_t *)nl_batch_tensor(&ring, &b, tensor);
      uint64_t sum = 0;
      for (uint64_t k = 0; k < tensor->sample_bytes * b.size; k++) sum = sum * 31u + p[k];
      printf(" %s=%016llx", tensor->name, (unsigned long long)sum);
    }
    const uint32_t *counts;
    const uint8_t *payload;
    uint64_t row_bytes;
    if (nl_batch_metadata(&ring, &b, "sample_tokens", &counts, &payload, &row_bytes) > 0)
      printf(" token0=%.*s", (int)counts[0], (const char *)payload);
    if (nl_batch_metadata(&ring, &b, "gt_boxes", &counts, &payload, &row_bytes) > 0) {
      uint64_t boxes = 0;
      for (uint32_t i = 0; i < b.size; i++) boxes += counts[i];
      printf(" boxes=%llu", (unsigned long long)boxes);
    }
    printf("\n");
    nl_ring_release(&ring, &b);
  }
  nl_ring_close(&ring);
  if (rc < 0) {
    fprintf(stderr, "ring_consumer: %s\n", err);
    return 1;
  }
  return 0;
}
