/**
 * Round axis ticks from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten,
 * or, for bytes (`binary`), of a power of 1024 (ticks at 2 GiB, 4 GiB, not 2.1 GB).
 */
export function niceTicks(max: number, count = 4, binary = false): number[] {
  if (!(max > 0)) return [0, 1];
  let unit = 1;
  if (binary) while (max / unit >= 1024) unit *= 1024;
  const span = max / unit;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag) * unit;
  const ticks: number[] = [];
  for (let v = 0; ticks.length === 0 || ticks[ticks.length - 1] < max; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

/** About `count` ticks at UTC midnights between two times (ms), evenly spaced in whole days. */
export function dayTicks(from: number, to: number, count = 6): number[] {
  const DAY = 86400e3;
  const days = Math.max(1, Math.ceil((to - from) / DAY));
  const step = Math.max(1, Math.ceil(days / count)) * DAY;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / DAY) * DAY; t <= to; t += step) ticks.push(t);
  return ticks;
}
