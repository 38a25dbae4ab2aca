// f.js: an optional one-question survey (NPS, CSAT or CES), its own script so the tracker's core
// pays nothing for it. It answers through the tracker as track("feedback", {kind, score}), which
// the edge's /feedback scores. Accessible: a labelled dialog, real buttons, Escape dismisses, focus
// goes to the first answer and back where it was. Asked at most once per 90 days per kind.
//   <script defer src=".../f.js" data-kind="nps" data-question="..." data-delay="5000"></script>
type Kind = "nps" | "csat" | "ces";
interface SurveyOptions { kind?: Kind; question?: string; delay?: number }

const SCALES: Record<Kind, [number, number, string, string]> = {
  nps: [0, 10, "How likely are you to recommend us to a friend?", "0 not at all, 10 extremely"],
  csat: [1, 5, "How satisfied are you with your experience?", "1 very unsatisfied, 5 very satisfied"],
  ces: [1, 7, "How easy was it to get what you needed?", "1 very difficult, 7 very easy"],
};
const QUIET_MS = 90 * 86_400_000;

type Parcours = ((method: string, ...args: unknown[]) => void) & { q?: unknown[] };
const w = window as unknown as { parcours?: Parcours; parcoursSurvey?: (o?: SurveyOptions) => void };
// The same stub the tracker's snippet uses: answers given before s.js loads are replayed by it.
const parcours: Parcours = w.parcours ||= function (...args: unknown[]) { ((w.parcours as Parcours).q ||= []).push(args); } as Parcours;

function remembered(kind: Kind): boolean {
  try {
    return Date.now() - Number(localStorage.getItem(`parcours_survey_${kind}`) || 0) < QUIET_MS;
  } catch {
    return false;
  }
}
function remember(kind: Kind) {
  try {
    localStorage.setItem(`parcours_survey_${kind}`, String(Date.now()));
  } catch {}
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, style = ""): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  if (style) e.setAttribute("style", style);
  return e;
}

export function openSurvey({ kind = "nps", question, delay = 0 }: SurveyOptions = {}) {
  if (!(kind in SCALES) || remembered(kind)) return;
  const [lo, hi, defaultQuestion, hint] = SCALES[kind];
  setTimeout(() => {
    const before = document.activeElement as HTMLElement | null;
    const box = el("div", { className: "parcours-survey" },
      "position:fixed;bottom:16px;right:16px;max-width:420px;background:#fff;color:#111;border:1px solid #888;border-radius:8px;padding:16px;font:15px system-ui,sans-serif;box-shadow:0 4px 16px #0003;z-index:2147483647");
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-labelledby", "parcours-survey-q");
    box.setAttribute("aria-describedby", "parcours-survey-hint");
    // textContent, never innerHTML: the question comes from the page's own attribute, still text only.
    box.append(el("p", { id: "parcours-survey-q", textContent: question || defaultQuestion }, "margin:0 0 4px;font-weight:600"));
    box.append(el("p", { id: "parcours-survey-hint", textContent: hint }, "margin:0 0 8px;font-size:13px;color:#555"));
    const close = (answered: boolean) => {
      remember(kind);
      removeEventListener("keydown", onKey);
      if (answered) {
        box.replaceChildren(el("p", { textContent: "Thank you!" }, "margin:0"));
        box.setAttribute("role", "status");
        setTimeout(() => box.remove(), 2000);
      } else box.remove();
      before?.focus?.();
    };
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && close(false);
    const scores = el("div", {}, "display:flex;flex-wrap:wrap;gap:4px");
    scores.setAttribute("role", "group");
    scores.setAttribute("aria-label", "Your answer");
    for (let s = lo; s <= hi; s++) {
      const b = el("button", { type: "button", textContent: String(s) }, "min-width:32px;min-height:32px;cursor:pointer");
      b.addEventListener("click", () => {
        parcours("track", "feedback", { kind, score: s, path: location.pathname });
        parcours("flush");
        close(true);
      });
      scores.append(b);
    }
    const dismiss = el("button", { type: "button", textContent: "No thanks" }, "margin-top:8px;background:none;border:none;text-decoration:underline;cursor:pointer");
    dismiss.addEventListener("click", () => close(false));
    box.append(scores, dismiss);
    document.body.append(box);
    addEventListener("keydown", onKey);
    (scores.firstChild as HTMLElement).focus();
  }, delay);
}

w.parcoursSurvey = openSurvey;
const me = document.currentScript as HTMLScriptElement | null;
if (me?.dataset.kind) openSurvey({ kind: me.dataset.kind as Kind, question: me.dataset.question, delay: Number(me.dataset.delay || 0) });
