/** End-to-end extraction benchmark: nuload extract against pigz + tar and tar -xzf. */
package dev.nuload.bench.extract;
