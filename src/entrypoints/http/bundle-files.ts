import type { ItemFile } from '../../domain/content/content-store.ts';
import { gitPathProblem } from '../../domain/content/git-path.ts';
import { type Problem, ValidationError } from '../../domain/errors.ts';
import type { FileInput } from './schemas/items.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes the JSON form of an item's files, reporting every bad file at once (`files/<i>/...`). */
export function decodeBundleFiles(inputs: readonly FileInput[]): ItemFile[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const files = inputs.map((input, index) => {
    const where = `files/${index}`;
    const pathProblem = gitPathProblem(input.path);
    if (pathProblem) problems.push({ path: `${where}/path`, message: `"${input.path}" ${pathProblem}` });
    else if (seen.has(input.path)) problems.push({ path: `${where}/path`, message: `"${input.path}" is given twice` });
    seen.add(input.path);
    let content = new Uint8Array();
    if (input.encoding === 'base64') {
      const compact = input.content.replace(/\s+/g, '');
      if (!BASE64.test(compact)) problems.push({ path: `${where}/content`, message: 'is not valid base64' });
      else content = new Uint8Array(Buffer.from(compact, 'base64'));
    } else {
      content = new TextEncoder().encode(input.content);
    }
    return { path: input.path, content, executable: input.executable === true };
  });
  if (problems.length > 0) throw new ValidationError(problems);
  return files;
}
