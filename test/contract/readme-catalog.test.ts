import * as fs from 'node:fs';
import * as path from 'node:path';
import { CATALOG } from '../../functions/events';

/** The README's catalog table is the user's reference: it must list every event of the catalog. */
describe('README event catalog', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

  it.each(CATALOG.map((c) => [c.source, c.detailType]))('lists %s %s', (source, detailType) => {
    expect(readme).toContain(`| \`${source}\` | \`${detailType}\` |`);
  });
});
