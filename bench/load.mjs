// A small closed-loop HTTP load generator (keep-alive, N in flight), so the benchmark needs
// nothing installed beyond Node.
import http from "node:http";

/**
 * @param {{ url: string, method?: string, headers?: Record<string,string>, body?: (i: number) => string,
 *           concurrency?: number, durationMs?: number, requests?: number }} o
 */
export async function load(o) {
  const { method = "GET", headers = {}, body, concurrency = 10, durationMs = 10_000, requests = Infinity } = o;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const u = new URL(o.url);
  const latencies = [];
  let sent = 0, ok = 0, failed = 0;
  const started = performance.now();
  const until = started + durationMs;
  const statuses = {};
  const one = (i) => new Promise((resolve) => {
    const payload = body ? body(i) : undefined;
    const t0 = performance.now();
    const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method,
      headers: { ...headers, ...(payload ? { "content-length": Buffer.byteLength(payload) } : {}) } }, (res) => {
      res.resume();
      res.on("end", () => {
        latencies.push(performance.now() - t0);
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode < 300) ok++; else failed++;
        resolve();
      });
    });
    req.on("error", () => { failed++; resolve(); });
    if (payload) req.write(payload);
    req.end();
  });
  const worker = async () => {
    while (performance.now() < until && sent < requests) await one(sent++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { ok, failed, seconds, rps: ok / seconds, p50: pct(0.5), p95: pct(0.95), statuses };
}
