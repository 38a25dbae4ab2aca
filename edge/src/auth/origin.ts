// Allowed-origin patterns: exact origins, or with `*` standing for a port or a subdomain label
// ("http://localhost:*", "https://*.shop.example").
export function originAllowed(origin: string, patterns: string[]): boolean {
  return patterns.some((p) => {
    if (p === "*") return true;
    if (!p.includes("*")) return p === origin;
    const re = new RegExp("^" + p.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join("[a-z0-9-]+") + "$", "i");
    return re.test(origin);
  });
}
