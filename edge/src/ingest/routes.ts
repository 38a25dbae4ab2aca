// Ingest routes, one module per protocol: Segment's /v1/*, Plausible's /api/event, the e-mail
// pixel and click redirect. Each request: size check -> parse -> authenticate -> accept -> durable hand-off.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { segmentRoutes } from "./segment";
import { plausibleRoutes } from "./plausible";
import { emailRoutes } from "./email";

export const ingestRoutes = new Hono<AppEnv>();
ingestRoutes.route("/", segmentRoutes);
ingestRoutes.route("/", plausibleRoutes);
ingestRoutes.route("/", emailRoutes);
