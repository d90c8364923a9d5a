import { type Problem, ValidationError } from '../errors.ts';
import { type Branded, invalid, requireString } from '../value.ts';

/** A tag: lowercase letters, digits, `-`, `.` and `+`, 1-32 characters, starting with a letter or digit. */
export type Tag = Branded<'Tag'>;

const TAG = /^[a-z0-9][a-z0-9.+-]{0,31}$/;

export function toTag(value: unknown, where = 'tag'): Tag {
  const text = requireString(value, where).trim().toLowerCase();
  if (!TAG.test(text)) {
    invalid(where, 'must be 1-32 characters of a-z, 0-9, ".", "+" or "-", starting with a letter or digit');
  }
  return text as Tag;
}

/** Validates a list of at most 20 tags, reporting every bad one; duplicates are folded, order kept. */
export function toTags(value: unknown, where = 'tags'): Tag[] {
  if (!Array.isArray(value)) invalid(where, 'must be a list of strings');
  if (value.length > 20) invalid(where, 'must hold at most 20 tags');
  const problems: Problem[] = [];
  const tags = new Set<Tag>();
  value.forEach((item, index) => {
    try {
      tags.add(toTag(item, `${where}/${index}`));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      problems.push(...error.problems);
    }
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return [...tags];
}
