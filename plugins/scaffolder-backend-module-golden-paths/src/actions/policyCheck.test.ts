import { escapeMarkdown } from './policyCheck';

describe('escapeMarkdown', () => {
  it('shows stored text as it is on the task page', () => {
    expect(
      escapeMarkdown(
        'Too big <img src=x onerror="x()"> **bold** [why](javascript:x()) `code` a|b ~~s~~ _i_ \\',
      ),
    ).toBe(
      'Too big \\<img src=x onerror="x()"\\> \\*\\*bold\\*\\* \\[why\\](javascript:x()) \\`code\\` a\\|b \\~\\~s\\~\\~ \\_i\\_ \\\\',
    );
  });

  it('leaves ordinary sentences alone', () => {
    const reason =
      'Databases above 100 GB need a capacity review (storageGb 250 is above the maximum of 100)';
    expect(escapeMarkdown(reason)).toBe(reason);
  });
});
