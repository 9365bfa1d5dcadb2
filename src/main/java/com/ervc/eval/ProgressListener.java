package com.ervc.eval;

/** Told how far an evaluation is: at its start (clips already done when resumed) and after every finished clip. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (done, total) -> { };

  /** {@code done} of the run's {@code total} clips are finished (failed ones included). May run on any worker. */
  void clips(int done, int total);
}
