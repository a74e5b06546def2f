/**
 * The live distfile names and their sizes, from every Manifest of every repository. A
 * name listed with two sizes (two repositories, or one Manifest naming it twice) accepts
 * both: which one a client checks depends on its tree.
 */
export class DistfileSizes {
  /** One size (the common case, no array), or the distinct sizes. */
  private readonly sizes = new Map<string, number | number[]>();

  add(name: string, size: number): void {
    const cur = this.sizes.get(name);
    if (cur === undefined) this.sizes.set(name, size);
    else if (typeof cur === 'number') { if (cur !== size) this.sizes.set(name, [cur, size]); }
    else if (!cur.includes(size)) cur.push(size);
  }

  has(name: string): boolean {
    return this.sizes.has(name);
  }

  /** Does some Manifest give `name` this size? */
  fits(name: string, size: number): boolean {
    const cur = this.sizes.get(name);
    return cur === size || (typeof cur === 'object' && cur.includes(size));
  }

  /** Distinct names. */
  get names(): number {
    return this.sizes.size;
  }

  /** Every (name, size) pair, for the copy kept in the state dir. */
  *pairs(): Generator<[string, number]> {
    for (const [name, s] of this.sizes) {
      if (typeof s === 'number') yield [name, s];
      else for (const x of s) yield [name, x];
    }
  }
}
