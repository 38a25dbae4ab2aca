import { html } from "htm/preact";
import { ChoiceSelect } from "../components/choice-select";
import type { ChurnBody, Cohort } from "../api/types";
import type { ViewProps } from "./view-props";
import { EventSelect } from "../components/event-select";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatInt, formatLift, formatPercent } from "../format";
import { patchParams } from "../state/route";
import { useFetch } from "../state/use-fetch";
import { navigate } from "../state/use-route";

export function RetentionView({ api, query, route }: ViewProps) {
  const { params } = route;
  const interval = params.interval === "month" ? "month" : params.interval === "day" ? "day" : "week";
  const churnEvent = params.churn ?? "unsubscribe";
  const set = (patch: Record<string, string | undefined>) => navigate({ view: "retention", params: patchParams(params, patch) });

  const retentionQuery = { ...query, interval };
  const cohorts = useFetch(() => api.retention(retentionQuery), JSON.stringify(retentionQuery));
  const churnQuery = { ...query, event: churnEvent };
  const churn = useFetch(() => api.churn(churnQuery), JSON.stringify(churnQuery));
  const names = useFetch(() => api.eventNames(query), JSON.stringify(query));

  return html`
    <${Section} title="Cohort retention" hint=${`People by the ${interval} they first came, and the share back in each later ${interval}.`}>
      <div class="controls">
        <${ChoiceSelect} label="Interval" value=${interval} options=${[["day", "Day"], ["week", "Week"], ["month", "Month"]]}
          onChange=${(v: string) => set({ interval: v })} />
      </div>
      <${Loadable} state=${cohorts} isEmpty=${(c: Cohort[]) => c.length === 0}>
        ${(rows: Cohort[]) => {
          const periods = Math.max(0, ...rows.map((c) => c.retained.length));
          return html`<div class="table-wrap"><table class="cohorts">
            <thead><tr><th scope="col">Cohort</th><th scope="col" class="num">People</th>
              ${Array.from({ length: periods }, (_, i) => html`<th scope="col" class="num">${interval[0]}${i}</th>`)}</tr></thead>
            <tbody>
              ${rows.map(
                (c) => html`<tr>
                  <th scope="row">${c.cohort}</th>
                  <td class="num">${formatInt(c.size)}</td>
                  ${Array.from({ length: periods }, (_, i) => {
                    if (i >= c.retained.length) return html`<td></td>`;
                    const share = c.size > 0 ? c.retained[i] / c.size : 0;
                    return html`<td class=${share > 0.55 ? "num hot" : "num"} title=${`${formatInt(c.retained[i])} people`}
                      style=${{ background: `rgba(13, 148, 136, ${(share * 0.85).toFixed(3)})` }}>${formatPercent(share)}</td>`;
                  })}
                </tr>`,
              )}
            </tbody>
          </table></div>`;
        }}
      <//>
    <//>
    <${Section} title="What precedes churn" hint="Touchpoints seen before the churn event, against how common they are overall. Lift above ×1 means more likely before churn.">
      <div class="controls">
        <${EventSelect} label="Churn event" value=${churnEvent} names=${names.data ?? []} onChange=${(name: string) => set({ churn: name })} />
      </div>
      <${Loadable} state=${churn} isEmpty=${(c: ChurnBody) => c.touchpoints.length === 0} empty=${`No ${churnEvent} in this range.`}>
        ${(c: ChurnBody) => html`<p class="total">${formatInt(c.churned)} people churned.</p>
          <div class="table-wrap"><table class="churn">
            <thead><tr><th scope="col">Touchpoint</th><th scope="col" class="num">Before churn</th><th scope="col" class="num">Everyone</th><th scope="col" class="num">Lift</th></tr></thead>
            <tbody>
              ${[...c.touchpoints]
                .sort((a, b) => b.lift - a.lift)
                .map(
                  (t) => html`<tr>
                    <th scope="row">${t.name}</th>
                    <td class="num">${formatPercent(t.churnedShare)}</td>
                    <td class="num">${formatPercent(t.baseShare)}</td>
                    <td class=${t.lift > 1 ? "num warn" : "num"}>${formatLift(t.lift)}</td>
                  </tr>`,
                )}
            </tbody>
          </table></div>`}
      <//>
    <//>
  `;
}
