package dev.nuload.nuscenes.synth;

import dev.nuload.nuscenes.geom.RigidTransform;
import java.util.SplittableRandom;

/**
 * Ray-casts a street scene for one camera: every pixel's ray ({@code K^-1}, then camera-to-global)
 * hits the sky (with a skyline of buildings and trees at infinity), the ground plane {@code z = 0}
 * in global coordinates (world-anchored asphalt texture and dashed lane lines parallel to global x
 * every 3.5 m), or an annotated box (solid shaded cuboid, nearest wins). Boxes are exact geometry,
 * so a box projected with the calibration lands on its pixels.
 *
 * <p>Ownership: holds a BGR pixel buffer and a depth buffer reused across frames; the array
 * returned by {@link #render} is overwritten by the next call. Not thread-safe.
 */
final class CameraRenderer {
  private static final int NOISE_SIZE = 1 << 16;
  private static final byte[] SENSOR_NOISE = buildSensorNoise();
  private static final int[] CLAMP = buildClamp();
  private static final double LANE_SPACING = 3.5;
  private static final double DASH_PERIOD = 9.0;
  private static final double[] LIGHT = normalise(new double[] {0.35, 0.55, 0.76});

  private int width;
  private int height;
  private byte[] pixels = new byte[0];
  private float[] depth = new float[0];
  private float[] vignetteCol = new float[0];
  private float[] vignetteRow = new float[0];
  private double[] azimuth = new double[0];
  private float[] skylineTan = new float[0];
  private int[] skylineColour = new int[0];
  private byte[] skylineKind = new byte[0];
  private boolean[] windowColumn = new boolean[0];
  private int[] skyTexCol = new int[0];
  private int[] cloudCol = new int[0];

  // per-frame scene look
  private float asphalt;
  private float gain;
  private int noiseOffset;
  private float skyR;
  private float skyG;
  private float skyB;
  private float horR;
  private float horG;
  private float horB;

  /**
   * Renders a frame.
   *
   * @param f the frame.
   * @return BGR pixels, {@code width * height * 3}; valid until the next call.
   */
  byte[] render(SensorFrames.CameraFrame f) {
    int w = f.width();
    int h = f.height();
    if (w <= 0 || h <= 0 || (long) w * h > 50_000_000L) {
      throw new IllegalArgumentException("bad camera size " + w + "x" + h);
    }
    if (f.intrinsic() == null || f.intrinsic().length != 9) {
      throw new IllegalArgumentException("camera intrinsic must have 9 values");
    }
    ensure(w, h);
    chooseLook(f.sceneSeed(), f.frameSeed());
    double[] kinv = invert3(f.intrinsic());
    RigidTransform cam = f.cameraToGlobal();
    double[] m = multiply3(cam.r(), kinv); // pixel (u, v, 1) -> global ray direction
    double[] o = cam.t();
    buildSkyline(m, f.intrinsic(), f.sceneSeed());
    renderBackground(m, o);
    for (SensorFrames.Box box : f.boxes()) {
      renderBox(new BoxGeometry(box), m, cam, f.intrinsic());
    }
    return pixels;
  }

  private void ensure(int w, int h) {
    if (w == width && h == height) {
      return;
    }
    width = w;
    height = h;
    pixels = new byte[w * h * 3];
    depth = new float[w * h];
    vignetteCol = new float[w];
    vignetteRow = new float[h];
    for (int u = 0; u < w; u++) {
      double x = (u - w / 2.0) / (w / 2.0);
      vignetteCol[u] = (float) (1 - 0.18 * x * x);
    }
    for (int v = 0; v < h; v++) {
      double y = (v - h / 2.0) / (w / 2.0);
      vignetteRow[v] = (float) (1 - 0.18 * y * y);
    }
    azimuth = new double[w];
    skylineTan = new float[w];
    skylineColour = new int[w];
    skylineKind = new byte[w];
    windowColumn = new boolean[w];
    skyTexCol = new int[w];
    cloudCol = new int[w];
  }

