// Types for store-listing.mjs (unit tests import it).
export const LANGUAGES: string[];
export const LONG: string[][];
export const POINTING_WORDS: Record<string, RegExp>;
export function listing(messages: Record<string, { message: string }>): { short: string; long: string };
export function repeatedClauses(text: string): Array<[string, string]>;
export function listingProblems(lang: string, long: string): string[];
export function listingMessages(lang: string): Record<string, { message: string }>;
export function generate(): Record<string, string>;
