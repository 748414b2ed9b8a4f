// Types for store-listing.mjs (unit tests import it).
export const LANGUAGES: string[];
export function listing(messages: Record<string, { message: string }>): { short: string; long: string };
export function generate(): Record<string, string>;
