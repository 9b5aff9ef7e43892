import { describeDir, nearestEntity, resolveInRepository } from './paths';
import { discoveredEntity as entity } from './testUtils';

describe('nearestEntity', () => {
  const root = entity('Component', 'root', 'catalog-info.yaml');
  const a = entity('Component', 'a', 'services/a/catalog-info.yaml');
  const b = entity('API', 'b', 'services/a/catalog-info.yaml');

  it('picks the only entity of the nearest directory at or above the file', () => {
    expect(nearestEntity('services/x/deep/slo.yaml', [root, a])).toEqual({
      entity: root,
    });
    expect(nearestEntity('services/a/ops/slo.yaml', [root, a])).toEqual({
      entity: a,
    });
    expect(nearestEntity('slo.yaml', [root, a])).toEqual({ entity: root });
  });

  it('reports several entities in that directory, or none at all', () => {
    expect(nearestEntity('services/a/slo.yaml', [root, a, b])).toEqual({
      ambiguous: [a, b],
      dir: 'services/a',
    });
    expect(nearestEntity('other/slo.yaml', [a])).toEqual({ none: true });
    expect(nearestEntity('slo.yaml', [])).toEqual({ none: true });
  });

  it('names the repository root in problems', () => {
    expect(describeDir('.')).toBe('the repository root');
    expect(describeDir('services/a')).toBe('services/a');
  });
});

describe('resolveInRepository', () => {
  it.each([
    ['services/a/catalog-info.yaml', 'bom.json', 'services/a/bom.json'],
    ['services/a/catalog-info.yaml', '../b/bom.json', 'services/b/bom.json'],
    ['README.md', './docs/x.png', 'docs/x.png'],
    ['services/a/catalog-info.yaml', '../../../etc/passwd', undefined],
    ['catalog-info.yaml', '..', undefined],
    ['catalog-info.yaml', '/etc/passwd', undefined],
  ])('%s -> %s is %s', (file, target, expected) => {
    expect(resolveInRepository(file, target)).toBe(expected);
  });
});
