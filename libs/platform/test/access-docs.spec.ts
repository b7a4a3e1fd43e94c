import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ACCESS_POLICY } from '../src/access/policy';

/** docs/architecture.md's access table is the policy itself, row for row. */
describe('[X-1] the access table in docs/architecture.md', () => {
  const doc = readFileSync(path.join(__dirname, '../../../docs/architecture.md'), 'utf8');
  const roles = (r: readonly string[]) => (r.length ? r.join(', ') : '—');
  it.each(Object.entries(ACCESS_POLICY))('states the policy for %s', (kind, p) => {
    expect(doc).toContain(`| ${kind} | ${p.sensitivity} | ${roles(p.read)} | ${roles(p.change)} |`);
  });
});
