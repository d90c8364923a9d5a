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

/** The `{name}` placeholders of a template, in order of appearance, without duplicates. */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(/\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g)) names.add(match[1]!);
  return [...names];
}

/**
 * Why a URL template (an http(s) URL that may hold `{variable}` placeholders, or one that starts with a
 * placeholder such as `{baseUrl}/mcp`) is not acceptable, or undefined when it is.
 */
export function urlTemplateProblem(value: string): string | undefined {
  if (!/^(https?:\/\/\S+|\{[a-zA-Z_][a-zA-Z0-9_]*\}\S*)$/.test(value)) {
    return 'must be an http:// or https:// URL (it may hold {variable} placeholders) without spaces';
  }
  if (value.startsWith('{')) return undefined;
  // "0" fits wherever a placeholder may stand: a host label, a port, a path segment.
  return webUrlProblem(value.replace(/\{[a-zA-Z_][a-zA-Z0-9_]*\}/g, '0'));
}
