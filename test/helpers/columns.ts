/** A string column's values, for assertions (the column itself decodes a row at a time). */
export interface Column { readonly length: number; get(i: number): string }

export const valuesOf = (c: Column): string[] => Array.from({ length: c.length }, (_, i) => c.get(i));

/** The first row holding `s`, or -1. */
export const rowOf = (c: Column, s: string): number => valuesOf(c).indexOf(s);
