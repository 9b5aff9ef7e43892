import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';
import { failOnReactWarnings } from '@internal/portal-react/testUtils';

// The first render of the Markdown renderer loads several modules; on a
// loaded 2-core CI machine that can take longer than the default 1 s that
// findBy* and waitFor wait.
configure({ asyncUtilTimeout: 5000 });
// A test may wait that long more than once.
jest.setTimeout(30_000);
// A list without keys or an <h2> inside an <h2> fails the test that renders it.
failOnReactWarnings();
