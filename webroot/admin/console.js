// The console's live loop over the event-bus bridge: fetches a single-use ticket from the REST API, opens the
// bridge, subscribes to the views the shown page needs (the node pushes each about once a second), runs confirmed
// actions over the bridge, and stops at the first refusal (401/403) so a caller without admin rights keeps nothing
// on screen. A lost connection is opened again after RETRY_MS with a new ticket. Clock injectable for tests.

export const RETRY_MS = 2000;
/** Samples of the live tail kept on the page (the node pushes only new ones). */
export const TAIL_KEEP = 200;

/** The pushed views each page shows. Pages that show node names also take the nodes view. */
export const VIEWS = {
  cluster: ['nodes'],
  providers: ['providers', 'nodes'],
  eventbus: ['eventbus'],
  sessions: ['sessions', 'nodes'],
  cache: ['cache'],
  audit: ['audit'],
  tail: ['tail', 'eventbus'],
};

/**
 * The bridge address of a view, and of an action named by its REST path (`/nodes/<id>/drain` → drain,
 * `/cache/providers/<p>/evict` → evict-provider, `/cache/providers/<p>/voices/<v>/evict` → evict-voice).
 */
export const viewAddress = (name) => `admin.view.${name}`;
export function actionAddress(path) {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'tail') return 'admin.action.tail';
  if (parts[0] === 'cache' && parts[1] === 'providers') {
    return parts.includes('voices') ? 'admin.action.evict-voice' : 'admin.action.evict-provider';
  }
  return `admin.action.${parts[parts.length - 1]}`;
}

/** The tail as the page shows it: the nodes' latest state and the newest TAIL_KEEP samples, oldest first. */
export function mergeTail(previous, pushed) {
  const samples = [...(previous?.samples ?? []), ...pushed.samples].slice(-TAIL_KEEP);
  return { nodes: pushed.nodes, samples };
}

/**
 * `api` is createApi(token) (for the ticket); `connect(path, onProblem)` opens the bridge (openBridge) at a path;
 * `onData(page, answers, atMs)` gets the page's views keyed by their REST paths ('/nodes', …); `onRefused(error)` is
 * called once when the API refuses the token (the console has stopped); `onError(error)` for other failures.
 */
export function createConsole({ api, connect, onData, onRefused, onError, clock = globalThis,
  now = () => Date.now(), retryMs = RETRY_MS }) {
  let page = 'cluster';
  let bridge = null;
  let running = false;
  let timer = null;
  let latest = {};
  let subscribed = new Set();

  function draw() {
    const names = VIEWS[page];
    if (running && names.every((n) => latest[n] !== undefined)) {
      onData(page, Object.fromEntries(names.map((n) => [`/${n}`, latest[n]])), now());
    }
  }

  function deliver(name, message) {
    if (message.error) {
      onError(new Error(`${name}: ${message.error}`));
      return;
    }
    const before = latest[name];
    const next = name === 'tail' ? mergeTail(before, message.data) : message.data;
    const changed = name === 'tail'
      ? message.data.samples.length > 0 || JSON.stringify(message.data.nodes) !== JSON.stringify(before?.nodes)
      : JSON.stringify(next) !== JSON.stringify(before);
    latest[name] = next;
    // A page is drawn when its own view changed; the views that ride along (node names, the catalogue) only the
    // first time. So a push round draws a page once at most, and an idle view not at all.
    if (VIEWS[page][0] === name ? changed : before === undefined && VIEWS[page].includes(name)) draw();
  }

  /** Subscribes to what the page needs and drops what it no longer does. */
  function subscribe() {
    const wanted = new Set(VIEWS[page]);
    for (const name of subscribed) {
      if (!wanted.has(name)) {
        bridge.unregister(viewAddress(name));
        subscribed.delete(name);
        delete latest[name];
      }
    }
    for (const name of wanted) {
      if (!subscribed.has(name)) {
        bridge.register(viewAddress(name), (message) => deliver(name, message));
        subscribed.add(name);
      }
    }
  }

  function retry() {
    if (running) timer = clock.setTimeout(open, retryMs);
  }

  async function open() {
    timer = null;
    let ticket;
    try {
      ticket = await api.ticket();
    } catch (e) {
      if (e.refused) {
        stop();
        onRefused(e);
      } else {
        onError(e);
        retry();
      }
      return;
    }
    if (!running) return;
    try {
      bridge = await connect(`${ticket.path}?ticket=${encodeURIComponent(ticket.ticket)}`, (m) => onError(new Error(m)));
    } catch (e) {
      onError(e);
      retry();
      return;
    }
    if (!running) {
      bridge.close();
      bridge = null;
      return;
    }
    latest = {};
    subscribed = new Set();
    const mine = bridge;
    bridge.onClose = () => {
      if (bridge !== mine) return;
      bridge = null;
      if (running) {
        onError(new Error('the console lost its connection; reconnecting'));
        retry();
      }
    };
    subscribe();
  }

  function stop() {
    running = false;
    if (timer != null) clock.clearTimeout(timer);
    timer = null;
    if (bridge) bridge.close();
    bridge = null;
  }

  return {
    start() {
      running = true;
      return open();
    },
    stop,
    get view() {
      return page;
    },
    /** Switches the page: its views are subscribed to, and drawn at once when already at hand. */
    show(next) {
      if (!VIEWS[next]) throw new Error(`no view '${next}'`);
      page = next;
      if (bridge) subscribe();
      draw();
    },
    /** Runs an action the operator confirmed, over the bridge; its effect shows with the next push. */
    act(action, values = {}) {
      if (!bridge) return Promise.reject(new Error('not connected to the node; try again in a moment'));
      return bridge.request(actionAddress(action.path), { ...(action.values ?? {}), ...values, target: action.target,
        confirm: action.target });
    },
  };
}
