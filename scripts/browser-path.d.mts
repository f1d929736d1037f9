export function playwrightChromium(): string | null;
export function findChromium(): string | null;
