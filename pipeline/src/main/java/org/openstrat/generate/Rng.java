package org.openstrat.generate;

import java.util.SplittableRandom;

/**
 * Seeding helpers. Every patient has its own streams seeded from (seed, patient index, purpose),
 * so a patient's rows do not depend on how patients are split across threads or files.
 */
final class Rng {
  private Rng() {}

  /** Stream purposes: clinical history, and defect injection (kept apart so F does not change data). */
  static final long CLINICAL = 1L;
  static final long DEFECTS = 2L;

  /** A well-mixed 64-bit seed from three numbers (SplitMix64 finaliser over a combination). */
  static long mix(long seed, long a, long b) {
    long z = seed * 0x9E3779B97F4A7C15L + a * 0xC2B2AE3D27D4EB4FL + b * 0x165667B19E3779F9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static SplittableRandom patient(long seed, long index, long purpose) {
    return new SplittableRandom(mix(seed, index + 1, purpose));
  }

  static double logistic(double x) {
    return 1.0 / (1.0 + Math.exp(-x));
  }

  static double logit(double p) {
    return Math.log(p / (1 - p));
  }

  /** Poisson draw (inversion for small means, normal approximation above 30). */
  static int poisson(SplittableRandom r, double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 30) {
      return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * r.nextGaussian()));
    }
    double l = Math.exp(-mean);
    int k = 0;
    double p = r.nextDouble();
    while (p > l) {
      k++;
      p *= r.nextDouble();
    }
    return k;
  }

  static <T> T pick(SplittableRandom r, java.util.List<T> list) {
    return list.get(r.nextInt(list.size()));
  }

  static <T> T pick(SplittableRandom r, T[] list) {
    return list[r.nextInt(list.length)];
  }
}
