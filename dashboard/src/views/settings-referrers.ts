import { html } from "htm/preact";
import { useState } from "preact/hooks";
import type { ActClient } from "../api/act";
import type { SiteReferralSettings } from "../api/types";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { useFetch } from "../state/use-fetch";

/** The site's referral exclusions (README "Referral exclusions"): one host per line. */
export function ReferralExclusions({ act }: { act: ActClient }) {
  const state = useFetch(() => act.referralSettings(), "referrers");
  return html`<${Section} title="Referral exclusions"
      hint="A visitor coming back from one of these hosts (or a subdomain), such as a payment page, counts as having no referrer: the sale keeps the channel that brought them. The site's own hosts are always excluded.">
    <${Loadable} state=${state}>
      ${(settings: SiteReferralSettings) => html`<${EditHosts} act=${act} initial=${settings.excludedReferrers} />`}
    <//>
  <//>`;
}

function EditHosts({ act, initial }: { act: ActClient; initial: string[] }) {
  const [text, setText] = useState(initial.join("\n"));
  const [status, setStatus] = useState<{ error: boolean; text: string } | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    setStatus(null);
    const hosts = text.split(/[\n,]/).map((h) => h.trim()).filter(Boolean);
    act.setExcludedReferrers(hosts).then(
      // The list as the server normalized it, shown in the same render as the confirmation.
      (s) => { setText(s.excludedReferrers.join("\n")); setStatus({ error: false, text: `Saved ${s.excludedReferrers.length} hosts.` }); },
      (err: Error) => setStatus({ error: true, text: err.message }),
    );
  };
  return html`<form class="excluded-referrers" onSubmit=${submit}>
    <label class="field"><span>Excluded referrer hosts</span>
      <textarea rows="8" spellcheck="false" value=${text} onInput=${(e: Event) => setText((e.target as HTMLTextAreaElement).value)}></textarea></label>
    <button type="submit">Save exclusions</button>
    ${status && html`<p class=${status.error ? "notice error" : "notice"} role=${status.error ? "alert" : "status"}>${status.text}</p>`}
  </form>`;
}
