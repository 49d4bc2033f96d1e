/**
 * Where a webhook may be sent (SSRF): http or https only, no credentials in the URL, and unless the
 * deployment allows it (ZENGZHI_WEBHOOK_ALLOW_PRIVATE=1), no private, loopback, link-local, CGNAT,
 * multicast or unspecified address. The URL is checked when it is registered, and the address is
 * checked again at every delivery on the address actually connected to (the `lookup` of the HTTP
 * request), so a name that later resolves to an internal address is refused too.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { ApiError } from "./errors.js";

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  INTERNAL.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  INTERNAL.addSubnet(net, prefix, "ipv6");

/** True for an address no webhook may reach unless private targets are allowed. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return INTERNAL.check(address, "ipv4");
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return INTERNAL.check(mapped[1]!, "ipv4");
  return INTERNAL.check(address, "ipv6");
}

const refused = (why: string) => new ApiError(422, "webhook_url_refused", why, "url");

/** Parses and checks a webhook URL as registered; throws 422 webhook_url_refused. */
export function checkWebhookUrl(text: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refused("the URL is not valid");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw refused("only http and https URLs are accepted");
  if (url.username !== "" || url.password !== "")
    throw refused("the URL may not carry a username or password");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (
    !allowPrivate &&
    (host === "localhost" || host.endsWith(".localhost") || (isIP(host) !== 0 && isInternalAddress(host)))
  )
    throw refused("the URL names a private, loopback or link-local address");
  return url;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that refuses internal addresses (unless allowed): the check is on the
 * address the socket connects to, so DNS cannot point a registered name inside afterwards.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: object, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error !== null) return callback(error, []);
      const list = addresses as LookupAddress[];
      const allowed = allowPrivate ? list : list.filter((a) => !isInternalAddress(a.address));
      if (allowed.length === 0) {
        const refusal: NodeJS.ErrnoException = new Error(`${hostname} resolves to an internal address`);
        refusal.code = "EWEBHOOKTARGET";
        return callback(refusal, []);
      }
      if ((options as { all?: boolean }).all === true) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
