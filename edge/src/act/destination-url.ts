// Where a webhook may be sent (API.md "Act"; the SSRF rule of issue 13). A deployed worker sends
// only over https to public hosts: no IP literal in a private, loopback, link-local, shared or
// reserved range, no single-label or local-only name, no credentials in the URL. The local stack
// (npm start, the tests) may also send to http on the loopback address, so tests can run a receiver.
// Pure: the caller says whether it runs locally.

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

const V4_BLOCKED: [number, number][] = [
  // [network, prefix length] — RFC 6890 special-purpose ranges a server must not be pointed at.
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16], [0xac100000, 12],
  [0xc0000000, 24], [0xc0000200, 24], [0xc0a80000, 16], [0xc6120000, 15], [0xc6336400, 24], [0xcb007100, 24],
  [0xe0000000, 4], [0xf0000000, 4],
];

function v4Number(host: string): number | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3] : null;
}

const v4Blocked = (n: number) => V4_BLOCKED.some(([net, bits]) => (n >>> (32 - bits)) === (net >>> (32 - bits)));

function v6Blocked(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "::" || h === "::1") return true;
  // IPv4-mapped or -translated addresses reach the IPv4 address they carry (the URL parser writes
  // them in hex: ::ffff:7f00:1); judging them by it would need the arithmetic, refusing them is simpler.
  if (h.startsWith("::ffff:") || h.startsWith("64:ff9b:") || h.startsWith("::")) return true;
  const first = parseInt(h.split(":")[0] || "0", 16);
  return (first & 0xfe00) === 0xfc00 /* unique local */ || (first & 0xffc0) === 0xfe80 /* link-local */ || (first & 0xff00) === 0xff00 /* multicast */;
}

const LOCAL_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|localdomain)$/i;

function isLoopback(hostname: string) {
  return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
}

export function checkDestinationUrl(input: unknown, local: boolean): UrlCheck {
  if (typeof input !== "string" || input.length > 2048) return { ok: false, message: "url must be a string of at most 2048 characters" };
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, message: "url is not a valid absolute URL" };
  }
  if (url.username || url.password) return { ok: false, message: "url must not carry credentials" };
  if (local && url.protocol === "http:" && isLoopback(url.hostname)) return { ok: true, url: url.href };
  if (url.protocol !== "https:") {
    return { ok: false, message: local ? "url must be https, or http://127.0.0.1:<port> on the local stack" : "url must be https" };
  }
  const host = url.hostname;
  if (host.startsWith("[")) {
    if (v6Blocked(host.slice(1, -1))) return { ok: false, message: "url must not point at a private, loopback or link-local address" };
    return { ok: true, url: url.href };
  }
  const v4 = v4Number(host);
  if (v4 !== null) {
    return v4Blocked(v4) ? { ok: false, message: "url must not point at a private, loopback or link-local address" } : { ok: true, url: url.href };
  }
  if (!host.includes(".") || LOCAL_NAMES.test(host)) return { ok: false, message: "url must name a public host" };
  return { ok: true, url: url.href };
}
