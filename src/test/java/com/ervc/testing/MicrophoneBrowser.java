package com.ervc.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Headless Chromium whose fake microphone plays a generated speech-like WAV (8 s at {@link #RATE}; Chromium loops
 * it), with a 0.3 s clip of the same kind to upload where a too-short file is wanted. Closing it closes the browser
 * and deletes both files.
 */
public final class MicrophoneBrowser implements AutoCloseable {
  /** The fake microphone's sample rate. */
  public static final int RATE = 48_000;

  private final Path microphone;
  private final Path shortClip;
  private final Browser browser;

  private MicrophoneBrowser(Path microphone, Path shortClip, Browser browser) {
    this.microphone = microphone;
    this.shortClip = shortClip;
    this.browser = browser;
  }

  /** {@code name}: the temporary files' prefix. */
  public static MicrophoneBrowser start(String name) throws Exception {
    Path microphone = Files.createTempFile(name + "-mic", ".wav");
    Path shortClip = Files.createTempFile(name + "-short", ".wav");
    try {
      Files.write(microphone, Signals.wav16(Signals.speechLike(0.3, 8, RATE), RATE));
      Files.write(shortClip, Signals.wav16(Signals.speechLike(0.3, 0.3, RATE), RATE));
      return new MicrophoneBrowser(microphone, shortClip, new Browser("--use-fake-device-for-media-stream",
          "--use-fake-ui-for-media-stream", "--use-file-for-fake-audio-capture=" + microphone));
    } catch (Exception | Error e) {
      Files.deleteIfExists(microphone);
      Files.deleteIfExists(shortClip);
      throw e;
    }
  }

  public Browser browser() {
    return browser;
  }

  /** A 0.3 s speech-like WAV at {@link #RATE}, too short for the quality gate. */
  public Path shortClip() {
    return shortClip;
  }

  @Override
  public void close() throws Exception {
    try {
      browser.close();
    } finally {
      Files.deleteIfExists(microphone);
      Files.deleteIfExists(shortClip);
    }
  }
}
