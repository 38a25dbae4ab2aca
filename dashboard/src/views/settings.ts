import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { WEBHOOK_EVENTS } from "@parcours/edge/api";
import type { AlertMetric, AlertRule, CreatedWebhook, Delivery, FollowUpRule, WebhookEvent, WebhookFormat, WebhookListItem } from "../api/types";
import type { ActClient } from "../api/act";
import { ChoiceSelect } from "../components/choice-select";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatDateTime, formatInt } from "../format";
import { useFetch } from "../state/use-fetch";
import type { ViewProps } from "./view-props";
import { SharedLinks } from "./settings-shares";
import { ReferralExclusions } from "./settings-referrers";

/**
 * Webhook destinations of the site (API.md "Act"): add, test, pause/resume, delete, and each one's
 * delivery log. Only the admin may change them (the admin API); anyone else sees why not.
 */
export function SettingsView({ act }: ViewProps) {
  if (!act) {
    return html`<${Section} title="Settings">
      <p class="notice">Webhook destinations are managed by the admin: sign in with the admin token to add, test or remove them.</p>
    <//>`;
  }
  return html`<${Destinations} act=${act} /><${RulesAndAlerts} act=${act} /><${SharedLinks} act=${act} /><${ReferralExclusions} act=${act} />`;
}

const METRICS: [AlertMetric, string][] = [
  ["conversions", "Conversions"], ["conversion_rate", "Conversion rate"], ["cpa", "CPA of a channel"], ["roas", "ROAS of a channel"],
  ["stalled", "Newly stalled people"], ["lcp_p75", "LCP p75 (ms)"], ["inp_p75", "INP p75 (ms)"], ["cls_p75", "CLS p75"], ["events", "Events"],
];
const LIMITS: [string, string][] = [["above", "above"], ["below", "below"], ["changePct", "changes by % (either way)"]];

/** One alert: a metric, a period and one limit; the edge names any refusal. */
function AddAlert({ act, onAdded }: { act: ActClient; onAdded: () => void }) {
  const [metric, setMetric] = useState<AlertMetric>("conversions");
  const [period, setPeriod] = useState<"day" | "week">("day");
  const [limit, setLimit] = useState("changePct");
  const [value, setValue] = useState("");
  const [channel, setChannel] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    setError(null);
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n)) return setError("give a number");
    act.addAlert({ metric, period, [limit]: n, ...(channel.trim() ? { channel: channel.trim() } : {}) })
      .then(() => { setValue(""); onAdded(); }, (err: Error) => setError(err.message));
  };
  return html`<form class="add-alert controls" onSubmit=${submit}>
    <${ChoiceSelect} label="Metric" value=${metric} options=${METRICS} onChange=${(v: string) => setMetric(v as AlertMetric)} />
    <label class="field"><span>Channel</span><input value=${channel} placeholder=${metric === "cpa" || metric === "roas" ? "required" : "any"}
      onInput=${(e: Event) => setChannel((e.target as HTMLInputElement).value)} /></label>
    <${ChoiceSelect} label="Period" value=${period} options=${[["day", "day"], ["week", "week"]]} onChange=${(v: string) => setPeriod(v as "day" | "week")} />
    <${ChoiceSelect} label="When it is" value=${limit} options=${LIMITS} onChange=${setLimit} />
    <label class="field"><span>Value</span><input inputmode="decimal" value=${value} onInput=${(e: Event) => setValue((e.target as HTMLInputElement).value)} /></label>
    <button type="submit">Add alert</button>
    ${error && html`<p class="notice error" role="alert">${error}</p>`}
  </form>`;
}

const limitText = (a: AlertRule) => [a.above !== null && `above ${a.above}`, a.below !== null && `below ${a.below}`,
  a.changePct !== null && `±${a.changePct}% vs previous ${a.period}`].filter(Boolean).join(", ");

