/** Writing tar archives ({@code .tgz}) the way the nuScenes downloads are packed. */
package dev.nuload.archive;
