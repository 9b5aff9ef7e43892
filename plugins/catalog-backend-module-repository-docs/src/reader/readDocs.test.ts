import { repositoryContentOf as memory } from '@internal/plugin-catalog-ingestion-node/testUtils';
import { docsReader, readDocs } from './readDocs';

const PNG = Buffer.from('89504e470d0a1a0a', 'hex');

describe('readDocs', () => {
  it('reads the README first, then docs/, with the images they show', async () => {
    const result = await readDocs(
      memory({
        'docs/b.md': '# B\n\n![x](../img/arch.png "t")',
        'README.md': 'no heading <img src="docs/logo.svg">',
        'docs/a.md': '![remote](https://example.com/x.png) ![abs](/x.png)',
        'src/notes.md': '# not a doc',
        'img/arch.png': PNG,
        'docs/logo.svg': '<svg/>',
        'docs/x.txt': 'text',
      }),
      { maxFileBytes: 1024 },
    );
    expect(result.docs.map(d => [d.path, d.title])).toEqual([
      ['README.md', 'README.md'],
      ['docs/a.md', 'a.md'],
      ['docs/b.md', 'B'],
    ]);
    expect(result.assets.map(a => [a.path, a.contentType])).toEqual([
      ['docs/logo.svg', 'image/svg+xml'],
      ['img/arch.png', 'image/png'],
    ]);
    expect(result.problems).toEqual([]);
  });

  it('reports docs too large or linked, and leaves binary files out', async () => {
    const result = await readDocs(
      memory(
        {
          'README.md': 'x'.repeat(2000),
          'docs/link.md': 'README.md',
          'docs/binary.md': 'a\0b',
        },
        { 'docs/link.md': '120000' },
      ),
      { maxFileBytes: 1024 },
    );
    expect(result.docs).toEqual([]);
    expect(result.problems).toEqual([
      {
        file: 'README.md',
        message: 'doc not stored: over 1024 bytes or a link',
      },
      {
        file: 'docs/link.md',
        message: 'doc not stored: over 1024 bytes or a link',
      },
    ]);
  });
});

describe('docsReader', () => {
  it('replaces the docs of the repository when committed, and removes them when it is gone', async () => {
    const calls: unknown[][] = [];
    const store = {
      replaceRepositoryDocs: async (...args: unknown[]) => {
        calls.push(['replace', ...args.slice(0, 2), (args[2] as []).length]);
      },
      removeRepository: async (...args: unknown[]) => {
        calls.push(['remove', ...args]);
      },
    };
    const reader = docsReader(store as any);
    const read = await reader.read({
      sourceId: 'local',
      repository: 'shop',
      content: memory({ 'README.md': '# Shop' }),
      entities: [],
      maxFileBytes: 1024,
    });
    expect(calls).toEqual([]);
    await read.commit();
    await reader.removeRepository({ sourceId: 'local', repository: 'shop' });
    expect(calls).toEqual([
      ['replace', 'local', 'shop', 1],
      ['remove', 'local', 'shop'],
    ]);
  });
});
