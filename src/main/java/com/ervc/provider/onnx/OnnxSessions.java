package com.ervc.provider.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Session options for voice models, chosen for a server that runs many short inferences of varying length:
 * <ul>
 *   <li>intra-op threads: configurable per session ({@code providers.onnx.intraOpThreads}); parallelism across
 *   requests comes from the per-model worker pool, so a small number per session avoids oversubscription;
 *   inter-op threads 1 and sequential execution (voice graphs are chains, parallel branches gain little);</li>
 *   <li>graph optimisation: all levels (fusions help VITS/Kokoro on CPU; Piper's C++ turns them off only to
 *   shorten load time);</li>
 *   <li>memory arena and memory pattern off, as Piper does: input lengths vary per sentence, so patterns are
 *   not reused, and an arena would keep the largest request's memory for the life of the process;</li>
 *   <li>CUDA: the CUDA execution provider on device 0 first, CPU for the operators it lacks.</li>
 * </ul>
 */
public final class OnnxSessions {
  private OnnxSessions() {
  }

  public static OrtSession.SessionOptions options(int intraOpThreads, boolean cuda) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setCPUArenaAllocator(false);
      options.setMemoryPatternOptimization(false);
      if (cuda) {
        options.addCUDA(0);
      }
      return options;
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw e;
    }
  }

  public static OrtSession open(byte[] model, int intraOpThreads, boolean cuda) throws OrtException {
    try (OrtSession.SessionOptions options = options(intraOpThreads, cuda)) {
      return OrtEnvironment.getEnvironment().createSession(model, options);
    }
  }

  public static OrtSession open(java.nio.file.Path model, int intraOpThreads, boolean cuda) throws OrtException {
    try (OrtSession.SessionOptions options = options(intraOpThreads, cuda)) {
      return OrtEnvironment.getEnvironment().createSession(model.toString(), options);
    }
  }
}
