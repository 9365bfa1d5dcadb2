// Audio output: an AudioContext at the device's own rate and the pcm-player worklet (pcm-player.worklet.js),
// which resamples each reply to the device rate, buffers against network jitter and mixes one stream per
// request. Without AudioWorklet (plain-http LAN access) the same mixer runs on the main thread.

/**
 * `audio` is the observable `state.audio` ({state, backend, deviceRate}); hooks:
 *   onEvent(msg)        a message from the mixer (see the worklet's header: sched, started, pos, underrun, ...)
 *   onChange()          the audio state or backend changed (for the status line)
 *   onError(message)    audio is not available; replies are received but not played
 *   onUnavailable()     the player failed for good after requests were queued for it
 */
export function createPlayer({ audio, hooks }) {
  let ctx = null;        // AudioContext; false once known to be unavailable
  let keepAlive = null;  // holds the output node: a ScriptProcessor without a reference may be collected
  let ready = false;
  let pending = [];      // messages posted before the worklet finished loading
  let deliver = null;    // (msg, transfer) => void once ready
  let init = null;       // promise while/after initialising; null = no audio

  function post(msg, transfer = []) {
    if (!init) return false;
    if (ready) deliver(msg, transfer);
    else pending.push([msg, transfer]);
    return true;
  }

  /**
   * The first call should come from a user gesture: the context is built before any await so the browser lets
   * it start. No sampleRate is forced: the worklet resamples to whatever the device runs at.
   */
  function ensure() {
    if (ctx === false) return Promise.resolve(false); // no Web Audio: already reported
    if (ctx) {
      if (ctx.state === 'suspended') ctx.resume().catch(() => {});
      return init;
    }
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) {
      ctx = false;
      hooks.onError('This browser has no Web Audio support: replies are received but not played.');
      return Promise.resolve(false);
    }
    try {
      ctx = new Ctx({ latencyHint: 'interactive' });
    } catch (err) {
      ctx = false;
      hooks.onError(`Could not open the audio output: ${err.message || err}`);
      return Promise.resolve(false);
    }
    const context = ctx;
    audio.deviceRate = context.sampleRate;
    audio.state = context.state;
    context.onstatechange = () => { audio.state = context.state; hooks.onChange(); };
    if (context.state === 'suspended') context.resume().catch(() => {});
    init = start(context).catch((err) => {
      init = null;
      pending = [];
      audio.backend = null;
      hooks.onError(`Audio playback unavailable: ${err.message || err}`);
      hooks.onUnavailable();
      return false;
    });
    hooks.onChange();
    return init;
  }

  async function start(context) {
    try {
      if (!context.audioWorklet) throw new Error('AudioWorklet unavailable (needs https or localhost)');
      await context.audioWorklet.addModule(new URL('./pcm-player.worklet.js', import.meta.url));
      const node = new AudioWorkletNode(context, 'pcm-player', {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [1],
      });
      node.port.onmessage = (event) => hooks.onEvent(event.data);
      node.connect(context.destination);
      keepAlive = node;
      deliver = (msg, transfer) => node.port.postMessage(msg, transfer);
      audio.backend = 'audioworklet';
    } catch (err) {
      console.warn('[rvc] AudioWorklet failed, using ScriptProcessor fallback:', err);
      const { PcmMixer } = await import('./pcm-player.worklet.js');
      const mixer = new PcmMixer(context.sampleRate, (msg) => queueMicrotask(() => hooks.onEvent(msg)));
      const proc = context.createScriptProcessor(1024, 1, 1);
      proc.onaudioprocess = (e) => mixer.render(e.outputBuffer.getChannelData(0));
      proc.connect(context.destination);
      keepAlive = proc;
      deliver = (msg) => mixer.handle(msg);
      audio.backend = 'scriptprocessor';
    }
    ready = true;
    for (const [msg, transfer] of pending.splice(0)) deliver(msg, transfer);
    hooks.onChange();
    return true;
  }

  return {
    ensure,
    /** True while audio is starting or running: requests posted now will play. */
    get active() { return init !== null; },
    chunk: (id, rate, samples) => post({ type: 'chunk', id, rate, samples }, [samples.buffer]),
    end: (id) => post({ type: 'end', id }),
    stop: (id) => post({ type: 'stop', id }),
  };
}
