/**
 * Report output shared by the benchmark stages: SVG charts (standalone files, no script, no
 * external fonts) written next to {@code bench-report.md}.
 */
package dev.nuload.bench.report;
