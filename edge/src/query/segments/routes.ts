// POST/GET /api/sites/:site/segments and DELETE .../segments/:id (API.md "segments"), behind the
// site's read guard: whoever reads a site may save views of it. Mounted before the read routes so
// the answer cache never keeps a list or a deletion.
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { apiError } from "../../errors";
import { loadSite, refuseWhileMoving } from "../../auth/middleware";
import { randomToken } from "../../auth/crypto";
import { siteDb } from "../../sites/site-db";
import type { Segment, SegmentsBody } from "../api";
import { parseSegmentInput } from "./input";
import { deleteSegment, insertSegment, publicSegment, siteSegments } from "./store";

export const segmentRoutes = new Hono<AppEnv>();

// Segments are the site's data: a save or a deletion goes to the database the site is in now (read
// fresh, not from the isolate's cache), and waits while the site moves between databases.
segmentRoutes.on(["POST", "DELETE"], ["/", "/:id"], loadSite(), refuseWhileMoving());

const MAX_PER_SITE = 100;

segmentRoutes.get("/", async (c) => c.json({ segments: (await siteSegments(siteDb(c.env, c.get("site")), c.get("site").id)).map(publicSegment) } satisfies SegmentsBody));

segmentRoutes.post("/", async (c) => {
  const parsed = parseSegmentInput(await c.req.json().catch(() => null));
  if (!parsed.ok) return c.json({ error: parsed.error }, 400);
  const siteId = c.get("site").id;
  if ((await siteSegments(siteDb(c.env, c.get("site")), siteId)).length >= MAX_PER_SITE) {
    return c.json({ error: apiError("limit_reached", `a site has at most ${MAX_PER_SITE} segments`) }, 409);
  }
  const segment = { id: randomToken("seg_", 9), ...parsed.value, createdAt: Date.now() };
  await insertSegment(siteDb(c.env, c.get("site")), siteId, segment);
  return c.json(publicSegment(segment) satisfies Segment, 201);
});

segmentRoutes.delete("/:id", async (c) => {
  if (!(await deleteSegment(siteDb(c.env, c.get("site")), c.get("site").id, c.req.param("id")))) {
    return c.json({ error: apiError("not_found", "no segment with this id on this site", "id") }, 404);
  }
  return c.json({ deleted: true });
});
