// Standard Webhooks signing (https://www.standardwebhooks.com, spec "Signature scheme"): the
// signature is HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}", keyed by the base64
// part of the `whsec_` secret, sent as "v1,<base64>". Existing verifiers (the `standardwebhooks`
// packages, Svix's libraries) check it unchanged. Web Crypto, so it runs in workerd as in Node.

export const SECRET_PREFIX = "whsec_";

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** A new signing secret: 24 random bytes, as the spec recommends (between 24 and 64). */
export function newSigningSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(24)));
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`; timestamp in seconds since the epoch. */
export async function signDelivery(secret: string, id: string, timestampS: number, body: string): Promise<string> {
  const raw = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestampS}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** The three headers of a Standard Webhooks delivery, with the JSON content type. */
export async function deliveryHeaders(secret: string, id: string, nowMs: number, body: string): Promise<Record<string, string>> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signDelivery(secret, id, timestamp, body),
  };
}
