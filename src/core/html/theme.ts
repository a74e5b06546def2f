/**
 * The page's colours and stylesheet. The palettes are values so that a test can check
 * them against WCAG AA (text 4.5:1 on the page and on a panel; chart marks 3:1); the
 * stylesheet is one constant, so its CSP hash is computed once.
 */
export interface Palette {
  bg: string; fg: string; muted: string; card: string; line: string;
  /** Chart series and marks (also text: links, the summary of a <details>). */
  c1: string; c2: string; c3: string; bad: string; good: string;
}

export const LIGHT: Palette = {
  bg: '#ffffff', fg: '#1f2328', muted: '#57606a', card: '#f6f8fa', line: '#d0d7de',
  c1: '#0969da', c2: '#8a5a00', c3: '#6e5494', bad: '#cf222e', good: '#1a7f37',
};

export const DARK: Palette = {
  bg: '#0d1117', fg: '#e6edf3', muted: '#9ea7b3', card: '#161b22', line: '#3d444d',
  c1: '#4c9aff', c2: '#d29922', c3: '#b392f0', bad: '#ff6a69', good: '#3fb950',
};

/** Text colours, and the colours charts draw with: each must read on both backgrounds. */
export const TEXT_KEYS = ['fg', 'muted', 'c1', 'bad', 'good'] as const;
export const MARK_KEYS = ['c1', 'c2', 'c3', 'bad', 'good', 'muted'] as const;

const vars = (p: Palette) => Object.entries(p).map(([k, v]) => `--${k}:${v}`).join(';');

export const CSS = `
:root{color-scheme:light dark;${vars(LIGHT)}}
@media (prefers-color-scheme:dark){:root{${vars(DARK)}}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
header,main,footer{max-width:1320px;margin:0 auto;padding:14px 20px}
h1{font-size:1.45rem;margin:0 0 4px}
h2{font-size:1.1rem;margin:0 0 6px}
h3{font-size:.95rem;margin:14px 0 4px}
.mono,td.key,th.key{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;overflow-wrap:anywhere}
.meta,.note,caption,.legend{color:var(--muted)}
.meta,.note{margin:2px 0 6px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px;margin:14px 0 0;padding:0;list-style:none}
.kpi,.panel{background:var(--card);border:1px solid var(--line);border-radius:8px}
.kpi{padding:10px 14px}
.kpi .k,.kpi .s{display:block;color:var(--muted);font-size:.85rem}
.kpi .v{display:block;font-size:1.4rem;font-weight:600}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,560px),1fr));gap:16px;align-items:start}
.panel{padding:14px 16px;min-width:0}
.panel.wide{grid-column:1/-1}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,380px),1fr));gap:8px 20px}
.fig{min-width:0}
svg.chart{display:block;width:100%;height:auto;margin:6px 0 8px}
.chart text{fill:var(--fg);font-size:12px}
.chart .tick{fill:var(--muted);font-size:11px}
.chart .grid{stroke:var(--line)}
.chart .axis{stroke:var(--muted)}
.chart .track{fill:var(--bg);stroke:var(--muted)}
.c1{fill:var(--c1);stroke:var(--c1)}.c2{fill:var(--c2);stroke:var(--c2)}.c3{fill:var(--c3);stroke:var(--c3)}
.bad{fill:var(--bad);stroke:var(--bad)}.good{fill:var(--good);stroke:var(--good)}.muted{fill:var(--muted);stroke:var(--muted)}
.bar{stroke:none}
.ln{fill:none;stroke-width:2.5;stroke-linejoin:round}
.dash{stroke-dasharray:6 4;stroke-width:2}
.mark{stroke-width:2;stroke-dasharray:4 3}
.legend{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:2px 18px;font-size:.9rem}
.sw{display:inline-block;width:14px;height:10px;margin-right:6px;border-radius:2px}
.sw.c1{background:var(--c1)}.sw.c2{background:var(--c2)}.sw.c3{background:var(--c3)}.sw.bad{background:var(--bad)}.sw.good{background:var(--good)}.sw.muted{background:var(--muted)}
.sw.line{height:3px;vertical-align:middle}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;margin:4px 0 8px}
caption{text-align:left;font-size:.85rem;padding:2px 0}
th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;font-weight:normal}
thead th{font-weight:600;border-bottom-width:2px}
tfoot th,tfoot td{color:var(--muted)}
.n{text-align:right;white-space:nowrap}
th button{font:inherit;color:inherit;background:none;border:0;padding:0;cursor:pointer;text-align:inherit}
th button:focus-visible,summary:focus-visible{outline:2px solid var(--c1);outline-offset:2px}
th[aria-sort=ascending] button::after{content:" \\25B2"}
th[aria-sort=descending] button::after{content:" \\25BC"}
summary{cursor:pointer;color:var(--c1)}
.ok{color:var(--good)}.miss{color:var(--bad)}
footer{color:var(--muted);font-size:.85rem}
@media print{
:root{${vars(LIGHT)};--bg:#fff;--card:#fff}
body{font-size:10pt}
main{display:block}
.panel{break-inside:avoid;margin:0 0 10px;border-color:var(--line)}
.panel.long{break-inside:auto}
details::details-content{content-visibility:visible;display:block}
summary{display:none}
th button::after{content:none}
}
`.trim();