  private void chooseLook(long sceneSeed, long frameSeed) {
    SplittableRandom scene = new SplittableRandom(SynthNoise.mix(sceneSeed ^ 0x5CE7E));
    asphalt = (float) (78 + scene.nextDouble() * 30);
    float cloudy = (float) scene.nextDouble();
    skyR = 120 + 80 * cloudy;
    skyG = 158 + 55 * cloudy;
    skyB = 212 + 20 * cloudy;
    horR = 205 + 20 * cloudy;
    horG = 212 + 15 * cloudy;
    horB = 218 + 12 * cloudy;
    long fr = SynthNoise.mix(frameSeed ^ 0xF4A3E);
    gain = (float) (0.96 + 0.08 * SynthNoise.unit(fr));
    noiseOffset = (int) (SynthNoise.mix(fr) & (NOISE_SIZE - 1));
  }

  /** Per column: azimuth of the ray through the principal row, and the skyline there. */
  private void buildSkyline(double[] m, double[] k, long sceneSeed) {
    double cy = k[5];
    for (int u = 0; u < width; u++) {
      double dx = m[0] * u + m[1] * cy + m[2];
      double dy = m[3] * u + m[4] * cy + m[5];
      double az = Math.atan2(dy, dx) + Math.PI; // 0..2pi
      azimuth[u] = az;
      double wc = az * 400;
      windowColumn[u] = wc - (int) wc > 0.3 && wc - (int) wc < 0.75;
      skyTexCol[u] = (int) (az * 1400) & SynthNoise.TEX_MASK;
      cloudCol[u] = (int) (az * 160) & SynthNoise.TEX_MASK;
      // world-anchored buckets of about 5 degrees
      int bucket = (int) (az / (2 * Math.PI) * 72);
      long hsh = SynthNoise.mix(sceneSeed * 31 + bucket);
      double kindRoll = SynthNoise.unit(hsh);
      double frac = az / (2 * Math.PI) * 72 - bucket;
      if (kindRoll < 0.6) {
        double elev = Math.toRadians(3 + 12 * SynthNoise.unit(SynthNoise.mix(hsh)));
        skylineTan[u] = (float) Math.tan(elev);
        skylineKind[u] = 1;
        long c = SynthNoise.mix(hsh + 7);
        int base = 120 + (int) (SynthNoise.unit(c) * 100);
        int tint = (int) (SynthNoise.unit(SynthNoise.mix(c)) * 30) - 10;
        skylineColour[u] = rgb(base + tint, base, base - tint);
      } else if (kindRoll < 0.88) {
        int t = SynthNoise.TEXTURE[(int) (az * 900) & SynthNoise.TEX_MASK];
        double elev = Math.toRadians(4 + 5 * SynthNoise.unit(SynthNoise.mix(hsh)) + t / 40.0);
        skylineTan[u] =
            (float) Math.tan(Math.max(0, elev) * (0.6 + 0.4 * Math.sin(Math.PI * frac)));
        skylineKind[u] = 2;
        skylineColour[u] = rgb(60, 95 + (int) (SynthNoise.unit(hsh >>> 3) * 30), 55);
      } else {
        skylineTan[u] = 0;
        skylineKind[u] = 0;
      }
    }
  }

  private void renderBackground(double[] m, double[] o) {
    final int w = width;
    final double oz = o[2];
    for (int v = 0; v < height; v++) {
      double rx = m[1] * v + m[2];
      double ry = m[4] * v + m[5];
      double rz = m[7] * v + m[8];
      float vr = vignetteRow[v] * gain;
      // dz(u) = rz + m[6] * u is linear: split the row into a ground run and sky runs
      int g0 = 0;
      int g1 = -1; // ground columns g0..g1 (inclusive), where dz < -eps
      if (oz > 0) {
        double eps = 1e-3 * Math.sqrt(rx * rx + ry * ry);
        if (Math.abs(m[6]) < 1e-15) {
          if (rz < -eps) {
            g1 = w - 1;
          }
        } else {
          double uc = (-eps - rz) / m[6]; // dz == -eps here
          if (m[6] > 0) {
            g1 = (int) Math.min(w - 1, Math.ceil(uc) - 1);
          } else {
            g0 = (int) Math.max(0, Math.floor(uc) + 1);
            g1 = w - 1;
          }
        }
      }
      if (g1 < g0) {
        sky(v, 0, w - 1, rx, ry, rz, m, vr);
      } else {
        sky(v, 0, g0 - 1, rx, ry, rz, m, vr);
        ground(v, g0, g1, rx, ry, rz, m, o, vr);
        sky(v, g1 + 1, w - 1, rx, ry, rz, m, vr);
      }
    }
  }

