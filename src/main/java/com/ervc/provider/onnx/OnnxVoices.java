package com.ervc.provider.onnx;

import com.ervc.audio.Pcm16;
import com.ervc.audio.PitchEnergy;
import com.ervc.audio.Resampler;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.protocol.VoiceDesign;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The neural voices of a node: every model under the model directory, loaded once (one ONNX session per file)
 * and shared by all verticle instances. Each folder's format is detected from its files: {@code X.onnx} with
 * {@code X.onnx.json} is Piper, {@code kokoro*.onnx} with {@code voices*.bin} is Kokoro. A corrupt or mismatched
 * model is rejected with a message naming the file; the others still load. {@link #close()} releases the sessions.
 */
public final class OnnxVoices implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxVoices.class);
  private static final int SCAN_DEPTH = 4;
  private static final List<String> TIER_FAST = List.of("x_low", "low", "medium", "high");
  private static final List<String> TIER_BALANCED = List.of("medium", "low", "high", "x_low");
  private static final List<String> TIER_HIGH = List.of("high", "medium", "low", "x_low");

  /** One voice offered to clients: a model plus a speaker (Piper) or style (Kokoro); "" for single-voice models. */
  public record Voice(String id, VoiceModel model, String speaker) {
    public String language() {
      return model.language(speaker);
    }

    /** The extra fields of GET /api/v1/voices. */
    public JsonObject details() throws IOException {
      return new JsonObject().put("format", model.format()).put("sampleRate", model.sampleRate())
          .put("quality", model.quality()).put("speakers", model.speakers().size())
          .put("sizeBytes", Files.size(model.file())).put("gpu", model.gpu());
    }
  }

  private final Path dir;
  private final List<VoiceModel> models;
  private final Map<String, Voice> voices;
  private final Map<VoiceModel, ModelLoad> loads = new LinkedHashMap<>();
  private final List<String> rejected;
  private volatile boolean closed;

  private OnnxVoices(Path dir, List<VoiceModel> models, List<String> rejected, int workers, int maxQueue) {
    this.dir = dir;
    this.models = List.copyOf(models);
    this.rejected = List.copyOf(rejected);
    Map<String, Voice> byId = new LinkedHashMap<>();
    for (VoiceModel model : models) {
      loads.put(model, new ModelLoad(workers, maxQueue));
      String base = baseName(model.file());
      for (String speaker : model.speakers()) {
        String id = speaker.isEmpty() ? base : base + ":" + speaker.replaceAll("[^A-Za-z0-9_+\\-.]", "_");
        byId.put(id, new Voice(id, model, speaker));
      }
    }
    this.voices = byId;
  }

  /** Scans {@code dir} and loads every model found. Blocking (file I/O, session creation). */
  public static OnnxVoices load(Path dir, int intraOpThreads, boolean cuda, int workers, int maxQueue) {
    List<VoiceModel> models = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      List<Path> files = List.of();
      try (Stream<Path> walk = Files.walk(dir, SCAN_DEPTH)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      } catch (IOException | UncheckedIOException e) {
        reject(rejected, dir + ": the model directory cannot be read: " + e.getMessage());
      }
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.endsWith(".onnx.json") && !Files.exists(Path.of(file.toString().replaceFirst("\\.json$", "")))) {
          reject(rejected, file + ": a Piper config without its model " + name.replaceFirst("\\.json$", ""));
        }
        if (!name.endsWith(".onnx")) {
          continue;
        }
        try {
          models.add(open(file, intraOpThreads, cuda));
        } catch (IllegalArgumentException | IOException | OrtException | UncheckedIOException e) {
          String message = e.getMessage() != null && e.getMessage().contains(file.toString()) ? e.getMessage()
              : file + ": " + e.getMessage();
          reject(rejected, message);
        }
      }
    }
    OnnxVoices loaded = new OnnxVoices(dir, models, rejected, workers, maxQueue);
    LOG.info("ONNX voices in {}: {} loaded ({} models), {} rejected", dir, loaded.voices.size(), models.size(), rejected.size());
    return loaded;
  }

  private static void reject(List<String> rejected, String message) {
    LOG.error("rejected voice model: {}", message);
    rejected.add(message);
  }

  private static VoiceModel open(Path file, int threads, boolean cuda) throws IOException, OrtException {
    Path folder = file.getParent();
    Path config = Path.of(file + ".json");
    String name = file.getFileName().toString();
    if (Files.exists(config)) {
      PiperConfig parsed;
      try {
        parsed = PiperConfig.parse(new JsonObject(Files.readString(config)));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(config + ": not a usable Piper config: " + e.getMessage(), e);
      }
      OrtSession session = session(file, threads, cuda);
      try {
        return new PiperModel(file, parsed, session, cuda);
      } catch (IllegalArgumentException | OrtException e) {
        session.close();
        throw e;
      }
    }
    if (name.startsWith("kokoro")) {
      Path voicesFile;
      try (Stream<Path> list = Files.list(folder)) {
        voicesFile = list.filter(p -> p.getFileName().toString().matches("voices.*\\.(bin|npz)")).sorted().findFirst()
            .orElseThrow(() -> new IllegalArgumentException(file + ": a Kokoro model needs a voices*.bin (NPZ) next to it"));
      }
      Map<String, Npz.Array> styles = Npz.read(voicesFile);
      KokoroVocab vocab = vocab(folder.resolve("config.json"));
      OrtSession session = session(file, threads, cuda);
      try {
        return new KokoroModel(file, session, vocab, voicesFile, styles, cuda);
      } catch (IllegalArgumentException | OrtException e) {
        session.close();
        throw e;
      }
    }
    throw new IllegalArgumentException(file + ": neither a Piper voice (no " + name + ".json next to it) nor a Kokoro model (kokoro*.onnx)");
  }

  private static OrtSession session(Path file, int threads, boolean cuda) throws OrtException {
    try {
      return OnnxSessions.open(file, threads, cuda);
    } catch (OrtException e) {
      throw new IllegalArgumentException(file + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
    }
  }

  private static KokoroVocab vocab(Path config) throws IOException {
    try {
      if (Files.exists(config)) {
        return KokoroVocab.parse(new JsonObject(Files.readString(config)));
      }
      try (InputStream in = OnnxVoices.class.getResourceAsStream("/onnx/kokoro-vocab.json")) {
        return KokoroVocab.parse(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(config + ": no usable Kokoro vocab: " + e.getMessage(), e);
    }
  }

  private static String baseName(Path file) {
    return file.getFileName().toString().replaceFirst("\\.onnx$", "");
  }

  public Path dir() {
    return dir;
  }

  public List<Voice> voices() {
    return List.copyOf(voices.values());
  }

  public Optional<Voice> find(String id) {
    return Optional.ofNullable(voices.get(id));
  }

  /**
   * A blend of Kokoro voices ({@code af_bella:2+af_sky:1}), spoken by the first Kokoro model that has every voice
   * of it; empty when none has.
   */
  private Optional<Voice> blend(String id) {
    return models.stream().filter(KokoroModel.class::isInstance).map(KokoroModel.class::cast)
        .filter(m -> m.blends().looksDesigned(id) && m.blends().problem(id, List.of()).isEmpty())
        .findFirst().map(m -> new Voice(id, m, id));
  }

  /** The voices that can be blended (every Kokoro model's), or null when no Kokoro model is installed. */
  public VoiceDesign design() {
    List<String> styles = models.stream().filter(KokoroModel.class::isInstance)
        .flatMap(m -> m.speakers().stream()).distinct().toList();
    return styles.isEmpty() ? null : new VoiceDesign(VoiceDesign.Kind.BLEND, styles);
  }

  public List<String> rejected() {
    return rejected;
  }

  public List<VoiceModel> models() {
    return models;
  }

  public ModelLoad load(VoiceModel model) {
    return loads.get(model);
  }

  /** Load numbers per model file name, for the load balancer and the directory entry. */
  public Map<String, ModelLoad.Snapshot> loadSnapshot() {
    Map<String, ModelLoad.Snapshot> out = new LinkedHashMap<>();
    loads.forEach((model, load) -> out.put(model.file().getFileName().toString(), load.snapshot()));
    return out;
  }

  /** The default voice: an en_US medium Piper voice when installed, else the first one; null when none. */
  public String defaultVoice() {
    return voices.values().stream()
        .sorted(Comparator.comparing((Voice v) -> !(v.model().format().equals("piper") && v.language().startsWith("en")))
            .thenComparing(v -> TIER_BALANCED.indexOf(v.model().quality())))
        .map(Voice::id).findFirst().orElse(null);
  }

  /**
   * The voice for a request: its own, except that the default voice gives way to the installed voice of the
   * same language whose quality level suits the tier (fast: x_low/low, balanced: medium, high: high).
   */
  public Voice select(String voiceId, QualityTier tier) {
    Voice asked = voices.get(voiceId);
    if (asked == null) {
      return blend(voiceId).orElse(null);
    }
    if (!voiceId.equals(defaultVoice())) {
      return asked;
    }
    List<String> order = switch (tier) {
      case FAST -> TIER_FAST;
      case BALANCED -> TIER_BALANCED;
      case HIGH -> TIER_HIGH;
    };
    return voices.values().stream()
        .filter(v -> v.model().format().equals(asked.model().format()) && v.language().equals(asked.language()))
        .min(Comparator.comparing(v -> order.indexOf(v.model().quality()) < 0 ? order.size() : order.indexOf(v.model().quality())))
        .orElse(asked);
  }

  /**
   * PCM s16le mono at {@code request.sampleRate()}: synthesis at the model's rate with the request's prosody,
   * then pitch/energy post-processing, then resampling. Blocking.
   */
  public byte[] synthesize(Voice voice, TtsRequest request, boolean emotions, EspeakPhonemizer phonemizer)
      throws OrtException {
    if (closed) {
      throw new IllegalStateException("the ONNX voices of this node are closed");
    }
    Prosody prosody = Prosody.of(request, emotions);
    VoiceModel model = voice.model();
    short[] pcm = Pcm16.fromFloat(model.synthesize(request.text(), voice.speaker(), prosody, phonemizer));
    short[] adjusted = PitchEnergy.apply(pcm, model.sampleRate(), prosody.pitchFactor(), prosody.gain());
    return Pcm16.toLittleEndian(Resampler.resample(adjusted, model.sampleRate(), request.sampleRate()));
  }

  /** Voices of the documented set (src/main/resources/onnx/models.tsv) that are not installed. */
  public List<String> missing() {
    Set<String> documented = new LinkedHashSet<>();
    try (InputStream in = OnnxVoices.class.getResourceAsStream("/onnx/models.tsv")) {
      new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(l -> documented.add(l.split("\t")[0]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> installed = new LinkedHashSet<>();
    models.forEach(m -> installed.add(baseName(m.file())));
    documented.removeAll(installed);
    return List.copyOf(documented);
  }

  public boolean closed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    models.forEach(VoiceModel::close);
  }
}
