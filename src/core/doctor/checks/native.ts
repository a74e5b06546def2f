import { ok, warn, type Check } from '../types.js';
import type { NativeState } from '../../native/load.js';

/** `native`: is the native directory reader loaded (scans about 3x faster than the portable walker)? */
export function nativeCheck(state: NativeState): Check {
  if (state.binding) return ok('native', 'the native directory reader is loaded: scans use it');
  if (state.reason === 'turned off') return warn('native', 'the native directory reader is turned off (CACHECTL_NATIVE=0): scans use the portable walker, about 3x slower', 'unset CACHECTL_NATIVE');
  return warn('native', `the native directory reader is ${state.reason}: scans use the portable walker, about 3x slower`,
    'install make and a C compiler, then npm rebuild -g --allow-scripts=cachectl cachectl');
}
