import { expect, test } from 'vitest';
import { buildHtmlModel } from '../../src/core/html/htmlReport.js';
import { tempDir } from '../helpers/tmp.js';
import { fixtureReport, LOG_FORMAT, NOW, writeHtmlFixture } from './fixture.js';

test('the page model (its data block) for the fixture cache is the golden one', async () => {
  const f = await writeHtmlFixture(await tempDir());
  const report = { ...(await fixtureReport(f)), root: f.root };
  const model = await buildHtmlModel(report, { now: NOW, stateDir: f.stateDir, accessLogs: [f.accessLog], logFormat: LOG_FORMAT, top: 10 });
  model.cache.root = '/var/cache/apache2/mod_cache_disk';
  model.sizing!.logs = model.sizing!.logs.map((l) => ({ ...l, path: 'access.log' }));
  await expect(JSON.stringify(model, null, 2) + '\n').toMatchFileSnapshot('./golden/model.json');
});
