// Pure view logic of the admin console: what each view shows, built from the /admin/v1 answers. No DOM here, so
// node --test covers it (src/test/js/admin-views.test.js). A row is { key, cells: [text], state?, actions: [...] };
// an action is { label, path, target, values?, confirm } where `confirm` is the question the operator confirms.

const dash = '—';

export function fmtBytes(n) {
  if (n == null || n < 0) return dash;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function fmtRatio(r) {
  return r == null || r < 0 ? dash : `${Math.round(r * 100)}%`;
}

export function fmtUptime(seconds) {
  if (seconds == null) return dash;
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m ${seconds % 60}s`;
}

const shortId = (id) => (id ? String(id).slice(0, 8) : dash);

function gpu(capabilities) {
  if (!capabilities?.cuda) return capabilities?.cudaDetail ? `no (${capabilities.cudaDetail})` : 'no';
  const name = capabilities.gpuName ?? 'CUDA';
  return capabilities.gpuMemoryMb ? `${name} (${capabilities.gpuMemoryMb} MiB)` : String(name);
}

function partitions(hz) {
  if (!hz || hz.error) return hz?.error ? `unknown (${hz.error})` : dash;
  const safe = hz.clusterSafe && hz.localMemberSafe;
  return `${hz.members} members, ${hz.state}, partitions ${safe ? 'safe' : 'NOT safe'}`;
}

/** The node's mean and worst delay, then each event loop's maximum (ms) in the loops' order. */
function loopDelay(d) {
  const loops = d.loops?.length ? `; per loop max ${d.loops.map((l) => l.maxMs).join(' · ')}` : '';
  return `${d.meanMs} ms (max ${d.maxMs}${loops})`;
}

export const NODE_COLUMNS = ['Name', 'Node', 'Roles', 'Host', 'Version', 'Uptime', 'CPU', 'Heap', 'Event-loop delay',
  'State', 'CUDA', 'Hazelcast'];

/** The cluster view: one row per member, with drain or undrain (whichever applies). */
export function nodeRows(nodes) {
  return nodes.map((n) => {
    if (!n.reachable) {
      return { key: n.node, state: 'bad', cells: [n.name ?? dash, shortId(n.node), dash, dash, dash, dash, dash, dash,
        dash, `unreachable: ${n.error ?? ''}`, dash, dash], actions: [] };
    }
    const heap = n.system ? `${fmtBytes(n.system.heap_used_bytes)} / ${fmtBytes(n.system.heap_max_bytes)}` : dash;
    const delay = n.eventLoopDelay ? loopDelay(n.eventLoopDelay) : dash;
    const name = n.name ?? shortId(n.node);
    const action = n.draining
      ? { label: 'Undrain', path: `/nodes/${n.node}/undrain`, target: n.node,
        confirm: `Undrain node ${name}? It takes new work again.` }
      : { label: 'Drain', path: `/nodes/${n.node}/drain`, target: n.node,
        confirm: `Drain node ${name}? It stops taking new work; running work finishes.` };
    return {
      key: n.node,
      state: n.draining ? 'warn' : 'ok',
      cells: [name, shortId(n.node), (n.roles ?? []).join(', '), n.host ?? dash, n.version ?? dash,
        fmtUptime(n.uptimeSeconds), fmtRatio(n.system?.cpu_usage), heap, delay,
        n.draining ? `draining (${n.inFlight ?? 0} in flight)` : `up (${n.inFlight ?? 0} in flight)`,
        gpu(n.capabilities), partitions(n.hazelcast)],
      actions: [action],
    };
  });
}

export const PROVIDER_COLUMNS = ['Provider', 'Instance', 'Node', 'In flight / capacity', 'Queue', 'TTFA ~ / p95',
  'Errors', 'Circuit', 'Voices', 'Router score'];

/** The providers view: each instance with the router's score now (lower wins) and its controls. */
export function providerRows(providers, nodeNames = {}) {
  return [...providers].sort((a, b) => a.score - b.score).map((p) => {
    const id = p.instance;
    const name = p.info?.name ?? dash;
    const label = `${name} ${shortId(id)}`;
    const circuit = (action, question) => ({ label: `Circuit ${action}`, path: `/instances/${id}/circuit`, target: id,
      values: { action }, confirm: `${question} (${label})` });
    return {
      key: id,
      state: p.circuit === 'closed' ? 'ok' : 'bad',
      cells: [name, shortId(id), nodeNames[p.node] ?? shortId(p.node), `${p.inFlight} / ${p.capacity}`,
        String(p.queueDepth), `${Math.round(p.ttfaEwmaMs)} / ${p.ttfaP95Ms} ms`, fmtRatio(p.errorRate), p.circuit,
        String(p.info?.voices?.length ?? 0), String(p.score)],
      actions: [
        p.circuit === 'open'
          ? circuit('close', 'Close the circuit?')
          : circuit('open', 'Open the circuit and hold it open? No requests reach the instance.'),
        circuit('reset', 'Reset the circuit and forget the error rate?'),
        { label: 'Re-probe', path: `/instances/${id}/reprobe`, target: id,
          confirm: `Probe ${label} now with one real synthesis?` },
        { label: 'Capacity…', path: `/instances/${id}/capacity`, target: id, input: { name: 'capacity',
          label: 'Replies at once (1-10000)', value: p.capacity },
          confirm: `Change the capacity of ${label}?` },
      ],
    };
  });
}

/**
 * Messages per second per catalogue address and node: the difference between two /eventbus answers `seconds` apart.
 * Counts that went down (a node restarted) give no rate rather than a negative one.
 */
export function busRates(previous, current, seconds) {
  const rates = {};
  if (!previous || !(seconds > 0)) return rates;
  const before = new Map(previous.addresses.map((a) => [a.address, a.received]));
  for (const row of current.addresses) {
    const old = before.get(row.address) ?? {};
    for (const [node, count] of Object.entries(row.received)) {
      if (old[node] != null && count >= old[node]) {
        rates[row.address] = (rates[row.address] ?? 0) + (count - old[node]) / seconds;
      }
    }
  }
  return rates;
}

export const BUS_COLUMNS = ['Address', 'Handlers per node', 'Messages/s', 'Received (total)'];

export function busRows(bus, rates, nodeNames = {}) {
  const perNode = (counts) => Object.entries(counts).map(([node, n]) => `${nodeNames[node] ?? shortId(node)}: ${n}`)
    .sort().join(', ') || dash;
  return bus.addresses.map((a) => ({
    key: a.address,
    cells: [a.address, perNode(a.handlers), rates[a.address] == null ? dash : rates[a.address].toFixed(1),
      String(Object.values(a.received).reduce((s, n) => s + n, 0))],
    actions: [],
  }));
}

export const BUS_NODE_COLUMNS = ['Node', 'Pending', 'Reply failures'];

export function busNodeRows(bus) {
  return bus.nodes.map((n) => ({
    key: n.node,
    state: Object.values(n.replyFailures).some((c) => c > 0) ? 'warn' : 'ok',
    cells: [n.name ?? shortId(n.node), String(n.pending),
      Object.entries(n.replyFailures).map(([kind, c]) => `${kind}: ${c}`).join(', ') || 'none'],
    actions: [],
  }));
}

export const SESSION_COLUMNS = ['Session', 'Subject', 'Client', 'Since', 'Requests', 'Sent', 'Current reply', 'Gateway'];

/** The sessions view: no text ever reaches it (the API sends none); the client address is masked by the server. */
export function sessionRows(sessions, nodeNames = {}) {
  return sessions.map((s) => ({
    key: s.session,
    cells: [shortId(s.session), s.subject, s.client, s.since, String(s.requests), fmtBytes(s.bytesSent),
      (s.current ?? []).map((c) => `${c.id} (${c.provider ?? 'routing'})`).join(', ') || 'idle',
      nodeNames[s.node] ?? shortId(s.node)],
    actions: [{ label: 'Disconnect', path: `/sessions/${s.session}/disconnect`, target: s.session,
      confirm: `Disconnect session ${shortId(s.session)} of ${s.subject}? Its replies end and its socket closes.` }],
  }));
}

/** The cache view: figures as label/value pairs. */
export function cacheFacts(cache) {
  const facts = [['Backend', cache.backend], ['Available', cache.available ? 'yes' : 'no'],
    ['Hit ratio', fmtRatio(cache.hitRatio)], ['Hits', String(cache.hits ?? 0)], ['Misses', String(cache.misses ?? 0)]];
  if (cache.entries != null) facts.push(['Entries', String(cache.entries)]);
  if (cache.bytes != null) facts.push(['Bytes', fmtBytes(cache.bytes)]);
  if (cache.evictions != null) facts.push(['Evictions', String(cache.evictions)]);
  if (cache.url) facts.push(['Redis', cache.url]);
  if (cache.errors != null) facts.push(['Redis errors', String(cache.errors)]);
  const local = cache.local; // with Redis: this node's in-process copy in front of it
  if (local) {
    facts.push(['In-process entries', String(local.entries)], ['In-process bytes', fmtBytes(local.bytes)],
      ['In-process hits', String(local.hits)], ['In-process evictions', String(local.evictions)]);
  }
  return facts;
}

const PROVIDER_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const VOICE_NAME = /^[A-Za-z0-9_+.:-]{1,64}$/;

/**
 * Evicting: `all`, one cache key (64 hex digits), a provider (`piper`: all its entries) or a provider's voice
 * (`espeak/en-gb`); anything else is refused before it is sent. The target is what the API asks to confirm.
 */
export function evictAction(what) {
  const target = String(what ?? '').trim();
  const lower = target.toLowerCase();
  if (lower === 'all' || /^[0-9a-f]{64}$/.test(lower)) {
    return { label: 'Evict', path: `/cache/${lower}/evict`, target: lower,
      confirm: lower === 'all' ? 'Evict every cache entry on every cache node?' : `Evict cache entry ${lower}?` };
  }
  const [provider, voice, ...rest] = target.split('/');
  if (!PROVIDER_NAME.test(provider) || rest.length) return null;
  if (voice === undefined) {
    return { label: 'Evict', path: `/cache/providers/${provider}/evict`, target: provider,
      confirm: `Evict every cache entry of provider ${provider} on every cache node?` };
  }
  if (!VOICE_NAME.test(voice)) return null;
  return { label: 'Evict', path: `/cache/providers/${provider}/voices/${voice}/evict`, target: `${provider}/${voice}`,
    confirm: `Evict every cache entry in voice ${voice} of provider ${provider} on every cache node?` };
}

export const AUDIT_COLUMNS = ['When', 'Who', 'Action', 'Target', 'Outcome', 'Detail'];

export function auditRows(entries) {
  return entries.map((e, i) => ({
    key: `${e.at}-${i}`,
    state: e.outcome === 'ok' ? 'ok' : 'bad',
    cells: [e.at, e.actor, e.action, e.target, e.outcome, e.detail],
    actions: [],
  }));
}

/** Node id → name, for showing names instead of ids in the other views. */
export function nodeNames(nodes) {
  return Object.fromEntries(nodes.filter((n) => n.name).map((n) => [n.node, n.name]));
}

export const TAIL_COLUMNS = ['When', 'Node', 'Address', 'Type', 'Body'];

/** The live tail's samples, newest first (the server redacts them: text only after an audited "show text"). */
export function tailRows(tail, nodeNames = {}) {
  return [...tail.samples].reverse().map((s) => ({
    key: `${s.node}-${s.seq}`,
    cells: [s.at, nodeNames[s.node] ?? shortId(s.node), s.address, s.type ?? dash, JSON.stringify(s.body)],
    actions: [],
  }));
}

/** One line on the tail's state across nodes: on or off, for what, kept and dropped. */
export function tailSummary(tail) {
  const on = tail.nodes.filter((n) => n.on);
  const kept = tail.nodes.reduce((s, n) => s + (n.kept ?? 0), 0);
  const dropped = tail.nodes.reduce((s, n) => s + (n.dropped ?? 0), 0);
  if (!on.length) return `Off. ${kept} kept, ${dropped} dropped (rate cap) since the nodes started.`;
  const first = on[0];
  return `On for ${first.addresses.join(', ')} on ${on.length} of ${tail.nodes.length} nodes until ${first.until}`
    + `${first.showText ? ', showing text' : ', text hidden'}. ${kept} kept, ${dropped} dropped (rate cap).`;
}

/** Starting a tail: the chosen catalogue addresses; null when none is chosen. */
export function tailStartAction(addresses, showText) {
  if (!addresses.length) return null;
  return { label: 'Start tail', path: '/tail/start', target: 'start', values: { addresses, showText },
    confirm: showText
      ? `Show the TEXT of messages on ${addresses.join(', ')}? This is written to the audit log.`
      : `Tail ${addresses.join(', ')} (bodies redacted, at most 20 messages a second per node, 5 minutes)?` };
}

export const TAIL_STOP = { label: 'Stop tail', path: '/tail/stop', target: 'stop', confirm: 'Stop the live tail on every node?' };
