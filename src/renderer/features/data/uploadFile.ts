import type { Api } from '../../../shared/contract';
import { DATA_TEXT_CHUNK_MAX } from '../../../shared/contract';

/** What `data.import` needs for a file: its text when it fits one message, else a staged upload. */
export type ImportSource = { text: string } | { uploadId: string };

/**
 * Reads `file` as a stream of text and stages it part by part, so neither the page nor one
 * message ever holds more than a part (a 500 MB file works). Small files go in one message.
 */
export async function sourceOfFile(api: Api, file: File, onProgress: (bytesSent: number) => void): Promise<ImportSource> {
  // UTF-8 never takes fewer bytes than UTF-16 code units, so this many bytes always fit one part.
  if (file.size <= DATA_TEXT_CHUNK_MAX) return { text: await file.text() };
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  let uploadId: string | undefined;
  let pending = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (value) pending += value;
    while (pending.length >= DATA_TEXT_CHUNK_MAX || (done && pending.length > 0)) {
      const end = partEnd(pending);
      const text = pending.slice(0, end);
      pending = pending.slice(end);
      const staged = await api.data.uploadChunk(uploadId === undefined ? { text } : { uploadId, text });
      uploadId = staged.uploadId;
      onProgress(staged.bytes);
    }
    if (done) break;
  }
  if (uploadId === undefined) throw new Error('The file is empty.');
  return { uploadId };
}

/** Where the next part ends: never between the two halves of a surrogate pair, which main would garble. */
function partEnd(text: string): number {
  if (text.length <= DATA_TEXT_CHUNK_MAX) return text.length;
  const last = text.charCodeAt(DATA_TEXT_CHUNK_MAX - 1);
  return last >= 0xd800 && last <= 0xdbff ? DATA_TEXT_CHUNK_MAX - 1 : DATA_TEXT_CHUNK_MAX;
}
