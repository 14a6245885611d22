/**
 * Dataset checks behind {@code nuload validate}: {@link
 * dev.nuload.nuscenes.validate.DatasetValidator}.
 */
package dev.nuload.nuscenes.validate;
