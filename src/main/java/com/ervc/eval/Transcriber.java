package com.ervc.eval;

import java.io.IOException;

/** Speech recognition for the round-trip intelligibility check: audio in, the words heard out. */
public interface Transcriber {
  /** A name for reports, e.g. "pocketsphinx en-us". */
  String name();

  /** The primary language subtag it recognises ("en"); lines in other languages get no WER. */
  String language();

  /** The recognised text of 16-bit mono {@code pcm} at {@code sampleRate}; may be empty. */
  String transcribe(short[] pcm, int sampleRate) throws IOException, InterruptedException;
}
