import { expect, test } from 'vitest';
import { addRow } from '../helpers/columns.js';
import { F64_COLUMNS, Kind, UnitTable } from '../../src/core/table/table.js';

test('a row appended where an earlier one was (after clear) has every number 0, whatever the columns are', () => {
  const t = new UnitTable(4);
  const i = addRow(t, { kind: Kind.Entry, flags: 3, dir: t.internDir('a'), name: 'x', key: 'http://h/x', status: 200, values: Object.fromEntries(F64_COLUMNS.map((c) => [c, 7])) });
  t.clear();
  const j = t.append(Kind.Orphan, 1, 2, t.internDir('b'), 'y', '');
  expect(j).toBe(i);
  for (const c of F64_COLUMNS) expect([c, t.f64[c][j]]).toEqual([c, 0]);
  expect([t.status[j], t.kind[j], t.reason[j], t.flags[j], t.name.get(j), t.key.get(j), t.dirs[t.dir[j]]]).toEqual([0, Kind.Orphan, 1, 2, 'y', '', 'b']);
});
