package com.ervc.eval;

import com.ervc.audio.Pcm16;
import com.ervc.audio.WavAudio;
import com.ervc.audio.WavCodec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandTranscriberTest {

  /** ffprobe reads the file the command was given: 8 kHz mono, as configured, and its stdout comes back. */
  @Test
  void theCommandGetsTheClipAsAWavAtItsRate() throws Exception {
    CommandTranscriber probe = CommandTranscriber.of(
        "ffprobe -v error -show_entries stream=sample_rate,channels -of default=nw=1 {wav}", "en", 8_000);
    assertEquals("sample_rate=8000 channels=1", probe.transcribe(Signals.tone(300, 0.3, 0.5), Signals.RATE));
  }

  /** PocketSphinx run as a generic command recognises what the built-in PocketSphinx recogniser does. */
  @Test
  void pocketsphinxAsAGenericCommandHearsTheWords() throws Exception {
    String text = "Help the woman get back to her feet.";
    Process espeak = new ProcessBuilder("espeak-ng", "-v", "en-us", "--stdout", text).start();
    WavAudio wav = WavCodec.decode(espeak.getInputStream().readAllBytes());
    assertEquals(0, espeak.waitFor());
    short[] pcm = Pcm16.fromLittleEndian(wav.pcm());
    CommandTranscriber generic = CommandTranscriber.of("pocketsphinx_continuous -infile {wav} -logfn /dev/null",
        "en", 16_000);
    String heard = generic.transcribe(PocketsphinxTranscriber.prepare(pcm, wav.sampleRate()),
        PocketsphinxTranscriber.MODEL_RATE);
    assertEquals(new PocketsphinxTranscriber("pocketsphinx_continuous").transcribe(pcm, wav.sampleRate()), heard);
    assertTrue(TextNormalizer.words(heard).stream().anyMatch(TextNormalizer.words(text)::contains),
        "some words recognised: " + heard);
  }

  @Test
  void aFailingOrMisconfiguredCommandIsAClearError() {
    IOException failed = assertThrows(IOException.class, () -> CommandTranscriber.of(
        "ls {wav} /no-such-dir-ervc", "en", 16_000).transcribe(Signals.tone(300, 0.3, 0.1), Signals.RATE));
    assertTrue(failed.getMessage().startsWith("ls exited with 2: "), failed.getMessage());
    assertTrue(failed.getMessage().contains("no-such-dir-ervc"), failed.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CommandTranscriber.of("whisper-cli -f clip.wav", "en", 16_000));
    assertThrows(IllegalArgumentException.class, () -> new CommandTranscriber(List.of("x", "{wav}"), "en", 4_000,
        "x"));
  }
}
