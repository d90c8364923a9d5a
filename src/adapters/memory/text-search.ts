/**
 * The in-memory stand-in for PostgreSQL's full-text search and pg_trgm, close enough that one
 * contract holds for both: words are lowercase alphanumeric runs, lightly stemmed; trigram
 * similarity follows pg_trgm (each word padded with two spaces before and one after).
 */

export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function stem(word: string): string {
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) return word.slice(0, -suffix.length);
  }
  return word;
}

export function terms(text: string): Set<string> {
  return new Set(words(text).map(stem));
}

function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of words(text)) {
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  }
  return out;
}

export function similarity(a: string, b: string): number {
  const left = trigrams(a);
  const right = trigrams(b);
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const t of left) if (right.has(t)) shared++;
  return shared / (left.size + right.size - shared);
}
