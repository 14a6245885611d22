package dev.nuload.nuscenes.petr;

/**
 * The random (training) or fixed (test) choices for one sample, shared by all its views.
 *
 * @param resizeRatio {@code r}, real-valued (the ida uses it as is).
 * @param resizeWidth {@code int(W * r)}.
 * @param resizeHeight {@code int(H * r)}.
 * @param cropLeft {@code crop_w}.
 * @param cropTop {@code crop_h}.
 * @param flip horizontal flip.
 * @param sweepChoice the drawn index into the camera sweep list before clamping ({@code idx} of
 *     spec 3.3.2), or -1 when the sample has no past frame (1 frame, or an empty sweep list).
 * @param rotation {@code GlobalRotScaleTransImage} angle θ, radians (0 in test mode).
 * @param scale {@code GlobalRotScaleTransImage} scale s (1 in test mode).
 */
public record AugmentParams(
    double resizeRatio,
    int resizeWidth,
    int resizeHeight,
    int cropLeft,
    int cropTop,
    boolean flip,
    int sweepChoice,
    double rotation,
    double scale) {}
