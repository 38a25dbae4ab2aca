/**
 * A random UUID v4. crypto.randomUUID exists only in secure contexts (not on plain-http hosts
 * other than localhost) and not at all in React Native without a polyfill. The fallback's
 * Math.random is enough for what the ids are for: telling messages and visitors apart.
 */
export const uuid = (): string =>
  globalThis.crypto?.randomUUID?.() ??
  "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (d) => (+d ^ ((Math.random() * 16) >> (+d / 4))).toString(16));
