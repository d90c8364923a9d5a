/**
 * Why a version is not one exact version, or undefined when it is. Ranges (`^1.2`, `~1.2`, `>=1`, `1 - 2`,
 * `1.2 || 1.3`), wildcards (`1.x`, `1.2.*`, `*`) and the floating tag `latest` are refused, as the MCP Registry does;
 * anything else (semver or not) is accepted.
 */
export function exactVersionProblem(version: string): string | undefined {
  if (version.length === 0) return 'must not be empty';
  if (version.length > 255) return 'must be at most 255 characters';
  if (version.trim().toLowerCase() === 'latest') return 'must be an exact version; "latest" is not one';
  if (/\s/.test(version)) return 'must be one exact version without spaces, not a range';
  if (/^[\^~<>=]/.test(version)) return `must be an exact version, not a range such as "${version}"`;
  if (version.includes('||')) return `must be an exact version, not a range such as "${version}"`;
  const core = version.replace(/^v/i, '').split(/[-+]/, 1)[0] ?? '';
  if (core.split('.').some((part) => part === '*' || part === 'x' || part === 'X')) {
    return `must be an exact version, not a wildcard such as "${version}"`;
  }
  return undefined;
}

/** Why a string is not an absolute http(s) URL (or https only), or undefined when it is one. */
export function webUrlProblem(value: string, options: { httpsOnly?: boolean } = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return options.httpsOnly ? 'must be an absolute https:// URL' : 'must be an absolute http:// or https:// URL';
  }
  if (options.httpsOnly ? url.protocol !== 'https:' : url.protocol !== 'http:' && url.protocol !== 'https:') {
    return options.httpsOnly ? 'must use https://' : 'must use http:// or https://';
  }
  if (/\s/.test(value)) return 'must not contain spaces';
  return undefined;
}

const IDENTIFIER_PLACEHOLDER = /\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g;
const ANY_PLACEHOLDER = /\{([^{}\s]+)\}/g;

/**
 * The `{name}` placeholders of a template, in order of appearance, without duplicates. By default a name is an
 * identifier (`{region}`, `{api_key}`); with `anyName` it is anything without braces or spaces, as transport URLs
 * allow: `{--port}` names a named argument, `{server-name}` a remote variable.
 */
export function templateVariables(template: string, options: { anyName?: boolean } = {}): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(options.anyName ? ANY_PLACEHOLDER : IDENTIFIER_PLACEHOLDER)) {
    names.add(match[1]!);
  }
  return [...names];
}

/**
 * Why a URL template (an http(s) URL that may hold `{placeholders}`, or, with `leadingPlaceholder`, one that starts
 * with an identifier placeholder such as `{baseUrl}/mcp`) is not acceptable, or undefined when it is. Placeholders
 * inside the URL may name anything without braces or spaces (`{--port}`); the URL must still be valid once they are
 * filled.
 */
export function urlTemplateProblem(value: string, options: { leadingPlaceholder?: boolean } = {}): string | undefined {
  const leading = options.leadingPlaceholder ?? true;
  if (!/^https?:\/\/\S+$/.test(value) && !(leading && /^\{[a-zA-Z_][a-zA-Z0-9_]*\}\S*$/.test(value))) {
    return leading
      ? 'must be an http:// or https:// URL (it may hold {variable} placeholders) without spaces'
      : 'must be an http:// or https:// URL without spaces (it may hold {variable} placeholders, but not start with one)';
  }
  if (value.startsWith('{')) return undefined;
  // "0" fits wherever a placeholder may stand: a host label, a port, a path segment.
  return webUrlProblem(value.replace(ANY_PLACEHOLDER, '0'));
}
