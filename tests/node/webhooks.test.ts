// Webhooks from the real worker (wrangler dev -> workerd, the real local queue) to a real HTTP
// receiver on 127.0.0.1: signatures checked by the published Standard Webhooks verifier, a 500
// retried about 30 s later under the same webhook-id and the same body, a Slack-format body, and
// a follow-up rule that sends a stalled person once across several cron runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import http from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO, startServer } from "../../scripts/dev-server.mjs";

interface Received { path: string; headers: Record<string, string>; body: string; answered: number }

let worker: Awaited<ReturnType<typeof startServer>>;
let receiver: http.Server;
let hookBase = "";
const received: Received[] = [];
const failedOnce = new Set<string>();
const admin = { authorization: `Bearer ${DEMO.adminToken}`, "content-type": "application/json" };
const api = (p: string, method = "GET", body?: unknown) =>
  fetch(`${worker.url}/api/admin/sites/demo${p}`, { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => { body += d; });
    req.on("end", () => {
      const id = String(req.headers["webhook-id"]);
      // /flaky answers 500 to the first try of each delivery, then 200.
      const answered = req.url === "/flaky" && !failedOnce.has(id) ? 500 : 200;
      if (answered === 500) failedOnce.add(id);
      received.push({ path: req.url!, headers: req.headers as Record<string, string>, body, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  hookBase = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  worker = await startServer({ port: 8780, persistDir: mkdtempSync(path.join(tmpdir(), "parcours-hooks-")) });
});

afterAll(async () => {
  await worker?.stop();
  receiver?.close();
});

async function until<T>(get: () => T | Promise<T>, done: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let v = await get();
  while (!done(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    v = await get();
  }
  return v;
}

async function addHook(pathName: string, events: string[], format = "json") {
  const res = await api("/webhooks", "POST", { url: `${hookBase}${pathName}`, events, format });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; secret: string };
}

describe("webhook deliveries to a real receiver", () => {
  it("retries a 500 about 30 s later under the same webhook-id and body, each try signed", async () => {
    const hook = await addHook("/flaky", ["alert"]);
    const test = await api(`/webhooks/${hook.id}/test`, "POST");
    expect(test.status).toBe(202);
    const { id } = (await test.json()) as { id: string };
    const tries = await until(() => received.filter((r) => r.headers["webhook-id"] === id), (l) => l.length >= 2, 75_000);
    expect(tries.map((t) => t.answered)).toEqual([500, 200]);
    const verifier = new Webhook(hook.secret);
    for (const t of tries) {
      expect(verifier.verify(t.body, t.headers)).toMatchObject({ type: "webhook.test", id, site: "demo" });
    }
    expect(tries[1].body).toBe(tries[0].body);
    // The retry waited for the backoff (30 s), judged by the signed timestamps.
    expect(Number(tries[1].headers["webhook-timestamp"]) - Number(tries[0].headers["webhook-timestamp"])).toBeGreaterThanOrEqual(29);
    const log = (await (await api(`/webhooks/${hook.id}/deliveries`)).json()) as any;
    expect(log.deliveries).toEqual([expect.objectContaining({ id, status: "delivered", attempts: 2, responseCode: 200 })]);
  }, 120_000);

  it("sends a stalled person once across cron runs, as JSON and as Slack text", async () => {
    const json = await addHook("/crm", ["journey.stalled"]);
    await addHook("/slack", ["journey.stalled"], "slack");
    const rule = await api("/rules", "POST", { name: "Quote call-back", started: "quote_requested", expected: "purchase", after: "2d" });
    expect(rule.status).toBe(201);
    const fiveDaysAgo = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const sent = await fetch(`${worker.url}/v1/batch`, {
      method: "POST", headers: { authorization: `Basic ${btoa(`${DEMO.site.secretKey}:`)}`, "content-type": "application/json" },
      body: JSON.stringify({ batch: [{ type: "track", event: "quote_requested", userId: "ada-hooks", messageId: "hooks-1", timestamp: fiveDaysAgo, context: { channel: "phone" } }] }),
    });
    expect(((await sent.json()) as any).accepted).toBe(1);
    await until(async () => ((await (await fetch(`${worker.url}/api/sites/demo/stalled?started=quote_requested&expected=purchase&after=2d`,
      { headers: { authorization: `Bearer ${DEMO.site.readToken}` } })).json()) as any).people.length, (n) => n > 0, 20_000);

    const tick = () => fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
    await tick();
    const crm = await until(() => received.filter((r) => r.path === "/crm"), (l) => l.length >= 1, 30_000);
    const slack = await until(() => received.filter((r) => r.path === "/slack"), (l) => l.length >= 1, 30_000);
    expect(crm).toHaveLength(1);
    const delivery = new Webhook(json.secret).verify(crm[0].body, crm[0].headers) as any;
    expect(delivery).toMatchObject({ type: "journey.stalled", site: "demo", data: { userIds: ["ada-hooks"], contactChannel: "phone", rule: { name: "Quote call-back" } } });
    expect(delivery.id).toBe(crm[0].headers["webhook-id"]);
    expect(slack).toHaveLength(1);
    const text = (JSON.parse(slack[0].body) as { text: string }).text;
    expect(text).toContain("ada-hooks");
    expect(text).toContain("quote_requested");
    expect(text).toContain("Contact: phone");

    // Two more cron runs: the same person and start are never sent again.
    await tick();
    await tick();
    await new Promise((r) => setTimeout(r, 3000));
    expect(received.filter((r) => r.path === "/crm")).toHaveLength(1);
    const log = (await (await api(`/webhooks/${json.id}/deliveries`)).json()) as any;
    expect(log.deliveries).toEqual([expect.objectContaining({ type: "journey.stalled", status: "delivered", attempts: 1 })]);
  }, 120_000);
});
