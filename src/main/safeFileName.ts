/** A file name made from a user's project or version name: ASCII letters, digits, `_` and `-` only. */
export function safeFileName(name: string, fallback: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || fallback;
}
