import type { ReactNode } from 'react';
import { Progress } from '@backstage/core-components';
import { ErrorInWords } from '@internal/portal-react';

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
    return (
      <ErrorInWords error={state.error} what={`${what} could not be loaded`} />
    );
  }
  if (state.loading || state.value === undefined) return <Progress />;
  return <>{children(state.value)}</>;
}
