// Runs in the AudioWorklet while the Voices section records: hands a copy of each 128-sample block of the
// microphone's first channel to the page (recorder.js), which keeps the blocks and drives the level meter.
// Out: Float32Array per block. It outputs nothing.

class RecorderTap extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0]?.[0];
    if (channel && channel.length) this.port.postMessage(channel.slice(0));
    return true;
  }
}

registerProcessor('recorder-tap', RecorderTap);
