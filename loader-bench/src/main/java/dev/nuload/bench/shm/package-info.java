/** JMH benchmarks of the shared-memory batch ring ({@code dev.nuload.shm}). */
package dev.nuload.bench.shm;
