/** Where a webhook may go: the URL checks at registration and the address check at connection. */
import { describe, expect, it } from "vitest";
import { checkWebhookUrl, guardedLookup, isInternalAddress } from "./webhook-target.js";
import { retryDelayMs } from "./notifications.js";
import { DEFAULT_WEBHOOKS } from "../settings.js";

describe("webhook targets", () => {
  it.each([
    ["127.0.0.1", true],
    ["10.1.2.3", true],
    ["172.16.0.1", true],
    ["172.32.0.1", false],
    ["192.168.1.1", true],
    ["169.254.169.254", true],
    ["100.64.0.1", true],
    ["0.0.0.0", true],
    ["::1", true],
    ["::", true],
    ["fd00::1", true],
    ["fe80::1", true],
    ["::ffff:127.0.0.1", true],
    ["::ffff:8.8.8.8", false],
    ["8.8.8.8", false],
    ["2001:4860:4860::8888", false],
  ])("%s internal: %s", (address, internal) => {
    expect(isInternalAddress(address)).toBe(internal);
  });

  it("refuses other schemes, credentials and internal hosts unless private targets are allowed", () => {
    for (const url of [
      "ftp://example.com/",
      "javascript:alert(1)",
      "http://a:b@example.com/",
      "http://[::1]/x",
      "http://localhost/",
      "http://10.0.0.1/",
    ])
      expect(() => checkWebhookUrl(url, false), url).toThrow(
        expect.objectContaining({ code: "webhook_url_refused" }),
      );
    expect(checkWebhookUrl("https://hooks.example.com/zz", false).href).toBe("https://hooks.example.com/zz");
    expect(checkWebhookUrl("http://127.0.0.1:41401/x", true).hostname).toBe("127.0.0.1");
    expect(() => checkWebhookUrl("ftp://127.0.0.1/", true)).toThrow();
  });

  it("refuses at connection a name that resolves to an internal address", async () => {
    const lookup = guardedLookup(false);
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      lookup("localhost", {}, (e) => resolve(e)),
    );
    expect(error?.code).toBe("EWEBHOOKTARGET");
    const allowed = await new Promise<unknown>((resolve) =>
      guardedLookup(true)("localhost", {}, (_e, address) => resolve(address)),
    );
    expect(typeof allowed).toBe("string");
  });

  it("backs off exponentially with jitter, up to the cap", () => {
    const settings = { ...DEFAULT_WEBHOOKS, retryBaseMs: 1000, retryCapMs: 10_000 };
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(settings, n, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect([1, 2, 3].map((n) => retryDelayMs(settings, n, () => 0))).toEqual([500, 1000, 2000]);
  });
});
