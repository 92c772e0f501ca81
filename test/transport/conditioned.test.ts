import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../../raft/index.ts';
import { conditioned } from '../../node/transport/conditioned.ts';
import type { Transport } from '../../node/transport/transport.ts';

function recorder(): { t: Transport; got: Array<{ m: Message; at: number }> } {
  const got: Array<{ m: Message; at: number }> = [];
  return { got, t: { send: (msgs) => msgs.forEach((m) => got.push({ m, at: performance.now() })), close: async () => {} } };
}

const msg = (type: Message['type'], index = 0): Message => ({ type, group: 1, to: 2, from: 1, term: 1, index }) as Message;

test('rtt: requests are held the whole round trip, in order; responses leave at once', async () => {
  const { t, got } = recorder();
  const c = conditioned(t, { rttMs: 20, loss: 0 }, 1);
  const t0 = performance.now();
  c.send([msg('MsgApp', 1), msg('MsgAppResp'), msg('MsgHeartbeat')]);
  c.send([msg('MsgApp', 2)]);
  assert.deepEqual(got.map((g) => g.m.type), ['MsgAppResp']);
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(got.map((g) => `${g.m.type}${g.m.index || ''}`), ['MsgAppResp', 'MsgApp1', 'MsgHeartbeat', 'MsgApp2']);
  for (const g of got.slice(1)) assert.ok(g.at - t0 >= 19, `${g.m.type} after ${g.at - t0} ms`);
  await c.close();
});

test('loss drops about that share of messages, replayably from the seed; close drops what is held', async () => {
  const run = () => {
    const { t, got } = recorder();
    const c = conditioned(t, { rttMs: 0, loss: 0.3 }, 7);
    for (let i = 0; i < 2000; i++) c.send([msg('MsgAppResp', i)]);
    return got.map((g) => g.m.index);
  };
  const a = run();
  assert.ok(a.length > 1200 && a.length < 1600, `${a.length} of 2000 delivered`);
  assert.deepEqual(run(), a);
  const { t, got } = recorder();
  const c = conditioned(t, { rttMs: 10, loss: 0 }, 1);
  c.send([msg('MsgApp')]);
  await c.close();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(got.length, 0);
});
