package com.ervc.pipeline;

/** Where one reply's sentences are synthesized: a provider instance and the voice it speaks in. */
record Route(String provider, String instanceId, String nodeId, String address, String voice) {
  String describe() {
    return provider + "@" + nodeId;
  }
}
