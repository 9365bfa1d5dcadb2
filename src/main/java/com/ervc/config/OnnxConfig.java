package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.bool;
import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.string;

/** The {@code providers.onnx.*} keys: the local neural providers {@code onnx} and {@code onnx-gpu}. */
public record OnnxConfig(boolean enabled, String modelDir, int workers, int maxQueue, int intraOpThreads,
                         boolean gpuCpuFallback) {
  static final Setting ENABLED = bool("providers.onnx.enabled", "ONNX_ENABLED", true)
      .describe("Whether a node with the `providers` role runs the local neural provider `onnx` (Piper and Kokoro "
          + "voices on ONNX Runtime), and a node with the `gpu` role the `onnx-gpu` provider. Without installed "
          + "models `onnx` is still announced, `available: false`, and its `detail` names the missing voices; espeak "
          + "keeps serving.");
  static final Setting MODEL_DIR = string("providers.onnx.modelDir", "TTS_CACHE_DIR", "models/tts")
      .matching(Settings.DIRECTORY, Settings.DIRECTORY_HINT)
      .documented("directory path")
      .describe("Scanned once at start (4 levels deep). `X.onnx` + `X.onnx.json` is a Piper voice; `kokoro*.onnx` + "
          + "`voices*.bin` (+ optional `config.json` vocab) is Kokoro. A corrupt or mismatched model is logged and "
          + "listed in the provider's `detail` with its file name; the other voices still load. "
          + "`scripts/download-models.sh` fills it. Nothing is downloaded at run time.");
  static final Setting WORKERS = integer("providers.onnx.workers", "ONNX_WORKERS", 2, 1, 64)
      .describe("Worker threads per model file (a dedicated pool each, shared by `onnx` and `onnx-gpu` on one node): "
          + "the most inferences of one model at once.");
  static final Setting MAX_QUEUE = integer("providers.onnx.maxQueue", "ONNX_MAX_QUEUE", 16, 0, 100_000)
      .describe("Requests that may wait per model beyond its workers. More get `provider_unavailable` (\"voice model "
          + "X is busy\") at once.");
  static final Setting INTRA_OP_THREADS = integer("providers.onnx.intraOpThreads", "ONNX_INTRA_OP_THREADS", 2, 1, 256)
      .describe("ONNX Runtime intra-op threads per session. Keep `workers × intraOpThreads` near the node's cores. "
          + "See [the ONNX page](providers/onnx.md#sessions-and-load) for the other session options.");
  static final Setting GPU_CPU_FALLBACK = bool("providers.onnx.gpuCpuFallback", "ONNX_GPU_CPU_FALLBACK", false)
      .describe("On a `gpu` node whose CUDA probe fails: `true` runs the CPU `onnx` provider instead (if the node "
          + "lacks the `providers` role); `false` runs no neural provider there. Either way the node logs one error "
          + "and reports `degraded`.");

  static final List<Setting> SETTINGS = List.of(ENABLED, MODEL_DIR, WORKERS, MAX_QUEUE, INTRA_OP_THREADS,
      GPU_CPU_FALLBACK);

  static OnnxConfig from(JsonObject config) {
    return new OnnxConfig(ENABLED.readBool(config), MODEL_DIR.readString(config), WORKERS.readInt(config),
        MAX_QUEUE.readInt(config), INTRA_OP_THREADS.readInt(config), GPU_CPU_FALLBACK.readBool(config));
  }
}
