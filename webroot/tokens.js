// Credentials of the page. An operator can hand it tokens in the URL fragment (#token=...&apiToken=..., never
// sent to the server); otherwise, on the embedded default (AUTH_MODE=dev), it asks /api/v1/auth/dev-token.

const DEV_TOKEN_PATH = '/api/v1/auth/dev-token';
const RENEW_BEFORE_EXPIRY_S = 60;
const MIN_RENEW_DELAY_MS = 5000;

/**
 * `hash` is location.hash; `onRenewed(token)` hands a renewed WebSocket token to the open session.
 * `fetch` and `clock` (setTimeout/clearTimeout) are injectable for tests.
 */
export function createTokens({ hash = '', onRenewed = () => {}, fetch = globalThis.fetch, clock = globalThis } = {}) {
  const fragment = new URLSearchParams(String(hash).replace(/^#/, ''));
  let authToken = fragment.get('token');
  let apiToken = fragment.get('apiToken');
  let renewTimer = null;

  /**
   * POST /api/v1/auth/dev-token (sending the current token keeps the same subject, so a running session can be
   * renewed). Resolves true with a new pair; a 404 (not in dev mode) or any failure means false.
   */
  async function refresh() {
    try {
      const res = await fetch(DEV_TOKEN_PATH, {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify(authToken ? { token: authToken } : {}),
      });
      if (!res.ok) return false;
      const body = await res.json();
      const token = body && (body.token || body.accessToken || body.access_token);
      if (typeof token !== 'string' || !token) return false;
      authToken = token;
      if (typeof body.apiToken === 'string') apiToken = body.apiToken;
      scheduleRenewal(Number(body.expiresIn) || 0);
      return true;
    } catch {
      return false;
    }
  }

  /** A minute before the token expires, fetch a fresh pair and hand the new token on. */
  function scheduleRenewal(expiresInSeconds) {
    clock.clearTimeout(renewTimer);
    if (expiresInSeconds <= 0) return;
    const delayMs = Math.max(MIN_RENEW_DELAY_MS, (expiresInSeconds - RENEW_BEFORE_EXPIRY_S) * 1000);
    renewTimer = clock.setTimeout(async () => {
      if (await refresh()) onRenewed(authToken);
    }, delayMs);
  }

  /**
   * `fetch(path, init)` with the API token (`Authorization: Bearer`); one retry with a fresh pair after a 401.
   * Resolves with the Response whatever its status; aborts after `timeoutMs`.
   */
  async function request(path, init = {}, timeoutMs = 8000) {
    const ctrl = new AbortController();
    const timer = clock.setTimeout(() => ctrl.abort(), timeoutMs);
    try {
      if (!apiToken) await refresh();
      const headers = { Accept: 'application/json', ...(init.headers || {}) };
      if (apiToken) headers.Authorization = `Bearer ${apiToken}`;
      const send = () => fetch(path, { cache: 'no-store', ...init, signal: ctrl.signal, headers });
      let res = await send();
      if (res.status === 401 && await refresh()) {
        headers.Authorization = `Bearer ${apiToken}`;
        res = await send();
      }
      return res;
    } finally {
      clock.clearTimeout(timer);
    }
  }

  /** GET `path` as JSON with the API token; one retry with a fresh pair after a 401. */
  async function getJson(path, timeoutMs = 8000) {
    const res = await request(path, {}, timeoutMs);
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  return {
    get authToken() { return authToken; },
    get apiToken() { return apiToken; },
    refresh,
    request,
    getJson,
  };
}
