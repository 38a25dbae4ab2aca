// Demo costs through the admin API: daily media spend for the seed's campaigns and the unit costs
// of operational channels, so /roi has something to say. Deterministic for a day range.
import { pathToFileURL } from "node:url";

const CAMPAIGNS = [
  // channel, campaign, spend per day
  ["paid_search", "brand", 40], ["paid_search", "generic", 65], ["email", "weekly", 8], ["social", "retargeting", 25],
];
const UNIT_COSTS = { phone: 6, chat: 1.5, store: 12, email: 0.01 };

export async function seedMarketing({ url = "http://127.0.0.1:8787", adminToken = "dev-admin-token", siteId = "demo", days = 60, now = Date.now() } = {}) {
  const headers = { authorization: `Bearer ${adminToken}`, "content-type": "application/json" };
  const rows = [];
  for (let d = 0; d < days; d++) {
    const day = new Date(now - d * 86_400_000).toISOString().slice(0, 10);
    // Weekday rhythm, so the spend looks like a real plan rather than a flat line.
    const weekday = new Date(day).getUTCDay();
    const factor = weekday === 0 || weekday === 6 ? 0.6 : 1.1;
    for (const [channel, campaign, amount] of CAMPAIGNS) rows.push({ day, channel, campaign, amount: Math.round(amount * factor * 100) / 100 });
  }
  for (const [path, body] of [["spend", { rows }], ["unit-costs", UNIT_COSTS]]) {
    const res = await fetch(`${url}/api/admin/sites/${siteId}/${path}`, { method: "PUT", headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
  }
  return { spendRows: rows.length, unitCosts: Object.keys(UNIT_COSTS).length };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.argv.includes("--url") ? process.argv[process.argv.indexOf("--url") + 1] : undefined;
  console.log(await seedMarketing({ url }));
}
