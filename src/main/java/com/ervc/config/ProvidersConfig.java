package com.ervc.config;

import io.vertx.core.json.JsonObject;

/** The {@code providers.*} sections, one per provider plus the settings the cloud providers share. */
public record ProvidersConfig(EspeakConfig espeak, OnnxConfig onnx, ElevenLabsConfig elevenlabs, AzureConfig azure,
                              OpenAiConfig openai, CloudConfig cloud) {

  static ProvidersConfig from(JsonObject config) {
    return new ProvidersConfig(EspeakConfig.from(config), OnnxConfig.from(config), ElevenLabsConfig.from(config),
        AzureConfig.from(config), OpenAiConfig.from(config), CloudConfig.from(config));
  }
}
