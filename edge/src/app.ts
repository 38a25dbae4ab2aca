// Routes only: every path of the public surface and the module that answers it.
import { Hono } from "hono";
import type { AppEnv } from "./env";
import { apiError } from "./errors";
import { ingestRoutes } from "./ingest/routes";
import { adminRoutes } from "./admin/routes";
import { benchRoutes } from "./ingest/bench-bulk";
import { actRoutes } from "./act/routes";
import { shareRoutes } from "./admin/shares";
import { referralRoutes } from "./admin/referral-exclusions";
import { authRoutes } from "./auth/routes";
import { requireSiteRead } from "./auth/middleware";
import { queryRoutes } from "./query/routes";
import { marketingRoutes } from "./query/marketing/routes";
import { segmentRoutes } from "./query/segments/routes";
import { assetRoutes } from "./assets";

export const app = new Hono<AppEnv>();

app.get("/health", (c) => c.json({ ok: true }));
app.route("/", ingestRoutes);
app.route("/api", authRoutes);
// Before the admin routes: these also open to the admin's dashboard login (the Settings view).
app.route("/api/admin/sites/:site", actRoutes);
app.route("/api/admin/sites/:site", shareRoutes);
app.route("/api/admin/sites/:site", referralRoutes);
// Bench-only (PARCOURS_BENCH_BULK=1), admin token: a 404 on any worker without the flag.
app.route("/api/admin", benchRoutes);
app.route("/api/admin", adminRoutes);
app.use("/api/sites/:site/*", requireSiteRead());
// Before the read routes: saving and deleting never meet the answer cache.
app.route("/api/sites/:site/segments", segmentRoutes);
app.route("/api/sites/:site", queryRoutes);
app.route("/api/sites/:site", marketingRoutes);
app.all("/api/*", (c) => c.json({ error: apiError("not_found", `no route ${c.req.method} ${c.req.path}`) }, 404));
app.all("/v1/*", (c) => c.json({ error: apiError("not_found", `no route ${c.req.method} ${c.req.path}`) }, 404));
app.route("/", assetRoutes);

app.onError((err, c) => {
  console.error("unhandled", err);
  return c.json({ error: apiError("internal", "internal error") }, 500);
});
