// l.js: outbound-link and file-download tracking, and cross-domain link decoration, loaded by s.js
// only when its tag has data-outbound, data-downloads or data-domains; it reads those from that tag.
import { decorate, linkValue } from "./cross-domain";
import { linkEvent } from "./links";

const tag = document.querySelector<HTMLScriptElement>("script[data-key]");
const outbound = tag?.dataset.outbound != null;
const downloads = tag?.dataset.downloads != null;
const domains = tag?.dataset.domains?.split(",");
const parcours = (window as unknown as { parcours: ((method: string, ...args: unknown[]) => void) & { anonymousId: () => string } }).parcours;

const linkOf = (event: Event) => (event.target as Element).closest?.("a[href]") as HTMLAnchorElement | null;

addEventListener("click", (event) => {
  const link = linkOf(event);
  const name = link && linkEvent(link.href, location.host, outbound, downloads);
  // The navigation that follows fires pagehide, which sends this event.
  if (name) parcours("track", name, { url: link.href });
});

// In the capture phase, before the browser follows the link: a middle click (auxclick) too.
const follow = (event: Event) => {
  const link = linkOf(event);
  const href = link && domains && decorate(link.href, location.hostname, domains, linkValue(parcours.anonymousId(), Date.now()));
  if (href) link.href = href;
};
addEventListener("click", follow, true);
addEventListener("auxclick", follow, true);
