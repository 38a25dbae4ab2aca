// The npm package's public API. The script tag (loader.ts) is a separate, smaller entry.
export { createClient, type Client, type ClientOptions } from "./client";
export { memoryStorage, type KeyValueStorage } from "./storage";
export { fetchTransport, type Transport } from "./transport";
export { campaignFromUrl } from "./campaign";
export type * from "./wire";