  private void ground(
      int v, int u0, int u1, double rx, double ry, double rz, double[] m, double[] o, float vr) {
    final byte[] tex = SynthNoise.TEXTURE;
    final double oz = o[2];
    final double ox = o[0] + 4096;
    final double oy = o[1] + 4096;
    final double invLane = 1 / LANE_SPACING;
    final double invDash = 1 / DASH_PERIOD;
    final int row = v * width;
    final float base = asphalt;
    final byte[] coarse = SynthNoise.COARSE;
    for (int u = u0; u <= u1; u++) {
      double dx = rx + m[0] * u;
      double dy = ry + m[3] * u;
      double dz = rz + m[6] * u;
      int i = row + u;
      double t = -oz / dz;
      depth[i] = (float) t;
      double gx = ox + t * dx;
      double gy = oy + t * dy;
      float ft = (float) t;
      float fine = 36f / (36f + ft * ft);
      int tc = coarse[((int) (gx * 0.75) & 255) | (((int) (gy * 0.75) & 255) << 8)];
      float a = base + tc * 0.10f;
      if (fine > 0.02f) { // the fine grain is invisible (and cache-unfriendly) far away
        a += tex[((int) (gx * 50) & 1023) | (((int) (gy * 50) & 1023) << 10)] * 0.22f * fine;
      }
      double ly = gy * invLane;
      double lf = ly - (int) ly;
      if (lf < 0.045 || lf > 0.955) {
        double lx = gx * invDash;
        if (lx - (int) lx < 0.35) {
          a += (190 - a) * (0.35f + 0.65f * 20f / (20f + ft));
        }
      }
      float haze = ft / (ft + 160f);
      put(
          i,
          a + (horR - a) * haze,
          a + (horG - a) * haze,
          a + 2 + (horB - a - 2) * haze,
          vr * vignetteCol[u]);
    }
  }

  private void sky(int v, int u0, int u1, double rx, double ry, double rz, double[] m, float vr) {
    if (u1 < u0) {
      return;
    }
    final byte[] tex = SynthNoise.TEXTURE;
    final int row = v * width;
    final float mx = (float) m[0];
    final float my = (float) m[3];
    final float mz = (float) m[6];
    final float bx = (float) rx;
    final float by = (float) ry;
    final float bz = (float) rz;
    final float[] skyTan = skylineTan;
    final float[] vig = vignetteCol;
    for (int u = u0; u <= u1; u++) {
      float dx = bx + mx * u;
      float dy = by + my * u;
      float dz = bz + mz * u;
      int i = row + u;
      depth[i] = Float.POSITIVE_INFINITY;
      float tanE = dz / (float) Math.sqrt(dx * dx + dy * dy);
      float r;
      float g;
      float b;
      if (tanE < skyTan[u]) {
        int c = skylineColour[u];
        r = (c >> 16) & 255;
        g = (c >> 8) & 255;
        b = c & 255;
        if (skylineKind[u] == 1) {
          float wr = tanE * 90 + 8;
          if (wr - (int) wr > 0.35f && windowColumn[u]) {
            r *= 0.45f;
            g *= 0.5f;
            b *= 0.58f;
          }
        } else {
          int tt = tex[skyTexCol[u] | (((int) (tanE * 2000 + 4096) & 1023) << 10)];
          r += tt * 0.35f;
          g += tt * 0.45f;
          b += tt * 0.3f;
        }
      } else {
        float s = Math.min(1f, Math.max(0f, tanE) * 2.2f);
        r = horR + (skyR - horR) * s;
        g = horG + (skyG - horG) * s;
        b = horB + (skyB - horB) * s;
        int cl = tex[cloudCol[u] | (((int) (tanE * 500 + 4096) & 1023) << 10)];
        if (cl > 10) {
          float k = Math.min(1f, (cl - 10) / 50f) * 0.8f;
          r += (235 - r) * k;
          g += (237 - g) * k;
          b += (240 - b) * k;
        }
      }
      put(i, r, g, b, vr * vig[u]);
    }
  }

