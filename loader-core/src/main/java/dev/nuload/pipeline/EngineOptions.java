package dev.nuload.pipeline;

/**
 * Settings of one serving run. Build with {@link #builder()}; {@link Builder#build()} validates.
 *
 * @param batchSize samples per batch.
 * @param workers decode threads.
 * @param slots ring slots (the prefetch depth in batches).
 * @param epochs epochs to serve.
 * @param seed shuffle seed.
 * @param shuffle shuffle each epoch.
 * @param dropLast DistributedSampler drop_last: cut the index list instead of padding it.
 * @param dropLastBatch drop a final batch smaller than the batch size.
 * @param rank this shard.
 * @param worldSize shard count.
 * @param badSamples what to do with a sample that fails.
 */
public record EngineOptions(
    int batchSize,
    int workers,
    int slots,
    int epochs,
    long seed,
    boolean shuffle,
    boolean dropLast,
    boolean dropLastBatch,
    int rank,
    int worldSize,
    BadSamplePolicy badSamples) {

  /** Default slot count (prefetch depth). */
  public static final int SLOTS_DEFAULT = 4;

  /** Validates. */
  public EngineOptions {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
    }
    if (workers < 1) {
      throw new IllegalArgumentException("workers " + workers + " must be at least 1");
    }
    if (slots < 2) {
      throw new IllegalArgumentException("slots " + slots + " must be at least 2");
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs " + epochs + " must be at least 1");
    }
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException(
          "rank " + rank + " must be in [0, world size " + worldSize + ")");
    }
    if (badSamples == null) {
      throw new IllegalArgumentException("bad sample policy is missing");
    }
  }

  /**
   * Returns a builder with the defaults: batch 1, workers = available processors, 4 slots, 1 epoch,
   * seed 0, shuffle off, rank 0 of 1, policy FAIL.
   *
   * @return a builder.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the sampler of these options over a dataset.
   *
   * @param size dataset size.
   * @return the sampler.
   */
  public ShardSampler sampler(int size) {
    return new ShardSampler(size, rank, worldSize, shuffle, seed, dropLast);
  }

  /**
   * Returns the batches per epoch for a dataset.
   *
   * @param size dataset size.
   * @return batches per epoch.
   */
  public int batchesPerEpoch(int size) {
    int n = sampler(size).samplesPerRank();
    return dropLastBatch ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  /** Fluent builder of {@link EngineOptions}. */
  public static final class Builder {
    private int batchSize = 1;
    private int workers = Runtime.getRuntime().availableProcessors();
    private int slots = SLOTS_DEFAULT;
    private int epochs = 1;
    private long seed;
    private boolean shuffle;
    private boolean dropLast;
    private boolean dropLastBatch;
    private int rank;
    private int worldSize = 1;
    private BadSamplePolicy badSamples = BadSamplePolicy.FAIL;

    private Builder() {}

    /**
     * Sets the batch size.
     *
     * @param v samples per batch.
     * @return this.
     */
    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    /**
     * Sets the decode thread count.
     *
     * @param v workers.
     * @return this.
     */
    public Builder workers(int v) {
      workers = v;
      return this;
    }

    /**
     * Sets the ring slot count.
     *
     * @param v slots.
     * @return this.
     */
    public Builder slots(int v) {
      slots = v;
      return this;
    }

    /**
     * Sets the epoch count.
     *
     * @param v epochs.
     * @return this.
     */
    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    /**
     * Sets the shuffle seed.
     *
     * @param v seed.
     * @return this.
     */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /**
     * Turns shuffling on or off.
     *
     * @param v shuffle.
     * @return this.
     */
    public Builder shuffle(boolean v) {
      shuffle = v;
      return this;
    }

    /**
     * Sets DistributedSampler's drop_last.
     *
     * @param v drop the tail instead of padding.
     * @return this.
     */
    public Builder dropLast(boolean v) {
      dropLast = v;
      return this;
    }

    /**
     * Drops a final short batch.
     *
     * @param v drop it.
     * @return this.
     */
    public Builder dropLastBatch(boolean v) {
      dropLastBatch = v;
      return this;
    }

    /**
     * Sets the shard.
     *
     * @param rank this rank.
     * @param worldSize rank count.
     * @return this.
     */
    public Builder shard(int rank, int worldSize) {
      this.rank = rank;
      this.worldSize = worldSize;
      return this;
    }

    /**
     * Sets the bad-sample policy.
     *
     * @param v the policy.
     * @return this.
     */
    public Builder badSamples(BadSamplePolicy v) {
      badSamples = v;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the options.
     */
    public EngineOptions build() {
      return new EngineOptions(
          batchSize,
          workers,
          slots,
          epochs,
          seed,
          shuffle,
          dropLast,
          dropLastBatch,
          rank,
          worldSize,
          badSamples);
    }
  }
}
