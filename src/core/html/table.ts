import { escapeHtml } from './escape.js';

/** A cell: its text, and for numbers the value the sort compares (data-v). */
export interface Cell { text: string; v?: number | null; cls?: string }
export interface Col { head: string; num?: boolean }

export interface TableSpec {
  caption: string;
  cols: readonly Col[];
  rows: readonly (readonly (Cell | string)[])[];
  /** Rows that stay put when sorting: "other", "total". */
  foot?: readonly (readonly (Cell | string)[])[];
  /** Sortable by any column (the script turns headers into buttons); the column it is sorted by now. */
  sorted?: { col: number; dir: 'ascending' | 'descending' };
  cls?: string;
}

function cell(c: Cell | string, col: Col | undefined, tag: 'td' | 'th'): string {
  const x = typeof c === 'string' ? { text: c } : c;
  const cls = [col?.num ? 'n' : '', x.cls ?? ''].filter(Boolean).join(' ');
  // -Infinity for "none": sorts below every number.
  const v = x.v === undefined ? '' : ` data-v="${x.v === null ? '-Infinity' : String(x.v)}"`;
  return `<${tag}${tag === 'th' ? ' scope="row"' : ''}${cls ? ` class="${escapeHtml(cls)}"` : ''}${v}>${escapeHtml(x.text)}</${tag}>`;
}

/** The numbers behind a chart, or a list: every cell's text escaped here. */
export function table(t: TableSpec): string {
  const sortable = t.sorted !== undefined;
  const head = t.cols.map((c, i) => {
    const sort = t.sorted?.col === i ? ` aria-sort="${t.sorted.dir}"` : '';
    return `<th scope="col"${c.num ? ' class="n"' : ''}${sort}>${escapeHtml(c.head)}</th>`;
  }).join('');
  const rows = (rs: TableSpec['rows']) => rs.map((r) => `<tr>${r.map((c, i) => cell(c, t.cols[i], i === 0 && !t.cols[0].num ? 'th' : 'td')).join('')}</tr>`).join('');
  const cls = [sortable ? 'sortable' : '', t.cls ?? ''].filter(Boolean).join(' ');
  return `<table${cls ? ` class="${cls}"` : ''}><caption>${escapeHtml(t.caption)}</caption><thead><tr>${head}</tr></thead>`
    + `<tbody>${rows(t.rows)}</tbody>${t.foot?.length ? `<tfoot>${rows(t.foot)}</tfoot>` : ''}</table>`;
}
