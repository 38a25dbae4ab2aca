import type { D1Migration } from "cloudflare:test";
import type { Bindings } from "../../edge/src/env";

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: D1Migration[];
      PARCOURS_ADMIN_TOKEN: string;
    }
  }
}
