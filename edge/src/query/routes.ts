// The read API: thin handlers that parse parameters, load rows and hand them to the pure analyses.
import { Hono } from "hono";
import type { AppEnv } from "../env";

export const queryRoutes = new Hono<AppEnv>();
