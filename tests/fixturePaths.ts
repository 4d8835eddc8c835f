/** Where the tests' fixtures live: inside the repository, so a clone in any folder passes its tests. */
import path from 'node:path';

/** `tests/fixtures/`. */
export const FIXTURES = path.resolve(__dirname, 'fixtures');
/** The sample corpus (copied from the team's shared corpus): the Jinzhong report in three encodings, the Taipei briefing, tricky offsets. */
export const CORPUS_FIXTURES = path.join(FIXTURES, 'corpus');
