import { parsePackageQuery, parseRange, versionInRange } from './matchPackage';

describe('parsePackageQuery', () => {
  it.each([
    ['pkg:npm/lodash', { type: 'npm', name: 'lodash' }],
    [
      'pkg:npm/%40angular/core@16.0.0',
      { type: 'npm', namespace: '@angular', name: 'core', version: '16.0.0' },
    ],
    [
      'pkg:maven/org.apache.logging.log4j/log4j-core',
      {
        type: 'maven',
        namespace: 'org.apache.logging.log4j',
        name: 'log4j-core',
      },
    ],
    ['lodash', { name: 'lodash' }],
    ['@angular/core', { namespace: '@angular', name: 'core' }],
  ])('reads %s', (text, expected) => {
    expect(parsePackageQuery(text)).toEqual(expected);
  });

  it('says what is wrong with a broken purl', () => {
    expect(() => parsePackageQuery('pkg:')).toThrow(/not a valid purl/);
    expect(() => parsePackageQuery('  ')).toThrow(/1 to 512/);
  });
});

describe('versionInRange', () => {
  it.each([
    ['4.17.20', '<4.17.21', true],
    ['4.17.21', '<4.17.21', false],
    ['2.14.1', '>=2.0.0 <2.15.0', true],
    ['2.15.0-rc1', '<2.15.0', true], // a pre-release of the fixed version is still vulnerable
    ['2.0.0.RELEASE', '^2.0.0', true], // Maven style, coerced
    ['abc123', '<1.0.0', false], // not a version at all
    ['1.0.0', undefined, true], // no range: every version
  ])('%s in %s is %s', (version, range, expected) => {
    expect(versionInRange(version, range)).toBe(expected);
  });

  it('refuses a range that is not semver, and treats * and empty as any version', () => {
    expect(() => parseRange('not a range!')).toThrow(/not a semver range/);
    expect(parseRange('*')).toBeUndefined();
    expect(parseRange('')).toBeUndefined();
    expect(parseRange('<1.2.3')).toBe('<1.2.3');
  });
});
