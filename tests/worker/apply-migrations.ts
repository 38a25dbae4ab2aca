import { applyD1Migrations, env } from "cloudflare:test";
import { siteDatabases } from "../../edge/src/sites/site-db";

// Setup files run before each test file; applying is idempotent (applied migrations are skipped).
// Every bound database gets every migration (sites' data lives in DB or SITE_DB_1..n).
for (const { db } of siteDatabases(env)) await applyD1Migrations(db, env.TEST_MIGRATIONS);
