// The models a `conversion` webhook can carry credits under: the rule-based ones, which split one
// journey on its own. Markov and Shapley credit a channel by what all journeys did, not one.

export const WEBHOOK_MODELS = ["position_based", "linear", "time_decay", "first_touch", "last_touch", "last_non_direct"] as const;
export type WebhookModel = (typeof WEBHOOK_MODELS)[number];
export const DEFAULT_WEBHOOK_MODEL: WebhookModel = "position_based";

export const DEFAULT_AT_RISK_THRESHOLD = 0.7;
