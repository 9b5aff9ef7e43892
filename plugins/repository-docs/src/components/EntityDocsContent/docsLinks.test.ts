import { isMarkdownPath, resolveDocsTarget } from './docsLinks';

describe('resolveDocsTarget', () => {
  it.each([
    // [from, href, expected]
    ['README.md', 'docs/runbook.md', 'docs/runbook.md'],
    ['README.md', './docs/runbook.md', 'docs/runbook.md'],
    ['docs/runbook.md', 'setup.md', 'docs/setup.md'],
    ['docs/runbook.md', '../README.md', 'README.md'],
    ['docs/ops/runbook.md', '../adr/001.md', 'docs/adr/001.md'],
    ['docs/ops/runbook.md', '/CONTRIBUTING.md', 'CONTRIBUTING.md'],
    ['docs/runbook.md', 'img/arch.png', 'docs/img/arch.png'],
    // `..` stops at the repository root
    ['docs/runbook.md', '../../../../etc/passwd', 'etc/passwd'],
    // percent-encoding is decoded into the repository path
    ['README.md', 'docs/run%20book.md', 'docs/run book.md'],
  ])('from %s, %s is the repository file %s', (from, href, path) => {
    expect(resolveDocsTarget(from, href)).toEqual({
      kind: 'repository',
      path,
      hash: '',
    });
  });

  it('keeps the fragment of a link to another file, drops its query', () => {
    expect(resolveDocsTarget('README.md', 'docs/a.md?plain=1#usage')).toEqual({
      kind: 'repository',
      path: 'docs/a.md',
      hash: '#usage',
    });
  });

  it('treats a bare fragment as an anchor in the current file', () => {
    expect(resolveDocsTarget('docs/a.md', '#install')).toEqual({
      kind: 'anchor',
      hash: '#install',
    });
  });

  it.each(['https://example.com/x', 'HTTP://example.com', 'mailto:a@b.c'])(
    'leaves the absolute URL %s as it is',
    href => {
      expect(resolveDocsTarget('README.md', href)).toEqual({
        kind: 'external',
        href,
      });
    },
  );

  it.each([
    // These are the inputs being refused, never evaluated.
    // eslint-disable-next-line no-script-url
    'javascript:alert(1)',
    ' JavaScript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox',
    'file:///etc/passwd',
    '//evil.example/x.md',
    '\\\\evil.example\\x.md',
    '',
    '%E0%A4%A.md',
  ])('refuses %j', href => {
    expect(resolveDocsTarget('README.md', href)).toEqual({ kind: 'refused' });
  });
});

describe('isMarkdownPath', () => {
  it.each([
    ['README.md', true],
    ['docs/Guide.MD', true],
    ['docs/notes.markdown', true],
    ['docs/arch.png', false],
    ['src/index.ts', false],
    ['md', false],
  ])('%s → %s', (path, expected) => {
    expect(isMarkdownPath(path)).toBe(expected);
  });
});
