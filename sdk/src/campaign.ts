import { CLICK_IDS, type Campaign, type ClickId } from "./wire";

// utm_campaign is `name` in Segment's context.campaign.
const UTM = /^utm_(source|medium|campaign|term|content)$/;

/**
 * The campaign a landing URL carries: UTM parameters and ad click ids. Undefined when there is
 * none, so untagged traffic sends no `context.campaign` and the edge falls back to the referrer.
 */
export function campaignFromUrl(url: string): Campaign | undefined {
  let campaign: Campaign | undefined;
  new URL(url).searchParams.forEach((value, key) => {
    const utm = UTM.exec(key)?.[1];
    if (!value) return;
    if (utm) (campaign ||= {})[utm == "campaign" ? "name" : (utm as "source")] = value;
    else if (CLICK_IDS.includes(key as ClickId)) ((campaign ||= {}).clickIds ||= {})[key as ClickId] = value;
  });
  return campaign;
}
