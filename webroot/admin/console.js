// The console's live loop: polls the /admin/v1 views the operator is looking at about once a second (a round starts
// only after the last one ended, so a slow cluster is never asked twice at once), runs confirmed actions, and stops
// at the first refusal (401/403) so a caller without admin rights keeps nothing on screen. Clock injectable for tests.

export const PERIOD_MS = 1000;

/** The API paths each view polls. Views that show node names also read /nodes. */
export const VIEWS = {
  cluster: ['/nodes'],
  providers: ['/providers', '/nodes'],
  eventbus: ['/eventbus'],
  sessions: ['/sessions', '/nodes'],
  cache: ['/cache'],
  audit: ['/audit'],
  tail: ['/tail', '/eventbus'],
};

/**
 * `api` is createApi(token); `onData(view, answers, atMs)` gets the view's answers keyed by path; `onRefused(error)`
 * is called once when the API refuses the token (the loop has stopped); `onError(error)` for other failures (the
 * loop goes on).
 */
export function createConsole({ api, onData, onRefused, onError, clock = globalThis, now = () => Date.now(),
  periodMs = PERIOD_MS }) {
  let view = 'cluster';
  let timer = null;
  let running = false;
  let round = 0;

  async function poll() {
    timer = null;
    const asked = view;
    const mine = ++round;
    try {
      const paths = VIEWS[asked];
      const answers = await Promise.all(paths.map((p) => api.get(p)));
      if (running && mine === round) onData(asked, Object.fromEntries(paths.map((p, i) => [p, answers[i]])), now());
    } catch (e) {
      if (e.refused) {
        stop();
        onRefused(e);
        return;
      }
      onError(e);
    }
    if (running && mine === round) timer = clock.setTimeout(poll, periodMs);
  }

  function stop() {
    running = false;
    round += 1;
    if (timer != null) clock.clearTimeout(timer);
    timer = null;
  }

  return {
    start() {
      running = true;
      return poll();
    },
    stop,
    get view() {
      return view;
    },
    /** Switches the view and polls it at once. */
    show(next) {
      if (!VIEWS[next]) throw new Error(`no view '${next}'`);
      view = next;
      if (!running) return Promise.resolve();
      if (timer != null) clock.clearTimeout(timer);
      return poll();
    },
    /** Runs an action the operator confirmed; the view is polled again at once so its effect shows. */
    async act(action, values = {}) {
      try {
        return await api.act(action.path, action.target, { ...(action.values ?? {}), ...values });
      } catch (e) {
        if (e.refused) {
          stop();
          onRefused(e);
        }
        throw e;
      } finally {
        if (running) {
          if (timer != null) clock.clearTimeout(timer);
          poll();
        }
      }
    },
  };
}
