/** The names of this machine, always allowed: a page elsewhere cannot make them resolve to Atlas. */
export const LOCAL_HOST_NAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

/**
 * Which `Host` (and `Origin`) the MCP endpoint answers, against DNS rebinding: a page on an attacker's domain that
 * re-resolves that domain to Atlas's address reaches Atlas from the victim's browser, but with the attacker's name in
 * `Host`. `hosts` are host names compared without the port, lower case, IPv6 in brackets; null turns the check off.
 */
export interface HostCheck {
  readonly hosts: readonly string[] | null;
  /** Browser origins allowed besides the allowed hosts' own (ATLAS_CORS_ORIGINS); `*` allows any. */
  readonly origins?: readonly string[];
}

/** The host name of a `Host` header value (`name`, `name:port`, `[v6]:port`), lower case; undefined when malformed. */
export function hostNameOf(host: string): string | undefined {
  if (host === '' || /[\s/?#@\\]/.test(host)) return undefined;
  try {
    const url = new URL(`http://${host}`);
    return url.hostname === '' ? undefined : url.hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Why a request must be refused (its `Host` is not an allowed host, or its `Origin`, when it sends one, is neither
 * an allowed host's nor an allowed origin), or undefined when it may proceed.
 */
export function hostProblem(
  check: HostCheck,
  host: string | undefined,
  origin: string | undefined,
): string | undefined {
  if (check.hosts === null) return undefined;
  const allowed = new Set<string>([...LOCAL_HOST_NAMES, ...check.hosts]);
  const name = host === undefined ? undefined : hostNameOf(host);
  if (name === undefined || !allowed.has(name)) return `Invalid Host header: ${host ?? '(none)'}`;
  if (origin === undefined) return undefined;
  const origins = check.origins ?? [];
  if (origins.includes('*') || origins.includes(origin)) return undefined;
  let originName: string | undefined;
  try {
    const url = new URL(origin);
    if (url.protocol === 'http:' || url.protocol === 'https:') originName = url.hostname.toLowerCase();
  } catch {
    originName = undefined;
  }
  if (originName === undefined || !allowed.has(originName)) return `Invalid Origin header: ${origin}`;
  return undefined;
}
