import { html } from "htm/preact";
import { ChoiceSelect } from "../components/choice-select";
import type { AtRiskPerson, FeedbackBody, RoiBody, SegmentSide, ValueSegmentsBody } from "../api/types";
import type { ViewProps } from "./view-props";
import { Loadable } from "../components/loadable";
import { Section } from "../components/section";
import { formatDateTime, formatDecimal, formatInt, formatLift, formatPercent } from "../format";
import { hrefFor, patchParams } from "../state/route";
import { useFetch } from "../state/use-fetch";
import { navigate } from "../state/use-route";
import { MODEL_CHOICES } from "./attribution";

const money = (v: number | null) => (v === null ? "–" : formatDecimal(v));
const FEEDBACK_KINDS: [string, string][] = [["nps", "NPS"], ["csat", "CSAT"], ["ces", "CES"]];

/** What each channel costs and returns, what customers say, who is worth most, who may leave. */
export function ValueView({ api, query, route }: ViewProps) {
  const { params } = route;
  const model = params.model ?? "markov";
  const groupBy = params.group_by === "campaign" ? "campaign" : "channel";
  const kind = params.kind ?? "nps";
  const set = (patch: Record<string, string | undefined>) => navigate({ view: "value", params: patchParams(params, patch) });

  const roiQuery = { ...query, model, group_by: groupBy };
  const roi = useFetch(() => api.roi(roiQuery), JSON.stringify(roiQuery));
  const feedbackQuery = { ...query, kind };
  const feedback = useFetch(() => api.feedback(feedbackQuery), JSON.stringify(feedbackQuery));
  const segments = useFetch(() => api.valueSegments(query), JSON.stringify(query));
  const atRisk = useFetch(() => api.atRisk({ ...query, limit: 50 }), JSON.stringify(query));
  const csv = api.url("/at-risk", { ...query, format: "csv" });

  return html`
    <${Section} title="Costs and returns" hint="Media spend plus operational unit costs, against what the model credits each group with.">
      <div class="controls">
        <${ChoiceSelect} label="Model" value=${model} options=${MODEL_CHOICES} onChange=${(v: string) => set({ model: v })} />
        <${ChoiceSelect} label="By" value=${groupBy} options=${[["channel", "Channel"], ["campaign", "Campaign"]]}
          onChange=${(v: string) => set({ group_by: v })} />
      </div>
      <${Loadable} state=${roi} isEmpty=${(r: RoiBody) => r.rows.length === 0} empty="No touchpoints or spend in this range.">
        ${(r: RoiBody) => html`<p class="total">Cost ${money(r.cost)}, credited revenue ${money(r.revenue)}, ROAS ${r.roas === null ? "–" : formatDecimal(r.roas)}.</p>
          <div class="table-wrap"><table class="roi">
            <thead><tr><th scope="col">${groupBy === "campaign" ? "Campaign" : "Channel"}</th><th scope="col" class="num">Touchpoints</th>
              <th scope="col" class="num">Cost</th><th scope="col" class="num">Per touchpoint</th><th scope="col" class="num">Conversions</th>
              <th scope="col" class="num">Revenue</th><th scope="col" class="num">CPA</th><th scope="col" class="num">ROAS</th><th scope="col" class="num">ROI</th>
              <th scope="col" class="num">Days to convert</th></tr></thead>
            <tbody>${r.rows.map((row) => html`<tr class=${row.roas !== null && row.roas < 1 ? "losing" : ""}>
              <th scope="row">${row.group}</th><td class="num">${formatInt(row.touchpoints)}</td><td class="num">${money(row.cost)}</td>
              <td class="num">${money(row.costPerTouchpoint)}</td><td class="num">${formatDecimal(row.conversions)}</td>
              <td class="num">${money(row.revenue)}</td><td class="num">${money(row.cpa)}</td>
              <td class="num">${row.roas === null ? "–" : formatDecimal(row.roas)}</td>
              <td class="num">${row.roi === null ? "–" : formatPercent(row.roi)}</td>
              <td class="num">${row.medianDaysToConvert === null ? "–" : formatDecimal(row.medianDaysToConvert)}</td></tr>`)}</tbody>
          </table></div>`}
      <//>
    <//>
    <${Section} title="What customers say" hint="Scores from feedback events on every channel, and the channels seen in the week before low scores.">
      <div class="controls">
        <${ChoiceSelect} label="Survey" value=${kind} options=${FEEDBACK_KINDS} onChange=${(v: string) => set({ kind: v })} />
      </div>
      <${Loadable} state=${feedback} isEmpty=${(f: FeedbackBody) => f.responses === 0} empty="No feedback of this kind in this range.">
        ${(f: FeedbackBody) => html`<p class="total">${f.kind.toUpperCase()} ${f.score === null ? "–" : formatDecimal(f.score)} from ${formatInt(f.responses)} answers.</p>
          <div class="table-wrap"><table class="feedback">
            <thead><tr><th scope="col">Channel</th><th scope="col" class="num">Answers</th><th scope="col" class="num">Score</th></tr></thead>
            <tbody>${f.byChannel.map((r) => html`<tr><th scope="row">${r.key}</th><td class="num">${formatInt(r.responses)}</td>
              <td class="num">${r.score === null ? "–" : formatDecimal(r.score)}</td></tr>`)}</tbody>
          </table></div>
          ${f.precedingLowScores.length > 0 && html`<h3>Before low scores</h3><div class="table-wrap"><table class="low-scores">
            <thead><tr><th scope="col">Channel</th><th scope="col" class="num">Before low scores</th><th scope="col" class="num">Before any</th><th scope="col" class="num">Lift</th></tr></thead>
            <tbody>${f.precedingLowScores.map((r) => html`<tr><th scope="row">${r.channel}</th><td class="num">${formatPercent(r.lowShare)}</td>
              <td class="num">${formatPercent(r.baseShare)}</td><td class="num">${formatLift(r.lift)}</td></tr>`)}</tbody>
          </table></div>`}
          ${f.comments.length > 0 && html`<h3>Comments</h3><ul class="comments">${f.comments.slice(0, 10).map((c) =>
            html`<li><span class="muted">${formatDateTime(c.timestamp)} · ${c.channel} · ${c.score ?? "–"}</span> ${c.comment}</li>`)}</ul>`}`}
      <//>
    <//>
    <${Section} title="Who is worth most" hint="The top tenth of paying people by revenue, next to everyone else.">
      <${Loadable} state=${segments} isEmpty=${(s: ValueSegmentsBody) => s.segment.people === 0} empty="No revenue in this range.">
        ${(s: ValueSegmentsBody) => html`<div class="segments">${[["Top spenders", s.segment], ["Everyone else", s.rest]].map(([label, side]) => {
          const d = side as SegmentSide;
          return html`<div class="segment"><h3>${label}</h3>
            <p>${formatInt(d.people)} people · revenue ${money(d.revenue)} · ${money(d.revenuePerPerson)} per person</p>
            <ul>${d.channels.slice(0, 5).map((c) => html`<li>${c.channel} <span class="muted">${formatPercent(c.share)}</span></li>`)}</ul>
            <ol>${d.paths.slice(0, 3).map((p) => html`<li>${p.steps.join(" › ")} <span class="muted">${formatInt(p.people)}</span></li>`)}</ol>
          </div>`;
        })}</div>`}
      <//>
    <//>
    <${Section} title="About to leave" hint="Churn risk learned from this site's history; each score lists what raised it, and the channel most worth a touch now.">
      ${csv && html`<div class="controls"><a class="button" href=${csv} download="at-risk.csv">Export CSV</a></div>`}
      <${Loadable} state=${atRisk} isEmpty=${(p: AtRiskPerson[]) => p.length === 0} empty="Nobody looks at risk.">
        ${(people: AtRiskPerson[]) => html`<div class="table-wrap"><table class="at-risk">
          <thead><tr><th scope="col">Person</th><th scope="col" class="num">Risk</th><th scope="col">Stage</th><th scope="col">Next best touchpoint</th><th scope="col">Why</th></tr></thead>
          <tbody>${people.slice(0, 50).map((p) => html`<tr>
            <th scope="row"><a href=${hrefFor("timeline", route.params, { person: p.personId })}>${p.personId}</a></th>
            <td class="num">${p.score === null ? "–" : formatPercent(p.score)}</td><td>${p.stage || "–"}</td><td>${p.nextBestTouchpoint || "–"}</td>
            <td>${p.factors.slice(0, 3).map((f) => f.feature).join(", ")}</td></tr>`)}</tbody>
        </table></div>`}
      <//>
    <//>`;
}
