import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boolParam, enumParam, intParam, ParamError, parseParams, VALUE_SIZE } from '../../scenarios/params.ts';
import { openOnLayout } from '../../scenarios/family.ts';
import type { Layout, LayoutDef } from '../../engines/layouts/index.ts';
import { UserError } from '../../errors/user-error.ts';

const SCHEMA = { order: enumParam(['interleaved', 'sequential']), clients: intParam(1, 64, 1), fsync: boolParam(true), vs: VALUE_SIZE };

function fails(raw: Record<string, string>, message: string): void {
  assert.throws(() => parseParams('F', SCHEMA, raw), (err: unknown) => {
    assert.ok(err instanceof ParamError && err instanceof UserError, String(err));
    assert.equal(err.message, message);
    return true;
  });
}

test('parseParams types values once and fills defaults; layout is the plan\'s business', () => {
  assert.deepEqual(parseParams('F', SCHEMA, { layout: 'shared', order: 'sequential', vs: '1024' }), { order: 'sequential', clients: 1, fsync: true, vs: 1024 });
  assert.deepEqual(parseParams('F', SCHEMA, { order: 'interleaved', clients: '64', fsync: 'false', vs: '1' }), { order: 'interleaved', clients: 64, fsync: false, vs: 1 });
});

test('a bad value, an unknown key or a missing value is one line naming parameter, value and what is valid', () => {
  fails({ order: 'sideways', vs: '1024' }, 'F: bad parameter order=sideways; valid: interleaved, sequential');
  fails({ order: 'sequential', clients: '0', vs: '1024' }, 'F: bad parameter clients=0; valid: a whole number in 1..64');
  fails({ order: 'sequential', clients: 'many', vs: '1024' }, 'F: bad parameter clients=many; valid: a whole number in 1..64');
  fails({ order: 'sequential', clients: '1.5', vs: '1024' }, 'F: bad parameter clients=1.5; valid: a whole number in 1..64');
  fails({ order: 'sequential', fsync: 'yes', vs: '1024' }, 'F: bad parameter fsync=yes; valid: true, false');
  fails({ order: 'sequential', vs: '' }, 'F: bad parameter vs="" (empty); valid: a whole number of bytes in 1..67108864');
  fails({ order: 'sequential', vs: '1024', oder: 'x' }, 'F has no parameter "oder" (in oder=x); valid: order, clients, fsync, vs');
  fails({ vs: '1024' }, 'F: parameter order has no value and no default; valid: interleaved, sequential');
});

test('openOnLayout closes the layout when the family throws after opening it, once', async () => {
  let closes = 0;
  const def: LayoutDef = {
    name: 'fake', summary: '', separate: false,
    async open() {
      return { name: 'fake', close: async () => void closes++ } as unknown as Layout;
    },
  };
  const ctx = { layout: def, layoutOptions: { dir: '/nonexistent', binding: 'rocksdb', budget: {} } } as never;
  await assert.rejects(openOnLayout(ctx, async () => {
    throw new Error('bad after open');
  }), /bad after open/);
  assert.equal(closes, 1);
  // A build that closed the layout itself (a store closing it) before throwing: still closed once.
  closes = 0;
  await assert.rejects(openOnLayout(ctx, async (layout) => {
    await layout.close();
    throw new Error('again');
  }), /again/);
  assert.equal(closes, 1);
  // Success leaves it open for the instance.
  closes = 0;
  await openOnLayout(ctx, async () => 1);
  assert.equal(closes, 0);
});
