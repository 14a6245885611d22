/** JMH benchmarks of the serving engine ({@code dev.nuload.pipeline}). */
package dev.nuload.bench.pipeline;
