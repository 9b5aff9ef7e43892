/* eslint-disable no-script-url -- the point of these tests is script URLs */
import { LinkSchemeProcessor, linkProblem } from './LinkSchemeProcessor';

const entity = (urls: string[]) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'linked',
    links: urls.map((url, i) => ({ url, title: `link ${i}` })),
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});

describe('LinkSchemeProcessor', () => {
  const processor = new LinkSchemeProcessor();

  it('lets web and e-mail links through', async () => {
    const ok = entity([
      'https://example.com/runbook',
      'http://grafana.internal:3000/d/abc',
      'mailto:team-a@example.com',
    ]);
    await expect(processor.preProcessEntity(ok as any)).resolves.toBe(ok);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' \tjava\nscript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
  ])('refuses %j, naming the link', async url => {
    await expect(
      processor.preProcessEntity(entity(['https://example.com', url]) as any),
    ).rejects.toThrow(
      /^Component:default\/linked: metadata\.links\[1\]\.url .* (is not allowed|is not an absolute URL)/,
    );
  });

  it('explains relative and non-string URLs', () => {
    expect(linkProblem('/docs')).toBe('"/docs" is not an absolute URL');
    expect(linkProblem(42)).toBe('is not a string');
  });
});
