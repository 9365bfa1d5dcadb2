package com.ervc.provider.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe on this build (CPU ONNX Runtime, no GPU): it must fail cleanly, with a reason. */
class CudaProbeTest {
  @Test
  void probeFailsCleanlyWithoutCuda() {
    boolean cudaBuild = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    CudaProbe.Status status = CudaProbe.probe();
    if (!cudaBuild) {
      assertFalse(status.available());
      assertTrue(status.detail().contains("no CUDA execution provider") && status.detail().contains("-Pcuda"), status.detail());
      assertNull(status.gpuName());
      assertEquals(false, status.toJson().getBoolean("cuda"));
    } else {
      // A -Pcuda build: available only when a session really ran on the GPU.
      assertEquals(status.available(), status.detail().equals("CUDA execution provider works"), status.detail());
    }
  }

  @Test
  void probeModelRunsOnTheCpu() throws Exception {
    try (OrtSession session = OnnxSessions.open(CudaProbe.identityModel(), 1, false);
         OnnxTensor x = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), new float[] {0.5f});
         OrtSession.Result result = session.run(Map.of("x", x))) {
      assertArrayEquals(new float[] {0.5f}, (float[]) result.get(0).getValue());
    }
  }
}
