import { keepYoungGenerationSmall } from '../../lib/young-generation.ts';

/**
 * Keeps V8's young generation at the size it starts with instead of letting it grow to 16 MiB semi-spaces
 * under load. Imported first by the command's entry, so it is set before the rest of Atlas loads.
 * Measured with `npm run bench serve-memory` at 100,000 skills on PGlite: a server is ready with 15-50 MiB less
 * and holds 25-55 MiB less after reads and after a discovery index; `npm run bench catalog-search` answers as
 * fast or faster (short-lived objects are scavenged while still in the CPU's caches). A bulk build that keeps
 * many objects alive (the index of 100,000 skills) takes about a third longer.
 */
keepYoungGenerationSmall();
