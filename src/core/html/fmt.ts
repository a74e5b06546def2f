import { formatAge, formatCount, formatSize } from '../units.js';

/** The page's number formats: the CLI's (IEC sizes, grouped counts, two-unit ages). */
export const size = formatSize;
export const count = formatCount;
export const age = (ms: number | null): string => (ms === null ? '–' : formatAge(ms));
export const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;
export const share = (a: number, b: number): string => (b > 0 ? pct(a / b) : '–');
/** `2025-03-01 04:00 UTC`: the page is read in other time zones than the server's. */
export const utc = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
export const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** Axis labels: short. */
export const monthDay = (ms: number): string => new Date(ms).toISOString().slice(5, 10);
export const days = (ms: number): string => `${Math.round((ms / 86400e3) * 10) / 10}d`;
