import { compileGlob, type Matcher } from '../match.js';
import { lastUse, type RecencyOrder } from '../table/recency.js';
import { Flag, Kind, type UnitTable } from '../table/table.js';
import type { DistfileSizes } from './distSizes.js';
import { decodeName, keyPath, nameOfPath } from './distfileName.js';
import { endsInStar, pathPrefix } from './prefixRule.js';
import { DistClass } from './types.js';

export interface JudgeInput {
  readonly sizes: DistfileSizes;
  /** Glob over the URL path (match.ts: `*` spans `/`). */
  readonly distfilesMatch: string;
  /** ms: a distfile no Manifest names is retired only when unused for this long. */
  readonly retiredGrace: number;
  readonly now: number;
  /** The recency the LRU pass uses (table/recency.ts). */
  readonly order: RecencyOrder;
}

/** GLEP 75's description of the mirror's layout sits among the distfiles; it is not one. */
const NOT_DISTFILES: ReadonlySet<string> = new Set(['layout.conf']);
/** Prefix verdicts: not yet known, every key under it matches, judge each key. */
const UNKNOWN = 0, ALL = 1, EACH = 2;

/**
 * Judges table rows against the Manifests: which entries are distfiles (by URL path),
 * their names, and whether each is live, broken (`mismatch`) or retired. Pure; one
 * judge serves a whole table or, for the streaming report, table after table of the same
 * key column (its prefix ids stay valid).
 */
export class DistfileJudge {
  private readonly glob: Matcher;
  private readonly byPrefix: boolean;
  private verdicts = new Uint8Array(256);
  private readonly retiredBefore: number;

  constructor(readonly input: JudgeInput) {
    this.glob = compileGlob(input.distfilesMatch);
    this.byPrefix = endsInStar(input.distfilesMatch);
    this.retiredBefore = input.now - input.retiredGrace;
  }

  /** The distfile name of row i, or null when the row is not a distfile entry. */
  nameOf(t: UnitTable, i: number): string | null {
    if (t.kind[i] !== Kind.Entry) return null;
    const key = t.key.get(i);
    const pre = t.key.prefixId(i);
    let name: string | null;
    if (pre !== 0 && this.prefixMatches(t, pre)) {
      // The path runs on past the prefix: the name is the rest, up to any query.
      const rest = key.slice(t.key.prefix(pre).length);
      let end = rest.length;
      for (let k = 0; k < rest.length; k++) { const c = rest.charCodeAt(k); if (c === 63 || c === 35) { end = k; break; } }
      name = end === 0 ? null : decodeName(end === rest.length ? rest : rest.slice(0, end));
    } else {
      const path = keyPath(key);
      if (!this.glob(path)) return null;
      name = nameOfPath(path);
    }
    return name === null || NOT_DISTFILES.has(name) ? null : name;
  }

  /** The class of distfile entry i named `name` (from nameOf). */
  classOf(t: UnitTable, i: number, name: string): DistClass {
    const { sizes } = this.input;
    if (!sizes.has(name)) return lastUse(t, i, this.input.order) <= this.retiredBefore ? DistClass.Retired : DistClass.Unlisted;
    // Only a stored body is compared: a header-only entry (a HEAD) has none, and a
    // redirect or an error page is not the file.
    const st = t.status[i];
    if ((t.flags[i] & Flag.HasData) && (st === 200 || st === 0) && !sizes.fits(name, t.f64.dataSize[i])) return DistClass.Mismatch;
    return DistClass.Live;
  }

  /** Every row's class (DistClass.None for rows that are not distfile entries). */
  classify(t: UnitTable): Uint8Array {
    const out = new Uint8Array(t.length);
    for (let i = 0; i < t.length; i++) {
      const name = this.nameOf(t, i);
      if (name !== null) out[i] = this.classOf(t, i, name);
    }
    return out;
  }

  private prefixMatches(t: UnitTable, id: number): boolean {
    if (!this.byPrefix) return false;
    if (id >= this.verdicts.length) {
      const v = new Uint8Array(Math.max(id + 1, this.verdicts.length * 2));
      v.set(this.verdicts);
      this.verdicts = v;
    }
    let v = this.verdicts[id];
    if (v === UNKNOWN) {
      const prefix = t.key.prefix(id);
      v = pathPrefix(prefix) && this.glob(keyPath(prefix)) ? ALL : EACH;
      this.verdicts[id] = v;
    }
    return v === ALL;
  }
}