  private void renderBox(BoxGeometry box, double[] m, RigidTransform cam, double[] k) {
    // screen rectangle from the 8 projected corners
    RigidTransform toCam = cam.inverse();
    double minU = Double.POSITIVE_INFINITY;
    double maxU = Double.NEGATIVE_INFINITY;
    double minV = Double.POSITIVE_INFINITY;
    double maxV = Double.NEGATIVE_INFINITY;
    double[][] pc = new double[8][];
    for (int corner = 0; corner < 8; corner++) {
      double lx = (corner & 1) == 0 ? -box.hx : box.hx;
      double ly = (corner & 2) == 0 ? -box.hy : box.hy;
      double lz = (corner & 4) == 0 ? -box.hz : box.hz;
      double[] r = box.r;
      double[] gp = {
        box.c[0] + r[0] * lx + r[1] * ly + r[2] * lz,
        box.c[1] + r[3] * lx + r[4] * ly + r[5] * lz,
        box.c[2] + r[6] * lx + r[7] * ly + r[8] * lz
      };
      pc[corner] = toCam.apply(gp);
    }
    // the box clipped to the near plane: corners in front plus edge crossings of the plane
    final double near = 0.05;
    int front = 0;
    for (int a = 0; a < 8; a++) {
      if (pc[a][2] >= near) {
        front++;
        double[] uv = project(k, pc[a]);
        minU = Math.min(minU, uv[0]);
        maxU = Math.max(maxU, uv[0]);
        minV = Math.min(minV, uv[1]);
        maxV = Math.max(maxV, uv[1]);
      }
      for (int bit = 1; bit < 8; bit <<= 1) {
        int b = a | bit;
        if (b == a) {
          continue;
        }
        double za = pc[a][2];
        double zb = pc[b][2];
        if ((za < near) != (zb < near)) {
          double s = (near - za) / (zb - za);
          double[] q = {
            pc[a][0] + s * (pc[b][0] - pc[a][0]), pc[a][1] + s * (pc[b][1] - pc[a][1]), near
          };
          double[] uv = project(k, q);
          minU = Math.min(minU, uv[0]);
          maxU = Math.max(maxU, uv[0]);
          minV = Math.min(minV, uv[1]);
          maxV = Math.max(maxV, uv[1]);
        }
      }
    }
    if (front == 0) {
      return;
    }
    int u0 = (int) Math.max(0, Math.floor(Math.max(minU, -1)) - 1);
    int v0 = (int) Math.max(0, Math.floor(Math.max(minV, -1)) - 1);
    int u1 = (int) Math.min(width - 1, Math.ceil(Math.min(maxU, width + 1)) + 1);
    int v1 = (int) Math.min(height - 1, Math.ceil(Math.min(maxV, height + 1)) + 1);
    if (u0 > u1 || v0 > v1) {
      return;
    }
    double[] ol = box.toLocalPoint(cam.t());
    double[] bu = box.toLocalVector(new double[] {m[0], m[3], m[6]});
    double[] bv = box.toLocalVector(new double[] {m[1], m[4], m[7]});
    double[] b0 = box.toLocalVector(new double[] {m[2], m[5], m[8]});
    float[][] faces = faceColours(box);
    final byte[] tex = SynthNoise.TEXTURE;
    for (int v = v0; v <= v1; v++) {
      double rx = b0[0] + bv[0] * v;
      double ry = b0[1] + bv[1] * v;
      double rz = b0[2] + bv[2] * v;
      float vr = vignetteRow[v] * gain;
      for (int u = u0; u <= u1; u++) {
        double dx = rx + bu[0] * u;
        double dy = ry + bu[1] * u;
        double dz = rz + bu[2] * u;
        double t = box.intersect(ol[0], ol[1], ol[2], dx, dy, dz);
        int i = v * width + u;
        if (t >= depth[i]) {
          continue;
        }
        depth[i] = (float) t;
        double px = (ol[0] + t * dx) / box.hx;
        double py = (ol[1] + t * dy) / box.hy;
        double pz = (ol[2] + t * dz) / box.hz;
        double ax = Math.abs(px);
        double ay = Math.abs(py);
        double az = Math.abs(pz);
        int face;
        double s1;
        double s2;
        if (ax >= ay && ax >= az) {
          face = px > 0 ? 0 : 1;
          s1 = py * box.hy;
          s2 = pz * box.hz;
        } else if (ay >= az) {
          face = py > 0 ? 2 : 3;
          s1 = px * box.hx;
          s2 = pz * box.hz;
        } else {
          face = pz > 0 ? 4 : 5;
          s1 = px * box.hx;
          s2 = py * box.hy;
        }
        float[] fc = faces[face];
        float r = fc[0];
        float g = fc[1];
        float b = fc[2];
        float shade = fc[3];
        // features
        switch (box.kind) {
          case CAR, LARGE_VEHICLE -> {
            double lo = box.kind == BoxGeometry.Kind.CAR ? 0.2 : 0.3;
            if (face < 4 && pz > lo && pz < 0.8 && (face < 2 ? ay : ax) < 0.85) {
              r = 40;
              g = 48;
              b = 58;
            } else if (face < 4 && pz < -0.6) {
              r = 28;
              g = 28;
              b = 30;
            }
          }
          case PEDESTRIAN -> {
            if (pz > 0.72) {
              r = 190;
              g = 150;
              b = 120;
            } else if (pz < -0.05) {
              r = fc[4];
              g = fc[5];
              b = fc[6];
            }
          }
          case CONE, BARRIER -> {
            double band = pz * (box.kind == BoxGeometry.Kind.CONE ? 2.0 : 1.5);
            if ((int) (band + 10) % 2 == 0) {
              r = 235;
              g = 235;
              b = 230;
            }
          }
          default -> {}
        }
        int tv = tex[((int) (s1 * 40 + 5000) & 1023) | (((int) (s2 * 40 + 5000) & 1023) << 10)];
        // a millimetre-scale grain (paint, dirt) keeps close surfaces as detailed as real ones
        int grain =
            tex[((int) (s1 * 700 + 90000) & 1023) | (((int) (s2 * 700 + 90000) & 1023) << 10)];
        float tk = tv * 0.08f + grain * 0.15f;
        put(i, (r + tk) * shade, (g + tk) * shade, (b + tk) * shade, vr * vignetteCol[u]);
      }
    }
  }

