import type { ActClient } from "../api/act";
import type { SiteClient } from "../api/client";
import type { Query, Segment } from "../api/types";
import type { Route } from "../state/route";

/** What every view is given: the site's client, the range and filters, and the route. */
export interface ViewProps {
  api: SiteClient;
  /** Range and filters, ready for any read endpoint. */
  query: Query;
  route: Route;
  /** The site's Act admin API when the signed-in user is the admin; null for a site reader. */
  act: ActClient | null;
  /** The site's saved segments (none through a shared link). */
  segments: Segment[];
}
