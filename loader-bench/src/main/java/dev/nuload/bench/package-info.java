/** Benchmarks: JMH suite and the end-to-end harness. */
package dev.nuload.bench;