  private static double[] project(double[] k, double[] p) {
    return new double[] {
      (k[0] * p[0] + k[1] * p[1] + k[2] * p[2]) / p[2],
      (k[3] * p[0] + k[4] * p[1] + k[5] * p[2]) / p[2]
    };
  }

  /** Per face (+x, -x, +y, -y, +z, -z): base r, g, b, shade, secondary r, g, b. */
  private static float[][] faceColours(BoxGeometry box) {
    long h = box.look;
    int base = palette(box.kind, h);
    int second = palette(BoxGeometry.Kind.OTHER, SynthNoise.mix(h));
    float[][] out = new float[6][];
    for (int face = 0; face < 6; face++) {
      int axis = face / 2;
      double sign = (face % 2 == 0) ? 1 : -1;
      double nx = box.r[axis] * sign;
      double ny = box.r[3 + axis] * sign;
      double nz = box.r[6 + axis] * sign;
      double lambert = Math.max(0, nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2]);
      float shade = (float) (0.55 + 0.5 * lambert);
      out[face] =
          new float[] {
            (base >> 16) & 255,
            (base >> 8) & 255,
            base & 255,
            shade,
            ((second >> 16) & 255) * 0.5f,
            ((second >> 8) & 255) * 0.5f,
            (second & 255) * 0.5f
          };
    }
    return out;
  }

  private static int palette(BoxGeometry.Kind kind, long h) {
    int pick = (int) ((h >>> 33) % 8);
    return switch (kind) {
      case CAR ->
          new int[] {
                rgb(225, 225, 228),
                rgb(170, 172, 176),
                rgb(35, 36, 40),
                rgb(85, 88, 92),
                rgb(150, 30, 30),
                rgb(40, 70, 140),
                rgb(25, 35, 70),
                rgb(200, 200, 195)
              }
              [pick];
      case LARGE_VEHICLE ->
          new int[] {
                rgb(230, 230, 230),
                rgb(210, 180, 40),
                rgb(40, 120, 70),
                rgb(60, 90, 160),
                rgb(200, 200, 200),
                rgb(170, 60, 40),
                rgb(120, 120, 125),
                rgb(235, 235, 225)
              }
              [pick];
      case TWO_WHEELER -> rgb(40 + pick * 10, 40, 45);
      case PEDESTRIAN ->
          new int[] {
                rgb(180, 40, 40),
                rgb(40, 60, 150),
                rgb(230, 230, 230),
                rgb(30, 30, 30),
                rgb(90, 130, 60),
                rgb(200, 170, 60),
                rgb(120, 80, 140),
                rgb(140, 140, 140)
              }
              [pick];
      case CONE -> rgb(240, 110, 20);
      case BARRIER -> pick < 4 ? rgb(200, 40, 35) : rgb(150, 150, 145);
      case OTHER -> rgb(100 + pick * 15, 90 + pick * 10, 80);
    };
  }

  private void put(int i, float r, float g, float b, float k) {
    int n = SENSOR_NOISE[(i + noiseOffset) & (NOISE_SIZE - 1)];
    int j = i * 3;
    pixels[j] = (byte) CLAMP[256 + (int) (b * k + n)];
    pixels[j + 1] = (byte) CLAMP[256 + (int) (g * k + n)];
    pixels[j + 2] = (byte) CLAMP[256 + (int) (r * k + n)];
  }

  private static int rgb(int r, int g, int b) {
    return (Math.clamp(r, 0, 255) << 16) | (Math.clamp(g, 0, 255) << 8) | Math.clamp(b, 0, 255);
  }

  private static byte[] buildSensorNoise() {
    SplittableRandom rnd = new SplittableRandom(0x0153_0153L);
    byte[] n = new byte[NOISE_SIZE];
    for (int i = 0; i < n.length; i++) {
      double g = 0;
      for (int k = 0; k < 4; k++) {
        g += rnd.nextDouble() - 0.5;
      }
      n[i] = (byte) Math.round(g * 1.8 * Math.sqrt(3)); // sigma ~ 1.8 grey levels
    }
    return n;
  }

  private static int[] buildClamp() {
    int[] c = new int[256 + 256 + 1024];
    for (int i = 0; i < c.length; i++) {
      c[i] = Math.clamp(i - 256, 0, 255);
    }
    return c;
  }

  private static double[] normalise(double[] v) {
    double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    return new double[] {v[0] / n, v[1] / n, v[2] / n};
  }

  static double[] multiply3(double[] a, double[] b) {
    double[] c = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        c[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
      }
    }
    return c;
  }

  static double[] invert3(double[] a) {
    double c00 = a[4] * a[8] - a[5] * a[7];
    double c01 = a[5] * a[6] - a[3] * a[8];
    double c02 = a[3] * a[7] - a[4] * a[6];
    double det = a[0] * c00 + a[1] * c01 + a[2] * c02;
    if (Math.abs(det) < 1e-12) {
      throw new IllegalArgumentException("camera intrinsic is singular");
    }
    double id = 1 / det;
    return new double[] {
      c00 * id,
      (a[2] * a[7] - a[1] * a[8]) * id,
      (a[1] * a[5] - a[2] * a[4]) * id,
      c01 * id,
      (a[0] * a[8] - a[2] * a[6]) * id,
      (a[2] * a[3] - a[0] * a[5]) * id,
      c02 * id,
      (a[1] * a[6] - a[0] * a[7]) * id,
      (a[0] * a[4] - a[1] * a[3]) * id
    };
  }
}
