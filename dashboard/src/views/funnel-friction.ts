import type { FunnelStep } from "../api/types";

/**
 * Share of people lost at each step (0 for the first): its drop-off over the people of the last
 * required step before it, as the API counts it, so an optional step in between changes nothing.
 */
export function stepLoss(steps: Pick<FunnelStep, "people" | "dropOff" | "optional">[]): number[] {
  let base = 0;
  return steps.map((s, i) => {
    const loss = i === 0 || base <= 0 ? 0 : Math.max(0, s.dropOff / base);
    if (!s.optional) base = s.people;
    return loss;
  });
}

/** The required step losing the largest share of people: the friction point (-1 if none). Skipping an optional step is no friction. */
export function frictionStep(steps: Pick<FunnelStep, "people" | "dropOff" | "optional">[]): number {
  const losses = stepLoss(steps);
  let worst = -1;
  losses.forEach((loss, i) => {
    if (!steps[i].optional && loss > 0 && (worst < 0 || loss > losses[worst])) worst = i;
  });
  return worst;
}

/**
 * Steps are kept in the URL as a comma list, each as the API takes it: `a|b` for either event,
 * a `?` suffix for an optional step. Event names with commas cannot be funnel steps.
 */
export function parseSteps(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

export interface StepParts {
  events: string[];
  optional: boolean;
}

export function stepParts(step: string): StepParts {
  const optional = step.endsWith("?");
  return { events: (optional ? step.slice(0, -1) : step).split("|").filter(Boolean), optional };
}

export const stepText = ({ events, optional }: StepParts): string => events.join("|") + (optional ? "?" : "");

/** A step read aloud: `add_to_cart or quote_requested (optional)`. */
export const stepLabel = (step: string): string => {
  const { events, optional } = stepParts(step);
  return events.join(" or ") + (optional ? " (optional)" : "");
};

/** The step with one more event counting for it (none twice). */
export function withAlternative(step: string, name: string): string {
  const parts = stepParts(step);
  return parts.events.includes(name) ? step : stepText({ ...parts, events: [...parts.events, name] });
}

export const withOptional = (step: string, optional: boolean): string => stepText({ ...stepParts(step), optional });

/** First-touch channels over the steps' people, most people at the first step first. */
export function firstTouchRows(steps: Pick<FunnelStep, "firstTouch">[]): { channel: string; people: number[] }[] {
  const channels = [...new Set(steps.flatMap((s) => Object.keys(s.firstTouch)))];
  return channels
    .map((channel) => ({ channel, people: steps.map((s) => s.firstTouch[channel] ?? 0) }))
    .sort((a, b) => b.people[0] - a.people[0] || (a.channel < b.channel ? -1 : 1));
}
