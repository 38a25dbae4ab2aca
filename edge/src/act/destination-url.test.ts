import { describe, expect, it } from "vitest";
import { checkDestinationUrl } from "./destination-url";

describe("checkDestinationUrl, deployed", () => {
  const refused = [
    "http://hooks.example.com/x", "http://127.0.0.1:9000/", "https://127.0.0.1/", "https://10.1.2.3/", "https://172.16.0.1/",
    "https://172.31.255.255/", "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/",
    "https://0.0.0.0/", "https://2130706433/", "https://0x7f000001/", "https://[::1]/", "https://[fd00::1]/", "https://[fe80::1]/",
    "https://[::ffff:127.0.0.1]/", "https://localhost/", "https://api.localhost/", "https://printer.local/", "https://intranet/",
    "https://db.internal/", "https://user:pw@hooks.example.com/", "ftp://hooks.example.com/", "not a url", 42,
  ];
  for (const url of refused) {
    it(`refuses ${String(url)}`, () => expect(checkDestinationUrl(url, false).ok).toBe(false));
  }

  for (const url of ["https://hooks.slack.com/services/T/B/X", "https://crm.example.com:8443/hook", "https://8.8.8.8/", "https://172.32.0.1/", "https://[2606:4700::1111]/"]) {
    it(`takes ${url}`, () => expect(checkDestinationUrl(url, false)).toEqual({ ok: true, url: new URL(url).href }));
  }
});

describe("checkDestinationUrl, local stack", () => {
  it("takes http on the loopback address so tests can run a receiver", () => {
    expect(checkDestinationUrl("http://127.0.0.1:9123/hook", true).ok).toBe(true);
    expect(checkDestinationUrl("http://localhost:9123/hook", true).ok).toBe(true);
  });

  it("still refuses http to other hosts and private ranges", () => {
    expect(checkDestinationUrl("http://hooks.example.com/", true).ok).toBe(false);
    expect(checkDestinationUrl("http://10.0.0.1/", true).ok).toBe(false);
    expect(checkDestinationUrl("https://192.168.0.1/", true).ok).toBe(false);
  });
});
