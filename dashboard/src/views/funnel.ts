import { html } from "htm/preact";
import { ChoiceSelect } from "../components/choice-select";
import { useState } from "preact/hooks";
import type { SiteClient } from "../api/client";
import type { ChannelRow, EventNameCount, FunnelStep, Query } from "../api/types";
import type { ViewProps } from "./view-props";
import { BarList } from "../charts/bar-list";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatInt, formatPercent } from "../format";
import { patchParams } from "../state/route";
import { useFetch } from "../state/use-fetch";
import { navigate } from "../state/use-route";
import { firstTouchRows, frictionStep, parseSteps, stepLabel, stepLoss, stepParts, stepText, withAlternative, withOptional } from "./funnel-friction";

const ORDERS = [
  ["sequential", "Sequential (in order, others may come between)"],
  ["strict", "Strict (in order, nothing between)"],
  ["any", "Any order"],
];
const WINDOWS = ["1h", "1d", "7d", "14d", "30d", "90d"];
const BREAKDOWN_CHANNELS = 6;

export function FunnelView({ api, query, route }: ViewProps) {
  const { params } = route;
  const steps = parseSteps(params.steps);
  const order = params.order ?? "sequential";
  const windowSize = params.window ?? "7d";
  const set = (patch: Record<string, string | undefined>) => navigate({ view: "funnel", params: patchParams(params, patch) });
  const setSteps = (next: string[]) => set({ steps: next.join(",") });

  const names = useFetch(() => api.eventNames(query), JSON.stringify(query));
  const funnelQuery: Query = { ...query, steps: steps.join(","), order, window: windowSize };
  const ready = steps.length >= 2;

  return html`
    <${Section} title="Funnel steps" hint="Pick the events people should go through, in order. A step may count either of several events (Or…), and a step after the first may be optional.">
      <${StepBuilder} steps=${steps} names=${names.data ?? []} onChange=${setSteps} />
      <div class="controls">
        <${ChoiceSelect} label="Order" value=${order} options=${ORDERS} onChange=${(v: string) => set({ order: v })} />
        <${ChoiceSelect} label="Window" value=${windowSize} options=${WINDOWS} onChange=${(v: string) => set({ window: v })} />
      </div>
    <//>
    ${ready
      ? html`<${FunnelResult} api=${api} query=${funnelQuery}/>
          ${!query.channel && html`<${ChannelBreakdown} api=${api} query=${funnelQuery} steps=${steps} />`}`
      : html`<p class="notice empty">Add at least two steps to see the funnel.</p>`}
  `;
}

function StepBuilder({ steps, names, onChange }: { steps: string[]; names: EventNameCount[]; onChange: (steps: string[]) => void }) {
  const [pick, setPick] = useState("");
  // The step syntax takes `,` `|` and a trailing `?`: such names cannot be steps.
  const choices = names.filter((n) => !/[,|]|\?$/.test(n.name));
  const move = (i: number, by: number) => {
    const next = [...steps];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    onChange(next);
  };
  const add = (event: Event) => {
    event.preventDefault();
    const name = pick || choices.find((n) => !steps.some((s) => stepParts(s).events.includes(n.name)))?.name;
    if (name) onChange([...steps, name]);
    setPick("");
  };
  return html`<div class="step-builder">
    <ol class="steps">
      ${steps.map(
        (step, i) => html`<li data-step=${step}>
          <span class="step-name">${stepLabel(step)}</span>
          <label class="field step-or"><span class="visually-hidden">Another event that counts as ${stepLabel(step)}</span>
            <select value="" onChange=${(e: Event) => {
              const name = (e.target as HTMLSelectElement).value;
              if (name) onChange(steps.map((s, j) => (j === i ? withAlternative(s, name) : s)));
            }}>
              <option value="">Or…</option>
              ${choices.filter((n) => !stepParts(step).events.includes(n.name)).map((n) => html`<option value=${n.name}>${n.name}</option>`)}
            </select></label>
          ${i > 0 && html`<label class="radio"><input type="checkbox" checked=${stepParts(step).optional}
            onChange=${(e: Event) => onChange(steps.map((s, j) => (j === i ? withOptional(s, (e.target as HTMLInputElement).checked) : s)))} />optional</label>`}
          <button type="button" class="icon" aria-label=${`Move ${step} up`} disabled=${i === 0} onClick=${() => move(i, -1)}>↑</button>
          <button type="button" class="icon" aria-label=${`Move ${step} down`} disabled=${i === steps.length - 1} onClick=${() => move(i, 1)}>↓</button>
          <button type="button" class="icon" aria-label=${`Remove ${step}`} onClick=${() => onChange(steps.filter((_, j) => j !== i))}>✕</button>
        </li>`,
      )}
    </ol>
    <form class="controls" onSubmit=${add}>
      <label class="field"><span>Event</span>
        <select name="step" value=${pick} onChange=${(e: Event) => setPick((e.target as HTMLSelectElement).value)}>
          <option value="">Choose an event…</option>
          ${choices.map((n) => html`<option value=${n.name}>${n.name} (${formatInt(n.count)})</option>`)}
        </select>
      </label>
      <button type="submit" disabled=${choices.length === 0}>Add step</button>
    </form>
  </div>`;
}

