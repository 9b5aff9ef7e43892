/**
 * React pieces the portal's frontend plugins share.
 *
 * @packageDocumentation
 */
export { errorInWords, ErrorInWords } from './ErrorInWords';
export type { ErrorInWordsProps } from './ErrorInWords';
