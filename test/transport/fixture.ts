/** Message helpers shared with the raft codec tests. */
export { assertSameMessage, bytes, sampleMessages } from '../raft/fixture.ts';
