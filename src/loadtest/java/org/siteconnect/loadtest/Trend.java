package org.siteconnect.loadtest;

import java.util.Locale;

/**
 * The verdict on one soak series: the least-squares line through the samples of the second half of the run (time ≥
 * half the last sample's time; the first half holds the warm-up: JIT, the start snapshots, the heap settling). The
 * series is "flat" when the line's change over that half, |slope| × span, is within the tolerance
 * max({@code relative} × the half's mean, {@code absolute}); otherwise the verdict is the slope per hour.
 */
record Trend(String series, double relative, double absolute, String unit) {
  /** At least this many samples in the second half for a verdict. */
  static final int MIN_POINTS = 3;

  String tolerance() {
    return String.format(Locale.ROOT, "max(%.0f %% of the mean, %s %s)", relative * 100, num(absolute), unit);
  }

  /** {@code minutes[i]}, {@code values[i]}: the samples (NaN = not measured, left out). */
  String verdict(double[] minutes, double[] values) {
    double end = minutes.length == 0 ? 0 : minutes[minutes.length - 1];
    int n = 0;
    double sx = 0;
    double sy = 0;
    double first = Double.NaN;
    double last = Double.NaN;
    for (int i = 0; i < minutes.length; i++) {
      if (minutes[i] >= end / 2 && !Double.isNaN(values[i])) {
        n++;
        sx += minutes[i];
        sy += values[i];
        first = Double.isNaN(first) ? minutes[i] : first;
        last = minutes[i];
      }
    }
    if (n < MIN_POINTS) {
      return "n/a (" + n + " samples in the second half, " + MIN_POINTS + " needed)";
    }
    double mx = sx / n;
    double my = sy / n;
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < minutes.length; i++) {
      if (minutes[i] >= end / 2 && !Double.isNaN(values[i])) {
        sxy += (minutes[i] - mx) * (values[i] - my);
        sxx += (minutes[i] - mx) * (minutes[i] - mx);
      }
    }
    double slope = sxx == 0 ? 0 : sxy / sxx; // per minute
    double change = slope * (last - first);
    double tol = Math.max(relative * Math.abs(my), absolute);
    String per = String.format(Locale.ROOT, "%+.3g %s/h (%+.3g %s over the second half's %.1f min; mean %s)",
        slope * 60, unit, change, unit, last - first, num(my));
    return Math.abs(change) <= tol ? "flat: " + per : "**NOT flat**: " + per;
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.3g", v);
  }
}