/** The saved follow-up rules and alerts (created from the Stalled view or the admin API), each removable. */
function RulesAndAlerts({ act }: { act: ActClient }) {
  const [version, setVersion] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const rules = useFetch(() => act.rules(), `r${version}`);
  const alerts = useFetch(() => act.alerts(), `a${version}`);
  const remove = (action: () => Promise<void>) => {
    setProblem(null);
    action().then(() => setVersion((v) => v + 1), (e: Error) => setProblem(e.message));
  };
  return html`<${Section} title="Follow-up rules and alerts"
      hint="Each rule sends every person who newly stalls once (journey.stalled); each alert is judged on the last day or week and sent once per period.">
    ${problem && html`<p class="notice error" role="alert">${problem}</p>`}
    <h3>Follow-up rules</h3>
    <${Loadable} state=${rules} isEmpty=${(list: FollowUpRule[]) => list.length === 0} empty="No rule yet: save one from the Stalled view.">
      ${(list: FollowUpRule[]) => html`<ul class="rules">
        ${list.map((r) => html`<li data-id=${r.id}><strong>${r.name}</strong>
          <span class="muted"> ${r.started} without ${r.expected} within ${r.after}${r.stage ? `, stage ${r.stage}` : ""}${r.channel ? `, channel ${r.channel}` : ""}</span>
          <button type="button" class="link danger" onClick=${() => remove(() => act.deleteRule(r.id))}>Remove</button></li>`)}
      </ul>`}
    <//>
    <h3>Alerts</h3>
    <${AddAlert} act=${act} onAdded=${() => setVersion((v) => v + 1)} />
    <${Loadable} state=${alerts} isEmpty=${(list: AlertRule[]) => list.length === 0} empty="No alert yet.">
      ${(list: AlertRule[]) => html`<ul class="alerts">
        ${list.map((a) => html`<li data-id=${a.id}><strong>${a.name}</strong>
          <span class="muted"> ${a.metric}${a.channel ? ` of ${a.channel}` : ""} per ${a.period}: ${limitText(a)}</span>
          <button type="button" class="link danger" onClick=${() => remove(() => act.deleteAlert(a.id))}>Remove</button></li>`)}
      </ul>`}
    <//>
  <//>`;
}

function Destinations({ act }: { act: ActClient }) {
  const [version, setVersion] = useState(0);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const hooks = useFetch(() => act.webhooks(), String(version));
  const reload = () => setVersion((v) => v + 1);
  const run = (action: () => Promise<unknown>) => {
    setProblem(null);
    action().then(reload, (e: Error) => setProblem(e.message));
  };

  return html`<${Section} title="Webhook destinations"
      hint="Stalled journeys, at-risk people, conversions, alerts and the weekly digest, pushed to your CRM or Slack, signed as Standard Webhooks.">
    <${AddDestination} act=${act} onCreated=${(hook: CreatedWebhook) => { setCreated(hook); reload(); }} />
    ${created && html`<div class="callout secret" role="status">
      <p><strong>Signing secret of ${created.url}</strong> — shown this once; keep it in the receiver's configuration.</p>
      <code class="secret-value">${created.secret}</code>
      <button type="button" class="link" onClick=${() => setCreated(null)}>I have saved it</button>
    </div>`}
    ${problem && html`<p class="notice error" role="alert">${problem}</p>`}
    <${Loadable} state=${hooks} isEmpty=${(list: WebhookListItem[]) => list.length === 0} empty="No destination yet.">
      ${(list: WebhookListItem[]) => html`<div class="table-wrap"><table class="destinations">
        <thead><tr>
          <th scope="col">URL</th><th scope="col">Events</th><th scope="col">Format</th><th scope="col">Status</th>
          <th scope="col">Delivered</th><th scope="col">Pending</th><th scope="col">Failed</th><th scope="col">Last delivery</th><th scope="col">Actions</th>
        </tr></thead>
        <tbody>
          ${list.map((h) => html`<tr data-id=${h.id}>
            <th scope="row" class="url">${h.url}</th>
            <td data-label="Events">${h.events.join(", ")}</td>
            <td data-label="Format">${h.format}</td>
            <td data-label="Status"><span class=${`status status-${h.status}`}>${h.status}</span></td>
            <td data-label="Delivered">${formatInt(h.deliveries.delivered)}</td>
            <td data-label="Pending">${formatInt(h.deliveries.pending)}</td>
            <td data-label="Failed">${formatInt(h.deliveries.failed)}</td>
            <td data-label="Last delivery">${h.lastDeliveryAt ? formatDateTime(h.lastDeliveryAt) : "—"}</td>
            <td class="actions">
              <button type="button" class="icon" onClick=${() => run(() => act.testWebhook(h.id))}>Test</button>
              <button type="button" class="icon" aria-expanded=${open === h.id} onClick=${() => setOpen(open === h.id ? null : h.id)}>Log</button>
              ${h.status === "paused"
                ? html`<button type="button" class="icon" onClick=${() => run(() => act.setStatus(h.id, "active"))}>Resume</button>`
                : html`<button type="button" class="icon" onClick=${() => run(() => act.setStatus(h.id, "paused"))}>Pause</button>`}
              <button type="button" class="icon danger"
                onClick=${() => window.confirm(`Delete the destination ${h.url} and its log?`) && run(() => act.deleteWebhook(h.id).then(() => setOpen(null)))}>Delete</button>
            </td>
          </tr>`)}
        </tbody>
      </table></div>
      ${open && list.some((h) => h.id === open) && html`<${DeliveryLog} key=${`${open}:${version}`} act=${act} webhookId=${open} onResent=${reload} />`}`}
    <//>
  <//>`;
}

