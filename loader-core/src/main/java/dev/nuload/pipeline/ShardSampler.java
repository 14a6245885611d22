package dev.nuload.pipeline;

/**
 * The sample order of one rank in one epoch, with the sharding rules of PyTorch's {@code
 * DistributedSampler}: the (optionally shuffled) index list is padded by repeating its start until
 * its length divides by the world size (or, with {@code dropLast}, cut to the largest multiple),
 * and rank {@code r} takes positions {@code r, r + W, r + 2W, ...}.
 *
 * <p>The shuffle is nuload's own deterministic permutation (torch's generator is not reproduced): a
 * Fisher-Yates shuffle driven by SplitMix64 seeded with {@code seed + epoch}, documented in {@code
 * docs/format/ring.md} so other languages can reproduce it.
 *
 * @param size samples in the dataset.
 * @param rank this shard, {@code 0 <= rank < worldSize}.
 * @param worldSize the number of shards.
 * @param shuffle whether to shuffle per epoch.
 * @param seed the shuffle seed.
 * @param dropLast drop the tail instead of padding.
 */
public record ShardSampler(
    int size, int rank, int worldSize, boolean shuffle, long seed, boolean dropLast) {

  /** Validates the values. */
  public ShardSampler {
    if (size < 0) {
      throw new IllegalArgumentException("dataset size " + size + " < 0");
    }
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException(
          "rank " + rank + " must be in [0, world size " + worldSize + ")");
    }
  }

  /**
   * Returns the number of samples each rank gets per epoch.
   *
   * @return {@code ceil(size / W)}, or {@code floor(size / W)} with dropLast.
   */
  public int samplesPerRank() {
    if (dropLast) {
      return size / worldSize; // torch: ceil((size - W) / W) when W does not divide size
    }
    return (size + worldSize - 1) / worldSize;
  }

  /**
   * Returns this rank's sample indices for an epoch, in serving order.
   *
   * @param epoch the epoch.
   * @return the indices.
   */
  public int[] indices(int epoch) {
    int[] all = order(epoch);
    int perRank = samplesPerRank();
    int total = perRank * worldSize;
    int[] padded = new int[total];
    for (int i = 0; i < total; i++) {
      padded[i] = all.length == 0 ? 0 : all[i % all.length];
    }
    int[] out = new int[perRank];
    for (int i = 0; i < perRank; i++) {
      out[i] = padded[rank + i * worldSize];
    }
    return out;
  }

  /**
   * Returns the whole dataset order for an epoch, before sharding.
   *
   * @param epoch the epoch.
   * @return a permutation of {@code 0..size-1} (identity without shuffle).
   */
  public int[] order(int epoch) {
    int[] a = new int[size];
    for (int i = 0; i < size; i++) {
      a[i] = i;
    }
    if (shuffle) {
      long state = seed + epoch;
      for (int i = size - 1; i > 0; i--) {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        int j = (int) Long.remainderUnsigned(z, i + 1L);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
    }
    return a;
  }
}
