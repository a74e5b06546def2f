/** The report's parts that its tally (reportTally.ts) fills: shared by both without a cycle. */
export interface Tally { count: number; bytes: number; diskBytes: number }
export interface LargestEntry { url: string; bytes: number; diskBytes: number; lastAccess: string; path: string }
export interface AgeBucket { label: string; maxAgeMs: number; count: number; bytes: number }
/** Entries by apparent size (header + body), in log-scale buckets: `maxBytes` is exclusive. */
export interface SizeBucket { label: string; maxBytes: number; count: number; bytes: number }
