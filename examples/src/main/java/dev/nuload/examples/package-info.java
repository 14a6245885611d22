/** Runnable examples that use nuload as a Maven dependency. */
package dev.nuload.examples;
