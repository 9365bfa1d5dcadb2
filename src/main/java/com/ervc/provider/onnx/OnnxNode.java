package com.ervc.provider.onnx;

import com.ervc.config.OnnxConfig;
import com.ervc.config.ServiceConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * What a node knows about its neural hardware and voices before it joins the cluster: the CUDA probe (run when
 * the node has the {@code gpu} role or {@code tts.gpuAcceleration}), the voices loaded once for all verticles,
 * and the capabilities published as cluster node metadata and in the provider directory.
 */
public final class OnnxNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxNode.class);

  private final CudaProbe.Status cuda;
  private final OnnxVoices voices;
  private final List<String> roles;

  private OnnxNode(CudaProbe.Status cuda, OnnxVoices voices, List<String> roles) {
    this.cuda = cuda;
    this.voices = voices;
    this.roles = roles;
  }

  public static boolean wanted(ServiceConfig config, List<String> roles) {
    return config.providers().onnx().enabled()
        && (roles.contains("providers") || roles.contains("gpu"));
  }

  /** Probes and loads. Blocking: run it off any event loop. */
  public static OnnxNode prepare(ServiceConfig config, List<String> roles) {
    OnnxConfig onnx = config.providers().onnx();
    boolean probe = roles.contains("gpu") || config.tts().gpuAcceleration();
    CudaProbe.Status cuda = probe ? CudaProbe.probe()
        : new CudaProbe.Status(false, "not probed (no gpu role, tts.gpuAcceleration off)", null, null);
    if (probe && !cuda.available()) {
      LOG.error("CUDA is not usable on this node, so no GPU synthesis runs here: {}", cuda.detail());
    }
    OnnxVoices voices = OnnxVoices.load(Path.of(onnx.modelDir()), onnx.intraOpThreads(),
        cuda.available(), onnx.workers(), onnx.maxQueue());
    if (voices.voices().isEmpty()) {
      LOG.warn("no neural voices installed in {} (missing: {}); espeak-ng serves; run scripts/download-models.sh",
          voices.dir(), String.join(", ", voices.missing()));
    }
    return new OnnxNode(cuda, voices, roles);
  }

  public CudaProbe.Status cuda() {
    return cuda;
  }

  public OnnxVoices voices() {
    return voices;
  }

  /** cuda, cudaDetail, gpuName, gpuMemoryMb, roles, voices: published with the node. */
  public JsonObject capabilities() {
    return cuda.toJson().put("roles", new JsonArray(roles))
        .put("voices", new JsonArray(voices.voices().stream().map(OnnxVoices.Voice::id).toList()));
  }

  @Override
  public void close() {
    voices.close();
  }
}
