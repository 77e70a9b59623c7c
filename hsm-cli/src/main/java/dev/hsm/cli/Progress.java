package dev.hsm.cli;

import java.io.PrintWriter;

/**
 * A progress line on stderr while a large file streams, only when a person watches (a terminal) and
 * the output is not for a script; redrawn at most five times a second.
 */
final class Progress {
  private static final long REDRAW_NANOS = 200_000_000L;

  private final PrintWriter err;
  private final String what;
  private final long total;
  private final boolean shown;
  private long done;
  private long lastDraw;

  Progress(PrintWriter err, Context context, String what, long total, boolean quiet) {
    this.err = err;
    this.what = what;
    this.total = total;
    this.shown = !quiet && context.console() != null;
  }

  void advance(long bytes) {
    done += bytes;
    if (!shown) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw >= REDRAW_NANOS) {
      lastDraw = now;
      String amount = total > 0 ? (done * 100 / total) + "% of " + mib(total) : mib(done);
      err.print("\r" + what + ": " + amount + "   ");
      err.flush();
    }
  }

  void finish() {
    if (shown) {
      err.print("\r" + what + ": done" + " ".repeat(24) + "\n");
      err.flush();
    }
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
