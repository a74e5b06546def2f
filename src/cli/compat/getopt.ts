/**
 * APR's apr_getopt (apr/misc/unix/getopt.c) as htcacheclean calls it: bundled flags
 * (`-ntp DIR`), attached or separate arguments (`-l50G`, `-l 50G`), no long options,
 * and parsing stops at the first non-option. Quirks kept on purpose, since scripts
 * depend on what htcacheclean accepts:
 *   - a lone `-` is the first non-option (a URL);
 *   - `--` or anything starting with `--` (`--help`) ends the options and is consumed;
 *   - a `-` inside a bundle (`-n-`) ends the options, and the whole word is a URL.
 */

export type GetoptEvent =
  | { type: 'opt'; opt: string; arg?: string }
  | { type: 'error'; message: string };

export interface GetoptResult {
  /** Index of the first non-option argument. */
  ind: number;
}

/**
 * Walks `argv` (without the program name) against `spec` (e.g. `iDnvrtd:l:L:p:P:R:aA`),
 * calling `onEvent` for each option in order. `onEvent` returns false to stop (an
 * error was reported); the result is then null.
 */
export function getopt(argv: readonly string[], spec: string, prog: string, onEvent: (e: GetoptEvent) => boolean): GetoptResult | null {
  let ind = 0;
  let place = '';
  for (;;) {
    if (place === '') {
      const word = argv[ind];
      if (word === undefined || word[0] !== '-' || word === '-') return { ind };
      if (word[1] === '-') return { ind: ind + 1 };
      place = word.slice(1);
    }
    const opt = place[0];
    place = place.slice(1);
    const at = opt === ':' ? -1 : spec.indexOf(opt);
    if (at < 0) {
      if (opt === '-') return { ind };
      if (place === '') ind++;
      onEvent({ type: 'error', message: `${prog}: illegal option -- ${opt}\n` });
      return null;
    }
    if (spec[at + 1] !== ':') {
      if (place === '') ind++;
      if (!onEvent({ type: 'opt', opt })) return null;
      continue;
    }
    let arg: string;
    if (place !== '') {
      arg = place;
    } else if (++ind >= argv.length) {
      onEvent({ type: 'error', message: `${prog}: option requires an argument -- ${opt}\n` });
      return null;
    } else {
      arg = argv[ind];
    }
    place = '';
    ind++;
    if (!onEvent({ type: 'opt', opt, arg })) return null;
  }
}
