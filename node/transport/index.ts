/**
 * How raft messages travel between nodes. One contract (`Transport`, `Deliver`), two networks:
 * - `LocalNetwork`: in-process, for one-process clusters and deterministic tests (seeded drop,
 *   duplicate, reorder, delays, partitions, crashed nodes).
 * - `TcpTransport`: TCP on 127.0.0.1 by default, for a cluster of separate processes.
 * Both carry every raft group of a node. Message bodies are raft's own codec (`raft/codec.ts`, whose
 * `encodedLength` is the byte count the local network reports); `codec.ts` here frames them on a stream.
 */
export type { Deliver, Transport } from './transport.ts';
export { LocalNetwork, type LocalNetworkOptions, type LocalNetworkStats } from './local-network.ts';
export {
  TcpTransport,
  type PeerAddress,
  type PeerState,
  type TcpTransportOptions,
  type TcpTransportStats,
} from './tcp-transport.ts';
export { CODEC_VERSION, DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_BYTES, FrameDecoder, encodeFrame } from './codec.ts';
