/** The report's parts that its tally (reportTally.ts) fills: shared by both without a cycle. */
export interface Tally { count: number; bytes: number; diskBytes: number }
export interface LargestEntry { url: string; bytes: number; diskBytes: number; lastAccess: string; path: string }
export interface AgeBucket { label: string; maxAgeMs: number; count: number; bytes: number }
