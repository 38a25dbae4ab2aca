/** Sends one request body; answers the HTTP status, 0 when no answer came (offline, DNS, CORS). */
export type Transport = (url: string, body: string) => Promise<number>;

// Browsers cap the bodies of all in-flight keepalive requests at 64 KiB together.
const KEEPALIVE_MAX_BYTES = 60_000;

/**
 * fetch, in browsers, React Native and Node 18+. A string body goes as text/plain, a CORS
 * "simple" request, so the browser sends it without an OPTIONS preflight (and without cookies:
 * the request is cross-origin); keepalive lets it finish after the page is closed. `headers` is
 * for server sources (Basic auth with the secret key).
 */
export function fetchTransport(headers?: Record<string, string>): Transport {
  return async function send(url, body) {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers,
        body,
        keepalive: body.length < KEEPALIVE_MAX_BYTES,
      });
      return response.status;
    } catch {
      return 0;
    }
  };
}
