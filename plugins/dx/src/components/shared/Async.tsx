import type { ReactNode } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';

/**
 * One section's request: a progress bar while it loads, an error panel
 * naming the section when it fails (the rest of the page still renders),
 * the content once it is there.
 */
export function Async<T>(props: {
  state: { loading: boolean; error?: Error; value?: T };
  /** What failed, e.g. `Delivery (DORA)`. */
  what: string;
  children: (value: T) => ReactNode;
}) {
  const { state, what, children } = props;
  if (state.error) {
    // A ResponseError's cause is the server's own error.
    const cause = (state.error as { cause?: { message?: unknown } }).cause;
    const message =
      typeof cause?.message === 'string' ? cause.message : state.error.message;
    return (
      <ResponseErrorPanel
        error={state.error}
        title={`${what} could not be loaded: ${message}`}
      />
    );
  }
  if (state.loading || state.value === undefined) return <Progress />;
  return <>{children(state.value)}</>;
}
