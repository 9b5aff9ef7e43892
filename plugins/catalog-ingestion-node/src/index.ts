/**
 * What other catalog modules use to extend catalog ingestion: readers of
 * the files of every repository it discovers (SBOMs, docs), the types they
 * are given, and where each discovered entity came from.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './readers';
export * from './paths';
export * from './routes';
