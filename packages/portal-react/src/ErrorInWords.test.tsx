import { render, screen } from '@testing-library/react';
import { ResponseError } from '@backstage/errors';
import { ErrorInWords, errorInWords } from './ErrorInWords';

const failedResponse = (status: number, body: unknown) =>
  ResponseError.fromResponse(
    new Response(JSON.stringify(body), {
      status,
      statusText: 'Bad Request',
      headers: { 'content-type': 'application/json' },
    }) as any,
  );

describe('errors in words', () => {
  it("says the server's message of a failed request, not the status line", async () => {
    const error = await failedResponse(400, {
      error: {
        name: 'InputError',
        message: 'range ">=1.x <" is not a valid semver range',
        stack:
          'InputError: range\n    at parseRange (/app/dist/index.cjs.js:1:2)',
      },
      response: { statusCode: 400 },
    });
    expect(error.message).toMatch(/400/);
    expect(errorInWords(error)).toBe(
      'range ">=1.x <" is not a valid semver range',
    );
  });

  it('falls back to the error message, or the value said as text', () => {
    expect(errorInWords(new Error('offline'))).toBe('offline');
    expect(errorInWords('plain')).toBe('plain');
  });

  it('shows what failed and why, with no stack trace outside development', async () => {
    const error = await failedResponse(400, {
      error: {
        name: 'InputError',
        message: 'bad range',
        stack: 'at secret.js:1',
      },
      response: { statusCode: 400 },
    });
    render(
      <ErrorInWords
        error={error}
        what="Who uses this package could not be loaded"
      >
        Check the range.
      </ErrorInWords>,
    );
    expect(
      screen.getByText(/Who uses this package could not be loaded: bad range$/),
    ).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(
      /Stack Trace|secret\.js|ResponseError/,
    );
  });
});
