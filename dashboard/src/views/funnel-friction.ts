/** Share of the previous step's people lost at each step (0 for the first step). */
export function stepLoss(people: number[]): number[] {
  return people.map((n, i) => (i === 0 || people[i - 1] <= 0 ? 0 : Math.max(0, 1 - n / people[i - 1])));
}

/** The index of the step that loses the largest share of people: the friction point (-1 if none). */
export function frictionStep(people: number[]): number {
  const losses = stepLoss(people);
  let worst = -1;
  losses.forEach((loss, i) => {
    if (loss > 0 && (worst < 0 || loss > losses[worst])) worst = i;
  });
  return worst;
}

/** Steps are kept in the URL as a comma list; event names with commas cannot be funnel steps. */
export function parseSteps(value: string | undefined): string[] {
  return (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}
