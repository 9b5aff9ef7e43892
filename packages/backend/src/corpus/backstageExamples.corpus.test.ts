import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  listEntities,
  startTestCatalog,
} from '../__testUtils__/startTestCatalog';
import {
  stringifyEntityRef,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';

// Corpus suite (run by `./portal test` only when the corpus exists): the
// Backstage example entities written by others, fed to this portal's catalog
// on PostgreSQL. Every entity of a kind the portal knows must come out;
// entities of kinds it does not know must be refused without harming the rest.
const corpus = resolve(
  process.env.PORTAL_CORPUS ??
    resolve(__dirname, '../../../../../shared/corpus'),
  'backstage-examples',
);
const validators: Record<string, { check(data: unknown): Promise<boolean> }> = {
  API: apiEntityV1alpha1Validator,
  Component: componentEntityV1alpha1Validator,
  Domain: domainEntityV1alpha1Validator,
  Group: groupEntityV1alpha1Validator,
  Resource: resourceEntityV1alpha1Validator,
  System: systemEntityV1alpha1Validator,
  User: userEntityV1alpha1Validator,
};
const knownKinds = Object.keys(validators);
/** `$text: https://...` and friends: content the catalog would have to fetch from outside. */
const needsOutsideUrl = (entity: unknown) =>
  /"\$(text|json|yaml)":"https?:/.test(JSON.stringify(entity));
async function isValid(entity: any) {
  try {
    return await validators[entity.kind].check(entity);
  } catch {
    return false;
  }
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

jest.setTimeout(180_000);

describe('corpus: Backstage example entities', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it('ingests every valid entity of a known kind and refuses the others', async () => {
    expect(existsSync(corpus)).toBe(true);
    const files = yamlFiles(corpus);
    const expected = new Set<string>();
    const unknown = new Set<string>(); // unknown kind, invalid, or needs the internet
    for (const file of files) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const entity = doc.toJS() as any;
        if (!entity?.kind || !entity?.metadata?.name) continue;
        if (entity.kind === 'Location') continue;
        const ref = stringifyEntityRef(entity);
        if (
          knownKinds.includes(entity.kind) &&
          !needsOutsideUrl(entity) &&
          (await isValid(entity))
        ) {
          expected.add(ref);
        } else {
          unknown.add(ref);
        }
      }
    }
    expect(expected.size).toBeGreaterThan(30);

    const knex = await databases.init('POSTGRES_15');
    const server = await startTestCatalog(knex, {
      allowKinds: [...knownKinds, 'Location'],
      files,
    });

    const refs = async () =>
      new Set((await listEntities(server)).map(e => stringifyEntityRef(e)));
    const missing = (present: Set<string>) =>
      [...expected].filter(r => !present.has(r));
    let found = await refs();
    for (let i = 0; i < 120 && missing(found).length > 0; i++) {
      await new Promise(r => setTimeout(r, 1000));
      found = await refs();
    }
    expect(missing(found)).toEqual([]);
    expect([...unknown].filter(r => found.has(r))).toEqual([]);
    // eslint-disable-next-line no-console
    console.log(
      `corpus: ${files.length} files, ${expected.size} entities ingested, ${unknown.size} refused (unknown kind, invalid for catalog-model, or content behind a URL outside this machine)`,
    );
  });
});
