import type { FunctionComponent } from "preact";
import type { ViewProps } from "./view-props";
import type { ViewName } from "../state/route";
import { AttributionView } from "./attribution";
import { ChannelsView } from "./channels";
import { FunnelView } from "./funnel";
import { JourneysView } from "./journeys";
import { LiveView } from "./live";
import { OverviewView } from "./overview";
import { PathsView } from "./paths";
import { RetentionView } from "./retention";
import { StalledView } from "./stalled";
import { TimelineView } from "./timeline";
import { VitalsView } from "./vitals";
import { ValueView } from "./value";
import { SettingsView } from "./settings";

export const VIEW_COMPONENTS: Record<ViewName, FunctionComponent<ViewProps>> = {
  overview: OverviewView,
  journeys: JourneysView,
  funnel: FunnelView,
  paths: PathsView,
  attribution: AttributionView,
  channels: ChannelsView,
  stalled: StalledView,
  timeline: TimelineView,
  retention: RetentionView,
  vitals: VitalsView,
  value: ValueView,
  live: LiveView,
  settings: SettingsView,
};