function FunnelResult({ api, query }: { api: SiteClient; query: Query }) {
  const state = useFetch(() => api.funnel(query), JSON.stringify(query));
  return html`<${Section} title="Drop-off" hint="Share of the first step's people reaching each step; the red bar loses the most. An optional step counts who did it on the way.">
    <${Loadable} state=${state} isEmpty=${(s: FunnelStep[]) => s.length === 0 || s[0].people === 0} empty="Nobody did the first step in this range.">
      ${(steps: FunnelStep[]) => {
        const losses = stepLoss(steps);
        const friction = frictionStep(steps);
        const first = steps[0]?.people || 0;
        const label = (s: FunnelStep) => stepLabel(stepText(s));
        return html`<${BarList} max=${first} bars=${steps.map((s, i) => ({
            label: label(s),
            value: s.people,
            tone: i === friction ? "warn" : undefined,
            text: `${formatInt(s.people)} · ${formatPercent(first ? s.people / first : 0)}${i > 0 ? ` · −${formatPercent(losses[i])}${s.optional ? " skipped" : ""}` : ""}`,
          }))} />
          ${friction > 0 &&
          html`<p class="callout" data-friction=${steps[friction].name}>
            Biggest drop-off: <strong>${label(steps[friction])}</strong>${`, ${formatPercent(losses[friction])} of people lost.`}
          </p>`}
          <${FirstTouch} steps=${steps} label=${label} />`;
      }}
    <//>
  <//>`;
}

/** Each step's people by the channel that first brought them (their first touchpoint ever). */
function FirstTouch({ steps, label }: { steps: FunnelStep[]; label: (s: FunnelStep) => string }) {
  const rows = firstTouchRows(steps);
  if (rows.length === 0) return null;
  return html`<h3>By first-touch channel</h3>
    <div class="table-wrap"><table class="first-touch">
      <thead><tr><th scope="col">First touch</th>${steps.map((s) => html`<th scope="col" class="num">${label(s)}</th>`)}</tr></thead>
      <tbody>
        ${rows.map((row) => html`<tr data-channel=${row.channel}>
          <th scope="row">${row.channel}</th>
          ${row.people.map((n) => html`<td class="num">${formatInt(n)}</td>`)}
        </tr>`)}
      </tbody>
    </table></div>`;
}

/** One funnel per top channel: the same steps, filtered to people who came through it. */
function ChannelBreakdown({ api, query, steps }: { api: SiteClient; query: Query; steps: string[] }) {
  const key = JSON.stringify(query);
  const state = useFetch(async () => {
    const channels: ChannelRow[] = await api.channels({ from: query.from, to: query.to });
    const top = [...channels].sort((a, b) => b.touchpoints - a.touchpoints).slice(0, BREAKDOWN_CHANNELS);
    return Promise.all(top.map(async (c) => ({ channel: c.channel, steps: await api.funnel({ ...query, channel: c.channel }) })));
  }, key);
  return html`<${Section} title="By channel" hint="People at each step when only one channel's touchpoints count.">
    <${Loadable} state=${state} isEmpty=${(rows: unknown[]) => rows.length === 0}>
      ${(rows: { channel: string; steps: FunnelStep[] }[]) => html`<div class="table-wrap"><table>
        <thead><tr><th scope="col">Channel</th>${steps.map((s) => html`<th scope="col" class="num">${stepLabel(s)}</th>`)}<th scope="col" class="num">Completion</th></tr></thead>
        <tbody>
          ${rows.map((row) => {
            const first = row.steps[0]?.people ?? 0;
            const last = row.steps[row.steps.length - 1]?.people ?? 0;
            return html`<tr>
              <th scope="row">${row.channel}</th>
              ${steps.map((_, i) => html`<td class="num">${formatInt(row.steps[i]?.people ?? 0)}</td>`)}
              <td class="num">${formatPercent(first ? last / first : 0)}</td>
            </tr>`;
          })}
        </tbody>
      </table></div>`}
    <//>
  <//>`;
}
