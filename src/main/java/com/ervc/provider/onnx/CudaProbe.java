package com.ervc.provider.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Checks that this node can run voices on CUDA: the ONNX Runtime build offers the CUDA execution provider AND
 * a session really runs on it (a one-node model), since the provider is listed even when the CUDA or cuDNN
 * libraries are missing. The GPU name and memory come from nvidia-smi when it is installed.
 */
public final class CudaProbe {
  private CudaProbe() {
  }

  /** The outcome; {@code gpuName}/{@code gpuMemoryMb} are null when unknown. */
  public record Status(boolean available, String detail, String gpuName, Long gpuMemoryMb) {
    public JsonObject toJson() {
      return new JsonObject().put("cuda", available).put("cudaDetail", detail).put("gpuName", gpuName)
          .put("gpuMemoryMb", gpuMemoryMb);
    }
  }

  /** Blocking (loads native libraries, may touch the GPU). Never throws. */
  public static Status probe() {
    EnumSet<OrtProvider> providers;
    try {
      providers = OrtEnvironment.getAvailableProviders();
    } catch (LinkageError | RuntimeException e) {
      return new Status(false, "ONNX Runtime cannot be loaded: " + e.getMessage(), null, null);
    }
    if (!providers.contains(OrtProvider.CUDA)) {
      return new Status(false, "this ONNX Runtime build has no CUDA execution provider (it offers " + providers
          + "); build with -Pcuda (onnxruntime_gpu) on a node with CUDA 12 and cuDNN 9", null, null);
    }
    try (OrtSession session = OnnxSessions.open(identityModel(), 1, true);
         OnnxTensor x = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), new float[] {1f});
         OrtSession.Result result = session.run(Map.of("x", x))) {
      if (result.size() != 1) {
        return new Status(false, "a CUDA session ran but returned no output", null, null);
      }
    } catch (Exception | LinkageError e) {
      return new Status(false, "no session could be created on the CUDA execution provider: " + e.getMessage(), null, null);
    }
    String[] gpu = nvidiaSmi();
    return new Status(true, "CUDA execution provider works", gpu == null ? null : gpu[0],
        gpu == null ? null : Long.parseLong(gpu[1].replaceAll("[^0-9]", "")));
  }

  static byte[] identityModel() {
    OnnxGraph g = new OnnxGraph().input("x", OnnxGraph.FLOAT, 1L);
    g.opTo("y", "Identity", "x");
    return g.output("y", OnnxGraph.FLOAT, 1L).model(13);
  }

  /** {name, memory MiB} of GPU 0, or null. */
  private static String[] nvidiaSmi() {
    try {
      Process p = new ProcessBuilder(List.of("nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return null;
      }
      String[] parts = out.lines().findFirst().orElse("").split(",");
      return parts.length == 2 ? new String[] {parts[0].strip(), parts[1].strip()} : null;
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
