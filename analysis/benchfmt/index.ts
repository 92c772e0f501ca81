/** Go benchmark format: the record model, a reader and writer for the text form, and results.json conversion. */
export { splitName, joinName, rowNamer, type BenchRecord, type BenchSet, type BenchValue, type NamePart } from './record.ts';
export { parseBenchText } from './reader.ts';
export { formatBenchText } from './writer.ts';
export { resultsToBenchSet } from './from-results.ts';
