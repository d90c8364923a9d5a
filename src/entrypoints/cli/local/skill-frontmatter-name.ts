import { parseSkillMd } from '../../../domain/manifests/skill-md.ts';

/**
 * The `name` a SKILL.md gives itself, when the SKILL.md is valid apart from its folder; undefined otherwise (the
 * validation that follows names the problems).
 */
export function frontmatterName(bytes: Uint8Array): string | undefined {
  try {
    return parseSkillMd(bytes).name;
  } catch {
    return undefined;
  }
}

/**
 * The SKILL.md with its frontmatter `name` set to `name` and every other byte as it was: only the value on the
 * top-level `name:` line changes. Undefined when that line cannot be found unambiguously (no such line, two of
 * them, or a value that goes on over several lines).
 */
export function withFrontmatterName(bytes: Uint8Array, name: string): Uint8Array | undefined {
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  const lines = text.split('\n');
  const first = lines[0]?.replace(/^\uFEFF/, '').trimEnd();
  if (first !== '---') return undefined;
  const close = lines.findIndex((line, index) => index > 0 && line.trimEnd() === '---');
  if (close < 0) return undefined;
  const found = lines
    .map((line, index) => ({ line, index }))
    .filter(({ line, index }) => index > 0 && index < close && /^name[ \t]*:/.test(line));
  if (found.length !== 1) return undefined;
  const { line, index } = found[0]!;
  const value = line.replace(/^name[ \t]*:/, '').trim();
  // A block scalar or a value continued on the next, indented line is not one we rewrite.
  if (value === '' || /^[|>]/.test(value) || /^[ \t]+\S/.test(lines[index + 1] ?? '')) return undefined;
  lines[index] = `name: ${name}${line.endsWith('\r') ? '\r' : ''}`;
  return new TextEncoder().encode(lines.join('\n'));
}
