// The admin console's client of /admin/v1 (docs/admin-console.md): the page asks it only for a ticket to the
// event-bus bridge; views and actions then travel over the bridge. The call carries the operator's bearer token; a
// 401 or 403 ends the console's session, so a refused caller is shown nothing. `fetch` is injectable for tests.

export const PREFIX = '/admin/v1';

/** A refusal or failure of the admin API, with its HTTP status (0 when the server was not reached). */
export class AdminError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }

  /** True when the caller is not admitted: no valid admin credential (401) or a token without the role (403). */
  get refused() {
    return this.status === 401 || this.status === 403;
  }
}

export function createApi(token, { fetch = globalThis.fetch } = {}) {
  async function call(method, path) {
    let res;
    try {
      res = await fetch(PREFIX + path, {
        method,
        headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      throw new AdminError(0, `the server was not reached (${e.message})`);
    }
    let json = null;
    try {
      json = await res.json();
    } catch {
      json = null;
    }
    if (!res.ok) {
      throw new AdminError(res.status, json?.error?.message ?? `HTTP ${res.status}`);
    }
    return json;
  }

  return {
    /** A single-use ticket that opens the event-bus bridge once: `{ticket, path, expiresInSeconds}`. */
    ticket: () => call('POST', '/bridge/ticket'),
  };
}
