import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { runFuzz } from '../../scripts/fuzz-etf.ts'

describe('ETF decoder fuzzing (small CI run of scripts/fuzz-etf.ts)', () => {
  it('answers 20,000 random and mutated inputs with a term or an EtfError, each within 100 ms', async () => {
    const r = await runFuzz({ count: 20_000, seed: 424242, budgetMs: 100 })
    assert.deepEqual(r.failures, [])
    assert.equal(r.inputs, 20_000)
    const rejected = Object.values(r.rejected).reduce((a, b) => a + b, 0)
    assert.equal(r.decoded + rejected, 20_000)
    assert.ok(r.decoded > 500, `only ${r.decoded} inputs decoded: the mutations are too destructive`)
    for (const code of ['ERR_BEAMISH_ETF_TRUNCATED', 'ERR_BEAMISH_ETF_BAD_TAG', 'ERR_BEAMISH_ETF_INVALID']) {
      assert.ok((r.rejected[code] ?? 0) > 100, `too few ${code}`)
    }
  })
})
