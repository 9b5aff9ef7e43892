import type { ReactNode } from 'react';
import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import { isError } from '@backstage/errors';

/**
 * The sentence a person should read for an error: the server's own message
 * when the error is a failed request (a `ResponseError`, whose cause is the
 * error the backend sent), the error's message otherwise, never a status
 * line alone when the server said more.
 *
 * @public
 */
export function errorInWords(error: unknown): string {
  if (!isError(error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (isError(cause) && cause.message) return cause.message;
  const body = (error as { body?: { error?: { message?: unknown } } }).body;
  if (typeof body?.error?.message === 'string') return body.error.message;
  return error.message;
}

/** @public */
export interface ErrorInWordsProps {
  error: unknown;
  /** What could not be done, e.g. `Delivery (DORA) could not be loaded`. */
  what?: string;
  /** What the person can do about it, in one sentence. */
  children?: ReactNode;
}

/**
 * An error panel that says what failed and why in words. The technical
 * details (error name, stack trace) are shown only in development builds.
 *
 * @public
 */
export function ErrorInWords(props: ErrorInWordsProps) {
  const { error, what, children } = props;
  const message = errorInWords(error);
  const title = what ? `${what}: ${message}` : message;
  if (process.env.NODE_ENV === 'development' && isError(error)) {
    return <ResponseErrorPanel error={error} title={title} />;
  }
  return (
    <WarningPanel severity="error" title={title}>
      {children}
    </WarningPanel>
  );
}
