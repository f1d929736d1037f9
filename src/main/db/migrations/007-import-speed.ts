import type { Migration } from './index';

/**
 * Drops the index on `samples.dedupe_key`. Keys are hashes, so each insert landed on a random page of that index:
 * for a 100,000-sample import it cost about 3 s of the write (every batch rewrote a thousand scattered pages). The one
 * reader, the duplicate groups of the stats (off the main thread), groups a project's rows with a temporary index
 * instead: `bench:data`'s stats and duplicate search on 100,000 samples took as long as with the index.
 */
export const migration007ImportSpeed: Migration = {
  version: 7,
  name: 'no index on sample dedupe keys',
  up(db) {
    db.exec('DROP INDEX IF EXISTS samples_by_dedupe_key');
  },
};
