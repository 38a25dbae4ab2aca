// v.js: Core Web Vitals, loaded by s.js only when the script tag has data-vitals, so pages that
// do not want them do not pay for web-vitals' bytes. The edge's /vitals reads these events.
import { onCLS, onFCP, onINP, onLCP, onTTFB, type Metric } from "web-vitals";

// The metrics belong to the page as loaded; an SPA navigation before they report must not move them.
const path = location.pathname;
const parcours = (window as unknown as { parcours: (method: string, ...args: unknown[]) => void }).parcours;

function report({ name, value, rating, id, navigationType }: Metric) {
  parcours("track", "web_vital", { name, value, rating, id, navigationType, path });
}

for (const on of [onCLS, onFCP, onINP, onLCP, onTTFB]) on(report);
