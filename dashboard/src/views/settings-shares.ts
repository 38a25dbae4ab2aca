import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { DEFAULT_SHARE_VIEWS, SHARE_VIEWS } from "@parcours/edge/api";
import type { CreatedShare, Share, ShareView } from "../api/types";
import type { ActClient } from "../api/act";
import { ChoiceSelect } from "../components/choice-select";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatDateTime } from "../format";
import { useFetch } from "../state/use-fetch";

const DAY_MS = 86_400_000;
const EXPIRIES: [string, string][] = [["", "never (until revoked)"], ["1", "in 1 day"], ["7", "in 7 days"], ["30", "in 30 days"], ["90", "in 90 days"]];

/** Read-only links to this site's dashboard (API.md "shares"): create, list, revoke. */
export function SharedLinks({ act }: { act: ActClient }) {
  const [version, setVersion] = useState(0);
  const [created, setCreated] = useState<CreatedShare | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const shares = useFetch(() => act.shares(), String(version));
  const reload = () => setVersion((v) => v + 1);
  const revoke = (id: string) => {
    setProblem(null);
    act.deleteShare(id).then(() => { if (created?.id === id) setCreated(null); reload(); }, (e: Error) => setProblem(e.message));
  };
  return html`<${Section} title="Shared links"
      hint="Read-only links to this site's dashboard for agencies and clients: no login, only the views you pick, revoked at once.">
    <${AddShare} act=${act} onCreated=${(s: CreatedShare) => { setCreated(s); reload(); }} />
    ${created && html`<div class="callout secret" role="status">
      <p><strong>Shared link</strong> — shown this once; anyone with it reads ${created.views.join(", ")}.</p>
      <input class="share-url" readonly value=${created.url} aria-label="Shared link" onFocus=${(e: Event) => (e.target as HTMLInputElement).select()} />
      <button type="button" class="link" onClick=${() => setCreated(null)}>I have copied it</button>
    </div>`}
    ${problem && html`<p class="notice error" role="alert">${problem}</p>`}
    <${Loadable} state=${shares} isEmpty=${(list: Share[]) => list.length === 0} empty="No shared link yet.">
      ${(list: Share[]) => html`<ul class="shares">
        ${list.map((s) => html`<li data-id=${s.id}><strong>${s.views.join(", ")}</strong>
          <span class="muted"> created ${formatDateTime(s.createdAt)}, ${s.expiresAt === null ? "never expires" : `${s.expiresAt > Date.now() ? "expires" : "expired"} ${formatDateTime(s.expiresAt)}`}</span>
          <button type="button" class="link danger" onClick=${() => revoke(s.id)}>Revoke</button></li>`)}
      </ul>`}
    <//>
  <//>`;
}

function AddShare({ act, onCreated }: { act: ActClient; onCreated: (share: CreatedShare) => void }) {
  const [views, setViews] = useState<ShareView[]>([...DEFAULT_SHARE_VIEWS]);
  const [days, setDays] = useState("");
  const [error, setError] = useState<string | null>(null);
  const toggle = (name: ShareView, on: boolean) => setViews(on ? [...views, name] : views.filter((v) => v !== name));
  const submit = (e: Event) => {
    e.preventDefault();
    setError(null);
    act.addShare({ views, ...(days ? { expiresAt: Date.now() + Number(days) * DAY_MS } : {}) }).then(onCreated, (err: Error) => setError(err.message));
  };
  return html`<form class="add-share controls" onSubmit=${submit}>
    <fieldset class="field events-field"><legend>Views</legend>
      ${SHARE_VIEWS.map((name) => html`<label class="radio"><input type="checkbox" name="views" value=${name} checked=${views.includes(name)}
        onChange=${(e: Event) => toggle(name, (e.target as HTMLInputElement).checked)} />${name}</label>`)}
    </fieldset>
    <${ChoiceSelect} label="Expires" value=${days} options=${EXPIRIES} onChange=${setDays} />
    <button type="submit" disabled=${views.length === 0}>Create link</button>
    ${error && html`<p class="notice error" role="alert">${error}</p>`}
  </form>`;
}
