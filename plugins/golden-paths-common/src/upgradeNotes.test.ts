import { validateUpgradeNotes } from './upgradeNotes';

describe('validateUpgradeNotes', () => {
  it('reads notes, with needsPerson false unless said', () => {
    expect(
      validateUpgradeNotes([
        { version: '1.1.0', summary: 'Probes', needsPerson: true },
        { version: 2, summary: 'Node 24', details: 'Rebuild the image.' },
      ]),
    ).toEqual({
      notes: [
        { version: '1.1.0', summary: 'Probes', needsPerson: true },
        {
          version: '2',
          summary: 'Node 24',
          needsPerson: false,
          details: 'Rebuild the image.',
        },
      ],
      problems: [],
    });
    expect(validateUpgradeNotes(null)).toEqual({ notes: [], problems: [] });
  });

  it('names each problem by its place', () => {
    const { problems } = validateUpgradeNotes([
      { version: '1.0.0' },
      { version: '1.1.0', summary: 'x', migration: true },
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/^0\.summary: /),
      expect.stringMatching(/^1: .*migration/),
    ]);
    expect(validateUpgradeNotes({ version: '1' }).problems).toEqual([
      expect.stringMatching(/^\(the file\): /),
    ]);
  });

  it('refuses a version noted twice', () => {
    expect(
      validateUpgradeNotes([
        { version: '1.1.0', summary: 'a' },
        { version: '1.1.0', summary: 'b' },
      ]).problems,
    ).toEqual(['version 1.1.0 has more than one note']);
  });
});
