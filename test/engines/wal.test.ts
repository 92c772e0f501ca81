import { engineConformance } from './conformance.ts';
import { WalEngine } from '../../engines/wal/wal-engine.ts';
import { WalGroupsEngine } from '../../engines/wal/wal-groups-engine.ts';

// Small segments so the conformance suite's 300 kB value rolls over and the files stay small.
engineConformance('wal', (dir) => WalEngine.open(dir, { segmentBytes: 64 << 10 }), { persistent: true });
// Default routing: the suite's short keys all land in the `shared` log.
engineConformance('wal-per-group', (dir) => WalGroupsEngine.open(dir, { segmentBytes: 64 << 10, prepareAhead: false }), { persistent: true });
// One-byte group prefixes: the suite's keys spread over many logs (scans merge, range deletes fan out).
engineConformance('wal-per-group-1b', (dir) => WalGroupsEngine.open(dir, { segmentBytes: 16 << 10, prepareAhead: false, groupKeyBytes: 1 }), { persistent: true });
