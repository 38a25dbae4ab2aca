// Client of the Act admin API (API.md "Act"): a site's webhook destinations and delivery log.
// Only the admin's session opens it; the Settings view is the one caller.
import {
  list, obj, readAlertRule, readCreatedShare, readCreatedWebhook, readShare, readSiteReferralSettings, readDelivery, readDeliveryQueued, readFollowUpRule, readWebhook, readWebhookListItem,
} from "./decoders";
import type { AlertMetric, ShareView, WebhookEvent, WebhookFormat, WebhookStatus } from "./types";

export type Request = (path: string, init?: RequestInit) => Promise<unknown>;

export interface NewWebhook {
  url: string;
  events: WebhookEvent[];
  format: WebhookFormat;
}

export interface NewRule {
  name?: string;
  started: string;
  expected: string;
  after: string;
}

export interface NewAlert {
  metric: AlertMetric;
  period: "day" | "week";
  channel?: string;
  above?: number;
  below?: number;
  changePct?: number;
}

export interface NewShare {
  views: ShareView[];
  expiresAt?: number;
}

export function createActClient(siteId: string, request: Request) {
  const site = `/api/admin/sites/${encodeURIComponent(siteId)}`;
  const base = `${site}/webhooks`;
  const one = (id: string) => `${base}/${encodeURIComponent(id)}`;
  return {
    webhooks: async () => list(readWebhookListItem)(obj(await request(base)).webhooks),
    /** The answer holds the signing secret, which no later call shows again. */
    addWebhook: async (input: NewWebhook) => readCreatedWebhook(await request(base, { method: "POST", body: JSON.stringify(input) })),
    setStatus: async (id: string, status: WebhookStatus) => readWebhook(await request(one(id), { method: "PATCH", body: JSON.stringify({ status }) })),
    deleteWebhook: async (id: string) => {
      await request(one(id), { method: "DELETE" });
    },
    testWebhook: async (id: string) => readDeliveryQueued(await request(`${one(id)}/test`, { method: "POST" })),
    deliveries: async (id: string) => list(readDelivery)(obj(await request(`${one(id)}/deliveries`)).deliveries),
    resend: async (id: string, deliveryId: string) =>
      readDeliveryQueued(await request(`${one(id)}/deliveries/${encodeURIComponent(deliveryId)}/resend`, { method: "POST" })),
    rules: async () => list(readFollowUpRule)(obj(await request(`${site}/rules`)).rules),
    addRule: async (input: NewRule) => readFollowUpRule(await request(`${site}/rules`, { method: "POST", body: JSON.stringify(input) })),
    deleteRule: async (id: string) => {
      await request(`${site}/rules/${encodeURIComponent(id)}`, { method: "DELETE" });
    },
    alerts: async () => list(readAlertRule)(obj(await request(`${site}/alerts`)).alerts),
    addAlert: async (input: NewAlert) => readAlertRule(await request(`${site}/alerts`, { method: "POST", body: JSON.stringify(input) })),
    deleteAlert: async (id: string) => {
      await request(`${site}/alerts/${encodeURIComponent(id)}`, { method: "DELETE" });
    },
    referralSettings: async () => readSiteReferralSettings(await request(`${site}/referral-exclusions`)),
    /** Hosts whose referrer counts as none; the answer is the list as the edge keeps it. */
    setExcludedReferrers: async (hosts: string[]) =>
      readSiteReferralSettings(await request(`${site}/referral-exclusions`, { method: "PUT", body: JSON.stringify({ excludedReferrers: hosts }) })),
    shares: async () => list(readShare)(obj(await request(`${site}/shares`)).shares),
    /** The answer's url holds the link's token, which no later call shows again. */
    addShare: async (input: NewShare) => readCreatedShare(await request(`${site}/shares`, { method: "POST", body: JSON.stringify(input) })),
    deleteShare: async (id: string) => {
      await request(`${site}/shares/${encodeURIComponent(id)}`, { method: "DELETE" });
    },
  };
}

export type ActClient = ReturnType<typeof createActClient>;
