/** End-to-end serving benchmark: nuload serve into a ring vs a PyTorch DataLoader. */
package dev.nuload.bench.serve;
