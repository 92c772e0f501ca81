/** The segmented write-ahead log written here in etcd's format, and the engines built on it. */
export { WalEngine, type WalEngineOptions } from './wal-engine.ts';
export { WalGroupsEngine, type WalGroupsOptions } from './wal-groups-engine.ts';
export { SegmentedLog, DEFAULT_SEGMENT_BYTES, type RecoveryReport, type RecoveryCut, type SegmentInfo, type LogStats } from './segmented-log.ts';
export { NodeFs, type WalFs, type WalFile } from './fs.ts';
export { crc32c } from './crc32c.ts';
export * as format from './format.ts';
