// l.js: outbound-link and file-download tracking, loaded by s.js only when its tag has
// data-outbound or data-downloads; it reads those switches from that same tag.
import { linkEvent } from "./links";

const tag = document.querySelector<HTMLScriptElement>("script[data-key]");
const outbound = tag?.dataset.outbound != null;
const downloads = tag?.dataset.downloads != null;
const parcours = (window as unknown as { parcours: (method: string, ...args: unknown[]) => void }).parcours;

addEventListener("click", (event) => {
  const link = (event.target as Element).closest?.("a[href]") as HTMLAnchorElement | null;
  const name = link && linkEvent(link.href, location.host, outbound, downloads);
  // The navigation that follows fires pagehide, which sends this event.
  if (name) parcours("track", name, { url: link.href });
});
