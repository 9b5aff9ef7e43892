import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// On a loaded 2-core CI machine a first render can take longer than the
// default 1 s that findBy* and waitFor wait.
configure({ asyncUtilTimeout: 5000 });
// A test may wait that long more than once.
jest.setTimeout(30_000);
