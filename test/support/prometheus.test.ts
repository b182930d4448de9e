// The metrics test's reader of the Prometheus text format: special values in the spellings a
// real exposition uses (prom-client writes an empty event-loop-lag gauge as "Nan"), and lines it must refuse.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePrometheus, seriesValue } from './prometheus.ts';

describe('Prometheus text reader', () => {
  it('reads NaN and Inf in any case, as Prometheus does', () => {
    const families = parsePrometheus(
      ['# TYPE a gauge', 'a Nan', '# TYPE b gauge', 'b NaN', '# TYPE c gauge', 'c +Inf', '# TYPE d gauge', 'd -inf', '# TYPE e gauge', 'e 1.5e3', ''].join('\n'),
    );
    assert.ok(Number.isNaN(seriesValue(families, 'a')));
    assert.ok(Number.isNaN(seriesValue(families, 'b')));
    assert.equal(seriesValue(families, 'c'), Infinity);
    assert.equal(seriesValue(families, 'd'), -Infinity);
    assert.equal(seriesValue(families, 'e'), 1500);
  });

  it('refuses values, names and histograms outside the format', () => {
    assert.throws(() => parsePrometheus('# TYPE a gauge\na abc\n'), /not a sample value/);
    assert.throws(() => parsePrometheus('b 1\n'), /undeclared family/);
    assert.throws(() => parsePrometheus('# TYPE a gauge\na 1'), /end with a newline/);
    const histogram = (inf: number) => `# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} ${inf}\nh_sum 3\nh_count 3\n`;
    assert.doesNotThrow(() => parsePrometheus(histogram(3)));
    assert.throws(() => parsePrometheus(histogram(4)), /differs from _count/);
  });
});
