import { LIST_LIMIT_MAX, type Api, type SampleFilter } from '../../../shared/contract';

const PARALLEL_PAGES = 4;

/**
 * The ids of the matching samples at positions [from, to) in table order, read in pages of the
 * largest size main allows, a few at a time (100,000 ids take 200 short calls).
 */
export async function matchingIds(api: Api, projectId: string, filter: SampleFilter, from: number, to: number): Promise<number[]> {
  const offsets: number[] = [];
  for (let offset = from; offset < to; offset += LIST_LIMIT_MAX) offsets.push(offset);
  const pages: number[][] = [];
  for (let i = 0; i < offsets.length; i += PARALLEL_PAGES) {
    const batch = offsets.slice(i, i + PARALLEL_PAGES).map(async (offset) => {
      const { rows } = await api.data.list({ projectId, filter, offset, limit: Math.min(LIST_LIMIT_MAX, to - offset) });
      return rows.map((row) => row.id);
    });
    pages.push(...(await Promise.all(batch)));
  }
  return pages.flat();
}