const FORMATS: [WebhookFormat, string][] = [["json", "JSON (Standard Webhooks)"], ["slack", "Slack incoming webhook"]];

function AddDestination({ act, onCreated }: { act: ActClient; onCreated: (hook: CreatedWebhook) => void }) {
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>(["journey.stalled"]);
  const [format, setFormat] = useState<WebhookFormat>("json");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toggle = (name: WebhookEvent, on: boolean) => setEvents(on ? [...events, name] : events.filter((e) => e !== name));
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    act.addWebhook({ url: url.trim(), events, format }).then(
      (hook) => { setUrl(""); onCreated(hook); },
      (err: Error) => setError(err.message),
    ).finally(() => setBusy(false));
  };
  return html`<form class="add-destination controls" onSubmit=${submit}>
    <label class="field url-field"><span>URL</span>
      <input type="url" required placeholder="https://crm.example.com/hooks/parcours" value=${url}
        onInput=${(e: Event) => setUrl((e.target as HTMLInputElement).value)} /></label>
    <fieldset class="field events-field"><legend>Events</legend>
      ${WEBHOOK_EVENTS.map((name) => html`<label class="radio"><input type="checkbox" name="events" value=${name} checked=${events.includes(name)}
        onChange=${(e: Event) => toggle(name, (e.target as HTMLInputElement).checked)} />${name}</label>`)}
    </fieldset>
    <${ChoiceSelect} label="Format" value=${format} options=${FORMATS} onChange=${(v: string) => setFormat(v as WebhookFormat)} />
    <button type="submit" disabled=${busy || events.length === 0}>Add destination</button>
    ${error && html`<p class="notice error" role="alert">${error}</p>`}
  </form>`;
}

function DeliveryLog({ act, webhookId, onResent }: { act: ActClient; webhookId: string; onResent: () => void }) {
  const state = useFetch(() => act.deliveries(webhookId), webhookId);
  return html`<div class="delivery-log">
    <h3>Delivery log</h3>
    <${Loadable} state=${state} isEmpty=${(list: Delivery[]) => list.length === 0} empty="Nothing sent yet: try Test.">
      ${(list: Delivery[]) => html`<div class="table-wrap"><table class="deliveries">
        <thead><tr>
          <th scope="col">Created</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Attempts</th>
          <th scope="col">Response</th><th scope="col">Error</th><th scope="col">Next try</th><th scope="col">Id</th><th scope="col"></th>
        </tr></thead>
        <tbody>
          ${list.map((d) => html`<tr>
            <td data-label="Created">${formatDateTime(d.createdAt)}</td>
            <td data-label="Type">${d.type}</td>
            <td data-label="Status"><span class=${`status status-${d.status}`}>${d.status}</span></td>
            <td data-label="Attempts">${formatInt(d.attempts)}</td>
            <td data-label="Response">${d.responseCode ?? "—"}</td>
            <td data-label="Error">${d.error ?? ""}</td>
            <td data-label="Next try">${d.nextAttemptAt && d.status === "pending" ? formatDateTime(d.nextAttemptAt) : "—"}</td>
            <td data-label="Id"><code>${d.id}</code></td>
            <td>${d.status !== "pending" && html`<button type="button" class="icon" onClick=${() => act.resend(webhookId, d.id).then(onResent)}>Resend</button>`}</td>
          </tr>`)}
        </tbody>
      </table></div>`}
    <//>
  </div>`;
}
