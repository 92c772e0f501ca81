import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSize, parseSize, parseSizes } from '../../analysis/sizes.ts';
import { UserError } from '../../errors/user-error.ts';

test('parseSizes: k and m are binary, plain bytes, KiB/MiB forms, order kept, duplicates dropped', () => {
  assert.deepEqual(parseSizes(['1k', '4k', '16k', '64k', '256k', '1m']), [1024, 4096, 16384, 65536, 262144, 1048576]);
  assert.deepEqual(parseSizes(['100', '4K', '4096', '2MiB', '8kb', '512B', ' 3k ']), [100, 4096, 2097152, 8192, 512, 3072]);
  assert.equal(parseSize('64m'), 64 * 1024 * 1024);
});

test('parseSizes: a bad size is one UserError line naming the value and the valid form', () => {
  for (const bad of ['abc', '0', '-4k', '1.5k', '4g', '65m', 'k', '4 kk', '']) {
    assert.throws(
      () => parseSizes(['1k', bad], 'calibrate'),
      (e: unknown) => {
        assert.ok(e instanceof UserError);
        assert.ok(!e.message.includes('\n'));
        assert.ok(e.message.startsWith(`calibrate: --sizes "${bad}" is not a size`), e.message);
        assert.match(e.message, /1k,4k,16k,64k,256k,1m/);
        return true;
      },
    );
  }
  assert.throws(() => parseSizes([]), /--sizes is empty/);
});

test('formatSize: KiB and MiB when whole, bytes otherwise; parses back', () => {
  assert.equal(formatSize(1024), '1KiB');
  assert.equal(formatSize(16384), '16KiB');
  assert.equal(formatSize(1048576), '1MiB');
  assert.equal(formatSize(1536 * 1024), '1536KiB');
  assert.equal(formatSize(1000), '1000B');
  assert.equal(formatSize(1), '1B');
  for (const n of [1, 1000, 1024, 3072, 1048576, 1536 * 1024]) assert.equal(parseSize(formatSize(n)), n);
});
