import { render } from '@testing-library/react';
import { reactWarningIn } from './testUtils';

describe('reactWarningIn', () => {
  it('finds the key and DOM nesting warnings React gives for a wrong render', () => {
    const calls: unknown[][] = [];
    const spy = jest
      .spyOn(console, 'error')
      .mockImplementation((...args) => calls.push(args));
    try {
      render(
        <h2>
          <h2>nested</h2>
          {['a', 'b'].map(x => (
            <span>{x}</span>
          ))}
        </h2>,
      );
    } finally {
      spy.mockRestore();
    }
    const warnings = calls.map(reactWarningIn).filter(Boolean);
    expect(warnings).toHaveLength(2);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/<h2> cannot appear as a child of <h2>/),
        expect.stringMatching(/unique "key" prop/),
      ]),
    );
  });

  it('ignores other console errors', () => {
    expect(reactWarningIn(['Warning: findDOMNode is deprecated'])).toBe(
      undefined,
    );
    expect(reactWarningIn([new Error('boom')])).toBe(undefined);
  });
});
